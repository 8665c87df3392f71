"""The giving pages: reached from the header and footer, in four languages, cacheable where public, and fully translated."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from actions.giving.models import Currency, DonationOption, MembershipType, WayToGive
from actions.giving.views import next_steps
from campaign.models import Section
from tests.test_giving_helpers import (
    SAME_ORIGIN,
    giving_fixture,  # noqa: F401 - the fixture named giving
    pledges_fixture,  # noqa: F401 - the fixture named pledges
    start_gift,
)
from tests.test_i18n import entries, visible_text

pytestmark = pytest.mark.usefixtures("giving", "pledges")

HEADINGS = {"en": "Donate or Join!", "ar": "تبرّع أو انضمّ إلينا!", "fr": "Faites un don ou adhérez\u00a0!", "es": "¡Haz un donativo o únete!"}


def links_by_label(html, region):
    block = re.search(region, html, re.S).group()
    return {label: href for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<>]+)</a>', block)}


@pytest.mark.parametrize("language", ["en", "ar", "fr", "es"])
def test_the_landing_page_offers_both_in_each_language(client, language):
    response = client.get(f"/{language}/give/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    assert HEADINGS[language] in html
    assert 'id="donate"' in html and 'id="join"' in html
    assert f'action="/{language}/give/donate/"' in html and f'action="/{language}/give/join/"' in html


def test_the_landing_page_is_a_public_page_without_cookies(client):
    response = client.get("/en/give/")
    assert "public" in response.headers["Cache-Control"]
    assert not response.cookies
    assert "Cookie" not in response.headers.get("Vary", "")
    assert 'name="csrfmiddlewaretoken"' not in response.content.decode()
    again = client.get("/en/give/")
    assert again.content == response.content


def test_the_header_and_footer_lead_to_the_giving_pages(client):
    html = client.get("/en/").content.decode()
    assert links_by_label(html, r'<nav class="primary-nav".*?</nav>')["Donate or Join!"] == "/en/give/"
    footer = links_by_label(html, r"<footer.*?</footer>")
    assert footer["Join AI"] == "/en/give/#join"
    assert footer["Donate"] == "/en/give/#donate"
    arabic = links_by_label(client.get("/ar/").content.decode(), r"<footer.*?</footer>")
    assert "/ar/give/#join" in arabic.values() and "/ar/give/#donate" in arabic.values()


def test_the_landing_page_shows_the_donate_or_join_section_that_staff_edit(client):
    section = Section.objects.get(role=Section.Role.DONATE_OR_JOIN)
    section.title_en = "Support our work"
    section.intro_en = "Independent, thanks to you."
    section.save()
    html = client.get("/en/give/").content.decode()
    assert "<h1>Support our work</h1>" in html
    assert "Independent, thanks to you." in html


def test_staff_edits_to_the_options_show_at_once(client, django_capture_on_commit_callbacks):
    assert "£50" in client.get("/en/give/").content.decode()
    option = DonationOption.objects.get(currency__code="GBP", amount=5000)
    option.amount = 7500
    with django_capture_on_commit_callbacks(execute=True):
        option.save()
    html = client.get("/en/give/").content.decode()
    assert "£75" in html and "£50" not in html


def test_the_public_forms_are_cacheable_and_the_private_steps_are_not(client):
    for path in ("/en/give/join/", "/en/give/donate/", "/en/give/join/thanks/", "/en/give/join/cancelled/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "public" in response.headers["Cache-Control"], path
    started = start_gift(client)
    assert "no-store" in started.headers["Cache-Control"]
    step = client.get(started.headers["Location"])
    assert "no-store" in step.headers["Cache-Control"]


def test_an_unknown_gift_or_link_is_a_404(client):
    assert client.get("/en/give/donate/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/en/give/donate/not-a-uuid/").status_code == 404
    assert client.get("/en/give/join/confirm/nonsense/").status_code == 404
    assert client.get("/en/give/join/cancel/nonsense/").status_code == 404


def test_without_options_the_pages_say_so_instead_of_failing(client):
    DonationOption.objects.all().delete()
    Currency.objects.all().delete()
    MembershipType.objects.all().delete()
    html = client.get("/en/give/").content.decode()
    assert "Online giving is not open yet." in html
    assert "Applications are not open yet." in html
    assert client.get("/en/give/donate/").status_code == 200


def test_the_thank_you_pages_continue_the_ladder(client):
    """Share, send a postcard, take action: each offered if that part of the site is there."""
    steps = {str(label): url for label, url in next_steps()}
    html = client.get("/en/give/join/thanks/").content.decode()
    for label, name in (("Send a virtual postcard", "postcards:send"), ("Take action", "petitions:actions")):
        try:
            expected = reverse(name)
        except NoReverseMatch:
            assert label not in steps
            continue
        assert steps[label] == expected
        assert f'href="{expected}"' in html
    share = steps.get("Send this page to a friend")
    if share is not None:  # the sharing app is there: it offers a page it can send
        assert client.get(share).status_code == 200


def test_load_giving_creates_only_what_is_missing():
    counts = lambda: [model.objects.count() for model in (Currency, DonationOption, MembershipType, WayToGive)]  # noqa: E731
    assert counts() == [3, 12, 2, 2]
    standard = MembershipType.objects.get(slug="standard")
    standard.name_fr = "Adhésion"
    standard.save()
    DonationOption.objects.filter(currency__code="EUR").first().delete()
    call_command("load_giving", verbosity=0)
    assert counts() == [3, 11, 2, 2], "an existing currency keeps the presets staff left it"
    assert MembershipType.objects.get(slug="standard").name_fr == "Adhésion"
    for field in ("name_en", "name_ar", "name_fr", "name_es", "description_ar"):
        assert getattr(standard, field), field
    way = WayToGive.objects.get(title_en="Through your local section")
    assert way.link_url_ar == "https://www.amnesty.org/ar/donate/" and way.title_es


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_no_english_interface_string_leaks_onto_a_giving_page(client, language):
    catalogue = Path(settings.BASE_DIR) / f"locale/{language}/LC_MESSAGES/django.po"
    english = {
        msgid
        for msgid, strings, _fuzzy, _plural in entries(catalogue)
        if strings and strings[0] != msgid and "%(" not in msgid and not re.fullmatch(r"[a-z]+", msgid) and len(msgid) > 3
    }
    started = start_gift(client, language, currency="EUR", email=f"{language}@example.org")
    pages = [
        f"/{language}/give/",
        f"/{language}/give/join/",
        f"/{language}/give/donate/",
        f"/{language}/give/join/thanks/",
        f"/{language}/give/join/cancelled/",
        started.headers["Location"],
    ]
    errors = client.post(f"/{language}/give/join/", {"name": ""}, **SAME_ORIGIN)
    client.post(started.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    texts = {path: visible_text(client.get(path).content.decode()) for path in pages}
    texts["join with errors"] = visible_text(errors.content.decode())
    texts["thanks"] = visible_text(client.get(started.headers["Location"] + "thanks/").content.decode())
    for where, text in texts.items():
        leaked = sorted(msgid for msgid in english if re.search(rf"(?<!\w){re.escape(msgid)}(?!\w)", text))
        assert not leaked, f"{where} shows English: {leaked}"
