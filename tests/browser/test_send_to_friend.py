"""Send this page to a friend: from the story, through the site's own form, to one email per friend.

With and without JavaScript, in French and in Arabic. The emails are
checked where the worker will find them: post_office's queue.
"""

from urllib.parse import unquote

import pytest
from django.conf import settings
from playwright.sync_api import expect
from post_office.models import Email

from tests.factories import KOSOVO_PATH

pytestmark = pytest.mark.browser

ISOLATE, END_ISOLATE = "\u2068", "\u2069"
FRIENDS = ["ana@example.net", "bo@example.net"]
SENDER = "visitor@example.org"

# What a visitor reads and types, per language.
TEXT = {
    "fr": {
        "share": "Envoyer cette page à un ami",
        "name_label": "Votre nom",
        "email_label": "Votre adresse électronique",
        "friend_label": "Adresse électronique de votre ami ou amie",
        "second_friend_label": "Adresse électronique d’un deuxième ami ou d’une deuxième amie",
        "note_label": "Un message pour vos amis",
        "send": "Envoyer le courriel",
        "thanks": "Merci\u00a0: votre courriel est en route",
        "copy": "Copier le lien",
        "copied": "Lien copié",
        "copy_label": "Ou copiez le lien de la page",
        "mail_program": "Rédiger le courriel dans votre propre messagerie",
        "mailto_subject": "Une page d’Amnesty International",
        "back": "Revenir à la page",
        "name": "Léa Martin",
        "note": "Lis-la, c’est important.\nOn en parle samedi ?",
        "email_says": "pense que cette page d’Amnesty International vous intéressera",
        "subject_starts": "Une page d’Amnesty International : ",
    },
    "ar": {
        "share": "أرسل هذه الصفحة إلى صديق",
        "name_label": "اسمك",
        "email_label": "عنوان بريدك الإلكتروني",
        "friend_label": "عنوان البريد الإلكتروني لصديقك",
        "second_friend_label": "عنوان البريد الإلكتروني لصديق ثانٍ",
        "note_label": "رسالة قصيرة إلى أصدقائك",
        "send": "أرسِل الرسالة",
        "thanks": "شكرًا لك: رسالتك في الطريق",
        "copy": "انسخ الرابط",
        "copied": "نُسخ الرابط",
        "copy_label": "أو انسخ رابط الصفحة",
        "mail_program": "اكتب الرسالة في برنامج البريد الخاص بك",
        "mailto_subject": "صفحة من منظمة العفو الدولية",
        "back": "العودة إلى الصفحة",
        "name": "ليلى Haddad",
        "note": "اقرئي هذه الصفحة.\nإنها مهمة.",
        "email_says": "أنك سترغب في قراءة هذه الصفحة من منظمة العفو الدولية",
        "subject_starts": "صفحة من منظمة العفو الدولية: ",
    },
}


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_send_the_story_to_two_friends(site, new_page, seed, language, javascript):
    text = TEXT[language]
    story_url = f"{settings.SITE_URL}/{language}{KOSOVO_PATH}"
    page = new_page(java_script_enabled=javascript)
    if javascript:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page.goto(f"{site}/{language}{KOSOVO_PATH}")
    page.get_by_role("link", name=text["share"], exact=True).click()
    page.wait_for_url(f"{site}/{language}/share/**")
    assert page.get_by_role("heading", level=1).inner_text() == text["share"]

    # The other ways stay: the visitor's own mail program, and the link to copy (from SITE_URL, whatever address was used).
    mailto = unquote(page.get_by_role("link", name=text["mail_program"]).get_attribute("href"))
    assert mailto.startswith(f"mailto:?subject={text['mailto_subject']}&body=") and story_url in mailto
    assert page.get_by_label(text["copy_label"]).input_value() == story_url
    copy = page.get_by_role("button", name=text["copy"])
    if javascript:
        copy.click()
        expect(page.get_by_role("status")).to_have_text(text["copied"])
        assert page.evaluate("navigator.clipboard.readText()") == story_url
        share = page.get_by_role("button", name={"fr": "Partager…", "ar": "مشاركة…"}[language])
        assert share.count() == page.evaluate("'share' in navigator ? 1 : 0"), "Share… only where the browser can share"
    else:
        assert copy.count() == 0, "without JavaScript there is no button that cannot work"

    page.get_by_label(text["name_label"], exact=True).fill(text["name"])
    page.get_by_label(text["email_label"], exact=True).fill(SENDER)
    page.get_by_label(text["friend_label"], exact=True).fill(FRIENDS[0])
    page.get_by_label(text["second_friend_label"]).fill(FRIENDS[1])
    page.get_by_label(text["note_label"]).fill(text["note"])
    page.get_by_role("button", name=text["send"]).click()
    page.wait_for_url(f"{site}/{language}/share/sent/**")
    assert page.get_by_role("heading", level=1).inner_text() == text["thanks"]
    page.reload()  # a reload of the thank-you page sends nothing

    emails = list(Email.objects.order_by("id"))
    assert [email.to for email in emails] == [[friend] for friend in FRIENDS], "one email per friend"
    title = seed[language]["story"]["title"]
    for email in emails:
        assert email.from_email == settings.DEFAULT_FROM_EMAIL
        assert email.headers == {"Reply-To": SENDER}
        assert email.subject.startswith(text["subject_starts"])
        assert f"{ISOLATE}{text['name']}{END_ISOLATE}" in email.message and text["email_says"] in email.message
        for line in text["note"].split("\n"):
            assert f"{ISOLATE}{line}{END_ISOLATE}" in email.message
        assert title in email.message and story_url in email.message
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in email.html_message

    page.get_by_role("link", name=text["back"]).first.click()
    page.wait_for_url(f"{site}/{language}{KOSOVO_PATH}")
    assert page.context.cookies() == [], "sharing a page leaves no trace in the browser"


def test_a_mistake_is_explained_and_the_form_keeps_what_was_typed(site, page):
    page.goto(f"{site}/fr/share/?page=/fr{KOSOVO_PATH}")
    page.get_by_label("Votre nom", exact=True).fill("Léa")
    page.get_by_label("Un message pour vos amis").fill("Va sur www.exemple.fr")
    page.get_by_role("button", name="Envoyer le courriel").click()
    summary = page.get_by_role("alert")
    assert summary.get_by_role("heading").inner_text() == "Il y a un problème"
    assert "Votre message ne peut contenir ni adresse web ni nom de domaine" in summary.inner_text()
    summary.get_by_role("link", name="Indiquez votre adresse électronique.").click()
    assert page.evaluate("document.activeElement.id") == "id_email", "the summary leads to the field"
    assert page.get_by_label("Votre nom", exact=True).input_value() == "Léa"
    assert not Email.objects.exists()
