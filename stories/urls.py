from django.urls import path

from . import views

app_name = "stories"
urlpatterns = [
    path("campaigns/<slug:campaign_slug>/stories/<slug:slug>/", views.story_detail, name="story"),
    path("campaigns/<slug:campaign_slug>/resources/<slug:slug>/", views.report_detail, name="report"),
]
