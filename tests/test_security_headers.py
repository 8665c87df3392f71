"""Every response carries the security headers a campaign site needs."""

import pytest

from tests.factories import KOSOVO_PATH

pytestmark = pytest.mark.usefixtures("seeded")

URLS = ["/en/", f"/ar{KOSOVO_PATH}", "/en/nope/", "/admin/login/", "/sitemap.xml", "/static/css/site.css"]


@pytest.mark.parametrize("url", URLS)
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "http" not in csp, "no third-party origin is allowed"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_pages_load_nothing_from_another_origin(client):
    import re

    html = client.get(f"/en{KOSOVO_PATH}").content.decode()
    for tag in re.findall(r"<(?:script|link|img|iframe|source)[^>]*>", html):
        for url in re.findall(r'(?:src|href|srcset)="([^"]+)"', tag):
            if 'rel="alternate"' in tag or 'rel="canonical"' in tag:
                assert url.startswith("https://campaign.example.org/"), "canonical and hreflang links are SITE_URL's"
                continue  # they name our own pages, never loaded
            assert url.startswith("/"), tag
    assert "<script" not in html, "content pages need no JavaScript"


def test_hsts_on_https_responses(client, settings):
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/en/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
