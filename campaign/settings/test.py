"""Fast settings for the test suite; DATABASE_URL and REDIS_URL still apply."""

import os
import tempfile

from .base import *  # noqa: F403 - settings modules extend their base by design

# Absolute links come from here, never from the request: tests send other
# hosts and schemes and check that pages do not change.
SITE_URL = "https://campaign.example.org"
ALLOWED_HOSTS = ["campaign.example.org", "testserver", "127.0.0.1", "localhost"]
if not os.environ.get("REDIS_URL"):
    # The same shared disk cache as `make run`, in a directory of this run's own.
    CACHES["default"]["LOCATION"] = tempfile.mkdtemp(prefix="svaw-test-cache-")  # noqa: F405

SECRET_KEY = "test-only-not-secret"  # noqa: S105 - never used outside tests
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    # Tests render templates without running collectstatic first.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "mail_attachments": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tempfile.mkdtemp(prefix="svaw-test-attachments-")}},
}
# Tests that check the lock-out switch it back on.
AXES_ENABLED = False
# Nothing is collected for tests: WhiteNoise serves straight from the finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Mail goes to Django's locmem outbox (mail.outbox); tests that deliver over
# SMTP point EMAIL_BACKEND, EMAIL_HOST and EMAIL_PORT at their own server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_FILE_PATH = tempfile.mkdtemp(prefix="svaw-test-mail-")
