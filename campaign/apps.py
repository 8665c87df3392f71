from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    default = True
    name = "campaign"
    verbose_name = _("Campaigns")

    def ready(self):
        from . import signals  # noqa: F401 - connects the cache invalidation handlers


class CampaignAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "campaign.admin_site.CampaignAdminSite"
