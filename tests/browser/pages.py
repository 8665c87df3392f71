"""Every public page of the site, as the accessibility and HTML checks visit them."""

from django.core.exceptions import DisallowedHost, PermissionDenied
from django.test import RequestFactory

from campaign import errors
from tests.factories import CAMPAIGN_SLUG, KOSOVO_PATH, LANGUAGES, REPORT_PATH

SECTION_SLUGS = ("act-now", "issues", "stories", "latest", "resources", "go-global", "donate-or-join", "postcards")

# name -> (path after the language prefix, expected status); "{lang}" is filled in.
PAGES = {
    "home": ("/", 200),
    "campaigns": ("/campaigns/", 200),
    "campaign": (f"/campaigns/{CAMPAIGN_SLUG}/", 200),
    **{f"section-{slug}": (f"/campaigns/{CAMPAIGN_SLUG}/{slug}/", 200) for slug in SECTION_SLUGS},
    "story": (KOSOVO_PATH, 200),
    "report": (REPORT_PATH, 200),
    "share": ("/share/?page=/{lang}/", 200),
    "not-found": ("/no-such-page/", 404),
}


def url(language, name):
    path, _status = PAGES[name]
    return f"/{language}" + path.format(lang=language)


def every_page():
    """(language, name, url, expected status) for each page in each language."""
    return [(language, name, url(language, name), status) for language in LANGUAGES for name, (_path, status) in PAGES.items()]


# Error pages that no address of the test server shows on demand (a forbidden
# Host, a failed CSRF check, a crash), rendered by the views Django calls.
ERROR_LANGUAGES = ("en", "ar")
ERROR_VIEWS = {
    "bad-request": lambda request: errors.bad_request(request, DisallowedHost("evil.example")),
    "forbidden": lambda request: errors.permission_denied(request, PermissionDenied()),
    "csrf-failure": lambda request: errors.csrf_failure(request),
    "server-error": errors.server_error,
}


def error_pages():
    """(language, name, HTML) for each error page in each of ERROR_LANGUAGES."""
    factory = RequestFactory()
    return [
        (language, name, view(factory.get(f"/{language}/")).content.decode())
        for language in ERROR_LANGUAGES
        for name, view in ERROR_VIEWS.items()
    ]
