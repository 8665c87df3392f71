"""Odd requests get a clear answer, never a server error."""

from urllib.parse import urlencode

import pytest
from post_office.models import Email

from tests.factories import CAMPAIGN_SLUG

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.parametrize(
    "accept_language",
    ["", "*", "zz-ZZ", "de-DE-x-private,en;q=0.1", "ar;q=abc", "x" * 5000, "ar-EG,ar;q=0.9,en-US;q=0.8", "ES", "fr-CA-u-ca-gregory", "\u00e9\u00e9"],
)
def test_any_browser_language_gets_a_redirect(client, accept_language):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] in {"/en/", "/ar/", "/fr/", "/es/"}


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1e9", "", "%00", "1" * 400])
def test_any_page_number_shows_a_page(client, page):
    response = client.get(f"/en/campaigns/{CAMPAIGN_SLUG}/stories/", {"page": page})
    assert response.status_code == 301
    assert response["Location"] == f"/en/campaigns/{CAMPAIGN_SLUG}/stories/", "there is only one page of stories"
    assert client.get(response["Location"]).status_code == 200


ODD_SHARED_ADDRESSES = ["", "/", "\x00", "/en/\x00", "/" + "a" * 5000, "javascript:alert(1)", "/en/../admin/", "\\\\evil.example", "/\\evil.example"]
ODD_PATHS = ["/en/campaigns/%00/", "/ar/campaigns/" + "x" * 3000 + "/", "/fr/preview/stories.story/99999999999999999999/", "/es/campaigns/a/b/c/d/"]


@pytest.mark.parametrize("url", ["/en/share/", "/en/share/sent/"])
@pytest.mark.parametrize("shared", ODD_SHARED_ADDRESSES)
def test_sharing_an_odd_address_is_a_clean_404(client, url, shared):
    # An empty ?page= first redirects to the address without it.
    response = client.get(url, {"page": shared}, follow=True)
    assert response.status_code == 404


@pytest.mark.parametrize("shared", ODD_SHARED_ADDRESSES)
def test_posting_the_share_form_about_an_odd_address_is_a_clean_404(client, shared):
    data = {"name": "Ana", "email": "ana@example.org", "friend_1": "bo@example.net"}
    response = client.post(f"/en/share/?{urlencode({'page': shared})}", data, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 404
    assert not Email.objects.exists()


@pytest.mark.parametrize("path", ODD_PATHS)
def test_odd_paths_are_404(client, path):
    assert client.get(path).status_code in {302, 404}
