"""Public pages are safe to cache in a CDN and cheap to build."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.models import Section
from stories.models import Fact, Story
from tests.factories import CAMPAIGN_SLUG, KOSOVO_PATH, LANGUAGES, REPORT_PATH, make_story
from tests.test_pages import PAGES

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_public_pages_set_no_cookie_and_do_not_vary(client, language, path):
    response = client.get(f"/{language}{path}")
    assert response.status_code == 200
    assert not response.cookies, f"{path} sets {list(response.cookies)}"
    vary = response.get("Vary", "")
    assert "Cookie" not in vary
    assert "Accept-Language" not in vary
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "s-maxage=" in cache_control


def test_the_root_redirect_depends_on_the_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"
    assert "Accept-Language" in response["Vary"]
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")["Location"] == "/es/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE")["Location"] == "/en/"


def test_an_edit_shows_at_once_although_pages_are_cached(client, django_capture_on_commit_callbacks):
    url = f"/en{KOSOVO_PATH}"
    assert "Kosovo: Trafficked" in client.get(url).content.decode()
    story = Story.objects.get()
    story.title_en = "Kosovo: an edited title"
    with django_capture_on_commit_callbacks(execute=True):
        story.save()
    assert "Kosovo: an edited title" in client.get(url).content.decode()


def test_a_cached_page_is_served_without_queries(client):
    url = f"/en{KOSOVO_PATH}"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 0


def count_queries(client, url):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_story_queries_do_not_grow_with_facts(client):
    url = f"/en{KOSOVO_PATH}"
    before = count_queries(client, url)
    story = Story.objects.get()
    Fact.objects.bulk_create(Fact(story=story, text_en=f"Extra fact {n}", sort_order=10 + n) for n in range(30))
    assert count_queries(client, url) == before
    assert before <= 6


@pytest.mark.parametrize("section", ["stories", "latest"])
def test_listing_queries_do_not_grow_with_stories(client, section):
    url = f"/en/campaigns/{CAMPAIGN_SLUG}/{section}/"
    before = count_queries(client, url)
    campaign = Section.objects.get(slug=section).campaign
    for n in range(12):
        make_story(campaign, f"story-{n}", facts=3)
    assert count_queries(client, url) == before
    assert before <= 6


def test_report_and_home_queries_are_bounded(client):
    assert count_queries(client, f"/en{REPORT_PATH}") <= 6
    assert count_queries(client, "/en/") <= 5


def test_a_draft_is_not_public_and_not_cached(client):
    story = Story.objects.get()
    story.status = Story.Status.DRAFT
    story.save()
    assert client.get(f"/en{KOSOVO_PATH}").status_code == 404


@pytest.mark.parametrize("accept,encoding", [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("", None)])
def test_pages_are_compressed_for_slow_links(client, accept, encoding):
    import gzip

    import brotli

    decompress = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda body: body}[encoding]
    for _attempt in ("miss", "hit"):
        response = client.get(f"/ar{KOSOVO_PATH}", HTTP_ACCEPT_ENCODING=accept)
        assert response.get("Content-Encoding") == encoding
        assert response["Vary"] == "Accept-Encoding"
        assert "كوسوفو" in decompress(response.content).decode()


def test_unchanged_page_answers_304_to_a_revalidating_cdn(client, django_capture_on_commit_callbacks):
    url = f"/en{KOSOVO_PATH}"
    etag = client.get(url, HTTP_ACCEPT_ENCODING="br")["ETag"]
    response = client.get(url, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    story = Story.objects.get()
    story.title_en = "Changed"
    with django_capture_on_commit_callbacks(execute=True):
        story.save()
    assert client.get(url, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_page_with_unknown_query_parameters_is_not_stored(client):
    from django.core.cache import cache

    from campaign.caching import page_key

    client.get(f"/en{KOSOVO_PATH}?utm_source=x")
    request = client.get(f"/en{KOSOVO_PATH}?utm_source=x").wsgi_request
    assert cache.get(page_key(request)) is None


def test_stories_pages_have_one_address_each(client):
    campaign = Section.objects.get(slug="stories").campaign
    for n in range(25):
        make_story(campaign, f"story-{n}")
    url = f"/en/campaigns/{CAMPAIGN_SLUG}/stories/"
    assert client.get(url, {"page": "2"}).status_code == 200
    assert client.get(url, {"page": "02"})["Location"] == url + "?page=2"
    assert client.get(url, {"page": "1"})["Location"] == url
    assert client.get(url, {"page": "7"})["Location"] == url + "?page=2"
    html = client.get(url).content.decode()
    assert 'href="?page=2" rel="next"' in html
    assert f'href="{url}" rel="prev"' in client.get(url, {"page": "2"}).content.decode()
