from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("share/", views.share, name="share"),
]
