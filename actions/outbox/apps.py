from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Outgoing email for every supporter flow: stored with the action, delivered by a worker."""

    name = "actions.outbox"
    label = "outbox"
    verbose_name = _("Outgoing email")
