"""Settings for a public deployment behind HTTPS.

Missing configuration stops the site from starting rather than letting it run
with a guessable key or an open host list.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403 - settings modules extend their base by design
from .base import env_bool, site_url


def required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value


SECRET_KEY = required("SECRET_KEY")
SITE_URL = site_url(required("SITE_URL"))
# Without it the worker would quietly write production mail to files under var/mail/.
EMAIL_HOST = required("EMAIL_HOST")
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must start with https:// in production.")
ALLOWED_HOSTS = [host.strip() for host in required("ALLOWED_HOSTS").split(",") if host.strip()]

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The CDN or load balancer terminates TLS and says so in this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# Staff sign in with a second factor (and, as everywhere, are locked out
# after repeated failures).
STAFF_REQUIRE_OTP = True
