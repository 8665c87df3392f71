from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    """Take action: appeals that supporters sign, with live counts, delivered to the authorities."""

    name = "actions.petitions"
    label = "petitions"
    verbose_name = _("Take action")

    def ready(self):
        from . import live  # noqa: F401 - registers the live count fragments
