"""Send a virtual postcard in a real browser: choose a design, write, preview, send; the friend opens the card.

With and without JavaScript, in English and in Arabic. The email is checked
where the worker will find it (post_office's queue); the card's picture is
saved in var/screenshots/ to be looked at.
"""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image as PILImage
from playwright.sync_api import expect
from post_office.models import Email

from tests.factories import KOSOVO_PATH

from .conftest import PHONE, SCREENSHOT_DIR
from .pages import postcard_token

pytestmark = pytest.mark.browser

# What a visitor reads and types, per language.
TEXT = {
    "en": {
        "footer_link": "Send virtual postcard",
        "heading": "Send a virtual postcard",
        "message_label": "Your message",
        "name_label": "Your name",
        "email_label": "Your email address",
        "friend_name_label": "Your friend’s name",
        "friend_email_label": "Your friend’s email address",
        "later_label": "Deliver it on a later day",
        "copy_label": "Send me a copy of the postcard",
        "preview": "Preview your postcard",
        "send": "Send the postcard",
        "edit": "Edit",
        "thanks": "Thank you: your postcard is on its way",
        "thanks_later": "Thank you: your postcard will go on the day you chose",
        "card_heading": "A postcard from Maria O'Brien",
        "delete": "Delete this postcard",
        "confirm": "Yes, delete it",
        "deleted": "The postcard has been deleted",
        "design": "broken-chain",
        "name": "Maria O'Brien",
        "friend": "Ana",
        "message": "Dear Ana,\nThinking of you and of every woman who has been trafficked.",
    },
    "ar": {
        "footer_link": "أرسل بطاقة بريدية إلكترونية",
        "heading": "أرسل بطاقة بريدية إلكترونية",
        "message_label": "رسالتك",
        "name_label": "اسمك",
        "email_label": "عنوان بريدك الإلكتروني",
        "friend_name_label": "اسم صديقك",
        "friend_email_label": "عنوان البريد الإلكتروني لصديقك",
        "later_label": "إرسالها في يوم لاحق",
        "copy_label": "أرسل لي نسخة من البطاقة",
        "preview": "عاين بطاقتك البريدية",
        "send": "أرسل البطاقة",
        "edit": "تعديل",
        "thanks": "شكرًا لك: بطاقتك في الطريق",
        "thanks_later": "شكرًا لك: ستُرسَل بطاقتك في اليوم الذي اخترته",
        "card_heading": "بطاقة بريدية من ليلى Haddad",
        "delete": "احذف هذه البطاقة",
        "confirm": "نعم، احذفها",
        "deleted": "حُذفت البطاقة البريدية",
        "design": "candle",
        "name": "ليلى Haddad",
        "friend": "سلمى",
        # Letters that join, a lam-alef, vowel marks (tanwin), and a Latin name and digits inside the Arabic.
        "message": "إلى صديقتي العزيزة سلمى،\nأرسل لكِ هذه البطاقة تضامناً مع النساء والفتيات ضحايا الاتجار بالبشر في كوسوفو منذ 1999 (KFOR).",
    },
}
SENDER, FRIEND = "visitor@example.org", "friend@example.net"


def fill_in(page, text, later=None, copy=False):
    page.locator(f"input[name=design][value={text['design']}]").check()
    page.get_by_label(text["message_label"], exact=True).fill(text["message"])
    page.get_by_label(text["name_label"], exact=True).fill(text["name"])
    page.get_by_label(text["email_label"], exact=True).fill(SENDER)
    page.get_by_label(text["friend_name_label"], exact=True).fill(text["friend"])
    page.get_by_label(text["friend_email_label"], exact=True).fill(FRIEND)
    if later:
        page.get_by_label(re.compile(re.escape(text["later_label"]))).fill(later.isoformat())
    if copy:
        page.get_by_label(text["copy_label"]).check()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_send_a_postcard_and_open_it(site, new_page, language, javascript):
    text = TEXT[language]
    later = javascript  # one of the two goes on a later day, with a copy to the sender
    day = timezone.localdate() + datetime.timedelta(days=30)
    page = new_page(java_script_enabled=javascript)
    page.goto(f"{site}/{language}{KOSOVO_PATH}")
    page.locator("footer").get_by_role("link", name=text["footer_link"]).click()
    page.wait_for_url(f"{site}/{language}/postcards/")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["heading"])

    fill_in(page, text, later=day if later else None, copy=later)
    page.get_by_role("button", name=text["preview"]).click()
    page.wait_for_selector("#postcard-confirm")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["preview"])
    picture = page.locator(".postcard-image img")
    expect(picture).to_be_visible()
    assert picture.bounding_box()["width"] > 200
    assert Email.objects.count() == 0, "the preview sends nothing"
    if not later:
        # Back to the form, everything still filled in, and on to the preview again.
        page.get_by_role("button", name=text["edit"]).click()
        expect(page.get_by_label(text["message_label"], exact=True)).to_have_value(text["message"])
        assert page.locator("input[name=design]:checked").get_attribute("value") == text["design"]
        page.get_by_role("button", name=text["preview"]).click()
        page.wait_for_selector("#postcard-confirm")

    page.get_by_role("button", name=text["send"]).click()
    page.wait_for_url(f"{site}/{language}/postcards/{'scheduled' if later else 'sent'}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["thanks_later" if later else "thanks"])
    assert page.context.cookies() == [], "sending a postcard leaves no trace in the browser"

    mails = list(Email.objects.order_by("pk"))
    assert [mail.to for mail in mails] == [[FRIEND], [SENDER]] if later else [[FRIEND]]
    assert mails[0].headers == {"Reply-To": SENDER}
    if later:
        assert mails[0].scheduled_time.date() == day
    token = postcard_token(mails[0])
    card_url = f"{settings.SITE_URL}/{language}/postcards/card/{token}/"
    assert card_url in mails[0].message

    # The friend opens the link.
    page.goto(f"{site}/{language}/postcards/card/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["card_heading"])
    expect(page.locator(".postcard-message")).to_have_text(text["message"].replace("\n", ""))
    design = page.locator(".postcard__design img")
    expect(design).to_be_visible()
    assert design.bounding_box()["height"] > 100, "the design's picture loaded"
    response = page.request.get(f"{site}/{language}/postcards/card/{token}/image.png")
    assert response.ok and response.headers["content-type"] == "image/png"
    with PILImage.open(io.BytesIO(response.body())) as card:
        assert card.width == 960
    if language == "ar":
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        (SCREENSHOT_DIR / "postcard-ar.png").write_bytes(response.body())
        page.screenshot(path=str(SCREENSHOT_DIR / f"postcard-page-ar-{'js' if javascript else 'no-js'}.png"), full_page=True)

    # And deletes it.
    page.get_by_role("button", name=text["delete"]).click()
    page.get_by_role("button", name=text["confirm"]).click()
    page.wait_for_url(f"{site}/{language}/postcards/deleted/")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["deleted"])
    assert page.goto(f"{site}/{language}/postcards/card/{token}/").status == 404


@pytest.mark.parametrize("language", ["en", "ar"])
def test_designs_are_chosen_with_the_keyboard_and_focus_shows(site, new_page, language):
    page = new_page(viewport=PHONE)
    page.goto(f"{site}/{language}/postcards/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "design":
            break
    else:
        pytest.fail("Tab never reached the designs")
    assert page.evaluate("() => document.activeElement.id") == "id_design_0"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.querySelector('input[name=design]:checked').value") == "broken-chain"
    focused_label = page.locator("label[for=id_design_1]")
    assert focused_label.evaluate("label => getComputedStyle(label).outlineStyle") == "solid", "the focused design shows it"
    assert page.locator("label[for=id_design_0]").evaluate("label => getComputedStyle(label).outlineStyle") == "none"
    # The next Tab leaves the group for the message, as radio buttons do.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "id_message"


def test_a_mistake_is_explained_and_the_form_keeps_what_was_typed(site, page):
    text = TEXT["ar"]
    page.goto(f"{site}/ar/postcards/")
    fill_in(page, text)
    page.get_by_label(text["email_label"], exact=True).fill("not an address")
    page.get_by_role("button", name=text["preview"]).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(["أدخِل عنوان بريدك الإلكتروني بالصيغة name@example.org."])
    expect(page.get_by_label(text["message_label"], exact=True)).to_have_value(text["message"])
    assert page.locator("input[name=design]:checked").get_attribute("value") == text["design"]
    summary.get_by_role("link").click()
    assert page.evaluate("() => document.activeElement.id") == "id_sender_email"
