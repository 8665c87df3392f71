"""Middleware of the site's own: headers Django does not set, and two of
Django's middleware taught what the page cache knows."""

from functools import wraps

from django.conf import settings
from django.middleware import gzip, locale
from django.utils.cache import patch_vary_headers

from .caching import preferred_encoding

# Everything the site loads comes from its own origin: no CDN, font, analytics
# or social script. No inline script or style is allowed either.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Whatever did not say it is public is for this visitor alone.
        response.headers.setdefault("Cache-Control", "private")
        if settings.ONION_URL and response.get("Content-Type", "").startswith("text/html"):
            response.headers["Onion-Location"] = settings.ONION_URL + request.get_full_path()
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # Static files answered by WhiteNoise skip Django's clickjacking middleware.
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


def language_neutral(view):
    """Mark a view outside the language prefixes whose answer is the same in every language.

    LocaleMiddleware otherwise adds `Vary: Accept-Language` to everything
    outside /en/, /ar/…, which makes CDNs keep one copy per browser language.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.language_neutral = True
        return response

    return wrapped


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, without `Vary: Accept-Language` on language-neutral answers."""

    def process_response(self, request, response):
        vary_before = response.get("Vary")
        response = super().process_response(request, response)
        if getattr(response, "language_neutral", False):
            if vary_before is None:
                del response.headers["Vary"]
            else:
                response.headers["Vary"] = vary_before
        return response


class GZipMiddleware(gzip.GZipMiddleware):
    """Django's, asking the page cache's question: does the client accept gzip, by its q-values?

    Django's own test is a regular expression that finds "gzip" even in
    "gzip;q=0", which means "never gzip".
    """

    def process_response(self, request, response):
        if response.has_header("Content-Encoding") or preferred_encoding(request, available=("gzip",)) == "gzip":
            return super().process_response(request, response)
        if response.streaming or len(response.content) >= 200:
            patch_vary_headers(response, ("Accept-Encoding",))
        return response
