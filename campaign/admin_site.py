"""The staff admin: a second factor and lock-out where settings ask for them."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm


class CampaignAdminSite(AdminSite):
    site_header = _("Amnesty International campaigns")
    site_title = _("Campaign administration")
    index_title = _("Campaign content")

    # Read at request time, not import time, so one code path serves every environment.
    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.STAFF_REQUIRE_OTP else None

    @property
    def login_template(self):
        return "otp/admin111/login.html" if settings.STAFF_REQUIRE_OTP else None

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.STAFF_REQUIRE_OTP or request.user.is_verified()
