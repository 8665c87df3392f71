"""The site's URLs plus a few public views that misbehave, for tests/test_page_cache.py.

Each view is marked `@public_page`, as a future view might be by mistake, and
does one thing that makes its page depend on the visitor.
"""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import patch_vary_headers

from campaign.caching import live_fragment, public_page
from campaign.urls import urlpatterns as site_urlpatterns

calls = {"count": 0}
live_values = {"signatures": 1234}


def counted(view):
    def wrapped(request, *args, **kwargs):
        calls["count"] += 1
        return view(request, *args, **kwargs)

    return wrapped


@public_page
@counted
def reads_session(request):
    return HttpResponse(f"seen before: {request.session.get('seen', False)}")


@public_page
@counted
def reads_user(request):
    return HttpResponse(f"hello {request.user}")


@public_page
@counted
def sets_cookie(request):
    response = HttpResponse("a cookie")
    response.set_cookie("tracker", "1")
    return response


@public_page
@counted
def varies_on_cookie(request):
    response = HttpResponse("depends on the cookie")
    patch_vary_headers(response, ["Cookie"])
    return response


@public_page
@counted
def well_behaved(request):
    return HttpResponse("the same for everyone " + "x" * 500)


@live_fragment("test-signatures")
def render_signatures(argument):
    return f"{live_values['signatures']:,} ({argument})"


LIVE_TEMPLATE = engines["django"].from_string(
    "{% load campaign_tags %}<!doctype html><title>t</title><p>Signatures: {% live 'test-signatures' 'kosovo' %}</p>" + "<p>filler</p>" * 100
)


@public_page
@counted
def with_live_count(request):
    return TemplateResponse(request, LIVE_TEMPLATE)


def with_live_count_privately(request):
    return TemplateResponse(request, LIVE_TEMPLATE)


urlpatterns = [
    *site_urlpatterns,
    *i18n_patterns(
        path("test/reads-session/", reads_session),
        path("test/reads-user/", reads_user),
        path("test/sets-cookie/", sets_cookie),
        path("test/varies-on-cookie/", varies_on_cookie),
        path("test/well-behaved/", well_behaved),
        path("test/live/", with_live_count),
        path("test/live-private/", with_live_count_privately),
    ),
]
