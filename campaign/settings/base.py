"""Settings shared by every environment.

Configuration comes from the environment (see `.env.example` and the README).
`local.py`, `production.py` and `test.py` refine these for their use.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Everything the site writes at run time (database, media, generated key,
# collected static files) lives under var/, which git ignores.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def site_url(value):
    """The site's canonical origin, such as https://campaign.example.org.

    Every absolute link (hreflang, canonical, sitemap, share and email links)
    is built from it, never from the request's Host or scheme, so a forged
    header cannot end up in a cached page.
    """
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path.strip("/") or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"SITE_URL must be an origin such as https://campaign.example.org, not {value!r}.")
    return f"{parts.scheme}://{parts.netloc}"


DEBUG = False
SITE_URL = site_url(os.environ.get("SITE_URL", "http://127.0.0.1:8000"))
# An optional .onion address of the same site, announced to Tor Browser by an
# Onion-Location header on every page.
ONION_URL = site_url(os.environ["ONION_URL"]) if os.environ.get("ONION_URL") else ""
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "campaign.errors.csrf_failure"

INSTALLED_APPS = [
    # modeltranslation must come before the admin so it can patch it.
    "modeltranslation",
    "campaign.apps.CampaignAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_ratelimit",
    "post_office",
    "campaign",
    "stories",
    "actions.outbox",
    "actions.giving",
    "actions.sharing",
    "actions.postcards",
    "actions.petitions",
    "django_countries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "campaign.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed for slow links; WhiteNoise already serves static files compressed.
    "campaign.middleware.GZipMiddleware",
    # Cached public pages are answered here, before sessions, language and URL resolution.
    "campaign.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "campaign.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "campaign.urls"
WSGI_APPLICATION = "campaign.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campaign.context_processors.site",
            ],
        },
    },
]

# SQLite under var/ by default, so `make run` needs nothing else.
# WAL lets readers carry on while a writer commits; IMMEDIATE takes the write
# lock at BEGIN so concurrent writers queue instead of failing mid-transaction.
SQLITE_PATH = VAR_DIR / "db.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every process: the page cache, its content generation
# and the rate limits must agree across web workers and the mail worker, or an
# edit shows on some requests and not others. Redis at scale (several nodes);
# otherwise DiskCache, a SQLite-backed store under var/ that all processes of
# `make run` share, with atomic increments. See the README for the choice.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "campaign.cache_backends.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "svaw"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "campaign.cache_backends.SharedDiskCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "SHARDS": 4,
            # Seconds a writer waits for SQLite's lock before retrying; readers never wait (WAL).
            "DATABASE_TIMEOUT": 0.25,
            "OPTIONS": {"size_limit": 256 * 1024 * 1024},
        }
    }
# django-ratelimit counts in the shared cache, so limits hold across processes.
RATELIMIT_USE_CACHE = "default"
SILENCED_SYSTEM_CHECKS = [
    # "not officially supported": both of our backends increment atomically
    # (Redis INCRBY; DiskCache in one SQLite transaction), which is what
    # django-ratelimit needs; tests/test_shared_cache.py proves it.
    "django_ratelimit.W001",
]

# How long a CDN and browsers may keep a public content page, in seconds.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))

# Staff sign-in: django-axes locks an account or address out after repeated
# failures; production also asks for a one-time code (django-otp, TOTP).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
STAFF_REQUIRE_OTP = env_bool("STAFF_REQUIRE_OTP", False)
# The lock is on username and address together, so someone who knows a staff
# username cannot lock that person out from elsewhere.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "campaign.client_ip.client_ip"
OTP_TOTP_ISSUER = "Amnesty International campaigns"
# What that lock misses, throttled in the shared cache (django-ratelimit),
# counting every POST to the sign-in form: one address trying many usernames,
# and many addresses trying one username. The second window is short, so an
# attacker cannot keep a real staff member out for long.
STAFF_LOGIN_RATE_PER_IP = "20/h"
STAFF_LOGIN_RATE_PER_USERNAME = "10/15m"
# The client's address, for both of the above. Behind proxies REMOTE_ADDR is
# the nearest proxy; TRUSTED_PROXY_COUNT says how many proxies append to
# CLIENT_IP_HEADER, and only that many entries from its right are believed.
# 0 (the default) ignores the header, which any client can forge.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front of the site.")
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "X-Forwarded-For").strip()
RATELIMIT_IP_META_KEY = "campaign.client_ip.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ar", "العربية"),
    ("fr", "Français"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# django-modeltranslation: an empty translation falls back to English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Email attachments (a postcard's picture, with its message and names) wait
    # here, outside MEDIA_ROOT, so /media/ never serves them.
    "mail_attachments": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "mail-attachments", "base_url": None}},
}
# Hashed file names never change, so they may be cached for a year.
WHITENOISE_MAX_AGE = 31536000
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# Uploads: keep them small enough that a forged image cannot exhaust memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
REPORT_FILE_MAX_BYTES = int(os.environ.get("REPORT_FILE_MAX_BYTES", str(50 * 1024 * 1024)))
IMAGE_MAX_BYTES = 15 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000

# What visitors may ask the site to mail to others (send to a friend,
# postcards), counted in the shared cache: actions/outbox/limits.py.
VISITOR_MAIL_LIMITS = {
    "ip": os.environ.get("MAIL_LIMIT_PER_IP", "20/h"),
    "sender": os.environ.get("MAIL_LIMIT_PER_SENDER", "20/d"),
    "recipient": os.environ.get("MAIL_LIMIT_PER_RECIPIENT", "3/30d"),
    "site": os.environ.get("MAIL_LIMIT_SITE_WIDE", "1000/h"),
}

# Take action (actions/petitions). How old the public count may be, in seconds.
SIGNATURE_COUNT_SECONDS = int(os.environ.get("SIGNATURE_COUNT_SECONDS", "3"))
# More signatures than this from one address are kept and counted, but flagged for review.
SIGNATURES_PER_IP_BEFORE_REVIEW = os.environ.get("SIGNATURES_PER_IP_BEFORE_REVIEW", "10/h")
CONFIRMATION_LINK_DAYS = 30
SUPPORTER_LINK_DAYS = 7
# Signatures are anonymised this many months after their action closes.
SIGNATURE_RETENTION_MONTHS = int(os.environ.get("SIGNATURE_RETENTION_MONTHS", "6"))
# IP addresses kept for abuse control are deleted after this many days.
SIGNATURE_IP_RETENTION_DAYS = 7

# Virtual postcards (actions/postcards). A card, and the personal data in it,
# is deleted this many days after it was delivered (manage.py delete_old_postcards).
POSTCARD_RETENTION_DAYS = int(os.environ.get("POSTCARD_RETENTION_DAYS", "90"))
if POSTCARD_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("POSTCARD_RETENTION_DAYS must be a number of days, 0 or more.")
# Designs that staff upload: smaller than other images, since every card is drawn from one.
POSTCARD_DESIGN_MAX_BYTES = 5 * 1024 * 1024
POSTCARD_DESIGN_MAX_PIXELS = 12_000_000

# Donate or join (actions/giving). Card payments go through Stripe Checkout when
# STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set; without them (as under
# `make run`) the donate form records a pledge and shows the ways to give that
# staff configure. The publishable key is read for completeness: the site loads
# no script of Stripe's, so its pages keep their Content-Security-Policy.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "").strip()
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "").strip()
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "").strip()
if bool(STRIPE_SECRET_KEY) != bool(STRIPE_WEBHOOK_SECRET):
    # Half a configuration would take payments and never learn that they succeeded.
    raise ImproperlyConfigured("Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET together, or neither (donations are then pledges).")
# The currency a donation form starts in, by page language ("en:GBP,fr:EUR,…");
# the visitor may choose another. An inactive or unknown one falls back to the first offered.
GIVING_DEFAULT_CURRENCIES = dict(
    item.split(":", 1) for item in env_list("GIVING_DEFAULT_CURRENCIES", "en:GBP,fr:EUR,es:EUR,ar:USD")
)
# How each language writes amounts and dates (Babel locales).
GIVING_LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES", "ar": "ar"}
# Card-testing defence: checkouts and pledges started per client address and per
# email address; join applications likewise (each one sends an email).
GIVING_RATE_PER_IP = os.environ.get("GIVING_RATE_PER_IP", "10/h")
GIVING_RATE_PER_EMAIL = os.environ.get("GIVING_RATE_PER_EMAIL", "5/h")
JOIN_RATE_PER_IP = os.environ.get("JOIN_RATE_PER_IP", "10/h")
JOIN_RATE_PER_EMAIL = os.environ.get("JOIN_RATE_PER_EMAIL", "3/h")
# How long the link in a membership confirmation email works, in days.
MEMBERSHIP_CONFIRMATION_DAYS = 14

# Forms: crispy-forms with the site's own accessible pack (templates/campaign_forms/).
CRISPY_TEMPLATE_PACK = "campaign_forms"
CRISPY_ALLOWED_TEMPLATE_PACKS = ["campaign_forms"]

# Email: no message is sent inside a web request. queue_email (actions/outbox/)
# stores it with the action that caused it; the worker, `manage.py deliver_mail`
# (started by `make run`), delivers it: through the SMTP server EMAIL_HOST if it
# is set, otherwise as one .eml file per message under var/mail/.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "actions.outbox.backends.EmlFileBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = 20
# post_office's Email table is the queue. Its worker sends through our backend,
# which wraps EMAIL_BACKEND and tells temporary failures from permanent ones;
# actions/outbox/delivery.py retries the first after 1, 2, 4… minutes (at most
# 4 hours apart), fails the second at once, and forgets sent mail.
POST_OFFICE = {
    "BACKENDS": {"default": "actions.outbox.backends.DeliveryBackend"},
    "DEFAULT_PRIORITY": "medium",
    # Attempts after the first: 12 is about 20 hours of back-off.
    "MAX_RETRIES": int(os.environ.get("MAIL_MAX_RETRIES", "12")),
    # Small batches: a stopping worker finishes quickly, a killed one resends little.
    "BATCH_SIZE": 20,
    # One Log row per attempt: the worker reads temporary and permanent failures from it.
    "LOG_LEVEL": 2,
    "FILE_STORAGE": "mail_attachments",
}
MAIL_WORKER_INTERVAL = float(os.environ.get("MAIL_WORKER_INTERVAL", "2"))
MAIL_RETRY_FIRST_SECONDS = 60
MAIL_RETRY_MAX_SECONDS = 4 * 60 * 60
MAIL_FAILED_RETENTION_DAYS = int(os.environ.get("MAIL_FAILED_RETENTION_DAYS", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Amnesty International <campaigns@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers that apply everywhere (production.py adds HTTPS-only ones).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# Staff sessions expire after a working day, and when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # post_office adds a handler of its own; without this its lines appear twice.
    "loggers": {"post_office": {"handlers": ["console"], "propagate": False}},
}
