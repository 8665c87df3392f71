"""Take action in a real browser: the call to action on a phone's first screen, and signing the Kosovo appeal with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect
from post_office.models import Email

from actions.petitions.models import Signature
from tests.factories import KOSOVO_PATH

from .conftest import PHONE
from .pages import TAKE_ACTION_SLUG

pytestmark = pytest.mark.browser

SIGN = {"en": "Sign the appeal", "ar": "وقّع على المناشدة", "fr": "Signer l’appel", "es": "Firma el llamamiento"}
THANKS = {"en": "Thank you for signing", "ar": "شكرًا على توقيعك"}
CONFIRMED = {"en": "Your signature is confirmed", "ar": "تم تأكيد توقيعك"}
ONE_SIGNED = {"en": "1 person has signed", "ar": "وقّع شخص واحد"}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_on_a_phone_the_story_shows_title_lead_and_call_to_action_on_the_first_screen(site, new_page, language):
    page = new_page(viewport=PHONE)
    page.goto(f"{site}/{language}{KOSOVO_PATH}")
    screen = PHONE["height"]
    title = page.get_by_role("heading", level=1).bounding_box()
    assert 0 <= title["y"] and title["y"] + title["height"] <= screen, "the title is on the first screen"
    button = page.locator(".action-block").get_by_role("link", name=SIGN[language])
    box = button.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= screen, f"the call to action ends {box['y'] + box['height']:.0f} px down"
    assert box["width"] >= 44 and box["height"] >= 44, "a target a thumb can hit"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    lead = page.locator(".lead p").first
    line = float(lead.evaluate("p => parseFloat(getComputedStyle(p).lineHeight)"))
    assert lead.bounding_box()["y"] + 2 * line <= screen, "the first lines of the lead are on the first screen"
    assert button.get_attribute("href") == f"/{language}/act/{TAKE_ACTION_SLUG}/"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_sign_the_kosovo_appeal(site, new_page, settings, language, javascript):
    settings.SIGNATURE_COUNT_SECONDS = 0
    page = new_page(viewport=PHONE, java_script_enabled=javascript)
    page.goto(f"{site}/{language}{KOSOVO_PATH}")
    page.locator(".action-block").get_by_role("link", name=SIGN[language]).click()
    page.wait_for_url(f"{site}/{language}/act/{TAKE_ACTION_SLUG}/")

    # A mistake first: the form says what is wrong, in the page's language, without JavaScript.
    page.locator("#sign_form [type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert page.locator(".error-summary li").count() == 3, "name, email and country are missing"
    expect(page.locator(".error-summary"), "the page opens at the form and its mistakes").to_be_in_viewport()
    assert not Signature.objects.exists()

    page.locator("#id_name").fill("Layla Haddad")
    page.locator("#id_email").fill(f"layla.{language}@example.org")
    page.locator("#id_country").select_option("MA")
    page.locator("#id_show_name").check()
    page.locator("#sign_form [type=submit]").click()
    page.wait_for_url(re.compile(rf"{re.escape(site)}/{language}/act/{TAKE_ACTION_SLUG}/thanks/(#sign)?$"))
    assert page.get_by_role("heading", level=1).inner_text() == THANKS[language]
    assert page.context.cookies() == [], "signing leaves no cookie"

    signature = Signature.objects.get()
    assert (signature.name, signature.country.code, signature.language, signature.show_name, signature.contact_consent) == (
        "Layla Haddad",
        "MA",
        language,
        True,
        False,
    )

    # The link in the email confirms the signature, and the count says so at once.
    link = re.search(r"https?://[^/\s]+(/\S+/act/confirm/\S+/)", Email.objects.get().message)[1]
    assert settings.SITE_URL not in site
    page.goto(site + link)
    assert page.get_by_role("heading", level=1).inner_text() == CONFIRMED[language]
    assert ONE_SIGNED[language] in page.locator(".signature-count__total").inner_text()
    page.goto(f"{site}/{language}{KOSOVO_PATH}")
    assert ONE_SIGNED[language] in page.locator(".action-block .signature-count__total").inner_text()
    assert page.context.cookies() == []
