"""Take action, as a visitor meets it: the pages, the signing form, where posts may come from, duplicates, confirmation."""

import re
import unicodedata
from datetime import timedelta

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from post_office.models import Email

from actions.petitions import services
from actions.petitions.forms import SignatureForm
from actions.petitions.management.commands.load_actions import KOSOVO_APPEAL
from actions.petitions.models import Action, Signature
from campaign.caching import content_generation, page_key
from campaign.models import Section
from stories.models import Story
from tests.factories import CAMPAIGN_SLUG, KOSOVO_PATH, LANGUAGES

pytestmark = pytest.mark.usefixtures("seeded")

SLUG = KOSOVO_APPEAL["slug"]
SITE_URL = "https://campaign.example.org"
SAME_ORIGIN = {"HTTP_ORIGIN": SITE_URL}
VALID = {"name": "Ana López", "email": "ana@example.org", "country": "ES", "comment": "", "website": ""}


def action_url(language="en", slug=SLUG):
    return f"/{language}/act/{slug}/"


def thanks_url(language="en", slug=SLUG):
    return f"/{language}/act/{slug}/thanks/"


def sign(client, language="en", headers=SAME_ORIGIN, **fields):
    return client.post(action_url(language), {**VALID, **fields}, **headers)


@pytest.fixture
def action():
    return Action.objects.get(slug=SLUG)


def stored(client, url):
    """Whether `url` is in the shared page cache under the current generation."""
    request = client.get(url).wsgi_request
    return cache.get(page_key(request)) is not None


def visible_text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# The pages ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_action_page_shows_the_appeal_the_count_and_the_form(client, action, language):
    html = client.get(action_url(language)).content.decode()
    text = KOSOVO_APPEAL["text"][language]
    assert f"<h1>{text['title']}</h1>" in html
    assert text["summary"][:40] in html
    # The appeal as paragraphs, and who it is addressed to, line by line.
    assert html.count("<p>", html.index('class="appeal__text"'), html.index("</section>", html.index('class="appeal__text"'))) == 3
    for target in text["targets"].splitlines():
        assert target in html
    assert '<div class="signature-count">' in html and "<progress" in html
    form = re.search(r'<form action="(/[^"]+)" class="sign-form" id="sign_form" method="post" novalidate>.*?</form>', html, re.S)
    assert form and form[1] == action_url(language) + "#sign", "a mistake is shown where the form is"
    for name in ("name", "email", "country", "comment", "contact_consent", "show_name", "website"):
        assert f'name="{name}"' in form[0]
    assert "csrfmiddlewaretoken" not in html


def test_the_form_works_without_javascript(client):
    html = client.get(action_url()).content.decode()
    assert "<script" not in html
    assert re.search(r'<button type="submit" name="sign"[^>]*>Sign the appeal</button>', html)


def test_consent_boxes_are_unticked_and_the_trap_is_out_of_reach(client):
    html = client.get(action_url()).content.decode()
    for name in ("contact_consent", "show_name"):
        box = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)[0]
        assert "checked" not in box
    trap = re.search(r'<div class="sign-form__trap" aria-hidden="true">.*?</div>', html, re.S)[0]
    assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap


@pytest.mark.parametrize(
    "language,spain,egypt",
    [("en", "Spain", "Egypt"), ("fr", "Espagne", "Égypte"), ("es", "España", "Egipto"), ("ar", "أسبانيا", "مصر")],
)
def test_countries_are_named_in_the_visitors_language(client, language, spain, egypt):
    html = client.get(action_url(language)).content.decode()
    assert f'<option value="ES">{spain}</option>' in html
    assert f'<option value="EG">{egypt}</option>' in html


def test_arabic_countries_are_in_arabic_alphabetical_order():
    with translation.override("ar"):
        names = [name for code, name in SignatureForm(action_url="/").fields["country"].choices if code]
    first_letters = [name.removeprefix("ال")[0].replace("أ", "ا").replace("إ", "ا").replace("آ", "ا") for name in names]
    assert first_letters[0] == "ا" and first_letters[-1] == "ي"


def test_the_list_shows_open_actions_only(client, action):
    Action.objects.create(campaign=action.campaign, slug="a-draft", title_en="A draft action", summary_en="S", targets_en="T", appeal_en="A")
    Action.objects.create(
        campaign=action.campaign,
        slug="closed",
        title_en="A closed action",
        summary_en="S",
        targets_en="T",
        appeal_en="A",
        status=Action.Status.PUBLISHED,
        closes_at=timezone.now() - timedelta(days=1),
    )
    html = client.get("/en/act/").content.decode()
    assert KOSOVO_APPEAL["text"]["en"]["title"] in html
    assert "A draft action" not in html and "A closed action" not in html
    assert client.get("/en/act/a-draft/").status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_story_and_campaign_pages_offer_the_action(client, action, language):
    for path in (KOSOVO_PATH, f"/campaigns/{CAMPAIGN_SLUG}/", f"/campaigns/{CAMPAIGN_SLUG}/act-now/"):
        html = client.get(f"/{language}{path}").content.decode()
        block = re.search(r'<section class="action-block".*?</section>', html, re.S)
        assert block, path
        assert KOSOVO_APPEAL["text"][language]["title"] in block[0]
        assert '<div class="signature-count">' in block[0]
        assert f'href="{action_url(language)}"' in block[0]


def test_on_the_story_page_the_call_to_action_comes_before_the_lead(client):
    html = client.get(f"/en{KOSOVO_PATH}").content.decode()
    assert html.index("</h1>") < html.index('class="action-block"') < html.index('class="lead"')


def test_take_action_leads_to_the_one_open_action_else_the_list_else_the_section(client, action, django_capture_on_commit_callbacks):
    def header_link(html):
        return re.search(r'<nav class="primary-nav".*?href="([^"]+)">Take action!</a>', html, re.S)[1]

    assert header_link(client.get("/en/").content.decode()) == action_url()
    with django_capture_on_commit_callbacks(execute=True):
        Action.objects.create(
            campaign=action.campaign, slug="second", title_en="Second", summary_en="S", targets_en="T", appeal_en="A", status=Action.Status.PUBLISHED
        )
    assert header_link(client.get("/en/").content.decode()) == "/en/act/"
    Action.objects.update(status=Action.Status.DRAFT)
    cache.clear()
    section = Section.objects.get(role=Section.Role.TAKE_ACTION)
    assert header_link(client.get("/en/").content.decode()) == f"/en/campaigns/{CAMPAIGN_SLUG}/{section.slug}/"


def test_an_edited_action_shows_at_once(client, action, django_capture_on_commit_callbacks):
    assert "Kosovo: end the trafficking" in client.get(f"/en{KOSOVO_PATH}").content.decode()
    action.title_en = "Kosovo: an edited appeal"
    with django_capture_on_commit_callbacks(execute=True):
        action.save()
    assert "Kosovo: an edited appeal" in client.get(f"/en{KOSOVO_PATH}").content.decode()
    assert "Kosovo: an edited appeal" in client.get(action_url()).content.decode()


# Cacheable, and where posts may come from ---------------------------------


@pytest.mark.parametrize("path", [action_url(), thanks_url(), "/en/act/", f"/en{KOSOVO_PATH}", f"/ar{KOSOVO_PATH}", f"/en/campaigns/{CAMPAIGN_SLUG}/"])
def test_pages_set_no_cookie_do_not_vary_and_are_stored(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "public" in response["Cache-Control"] and "s-maxage=" in response["Cache-Control"]
    assert stored(client, path)


FORGED = {
    "cross-site fetch": {"HTTP_SEC_FETCH_SITE": "cross-site"},
    "same-site fetch": {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": SITE_URL},
    "other origin": {"HTTP_ORIGIN": "https://evil.example"},
    "null origin": {"HTTP_ORIGIN": "null"},
    "other referer": {"HTTP_REFERER": "https://evil.example/form.html"},
    "no header at all": {},
}


@pytest.mark.parametrize("headers", FORGED.values(), ids=FORGED.keys())
@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_post_from_another_site_is_refused_and_stores_nothing(client, headers, language):
    response = sign(client, language, headers)
    assert response.status_code == 403
    html = response.content.decode()
    with translation.override(language):
        assert translation.gettext("This form could not be sent") in html
    assert f'<html lang="{language}"' in html
    assert "no-store" in response["Cache-Control"]
    assert not Signature.objects.exists()
    assert not Email.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [SAME_ORIGIN, {"HTTP_SEC_FETCH_SITE": "same-origin"}, {"HTTP_REFERER": f"{SITE_URL}{action_url()}"}, {"HTTP_ORIGIN": "http://testserver"}],
    ids=["origin", "sec-fetch-site", "referer", "request host"],
)
def test_a_post_from_this_site_signs_with_no_cookie_or_session(client, headers):
    response = sign(client, headers=headers)
    assert response.status_code == 303
    assert response["Location"] == thanks_url()
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    signature = Signature.objects.get()
    assert (signature.name, signature.email, signature.country.code, signature.language) == ("Ana López", "ana@example.org", "ES", "en")
    assert (signature.contact_consent, signature.show_name, signature.confirmed_at) == (False, False, None)


def test_the_thank_you_page_is_in_the_language_of_the_form(client):
    response = sign(client, "ar")
    assert response["Location"] == thanks_url("ar")
    assert Signature.objects.get().language == "ar"
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="ar" dir="rtl">' in html and "شكرًا على توقيعك" in html
    email = Email.objects.get()
    assert email.subject.startswith("يُرجى تأكيد توقيعك")


def test_signing_never_empties_or_rebuilds_the_page_cache(client):
    for path in (action_url(), f"/en{KOSOVO_PATH}"):
        client.get(path)
    generation = content_generation()
    sign(client)
    sign(client, email="someone.else@example.org")
    assert content_generation() == generation
    assert stored(client, action_url()) and stored(client, f"/en{KOSOVO_PATH}")


# The form: every field says what is wrong, in the page's language -------------


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"name": ""}, "name", "Indiquez votre nom."),
        ({"name": "Ana\nLópez"}, "name", "Écrivez votre nom sur une seule ligne, sans caractères spéciaux."),
        ({"name": "x\r\nBcc: a@b.c"}, "name", "Écrivez votre nom sur une seule ligne, sans caractères spéciaux."),
        ({"name": "A" * 121}, "name", "Votre nom est trop long"),
        ({"name": "Visit cheap.example"}, "name", "Votre nom ne peut contenir ni adresse web ni nom de domaine."),
        ({"email": ""}, "email", "Indiquez votre adresse électronique."),
        ({"email": "x\r\nBcc: a@b.c"}, "email", "Saisissez une adresse électronique au bon format"),
        ({"email": '"x\\ny"@example.org'}, "email", "Saisissez une adresse électronique au bon format"),
        ({"email": "ana@example.org\u200b"}, "email", "Saisissez une adresse électronique au bon format"),
        ({"email": "a" * 250 + "@example.org"}, "email", "Cette adresse électronique est trop longue"),
        ({"country": ""}, "country", "Choisissez votre pays."),
        ({"country": "XX"}, "country", "Choisissez votre pays dans la liste."),
        ({"comment": "x" * 501}, "comment", "Votre commentaire est trop long"),
    ],
)
def test_each_field_says_what_is_wrong_and_nothing_is_stored(client, fields, field, message):
    response = sign(client, "fr", **fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert re.search(rf'<p class="field__error" id="id_{field}_error1">', html), "the message is next to its field"
    assert f'href="#id_{field}"' in html, "the summary links to the field"
    assert "<title>Erreur" in html
    assert "no-store" in response["Cache-Control"] and not response.cookies
    assert not Signature.objects.exists() and not Email.objects.exists()


def test_a_comment_keeps_its_lines_within_its_length(client):
    comment = "\r\n".join(["Line"] * 100)  # 598 characters as sent, 499 as written
    assert sign(client, comment=comment).status_code == 303
    assert Signature.objects.get().comment == "\n".join(["Line"] * 100)


def test_names_lose_direction_controls_and_extra_spaces(client):
    assert sign(client, name="\u202eAna\u202c   \u200fLópez ").status_code == 303
    assert Signature.objects.get().name == "Ana López"


def test_a_filled_in_trap_gets_the_thank_you_page_and_nothing_is_stored(client):
    response = sign(client, website="https://spam.example")
    assert response.status_code == 303 and response["Location"] == thanks_url()
    assert not Signature.objects.exists() and not Email.objects.exists()


def test_undecodable_bytes_are_an_error_not_a_crash(client):
    response = client.post(action_url(), b"name=%FF%FE&email=%C0%80%40x.org&country=ES", content_type="application/x-www-form-urlencoded", **SAME_ORIGIN)
    assert response.status_code == 400
    assert not Signature.objects.exists()


# Unicode of every kind (but lone surrogates, which no browser can send), right-to-left marks, newlines, long values.
ODD_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=600) | st.sampled_from(["\u200f", "\u202e", "\r\n", "\n", "\t"]).map(
    lambda c: f"Ana{c}López"
)


@pytest.mark.parametrize("field", ["name", "email", "country", "comment", "contact_consent", "show_name"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=ODD_TEXT)
@example(value="x\r\nBcc: a@b.c")
@example(value="\u200f\u202eمرحبا\u202c\u2067x\u2069")
@example(value="\x00")
@example(value="\ue000signature-count\ue0011\ue001x\ue002")
@example(value="é" * 5000)
@example(value="ana@example.org\nBcc: a@b.c")
def test_anything_in_any_field_is_stored_cleanly_or_refused_whole(client, field, value):
    cache.clear()  # no double-click memory between examples
    Signature.objects.all().delete()
    Email.objects.all().delete()
    response = sign(client, "ar", **{field: value})
    assert response.status_code in (303, 400), (field, value)
    if response.status_code == 400:
        assert not Signature.objects.exists() and not Email.objects.exists()
        return
    signature = Signature.objects.get()
    assert Email.objects.count() == 1
    for text in (signature.name, signature.email, signature.comment):
        assert not any(unicodedata.category(c) in {"Cs", "Co"} or (unicodedata.category(c) == "Cc" and c != "\n") for c in text)
        assert not set(text) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "\n" not in signature.name and "\n" not in signature.email and "\r" not in signature.comment
    assert len(signature.name) <= 120 and len(signature.email) <= 254 and len(signature.comment) <= 500
    assert '"' not in signature.email and "\n" not in Email.objects.get().to[0]


@given(value=ODD_TEXT)
@settings(max_examples=200, deadline=None)
@example("x\r\nBcc: a@b.c")
def test_the_form_never_raises_on_odd_input(value):
    for field in ("name", "email", "country", "comment"):
        form = SignatureForm({**VALID, field: value}, action_url="/")
        if form.is_valid():
            signer = form.signer()
            assert "\r" not in signer.name + signer.email and "\n" not in signer.name + signer.email


# Duplicates --------------------------------------------------------------


def test_a_double_click_or_a_refresh_gives_one_signature_and_one_email(client):
    first, second = sign(client), sign(client)
    assert first["Location"] == second["Location"] == thanks_url()
    assert Signature.objects.count() == 1
    assert Email.objects.count() == 1, "no 'you already signed' email for a double click"
    assert client.get(thanks_url()).status_code == 200


def test_the_same_mailbox_again_gives_no_second_row_and_tells_its_owner(client):
    sign(client, email="ana.lopez@gmail.com")
    cache.clear()  # later than a double click
    response = sign(client, "fr", email="Ana.Lopez+again@googlemail.com", name="Somebody Else")
    assert response["Location"] == thanks_url("fr"), "the visitor sees the same thank-you page"
    assert Signature.objects.count() == 1
    assert Signature.objects.get().name == "Ana López", "the first signature is kept as it was"
    told = Email.objects.order_by("id").last()
    assert told.to == ["Ana.Lopez+again@googlemail.com"]
    assert told.subject.startswith("Vous avez déjà signé")


def test_a_failed_signing_can_be_retried_at_once(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "sign", broken)
    client.raise_request_exception = False
    assert sign(client).status_code == 500
    monkeypatch.undo()
    assert sign(client).status_code == 303
    assert Signature.objects.count() == 1


# Closed actions ----------------------------------------------------------


def test_a_closed_action_shows_no_form_and_takes_no_signature(client, action):
    action.closes_at = timezone.now() - timedelta(hours=1)
    action.opens_at = timezone.now() - timedelta(days=1)
    action.save()
    html = client.get(action_url("es")).content.decode()
    assert 'id="sign_form"' not in html
    assert "Este llamamiento está cerrado" in html
    response = sign(client, "es")
    assert response.status_code == 303 and response["Location"] == action_url("es")
    assert not Signature.objects.exists()


# Confirmation ------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_confirmation_link_confirms_and_says_so(client, action, language):
    signature = services.sign(action, services.Signer(name="Ana", email="ana@example.org", country="ES"), language=language)
    url = services.confirmation_url(signature, language).removeprefix(SITE_URL)
    assert url.startswith(f"/{language}/act/confirm/")
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    signature.refresh_from_db()
    assert signature.confirmed_at is not None
    with translation.override(language):
        assert translation.gettext("Your signature is confirmed") in response.content.decode()
    assert client.get(url).status_code == 200, "a second click is fine"


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "x" * 300, signing.dumps(999999, salt=services.CONFIRM_SALT), signing.dumps(1, salt="another.salt"), "%2e%2e", "ée"],
    ids=["garbage", "long", "withdrawn", "wrong salt", "dots", "unicode"],
)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_bad_confirmation_link_gets_a_clear_page(client, token, language):
    response = client.get(f"/{language}/act/confirm/{token}/")
    assert response.status_code in (400, 404)
    assert "no-store" in response.get("Cache-Control", "") or response.status_code == 404
    with translation.override(language):
        if response.status_code == 400:
            assert translation.gettext("This confirmation link does not work") in response.content.decode()


def test_an_expired_confirmation_link_gets_the_clear_page(client, action, settings):
    signature = services.sign(action, services.Signer(name="Ana", email="ana@example.org", country="ES"), language="en")
    url = services.confirmation_url(signature, "en").removeprefix(SITE_URL)
    settings.CONFIRMATION_LINK_DAYS = -1
    response = client.get(url)
    assert response.status_code == 400
    assert "This confirmation link does not work" in response.content.decode()
    signature.refresh_from_db()
    assert signature.confirmed_at is None


# Thank-you page ----------------------------------------------------------


def test_the_thank_you_page_is_public_and_offers_the_next_steps(client, action):
    sign(client)
    response = client.get(thanks_url())
    assert "public" in response["Cache-Control"]
    html = response.content.decode()
    assert "ana@example.org" not in html and "López" not in html, "nothing personal"
    share = reverse("sharing:share") + "?page=" + action_url()
    assert f'href="{share}"' in html
    assert 'href="/en/postcards/"' in html or f'href="/en/campaigns/{CAMPAIGN_SLUG}/postcards/"' in html
    assert "https://wa.me/?text=" in html
    ladder = re.search(r'<section class="next-ladder".*?</section>', html, re.S)[0]
    donate = re.search(r'<nav class="primary-nav".*?href="([^"]+)">Donate or Join!</a>', html, re.S)[1]
    assert f'href="{donate}">Donate or Join!</a>' in ladder


# Shown signers and comments ------------------------------------------------


def test_only_consenting_confirmed_signers_show_with_first_name_and_country(client, action):
    def add(name, email, **fields):
        return Signature.objects.create(action=action, name=name, email=email, country="FR", language="fr", **fields)

    now = timezone.now()
    add("Marie Curie-Dupont", "marie@example.org", show_name=True, confirmed_at=now)
    add("Secret Person", "secret@example.org", show_name=False, confirmed_at=now)
    add("Unconfirmed Person", "unconfirmed@example.org", show_name=True)
    add("Commenter Hidden", "c1@example.org", confirmed_at=now, comment="Not approved yet")
    add("Commenter Shown", "c2@example.org", confirmed_at=now, comment="Justice now.\nFor all of them.", comment_approved=True)
    html = client.get(action_url("fr")).content.decode()
    signers = re.search(r'<section class="signers".*?</section>', html, re.S)[0]
    assert "<bdi>Marie</bdi> (France)" in signers
    assert "Curie" not in html and "marie@example.org" not in html
    assert "Secret" not in html and "Unconfirmed" not in html
    comments = re.search(r'<section class="comments".*?</section>', html, re.S)[0]
    assert "Justice now.<br>For all of them." in comments and "Not approved yet" not in html
    assert "Commenter" not in comments, "a comment shows no name unless its author agreed"


def test_a_private_use_character_in_a_stored_name_cannot_pose_as_a_live_value(client, action):
    name = "\ue000signature-count\ue001x\ue001y\ue002 Eve"
    Signature.objects.create(action=action, name=name, email="eve@example.org", country="FR", language="en", show_name=True, confirmed_at=timezone.now())
    for _ in range(2):
        response = client.get(action_url())
        assert response.status_code == 200
        assert "\ue000" not in response.content.decode()


# Seed ------------------------------------------------------------------------


def test_the_kosovo_appeal_is_seeded_in_every_language_and_linked_to_its_story(action):
    story = Story.objects.get()
    assert action.story == story and action.is_open
    for language in LANGUAGES:
        for field in ("title", "summary", "targets", "appeal"):
            assert getattr(action, f"{field}_{language}")
    assert "United Nations and NATO" in action.appeal_en and "authorities in Kosovo" in action.appeal_en
    assert "الناتو" in action.appeal_ar and "l’OTAN" in action.appeal_fr and "la OTAN" in action.appeal_es


def test_load_actions_creates_only_what_is_missing_and_keeps_staff_edits(action, capsys):
    action.title_fr = "Titre modifié"
    action.summary_es = ""
    action.story = None
    action.save()
    call_command("load_actions")
    call_command("load_seed")
    action.refresh_from_db()
    assert (action.title_fr, action.summary_es, action.story) == ("Titre modifié", "", None)
    assert Action.objects.count() == 1
    assert "nothing changed" in capsys.readouterr().out
    action.delete()
    call_command("load_actions")
    assert Action.objects.get(slug=SLUG).title_fr == KOSOVO_APPEAL["text"]["fr"]["title"]


def test_a_value_shown_back_after_a_mistake_is_valid_html(client):
    html = sign(client, name="x\r\nBcc: a@b.c\x00\x01\ufdd0", email="a\nb@example.org", comment="one\r\ntwo\x0b\uffff").content.decode()
    assert 'name="name" value="x  Bcc: a@b.c"' in html
    assert 'name="email" value="a b@example.org"' in html
    assert ">\none\r\ntwo</textarea>" in html


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_no_english_is_left_on_the_take_action_pages(client, action, language):
    from pathlib import Path

    from django.conf import settings as django_settings

    from tests.test_i18n import entries
    from tests.test_i18n import visible_text as spoken_text

    catalogue = Path(django_settings.BASE_DIR) / f"locale/{language}/LC_MESSAGES/django.po"
    english = {
        msgid
        for msgid, strings, _fuzzy, _plural in entries(catalogue)
        if strings and strings[0] != msgid and "%(" not in msgid and not re.fullmatch(r"[a-z]+", msgid)
    }
    signature = services.sign(action, services.Signer(name="Ana", email="ana@example.org", country="ES"), language=language)
    confirm = services.confirmation_url(signature, language).removeprefix(SITE_URL)
    pages = {
        "list": client.get(f"/{language}/act/"),
        "action": client.get(action_url(language)),
        "errors": sign(client, language, name="", email="", country=""),
        "thanks": client.get(thanks_url(language)),
        "confirmed": client.get(confirm),
        "bad link": client.get(f"/{language}/act/confirm/bad/"),
    }
    for name, response in pages.items():
        text = spoken_text(response.content.decode())
        leaked = sorted(msgid for msgid in english if re.search(rf"(?<!\w){re.escape(msgid)}(?!\w)", text))
        assert not leaked, f"{name} ({language}) shows English: {leaked}"
    assert "Sign the appeal" not in spoken_text(pages["action"].content.decode())


def test_staff_preview_a_draft_action(staff_client, action):
    from django.test import Client

    action.status = Action.Status.DRAFT
    action.title_en = "A draft appeal"
    action.save()
    visitor = Client()
    assert visitor.get(action_url()).status_code == 404
    response = staff_client.get(action.get_preview_url())
    assert response.status_code == 200
    assert "A draft appeal" in response.content.decode() and "no-store" in response["Cache-Control"]
    assert visitor.get(action.get_preview_url()).status_code == 302, "staff only"
