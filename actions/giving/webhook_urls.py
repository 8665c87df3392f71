"""The payment provider's webhook, outside the language prefixes (campaign/urls.py includes it under stripe/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("webhook/", views.stripe_webhook, name="stripe_webhook"),
]
