"""Fast settings for the test suite; DATABASE_URL and REDIS_URL still apply."""

from .base import *  # noqa: F403 - settings modules extend their base by design

SECRET_KEY = "test-only-not-secret"  # noqa: S105 - never used outside tests
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    # Tests render templates without running collectstatic first.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests that check the lock-out switch it back on.
AXES_ENABLED = False
# Nothing is collected for tests: WhiteNoise serves straight from the finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
