"""Error pages in the visitor's language, branded like the rest of the site.

Django's own pages are English only: "Bad Request (400)", and a CSRF page
that talks about DEBUG. These speak the language of the address (/ar/... is
Arabic, right to left), or else the language Django negotiated.

The 400 and 500 pages are rendered without the request: no context processor
runs, so they never query the database (a 500 may be a database outage) nor
call request.get_host() (a 400 is often a DisallowedHost, and asking for the
host again would only raise it again).
"""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_cache_control

# A CDN may keep a 404 briefly, so a flood of junk addresses does not reach
# Django, yet a page published a moment later is not hidden for long.
NOT_FOUND_MAX_AGE = 60


def error_language(request):
    """The language of the URL, else the language Django activated, else the default."""
    return translation.get_language_from_path(request.path_info) or translation.get_language() or settings.LANGUAGE_CODE


def render_branded(request, template_name, status):
    """A page that extends base.html: site header, navigation and footer."""
    language = error_language(request)
    # Rendered now, inside override(): a lazy TemplateResponse would render in
    # whatever language is active later, and {% url %} would prefix another one.
    with translation.override(language):
        response = render(request, template_name, status=status)
    response.headers["Content-Language"] = language
    return response


def render_standalone(request, template_name, status):
    """A page that needs nothing but the template and the static file names."""
    language = error_language(request)
    with translation.override(language):
        content = loader.render_to_string(template_name)
    response = HttpResponse(content, status=status)
    response.headers["Content-Language"] = language
    return private(response)


def private(response):
    # Errors about one visitor's request must not be kept by a CDN or shown to the next visitor.
    patch_cache_control(response, private=True, no_store=True)
    return response


def bad_request(request, exception):
    return render_standalone(request, "400.html", status=400)


def permission_denied(request, exception):
    return private(render_branded(request, "403.html", status=403))


def page_not_found(request, exception):
    response = render_branded(request, "404.html", status=404)
    patch_cache_control(response, public=True, max_age=NOT_FOUND_MAX_AGE)
    return response


def server_error(request):
    return render_standalone(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form came from another site, or its page was open too long.

    `reason` is for developers; it is logged by Django and never shown.
    """
    return private(render_branded(request, "403_csrf.html", status=403))
