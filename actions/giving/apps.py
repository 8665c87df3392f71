from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GivingConfig(AppConfig):
    """Donate or join: membership applications, donations and pledges."""

    name = "actions.giving"
    label = "giving"
    verbose_name = _("Donate or join")

    def ready(self):
        from . import signals  # noqa: F401 - staff edits to giving options refresh the cached pages
