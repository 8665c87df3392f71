"""Error pages speak the visitor's language, look like the site, and stay safe when things break."""

import io
import re

import pytest
from django.core.exceptions import DisallowedHost, PermissionDenied
from django.test import Client, RequestFactory
from django.urls import get_resolver
from PIL import Image as PILImage

from campaign import errors

pytestmark = pytest.mark.django_db


def cache_control(response):
    return {directive.strip() for directive in response["Cache-Control"].split(",")}


def html_tag(response):
    return re.search(r"<html[^>]*>", response.content.decode()).group()


def test_the_url_conf_uses_the_branded_handlers():
    resolver = get_resolver()
    assert resolver.resolve_error_handler(400) is errors.bad_request
    assert resolver.resolve_error_handler(403) is errors.permission_denied
    assert resolver.resolve_error_handler(404) is errors.page_not_found
    assert resolver.resolve_error_handler(500) is errors.server_error


def test_csrf_failure_is_branded_in_the_urls_language():
    response = Client(enforce_csrf_checks=True).post("/fr/", {"anything": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert html_tag(response) == '<html lang="fr" dir="ltr">'
    assert "Ce formulaire n’a pas pu être envoyé" in html
    assert "depuis un autre site" in html
    assert 'class="site-header"' in html, "branded with the site's own layout"
    assert "DEBUG" not in html
    assert cache_control(response) == {"private", "no-store"}


@pytest.mark.parametrize(
    "accept_language, lang_attributes, heading",
    [
        ("", 'lang="en" dir="ltr"', "This form could not be sent"),
        ("ar", 'lang="ar" dir="rtl"', "تعذّر إرسال هذا النموذج"),
    ],
)
def test_csrf_failure_on_the_admin_login_is_branded_and_never_mentions_debug(accept_language, lang_attributes, heading):
    # /admin/ has no language prefix: the page speaks the language Django negotiated.
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "someone", "password": "x"}, **headers)
    assert response.status_code == 403
    html = response.content.decode()
    assert html_tag(response) == f"<html {lang_attributes}>"
    assert heading in html
    assert "DEBUG" not in html
    assert "CSRF verification failed" not in html, "Django's own page"
    assert cache_control(response) == {"private", "no-store"}


@pytest.mark.parametrize(
    "language, lang_attributes, heading",
    [
        ("en", 'lang="en" dir="ltr"', "Sorry, we could not understand this request."),
        ("ar", 'lang="ar" dir="rtl"', "عذراً، لم نتمكّن من فهم هذا الطلب."),
    ],
)
def test_a_disallowed_host_gets_the_branded_400_without_the_database(client, django_assert_num_queries, language, lang_attributes, heading):
    with django_assert_num_queries(0):
        response = client.get(f"/{language}/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bad Request (400)" not in html
    assert html_tag(response) == f"<html {lang_attributes}>"
    assert heading in html
    assert 'href="/static/css/site.css"' in html
    assert cache_control(response) == {"private", "no-store"}


def test_the_400_view_never_asks_for_the_host(django_assert_num_queries):
    # Asking a request with a forbidden Host for its host raises DisallowedHost again.
    request = RequestFactory().get("/es/", HTTP_HOST="evil.example")
    with django_assert_num_queries(0):
        response = errors.bad_request(request, DisallowedHost("evil.example"))
    assert response.status_code == 400
    assert "Lo sentimos, no hemos podido entender esta solicitud." in response.content.decode()


def test_unknown_french_page_is_the_french_404_kept_briefly(client):
    response = client.get("/fr/pas-de-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert html_tag(response) == '<html lang="fr" dir="ltr">'
    assert "Page introuvable" in html
    assert cache_control(response) == {"public", "max-age=60"}
    assert response["Content-Language"] == "fr"


def test_arabic_404_is_right_to_left(client):
    response = client.get("/ar/no-such-page/")
    assert response.status_code == 404
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    assert "الصفحة غير موجودة" in response.content.decode()


@pytest.mark.parametrize(
    "language, lang_attributes, heading",
    [
        ("es", 'lang="es" dir="ltr"', "Lo sentimos, algo ha fallado por nuestra parte."),
        ("ar", 'lang="ar" dir="rtl"', "عذراً، حدث خطأ من جهتنا."),
    ],
)
def test_server_error_renders_in_the_urls_language_without_the_database(django_assert_num_queries, language, lang_attributes, heading):
    request = RequestFactory().get(f"/{language}/campaigns/")
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert html_tag(response) == f"<html {lang_attributes}>"
    assert heading in html
    assert f'href="/{language}/"' in html, "a way back home in the same language"
    assert 'href="/static/css/site.css"' in html
    assert cache_control(response) == {"private", "no-store"}


def test_server_error_without_a_language_in_the_url_uses_the_default(django_assert_num_queries, settings):
    request = RequestFactory().get("/robots.txt")
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert html_tag(response) == f'<html lang="{settings.LANGUAGE_CODE}" dir="ltr">'


def test_permission_denied_is_branded_in_the_urls_language():
    response = errors.permission_denied(RequestFactory().get("/fr/quelque-part/"), PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert html_tag(response) == '<html lang="fr" dir="ltr">'
    assert "Accès refusé" in html
    assert 'href="/fr/"' in html
    assert cache_control(response) == {"private", "no-store"}


def test_favicon_ico_is_served_from_the_site_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    icon = PILImage.open(io.BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32)} <= icon.info["sizes"]
