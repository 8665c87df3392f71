from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("share/", views.share, name="share"),
    path("share/sent/", views.sent, name="sent"),
]
