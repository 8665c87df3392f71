from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    """Send this page to a friend: by the site's own mail, or by the visitor's own programs."""

    name = "actions.sharing"
    label = "sharing"
    verbose_name = _("Shared pages")
