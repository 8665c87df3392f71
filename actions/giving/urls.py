from django.urls import path

from . import views

app_name = "giving"
urlpatterns = [
    path("give/", views.landing, name="landing"),
    path("give/join/", views.join, name="join"),
    path("give/join/thanks/", views.join_thanks, name="join_thanks"),
    path("give/join/confirm/<str:token>/", views.confirm, name="confirm"),
    path("give/join/cancel/<str:token>/", views.cancel, name="cancel"),
    path("give/join/cancelled/", views.cancelled, name="cancelled"),
    path("give/donate/", views.donate, name="donate"),
    path("give/donate/<uuid:reference>/", views.checkout, name="checkout"),
    path("give/donate/<uuid:reference>/thanks/", views.thanks, name="thanks"),
]
