from django.urls import path, register_converter

from . import views
from .models import TOKEN_PATTERN


class TokenConverter:
    """A card's token as new_token() writes it; anything else is a 404 before the database is asked."""

    regex = TOKEN_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TokenConverter, "postcard_token")

app_name = "postcards"
urlpatterns = [
    path("", views.send, name="send"),
    path("sent/", views.sent, name="sent"),
    path("scheduled/", views.scheduled, name="scheduled"),
    path("deleted/", views.deleted, name="deleted"),
    path("card/<postcard_token:token>/", views.card, name="card"),
    path("card/<postcard_token:token>/image.png", views.card_image, name="card_image"),
    path("card/<postcard_token:token>/delete/", views.delete, name="delete"),
]
