"""No link on any public page leads to a missing page."""

import re
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.factories import LANGUAGES

pytestmark = pytest.mark.usefixtures("seeded")

HREF = re.compile(r'(?:href|src)="([^"]+)"')


@pytest.mark.parametrize("language", LANGUAGES)
def test_crawl_from_home_finds_no_broken_link(client, language):
    start = f"/{language}/"
    seen, queue = set(), [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href or href.startswith("mailto:"):
                continue  # external links and mail links are not ours to serve
            if href.startswith("/static/"):
                continue  # checked by test_static_files_exist
            if href.startswith(f"/{language}/") or href.startswith("/media/"):
                queue.append(href)
    assert len(seen) > 12


def test_other_languages_are_linked_from_every_page(client):
    html = client.get("/en/").content.decode()
    for language in LANGUAGES:
        assert f'href="/{language}/"' in html
