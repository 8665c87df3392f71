"""Every public page, in every language, shows the right content."""

import json
import re

import pytest

from campaign.management.commands.load_seed import SEED_DIR
from tests.factories import CAMPAIGN_SLUG, KOSOVO_PATH, LANGUAGES, REPORT_PATH

pytestmark = pytest.mark.usefixtures("seeded")

PAGES = [
    "/",
    "/campaigns/",
    f"/campaigns/{CAMPAIGN_SLUG}/",
    f"/campaigns/{CAMPAIGN_SLUG}/act-now/",
    f"/campaigns/{CAMPAIGN_SLUG}/issues/",
    f"/campaigns/{CAMPAIGN_SLUG}/stories/",
    f"/campaigns/{CAMPAIGN_SLUG}/latest/",
    f"/campaigns/{CAMPAIGN_SLUG}/resources/",
    f"/campaigns/{CAMPAIGN_SLUG}/go-global/",
    f"/campaigns/{CAMPAIGN_SLUG}/donate-or-join/",
    f"/campaigns/{CAMPAIGN_SLUG}/postcards/",
    KOSOVO_PATH,
    REPORT_PATH,
    f"/share/?page=/en{KOSOVO_PATH}",
    f"/share/sent/?page=/en{KOSOVO_PATH}",
]


def seed(language):
    return json.loads((SEED_DIR / f"{language}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_every_language(client, language, path):
    response = client.get(f"/{language}{path}")
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_kosovo_page_shows_title_facts_and_report_link(client, language):
    story = seed(language)["story"]
    html = client.get(f"/{language}{KOSOVO_PATH}").content.decode()
    text = re.sub(r"</?bdi>", "", html)
    assert story["title"].replace('"', "&quot;").replace("'", "&#x27;") in text
    facts = re.search(r'<section class="facts".*?</section>', text, re.S).group()
    assert facts.count("<li") == 5
    for fact in story["facts"]:
        assert fact.replace('"', "&quot;").replace("'", "&#x27;") in facts
    assert f'href="/{language}{REPORT_PATH}"' in html


def test_story_shows_calls_contact_and_breadcrumb(client):
    html = client.get(f"/en{KOSOVO_PATH}").content.decode()
    assert "calls on the UN and NATO" in html
    assert "Contact your local Amnesty International section" in html
    breadcrumb = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group()
    labels = re.findall(r">([^<>]+)</(?:a|bdi)>", breadcrumb)
    assert labels == ["Home", "Campaigns", "Stop Violence Against Women", "Kosovo: Trafficked women and girls have human rights"]


def test_report_page_shows_publication_details_and_link(client):
    html = client.get(f"/en{REPORT_PATH}").content.decode()
    assert "So does that mean I have rights?" in html
    assert "EUR 70/010/2004" in html
    assert 'datetime="2004-05-06"' in html
    assert 'href="https://www.amnesty.org/en/documents/eur70/010/2004/en/"' in html
    assert f'href="/en{KOSOVO_PATH}"' in html, "the report links back to its story"


def test_site_navigation_and_footer_links(client):
    html = client.get("/en/").content.decode()
    header = re.search(r'<nav class="primary-nav".*?</nav>', html, re.S).group()
    assert re.findall(r">([^<>]+)</a>", header) == ["Take action!", "Donate or Join!", "Stories"]
    footer = re.search(r'<footer.*?</footer>', html, re.S).group()
    for label in ["Join AI", "Donate", "Send page to friend", "Campaign home", "Stop Violence Against Women home", "Act Now", "Issues",
                  "Stories", "Latest", "Resources", "Go Global", "Send virtual postcard", "العربية", "Français", "Español"]:
        assert f">{label}</a>" in footer, label


def test_arabic_page_isolates_latin_names_and_numbers(client):
    html = client.get(f"/ar{KOSOVO_PATH}").content.decode()
    facts = re.search(r'<section class="facts".*?</section>', html, re.S).group()
    assert "<bdi>2003</bdi>" in facts
    assert "<bdi>200</bdi>" in facts


def test_unknown_page_is_a_translated_404(client):
    response = client.get("/fr/pas-de-page/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.parametrize("url", ["/en/share/", "/en/share/sent/"])
def test_share_page_refuses_other_sites(client, url):
    for shared in ("//evil.example/", "https://evil.example/", "/en/no-such-page/"):
        assert client.get(url, {"page": shared}, follow=True).status_code == 404


def test_share_page_builds_a_mailto_link_and_stores_nothing(client):
    response = client.get(f"/es/share/?page=/es{KOSOVO_PATH}")
    html = response.content.decode()
    assert 'href="mailto:?subject=' in html
    assert "kosovo-trafficked-women-and-girls" in html
    assert '<form action="/es/share/?page=/es' in html, "and a form that sends it by the site's own mail"
    assert not response.cookies


def test_report_link_in_another_language_says_which(client):
    html = client.get(f"/ar{REPORT_PATH}").content.decode()
    assert 'hreflang="en" rel="external">اقرأ التقرير على الإنترنت</a> (<span lang="en">English</span>)' in html
    html = client.get(f"/en{REPORT_PATH}").content.decode()
    assert 'hreflang="en" rel="external">Read the report online</a></li>' in html
