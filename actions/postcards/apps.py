from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostcardsConfig(AppConfig):
    """Virtual postcards: a supporter sends a campaign card, with a message, to someone they know."""

    name = "actions.postcards"
    label = "postcards"
    verbose_name = _("Virtual postcards")

    def ready(self):
        from . import signals  # noqa: F401 - a design edit refreshes the cached form page
