"""The page cache cannot be poisoned, stores only what is the same for everyone,
and speaks HTTP correctly (issue: every visitor gets the right page)."""

import gzip

import brotli
import pytest
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from campaign import caching
from campaign.cache_backends import SharedDiskCache
from campaign.caching import accepted_codings, content_generation, page_key
from campaign.models import Section
from stories.models import Story
from tests import cache_test_urls
from tests.factories import CAMPAIGN_SLUG, KOSOVO_PATH

pytestmark = pytest.mark.usefixtures("seeded")

KOSOVO = f"/en{KOSOVO_PATH}"
SITE_URL = "https://campaign.example.org"


def stored(client, url):
    """Whether `url` is in the shared cache under the current generation."""
    request = client.get(url).wsgi_request
    return cache.get(page_key(request)) is not None


@pytest.fixture
def fresh_process_memory():
    """Forget the pages this process keeps in memory, as a new worker would."""
    caching._local_pages.clear()
    caching._live_bodies.clear()
    yield
    caching._local_pages.clear()
    caching._live_bodies.clear()


# Host and scheme poisoning ----------------------------------------------------

POISONED_REQUESTS = [
    {"HTTP_HOST": "localhost:6666"},
    {"HTTP_HOST": "127.0.0.1", "HTTP_X_FORWARDED_HOST": "evil.example", "HTTP_X_FORWARDED_PROTO": "http"},
    {"wsgi.url_scheme": "http"},
    {"wsgi.url_scheme": "https", "HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_PORT": "8443"},
]


@pytest.mark.parametrize("url", [KOSOVO, f"/ar{KOSOVO_PATH}", f"/en/share/?page=/en{KOSOVO_PATH}", "/sitemap.xml", "/robots.txt"])
@pytest.mark.parametrize("headers", POISONED_REQUESTS)
def test_a_forged_host_or_scheme_leaves_the_cached_page_unchanged(client, url, headers, fresh_process_memory):
    clean = client.get(url).content
    cache.clear()
    caching._local_pages.clear()
    for _ in range(3):  # the attacker fills the cache first
        poisoned = client.get(url, **headers)
        assert poisoned.status_code == 200
        assert poisoned.content == clean
    for _ in range(3):
        assert client.get(url).content == clean
    text = clean.decode()
    assert "6666" not in text and "evil.example" not in text and "8443" not in text
    if url.startswith(("/en/", "/ar/")) and "share" not in url:
        assert f'<link rel="canonical" href="{SITE_URL}{url}">' in text
        assert f'hreflang="x-default" href="{SITE_URL}/en{KOSOVO_PATH}"' in text


def test_the_share_page_links_to_the_site_address_whatever_the_host(client):
    html = client.get(f"/fr/share/?page=/fr{KOSOVO_PATH}", HTTP_HOST="localhost:6666").content.decode()
    assert f'value="{SITE_URL}/fr{KOSOVO_PATH}"' in html
    assert "localhost" not in html


def test_a_host_not_allowed_is_refused_even_when_the_page_is_cached(client):
    assert client.get(KOSOVO).status_code == 200
    assert client.get(KOSOVO, HTTP_HOST="evil.example").status_code == 400
    assert client.head(KOSOVO, HTTP_HOST="evil.example").status_code == 400


# Nothing that depends on the visitor is stored -----------------------------


@pytest.mark.urls("tests.cache_test_urls")
@pytest.mark.parametrize("view", ["reads-session", "reads-user", "sets-cookie", "varies-on-cookie"])
def test_a_public_view_that_depends_on_the_visitor_is_never_stored(client, view):
    cache_test_urls.calls["count"] = 0
    for _ in range(3):
        response = client.get(f"/en/test/{view}/")
        assert response.status_code == 200
        assert response["Cache-Control"] == "private"
    assert cache_test_urls.calls["count"] == 3, "every request ran the view: nothing was stored"


@pytest.mark.urls("tests.cache_test_urls")
def test_a_public_view_that_stays_away_from_the_visitor_is_stored(client):
    cache_test_urls.calls["count"] = 0
    for _ in range(3):
        response = client.get("/en/test/well-behaved/")
        assert "public" in response["Cache-Control"]
    assert cache_test_urls.calls["count"] == 1


def test_a_signed_in_visitor_gets_the_same_public_page(staff_client, client):
    anonymous = client.get(KOSOVO).content
    assert staff_client.get(KOSOVO).content == anonymous


# Only canonical addresses are stored --------------------------------------


@pytest.mark.parametrize(
    "query",
    ["utm_source=newsletter", "page=2", "page=", "a=1&b=2", "page=%2Fmedia%2Fx"],
)
def test_undeclared_or_empty_query_parameters_redirect_to_the_canonical_address(client, query):
    response = client.get(f"{KOSOVO}?{query}")
    assert response.status_code == 301
    assert response["Location"] == KOSOVO


def test_page_is_only_read_on_the_stories_list(client):
    text_section = f"/en/campaigns/{CAMPAIGN_SLUG}/act-now/"
    response = client.get(text_section, {"page": "2"})
    assert response.status_code == 301
    assert response["Location"] == text_section
    stories = f"/en/campaigns/{CAMPAIGN_SLUG}/stories/"
    assert client.get(stories, {"page": "2"})["Location"] == stories, "there is one page of stories"


def test_random_addresses_store_nothing(client):
    before = client.get(KOSOVO)
    assert before.status_code == 200
    keys_before = _stored_page_keys()
    for n in range(200):
        client.get(f"{KOSOVO}?junk={n}")
        client.get(f"/en/share/?page=/en{KOSOVO_PATH}&n={n}")
        client.get(f"/en/share/?page=/media/{n}")
        client.get(f"/en/campaigns/{CAMPAIGN_SLUG}/no-such-section-{n}/")
    assert _stored_page_keys() == keys_before
    with CaptureQueriesContext(connection) as queries:
        assert client.get(KOSOVO).status_code == 200
    assert len(queries) == 0, "the real page is still cached"


def _stored_page_keys():
    """Every page key in the shared cache, on DiskCache (make run) or Redis (CI)."""
    backend = caches["default"]
    if isinstance(backend, SharedDiskCache):
        return {key for key in backend._cache if ":page:" in str(key)}
    return set(backend._cache.get_client().scan_iter(match="*:page:*"))


@pytest.mark.parametrize("url", [f"/en/share/?page=/en{KOSOVO_PATH}", f"/en/share/sent/?page=/en{KOSOVO_PATH}"])
def test_the_share_page_is_not_stored_per_target(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"], "CDNs may still keep it"
    assert not stored(client, url)


def test_a_differently_encoded_address_is_answered_but_not_stored(client):
    stories = f"/en/campaigns/{CAMPAIGN_SLUG}/stories/"
    for n in range(25):
        from tests.factories import make_story

        make_story(Section.objects.get(slug="stories").campaign, f"story-{n}")
    assert client.get(f"{stories}?page=%32").status_code == 200
    assert not stored(client, f"{stories}?page=%32")
    assert stored(client, f"{stories}?page=2")


# HTTP ---------------------------------------------------------------------


def test_head_is_answered_from_the_cache_with_the_headers_of_get(client):
    get = client.get(KOSOVO, HTTP_ACCEPT_ENCODING="br")
    with CaptureQueriesContext(connection) as queries:
        head = client.head(KOSOVO, HTTP_ACCEPT_ENCODING="br")
    assert len(queries) == 0
    assert head.status_code == 200
    assert head.content == b""
    for header in ("ETag", "Content-Length", "Content-Type", "Content-Encoding", "Cache-Control", "Vary", "Content-Language"):
        assert head.get(header) == get.get(header), header
    assert int(head["Content-Length"]) == len(get.content)


def test_head_on_a_miss_stores_the_page_with_the_headers_of_get(client, fresh_process_memory):
    head = client.head(KOSOVO, HTTP_ACCEPT_ENCODING="gzip")
    get = client.get(KOSOVO, HTTP_ACCEPT_ENCODING="gzip")
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == get["Content-Length"]


def test_304_carries_the_caching_headers(client):
    etag = client.get(KOSOVO, HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    response = client.get(KOSOVO, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert "s-maxage=" in response["Cache-Control"]
    assert response["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in response


def test_a_failed_precondition_is_never_public(client):
    client.get(KOSOVO)
    response = client.get(KOSOVO, HTTP_IF_MATCH='"bogus"')
    assert response.status_code == 412
    assert "public" not in response["Cache-Control"]
    assert "s-maxage" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "accept,encoding",
    [
        ("br;q=0, gzip", "gzip"),
        ("BR", "br"),
        ("GZip", "gzip"),
        ("gzip;q=0", None),
        ("br;q=0.5, gzip;q=0.9", "gzip"),
        ("gzip;q=0.5, br", "br"),
        ("*", "br"),
        ("*;q=0, gzip", "gzip"),
        ("identity", None),
        ("br;q=abc, gzip;q=0.1", "gzip"),
        ("br;q=nan", None),
        ("", None),
    ],
)
def test_accept_encoding_is_read_with_q_values_and_any_case(client, accept, encoding):
    decompress = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda body: body}[encoding]
    for _attempt in ("miss", "hit"):
        response = client.get(KOSOVO, HTTP_ACCEPT_ENCODING=accept)
        assert response.get("Content-Encoding") == encoding
        assert "Kosovo" in decompress(response.content).decode()


def test_pages_that_are_not_cached_honour_q_values_too(staff_client):
    response = staff_client.get("/admin/", HTTP_ACCEPT_ENCODING="gzip;q=0")
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_accept_encoding_parser():
    assert accepted_codings(" GZIP ; Q=0.5 ,br") == {"gzip": 0.5, "br": 1.0}
    assert accepted_codings("br;q=2, gzip;q=-1") == {"br": 1.0, "gzip": 0.0}


# Edits show at once ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_generation_moves_only_when_the_edit_commits(client):
    before = content_generation()
    story = Story.objects.get()
    with transaction.atomic():
        story.title_en = "Committed title"
        story.save()
        assert content_generation() == before, "bumped before the commit: a request in between could store the old page under the new number"
    assert content_generation() != before
    assert "Committed title" in client.get(KOSOVO).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_edit_leaves_the_cache_alone(client):
    before = content_generation()
    story = Story.objects.get()
    with pytest.raises(RuntimeError), transaction.atomic():
        story.title_en = "Rolled back"
        story.save()
        raise RuntimeError
    assert content_generation() == before


def test_a_lost_generation_never_brings_back_old_pages(client, django_capture_on_commit_callbacks):
    """If the generation key is evicted, the new number is not one that old pages were stored under."""
    old = content_generation()
    client.get(KOSOVO)
    cache.delete(caching.GENERATION_KEY)
    assert content_generation() > old


def test_unpublishing_a_section_gives_404_at_once(client, django_capture_on_commit_callbacks):
    url = f"/en/campaigns/{CAMPAIGN_SLUG}/act-now/"
    assert client.get(url).status_code == 200
    section = Section.objects.get(slug="act-now")
    section.status = Section.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        section.save()
    assert client.get(url).status_code == 404


# Cache-Control everywhere --------------------------------------------------


@pytest.mark.parametrize("url", ["/sitemap.xml", "/robots.txt"])
def test_sitemap_and_robots_are_public_and_do_not_vary_on_language(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert "Accept-Language" not in response.get("Vary", "")
    assert SITE_URL in response.content.decode()


def test_pages_that_are_not_public_say_private(staff_client, client):
    assert client.get("/admin/login/")["Cache-Control"].startswith(("private", "max-age=0"))
    response = staff_client.get(f"/en/preview/stories.story/{Story.objects.get().pk}/")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    redirect = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert redirect.status_code == 302
    assert "public" not in redirect["Cache-Control"]


def test_onion_location_names_the_same_page(client, settings):
    settings.ONION_URL = "http://exampleonionaddress.onion"
    response = client.get(KOSOVO)
    assert response["Onion-Location"] == f"http://exampleonionaddress.onion{KOSOVO}"
    assert "exampleonionaddress" not in response.content.decode(), "the stored page stays the same for every visitor"


# Live values in cached pages ---------------------------------------------


@pytest.mark.urls("tests.cache_test_urls")
def test_a_live_value_is_current_on_every_answer_without_rebuilding_the_page(client, fresh_process_memory):
    cache_test_urls.calls["count"] = 0
    cache_test_urls.live_values["signatures"] = 1234
    first = client.get("/en/test/live/", HTTP_ACCEPT_ENCODING="br")
    assert "Signatures: 1,234 (kosovo)" in brotli.decompress(first.content).decode()
    cache_test_urls.live_values["signatures"] = 1235
    second = client.get("/en/test/live/", HTTP_ACCEPT_ENCODING="br")
    assert "Signatures: 1,235 (kosovo)" in brotli.decompress(second.content).decode()
    assert second["ETag"] != first["ETag"], "a CDN revalidating must get the new count"
    assert client.get("/en/test/live/", HTTP_IF_NONE_MATCH=second["ETag"], HTTP_ACCEPT_ENCODING="br").status_code == 304
    plain = client.get("/en/test/live/").content.decode()
    assert "\ue000" not in plain and "\ue002" not in plain
    assert cache_test_urls.calls["count"] == 1, "the page was built once; only the value changed"


@pytest.mark.urls("tests.cache_test_urls")
def test_a_live_value_outside_a_public_page_is_plain(client):
    html = client.get("/en/test/live-private/").content.decode()
    assert "Signatures: 1,2" in html
    assert "\ue000" not in html
