"""The staff admin: sign-in throttles, a second factor and lock-out where settings ask for them."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm
from django_ratelimit.core import is_ratelimited

THROTTLED_ERROR_CODE = "throttled"


def sign_in_is_throttled(request, username):
    """Count this sign-in attempt and say whether it is one too many.

    django-axes locks a username at one address. These throttles catch what
    that lock misses: one address trying many usernames, and many addresses
    trying one username. Both count in the shared cache, so they hold across
    processes, and both count every attempt, so a throttled address still
    adds to the username's count and the other way round.
    """
    # One key however the username is cased or padded, so "Editor " and
    # "editor" share a count (the form has already NFKC-normalised it).
    username_key = username.strip().casefold()
    throttles = [
        # "ip" is django-ratelimit's key for campaign.client_ip.client_ip (RATELIMIT_IP_META_KEY).
        ("staff-sign-in:ip", "ip", settings.STAFF_LOGIN_RATE_PER_IP),
        ("staff-sign-in:username", lambda _group, _request: username_key, settings.STAFF_LOGIN_RATE_PER_USERNAME),
    ]
    # A list, not a generator, so that every throttle counts the attempt.
    return any([is_ratelimited(request, group=group, key=key, rate=rate, increment=True) for group, key, rate in throttles])


class SignInThrottleMixin:
    """Refuses a throttled attempt before the password (or code) is checked.

    Refusing it here, in the form, rather than in front of the view keeps the
    sign-in page as it is (username filled in, message where sign-in errors
    go), and keeps a throttled guess away from django-axes' failure count.
    """

    def clean(self):
        if sign_in_is_throttled(self.request, self.cleaned_data.get("username") or ""):
            raise ValidationError(_("Too many sign-in attempts. Please wait a while, then try again."), code=THROTTLED_ERROR_CODE)
        return super().clean()


class ThrottledAdminAuthenticationForm(SignInThrottleMixin, AdminAuthenticationForm):
    pass


class ThrottledOTPAdminAuthenticationForm(SignInThrottleMixin, OTPAdminAuthenticationForm):
    pass


class CampaignAdminSite(AdminSite):
    site_header = _("Amnesty International campaigns")
    site_title = _("Campaign administration")
    index_title = _("Campaign content")

    # Read at request time, not import time, so one code path serves every environment.
    @property
    def login_form(self):
        return ThrottledOTPAdminAuthenticationForm if settings.STAFF_REQUIRE_OTP else ThrottledAdminAuthenticationForm

    @property
    def login_template(self):
        return "otp/admin111/login.html" if settings.STAFF_REQUIRE_OTP else None

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        # The page is the usual sign-in page with the form's message; the
        # status tells scripts and monitoring that it was a throttle.
        form = (getattr(response, "context_data", None) or {}).get("form")
        if form is not None and form.has_error(NON_FIELD_ERRORS, code=THROTTLED_ERROR_CODE):
            response.status_code = 429
        return response

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.STAFF_REQUIRE_OTP or request.user.is_verified()
