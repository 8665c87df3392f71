"""Virtual postcards: designs, the form (preview, then send), the card's page, deletion, retention, Arabic on the card."""

import datetime
import email
import io
import re
import struct
import zlib

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image as PILImage
from PIL import ImageDraw
from post_office.models import STATUS, Attachment, Email

from actions.postcards import rendering, services
from actions.postcards.artwork import validate_design_upload
from actions.postcards.forms import PostcardForm
from actions.postcards.models import Postcard, PostcardDesign, hash_token
from campaign.caching import content_generation
from campaign.images import validate_upload
from tests.assertions import assert_refused
from tests.factories import KOSOVO_PATH, image_upload

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
CROSS_SITE = {"HTTP_SEC_FETCH_SITE": "cross-site"}
SALAM = "سلام"
ARABIC_MESSAGE = "إلى صديقتي العزيزة، أرسل لك هذه البطاقة تضامناً مع النساء والفتيات."


def form_data(**changes):
    data = {
        "design": "candle",
        "message": "Thinking of you.\r\nWith love",
        "sender_name": "Ana",
        "sender_email": "ana@example.org",
        "recipient_name": "Bea",
        "recipient_email": "bea@example.org",
        "send_on": "",
        "website": "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def post(client, data, step="send", language="en", **headers):
    return client.post(f"/{language}/postcards/", {**data, step: "1"}, **{**SAME_ORIGIN, **headers})


def send(client, language="en", **changes):
    response = post(client, form_data(**changes), "send", language)
    assert response.status_code == 303, response.content.decode()[:2000]
    return response


def parsed(mail):
    return email.message_from_bytes(mail.email_message().message().as_bytes())


def sent_token(mail):
    """The token in the card link of a stored email."""
    return re.search(r"/postcards/card/([A-Za-z0-9_-]{32})/", mail.message).group(1)


def nothing_stored():
    return Postcard.objects.count() == 0 and Email.objects.count() == 0 and Attachment.objects.count() == 0


@pytest.fixture
def designs(db):
    call_command("load_postcard_designs", verbosity=0)
    return PostcardDesign.objects.all()


@pytest.fixture
def card(client, designs):
    """A card sent from the English form: (the Postcard, its token)."""
    send(client)
    mail = Email.objects.get()
    token = sent_token(mail)
    return Postcard.objects.get(token_hash=hash_token(token)), token


# Designs ---------------------------------------------------------------------


def png_header_claiming(width, height):
    """A tiny PNG that claims to be huge: decoding it would fill the memory."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def test_design_upload_is_reencoded_without_metadata_and_cut_to_card_size():
    exif = PILImage.Exif()
    exif[0x010E] = "secret exif note"
    exif[0x8825] = {2: (42.0, 39.0, 0.0)}
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 1200), (200, 30, 30)).save(buffer, "JPEG", exif=exif, comment=b"secret comment")
    upload = SimpleUploadedFile("where-i-live.jpg", buffer.getvalue(), content_type="image/jpeg")
    design = PostcardDesign(slug="red", title="Red", alt_text_en="Red", caption_en="Red", image=upload)
    design.full_clean()
    design.save()
    assert "where-i-live" not in design.image.name
    with design.image.open("rb") as stored:
        data = stored.read()
    assert b"secret" not in data
    with PILImage.open(io.BytesIO(data)) as picture:
        assert not picture.getexif()
    with design.artwork.open("rb") as stored, PILImage.open(stored) as artwork:
        assert (artwork.format, artwork.size) == ("PNG", (960, 640))
    with design.thumbnail.open("rb") as stored, PILImage.open(stored) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("WEBP", (480, 320))


@pytest.mark.parametrize(
    "upload,code",
    [
        (SimpleUploadedFile("fake.png", b"<script>alert(1)</script>", content_type="image/png"), "image_invalid"),
        (image_upload("anim.gif", image_format="GIF"), "image_invalid"),
        (SimpleUploadedFile("bomb.png", png_header_claiming(100_000, 100_000), content_type="image/png"), "image_too_many_pixels"),
        # 12.0012 megapixels: over the designs' own limit, well under the 40 of other images.
        (image_upload("wide.png", size=(4001, 3000), image_format="PNG"), "image_too_many_pixels"),
        (SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024), content_type="image/jpeg"), "image_too_large"),
    ],
    ids=["not-an-image", "gif", "decompression-bomb", "over-12-megapixels", "over-5-mb"],
)
def test_design_upload_is_refused_with_a_code(upload, code):
    assert_refused(validate_design_upload, upload, code)


def test_other_images_keep_their_own_larger_limits():
    """The designs' limits are parameters: campaign.models.Image still takes 12 megapixels and more."""
    validate_upload(image_upload("wide.png", size=(4001, 3000), image_format="PNG"))


def test_design_limits_say_their_numbers():
    with pytest.raises(ValidationError) as refused:
        validate_design_upload(image_upload("wide.png", size=(4001, 3000), image_format="PNG"))
    assert "12 megapixels" in " ".join(refused.value.messages)


def test_staff_add_a_design_in_the_admin(staff_client):
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 800), (0, 0, 0)).save(buffer, "PNG")
    upload = SimpleUploadedFile("night.png", buffer.getvalue(), content_type="image/png")
    fields = {f"{name}_{code}": f"{name} {code}" for name in ("alt_text", "caption") for code in ("en", "ar", "fr", "es")}
    response = staff_client.post(
        reverse("admin:postcards_postcarddesign_add"),
        {"slug": "night", "title": "Night", "image": upload, "sort_order": 5, "is_active": "on", **fields},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    design = PostcardDesign.objects.get(slug="night")
    assert design.alt_text_ar == "alt_text ar" and design.caption_es == "caption es"
    assert design.thumbnail and design.artwork


def test_admin_refuses_a_design_without_alt_text(staff_client):
    response = staff_client.post(reverse("admin:postcards_postcarddesign_add"), {"slug": "x", "title": "X", "image": image_upload(), "caption_en": "X"})
    assert response.status_code == 200
    assert PostcardDesign.objects.count() == 0


# The seed --------------------------------------------------------------------


def test_seed_draws_three_designs_in_every_language():
    call_command("load_seed", verbosity=0)
    designs = list(PostcardDesign.objects.all())
    assert [design.slug for design in designs] == ["candle", "broken-chain", "dove"]
    for design in designs:
        assert design.is_active
        for code in ("en", "ar", "fr", "es"):
            assert getattr(design, f"alt_text_{code}") and getattr(design, f"caption_{code}")
        assert design.alt_text_ar != design.alt_text_en
        with design.artwork.open("rb") as stored, PILImage.open(stored) as artwork:
            colours = {colour for _count, colour in artwork.convert("RGB").getcolors(maxcolors=10_000)}
        assert (255, 255, 0) in colours and (0, 0, 0) in colours, "drawn in the campaign's yellow and black"


def test_seed_twice_creates_nothing_more_and_keeps_staff_edits():
    call_command("load_postcard_designs", verbosity=0)
    candle = PostcardDesign.objects.get(slug="candle")
    candle.caption_fr = "Légende revue par l'équipe"
    candle.is_active = False
    candle.save()
    PostcardDesign.objects.get(slug="dove").delete()
    out = io.StringIO()
    call_command("load_postcard_designs", stdout=out)
    assert "dove" in out.getvalue(), "only the missing design is created again"
    assert PostcardDesign.objects.count() == 3
    candle.refresh_from_db()
    assert (candle.caption_fr, candle.is_active) == ("Légende revue par l'équipe", False)
    out = io.StringIO()
    call_command("load_postcard_designs", stdout=out)
    assert "nothing changed" in out.getvalue()


# The form --------------------------------------------------------------------


def test_form_page_is_a_public_cookie_free_page(client, designs):
    response = client.get("/en/postcards/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    # A gallery of radio buttons in a fieldset, each label holding the thumbnail (with its alt text) and the caption.
    gallery = re.search(r"<fieldset.*?</fieldset>", html, re.S).group()
    assert "<legend" in gallery
    for design in designs:
        assert re.search(rf'<input type="radio" name="design" value="{design.slug}"[^>]*id="(id_design_\d)"', gallery)
        assert f'alt="{design.alt_text}"' in gallery and design.caption in gallery
    assert gallery.count("<label") == 3
    assert 'type="date"' in html and 'type="checkbox" name="copy_to_sender"' in html
    assert 'name="copy_to_sender" class="checkboxinput" id="id_copy_to_sender">' in html, "not ticked"
    # The next visitor gets the same page from the cache, with no query at all.
    assert client.get("/en/postcards/").content == response.content


def test_arabic_form_page_is_right_to_left_and_translated(client, designs):
    html = client.get("/ar/postcards/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "أرسل بطاقة بريدية إلكترونية" in html
    assert "Choose a design" not in html and "Your message" not in html
    assert PostcardDesign.objects.get(slug="dove").caption_ar in html


def test_footer_link_leads_to_the_form(client, seeded):
    html = client.get(f"/fr{KOSOVO_PATH}").content.decode()
    footer = re.search(r"<footer.*?</footer>", html, re.S).group()
    assert 'href="/fr/postcards/"' in footer


def test_editing_a_design_refreshes_the_cached_form(client, designs, django_capture_on_commit_callbacks):
    client.get("/en/postcards/")
    before = content_generation()
    with django_capture_on_commit_callbacks(execute=True):
        design = PostcardDesign.objects.get(slug="dove")
        design.caption_en = "A new caption"
        design.save()
    assert content_generation() != before
    assert "A new caption" in client.get("/en/postcards/").content.decode()


def test_sending_a_postcard_does_not_refresh_the_page_cache(client, designs, django_capture_on_commit_callbacks):
    before = content_generation()
    with django_capture_on_commit_callbacks(execute=True):
        send(client)
    assert content_generation() == before


def test_an_inactive_design_is_neither_shown_nor_accepted(client, designs):
    PostcardDesign.objects.filter(slug="dove").update(is_active=False)
    assert 'value="dove"' not in client.get("/en/postcards/").content.decode()
    response = post(client, form_data(design="dove"), "preview")
    assert response.status_code == 400
    assert "That design is no longer available" in response.content.decode()


# Preview, then send ---------------------------------------------------------


def test_preview_shows_the_card_and_stores_nothing(client, designs):
    response = post(client, form_data(message="Line one\r\nLine two"), "preview")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert 'src="data:image/webp;base64,' in html
    assert "Line one<br>Line two" in html
    # What was typed travels on in hidden fields, with an Edit and a Send button.
    assert '<input type="hidden" name="recipient_email" value="bea@example.org">' in html
    assert '<input type="hidden" name="design" value="candle">' in html
    assert 'name="send"' in html and 'name="edit"' in html
    assert nothing_stored()


def test_edit_goes_back_to_the_filled_in_form(client, designs):
    response = post(client, form_data(message="Keep this"), "edit")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="postcard-form"' in html and "Keep this</textarea>" in html
    assert 'value="candle" required id="id_design_0" checked' in html
    assert nothing_stored()


def test_send_queues_one_email_to_the_friend(client, designs):
    response = send(client, "fr", sender_name="Ana Ruiz", message="Pensées\r\npour toi")
    assert response["Location"] == "/fr/postcards/sent/"
    assert response["Cache-Control"] == "private, no-store"
    mail = Email.objects.get()
    assert mail.to == ["bea@example.org"] and not mail.cc and not mail.bcc
    assert mail.from_email == settings.DEFAULT_FROM_EMAIL
    assert mail.headers == {"Reply-To": "ana@example.org"}
    assert mail.scheduled_time is None
    assert "Ana" not in mail.subject, "the outbox keeps subjects: no names in them"
    assert "Pensées\u2069\n\u2068pour toi" in mail.message and "Ana Ruiz" in mail.message, "each line isolated, in its own direction"
    message = parsed(mail)
    assert message["Reply-To"] == "ana@example.org" and message["To"] == "bea@example.org"
    image = next(part for part in message.walk() if part.get_content_type() == "image/png")
    content_id = image["Content-ID"].strip("<>")
    assert f'src="cid:{content_id}"' in mail.html_message, "the card is shown inline, by Content-ID"
    with PILImage.open(io.BytesIO(image.get_payload(decode=True))) as png:
        assert png.format == "PNG" and png.width == rendering.CARD_WIDTH
    token = sent_token(mail)
    assert f"{settings.SITE_URL}/fr/postcards/card/{token}/" in mail.html_message
    card = Postcard.objects.get()
    assert (card.language, card.sender_name, card.message, card.email_id) == ("fr", "Ana Ruiz", "Pensées\npour toi", mail.pk)
    assert card.token_hash == hash_token(token) and token not in card.token_hash, "only the token's hash is stored"
    assert card.delivered_at is None


def test_copy_to_sender_is_a_second_email(client, designs):
    send(client, copy_to_sender="on")
    to_friend, copy = Email.objects.order_by("pk")
    assert to_friend.to == ["bea@example.org"] and copy.to == ["ana@example.org"]
    assert not copy.headers, "no Reply-To: it goes to the sender"
    assert "bea@example.org" in copy.message
    assert "/postcards/card/" not in copy.message, "the card's own link is for the friend"
    card = Postcard.objects.get()
    assert (card.email_id, card.copy_email_id) == (to_friend.pk, copy.pk)


def test_a_later_day_becomes_the_outbox_scheduled_time(client, designs):
    day = timezone.localdate() + datetime.timedelta(days=10)
    response = send(client, send_on=day.isoformat(), copy_to_sender="on")
    assert response["Location"] == "/en/postcards/scheduled/"
    to_friend, copy = Email.objects.order_by("pk")
    assert to_friend.scheduled_time == datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    assert copy.scheduled_time is None, "the copy goes at once and says when the card will"
    assert day.strftime("%Y") in copy.message
    assert Postcard.objects.get().send_at == to_friend.scheduled_time


@pytest.mark.parametrize("days", [0, -1])
def test_today_somewhere_in_the_world_is_sent_now(client, designs, days):
    send(client, send_on=(timezone.localdate() + datetime.timedelta(days=days)).isoformat())
    assert Email.objects.get().scheduled_time is None


@pytest.mark.parametrize(
    "value,message",
    [
        ("past", "Choose a day from today to one year from today."),
        ("far", "Choose a day from today to one year from today."),
        ("08/03/2027", "Enter the day as year-month-day"),
        ("2027-02-30", "Enter the day as year-month-day"),
    ],
)
def test_a_day_out_of_range_is_refused(client, designs, value, message):
    today = timezone.localdate()
    value = {"past": (today - datetime.timedelta(days=2)).isoformat(), "far": (today + datetime.timedelta(days=367)).isoformat()}.get(value, value)
    response = post(client, form_data(send_on=value))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_stored()


def test_the_sent_pages_are_public(client, designs):
    for name in ("sent", "scheduled", "deleted"):
        response = client.get(reverse(f"postcards:{name}"))
        assert response.status_code == 200 and "public" in response["Cache-Control"], name
    assert "on the day you chose" in client.get("/en/postcards/scheduled/").content.decode()


def test_a_post_from_another_site_is_refused(client, designs):
    response = post(client, form_data(), "send", **CROSS_SITE)
    assert response.status_code == 403
    assert nothing_stored()


def test_the_honeypot_pretends_and_sends_nothing(client, designs):
    response = post(client, form_data(website="http://spam.example"), "send")
    assert response.status_code == 303 and response["Location"] == "/en/postcards/sent/"
    assert nothing_stored()


def test_the_mail_limits_apply(client, designs, settings):
    settings.VISITOR_MAIL_LIMITS = {**settings.VISITOR_MAIL_LIMITS, "recipient": "1/30d"}
    send(client)
    response = post(client, form_data(sender_email="other@example.org"))
    assert response.status_code == 429
    assert "Too many postcards" in response.content.decode()
    assert Postcard.objects.count() == 1 and Email.objects.count() == 1


def test_a_copy_counts_against_the_limits(client, designs, settings):
    settings.VISITOR_MAIL_LIMITS = {**settings.VISITOR_MAIL_LIMITS, "sender": "1/d"}
    response = post(client, form_data(copy_to_sender="on"))
    assert response.status_code == 429, "two emails for one sender with a limit of one"
    assert nothing_stored()


# Bad input ------------------------------------------------------------------


REQUIRED = ["design", "message", "sender_name", "sender_email", "recipient_name", "recipient_email"]


@pytest.mark.parametrize("language", ["en", "ar", "fr", "es"])
def test_every_missing_field_has_a_clear_translated_error(client, designs, language):
    response = post(client, {"website": ""}, "preview", language)
    assert response.status_code == 400
    html = response.content.decode()
    errors = re.findall(r'<p class="field__error" id="id_(\w+)_error1">(.*?)</p>', html, re.S)
    assert {field for field, _message in errors} == set(REQUIRED)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group()
    assert summary.count("<li>") == len(REQUIRED) and 'href="#id_design_0"' in summary
    if language != "en":
        english = {"Choose a design for your postcard.", "Write a message for your postcard.", "Enter your email address.", "Enter your friend’s name."}
        assert not any(text in html for text in english), html


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("sender_name", "x\r\nBcc: a@b.c", "Write the name on one line"),
        ("recipient_name", "Bea\tSmith", "Write the name on one line"),
        ("sender_name", "Visit spam.com", "A name cannot contain a web address"),
        ("sender_email", "x\r\nBcc: a@b.c", "Enter your email address in the format"),
        ("recipient_email", "bea@example.org\r\nBcc: a@b.c", "Enter your friend’s email address in the format"),
        ("message", "See www.example.org", "A postcard cannot contain a web address"),
        ("message", "a" * 501, "shorten it to 500 characters or fewer"),
        ("message", "\n".join("a" * 21), "too many lines"),
        ("sender_name", "n" * 101, "shorten it to 100 characters or fewer"),
        ("design", "no-such-design", "That design is no longer available"),
        ("message", "\u200f\r\n \t\r\n", "Write a message for your postcard."),
    ],
)
def test_bad_input_gets_an_error_on_its_field(client, designs, field, value, message):
    response = post(client, form_data(**{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'id="id_{field}_error1">.*?{re.escape(message)}', html, re.S), html[html.find("error-summary") :][:1500]
    assert nothing_stored()


def test_a_message_of_500_characters_with_line_breaks_is_accepted(client, designs):
    message = "\r\n".join(["x" * 99] * 5)  # 495 characters and four breaks: 499 as the visitor counts them
    send(client, message=message)
    assert Postcard.objects.get().message == message.replace("\r\n", "\n")


def test_a_header_injection_in_the_message_is_only_text(client, designs):
    send(client, message="x\r\nBcc: a@b.c")
    mail = Email.objects.get()
    assert not mail.bcc and mail.to == ["bea@example.org"]
    assert parsed(mail)["Bcc"] is None


def test_direction_controls_are_removed_from_names(client, designs):
    send(client, sender_name="\u202eAna\u202c", recipient_name="\u2067ليلى\u2069")
    card = Postcard.objects.get()
    assert (card.sender_name, card.recipient_name) == ("Ana", "ليلى")


TRICKY = st.sampled_from(
    ["x\r\nBcc: a@b.c", "\u200f\u200e\u061c", "\u202e", "\x00", "ا" * 600, "\r\n" * 30, "a@b.c", "https://x.org", "🕯️", "  ", "é" * 101, "ف\u0651\u064e" * 200]
)
ANY_TEXT = st.one_of(st.text(max_size=700), TRICKY, st.text(alphabet="ابتث\u200f\u200e \n\r\tAbc.@-", max_size=600))


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    step=st.sampled_from(["preview", "send", "edit"]),
    language=st.sampled_from(["en", "ar"]),
    values=st.fixed_dictionaries({name: st.one_of(ANY_TEXT, st.just(None)) for name in [*REQUIRED, "send_on", "copy_to_sender", "website"]}),
)
@example(step="send", language="ar", values={name: "x\r\nBcc: a@b.c" for name in [*REQUIRED, "send_on", "copy_to_sender", "website"]})
def test_any_input_gets_an_answer_and_nothing_half_saved(client, designs, step, language, values):
    cache.clear()  # the mail limits, which many examples would use up
    before = (Postcard.objects.count(), Email.objects.count())
    data = {name: value for name, value in values.items() if value is not None}
    response = client.post(f"/{language}/postcards/", {**data, step: "1"}, **SAME_ORIGIN)
    assert response.status_code in {200, 303, 400, 429}
    # What was typed comes back in the form, but never a line break inside a one-line field (not valid HTML).
    assert not re.search(r'<input type="(?:text|email)"[^>]*value="[^"]*[\r\n]', response.content.decode())
    after = (Postcard.objects.count(), Email.objects.count())
    sent = response.status_code == 303 and not data.get("website", "").strip()
    if sent:
        card = Postcard.objects.order_by("-pk").first()
        expected_emails = 2 if card.copy_email_id else 1
        assert after == (before[0] + 1, before[1] + expected_emails)
        for mail in Email.objects.filter(pk__in=[card.email_id, card.copy_email_id]):
            assert len(mail.to) == 1 and not mail.bcc and not mail.cc
            assert "\n" not in mail.subject and "\r" not in mail.subject
            assert parsed(mail)["Bcc"] is None
    else:
        assert after == before


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=600))
def test_a_valid_form_always_fits_on_the_card(designs, text):
    form = PostcardForm(form_data(message=text or "x"))
    if form.is_valid():
        assert form.cleaned_data["message"].strip()
        assert rendering.count_lines(form.cleaned_data["message"], "ar") <= rendering.MAX_LINES


# The card's page ------------------------------------------------------------


def test_card_page_is_private_noindex_and_never_cached(client, card, seeded):
    postcard, token = card
    address = f"/en/postcards/card/{token}/"
    response = client.get(address)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert f'<meta property="og:image" content="{settings.SITE_URL}/en/postcards/card/{token}/image.png">' in html
    assert 'rel="canonical"' not in html
    assert "Thinking of you.<br>With love" in html, "the message as real text"
    assert postcard.design.artwork.url in html
    assert f'href="/en{KOSOVO_PATH}"' in html, "a link to read the campaign's story"
    assert 'href="/en/postcards/"' in html, "a link to send one back"
    assert f'action="/en/postcards/card/{token}/delete/"' in html
    # A second visit is answered afresh, never from the page cache.
    postcard.message = "Changed"
    postcard.save()
    assert "Changed" in client.get(address).content.decode()


def test_card_page_in_arabic(client, designs):
    send(client, "ar", message=ARABIC_MESSAGE, sender_name="ليلى")
    token = sent_token(Email.objects.get())
    html = client.get(f"/ar/postcards/card/{token}/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert ARABIC_MESSAGE in html and 'dir="auto"' in html


def test_card_image_is_a_private_png(client, card):
    _postcard, token = card
    response = client.get(f"/en/postcards/card/{token}/image.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store" and response["X-Robots-Tag"].startswith("noindex")
    with PILImage.open(io.BytesIO(response.content)) as png:
        assert png.width == rendering.CARD_WIDTH


def test_tokens_are_long_random_and_not_stored(client, designs):
    send(client)
    send(client, recipient_email="cy@example.org")
    tokens = [sent_token(mail) for mail in Email.objects.all()]
    assert len(set(tokens)) == 2 and all(len(token) == 32 for token in tokens)
    for token in tokens:
        assert not Postcard.objects.filter(token_hash=token).exists()
        assert Postcard.objects.filter(token_hash=hash_token(token)).exists()


@pytest.mark.parametrize("suffix", ["", "image.png", "delete/"])
def test_a_wrong_token_is_404(client, card, suffix):
    _postcard, token = card
    wrong = ("A" if token[0] != "A" else "B") + token[1:]
    for address in (f"/en/postcards/card/{wrong}/{suffix}", f"/en/postcards/card/{token[:-1]}/{suffix}", f"/en/postcards/card/{token}x/{suffix}"):
        assert client.get(address).status_code == 404, address
    assert client.get(f"/en/postcards/card/{token}/{suffix}").status_code == 200


# Deleting --------------------------------------------------------------------


def test_the_recipient_deletes_the_card(client, designs, django_capture_on_commit_callbacks):
    send(client, copy_to_sender="on")
    token = sent_token(Email.objects.order_by("pk").first())
    files = [attachment.file.name for attachment in Attachment.objects.all()]
    assert len(files) == 2 and all(storages["mail_attachments"].exists(name) for name in files)
    # The card's button posts; the answer asks first and deletes nothing.
    response = client.post(f"/en/postcards/card/{token}/delete/", **SAME_ORIGIN)
    assert response.status_code == 200 and "Delete this postcard?" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store" and 'name="confirm" value="yes"' in response.content.decode()
    assert Postcard.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/postcards/card/{token}/delete/", {"confirm": "yes"}, **SAME_ORIGIN)
    assert response.status_code == 303 and response["Location"] == "/en/postcards/deleted/"
    assert nothing_stored()
    assert not any(storages["mail_attachments"].exists(name) for name in files)
    assert client.get(f"/en/postcards/card/{token}/").status_code == 404
    assert client.get(f"/en/postcards/card/{token}/image.png").status_code == 404
    assert "The postcard has been deleted" in client.get(response["Location"]).content.decode()


def test_deleting_needs_a_post_from_this_site(client, card):
    _postcard, token = card
    assert client.get(f"/en/postcards/card/{token}/delete/?confirm=yes").status_code == 200
    assert client.post(f"/en/postcards/card/{token}/delete/", {"confirm": "yes"}, **CROSS_SITE).status_code == 403
    assert client.post(f"/en/postcards/card/{token}/delete/", {"confirm": "yes"}).status_code == 403, "no origin header at all"
    assert Postcard.objects.count() == 1


# Retention -------------------------------------------------------------------


def test_old_cards_are_deleted_after_the_retention_period(client, designs, settings):
    settings.POSTCARD_RETENTION_DAYS = 30
    now = timezone.now()
    for recipient in ("old@example.org", "recent@example.org", "never@example.org", "later@example.org"):
        send(client, recipient_email=recipient)
    cards = {card.recipient_email.split("@")[0]: card for card in Postcard.objects.select_related("email")}
    # The worker delivered the first two, 31 and 29 days ago.
    for name, days in (("old", 31), ("recent", 29)):
        Email.objects.filter(pk=cards[name].email_id).update(status=STATUS.sent, last_updated=now - datetime.timedelta(days=days))
    # The third was due 31 days ago and never went (its email failed); the fourth is due in a week.
    Email.objects.filter(pk=cards["never"].email_id).update(status=STATUS.failed)
    Postcard.objects.filter(pk=cards["never"].pk).update(send_at=now - datetime.timedelta(days=31))
    Postcard.objects.filter(pk=cards["later"].pk).update(send_at=now + datetime.timedelta(days=7))
    out = io.StringIO()
    call_command("delete_old_postcards", stdout=out)
    assert "Deleted 2 postcard(s)" in out.getvalue()
    assert set(Postcard.objects.values_list("recipient_email", flat=True)) == {"recent@example.org", "later@example.org"}
    assert not Email.objects.filter(pk__in=[cards["old"].email_id, cards["never"].email_id]).exists()
    recent = Postcard.objects.get(recipient_email="recent@example.org")
    assert abs(recent.delivered_at - (now - datetime.timedelta(days=29))) < datetime.timedelta(seconds=1), "delivery noted from the outbox"
    # Running it again, as a schedule does, finds nothing more.
    assert services.delete_old_postcards() == 0


def test_housekeeping_runs_the_retention_job(client, designs, settings):
    settings.POSTCARD_RETENTION_DAYS = 1
    send(client)
    Email.objects.update(status=STATUS.sent, last_updated=timezone.now() - datetime.timedelta(days=2))
    call_command("housekeeping", "--job", "delete_old_postcards")
    assert not Postcard.objects.exists()


def test_tokens_always_carry_what_the_access_log_redacts(monkeypatch):
    from actions.postcards import models
    from campaign.access_log import redacted

    tokens = iter(["abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz01234A"])
    monkeypatch.setattr(models.secrets, "token_urlsafe", lambda _bytes: next(tokens))
    token = models.new_token()
    assert token.endswith("A")
    assert redacted(f"/en/postcards/card/{token}/") == "/en/postcards/card/…/"


def test_retention_days_come_from_the_settings(client, designs, settings):
    send(client)
    Email.objects.update(status=STATUS.sent, last_updated=timezone.now() - datetime.timedelta(days=3))
    settings.POSTCARD_RETENTION_DAYS = 90
    assert services.delete_old_postcards() == 0
    settings.POSTCARD_RETENTION_DAYS = 2
    assert services.delete_old_postcards() == 1


# Arabic on the card ----------------------------------------------------------


ENGINES = [rendering.RESHAPER, *([rendering.RAQM] if rendering.available_engine() == rendering.RAQM else [])]


def draw_line(typesetter, text, rtl=True):
    picture = PILImage.new("L", (400, 80), 255)
    typesetter.draw(ImageDraw.Draw(picture), (390 if rtl else 10, 10), text, typesetter.font(40), rtl, 0, anchor="ra" if rtl else "la")
    return picture


def test_raqm_is_used_where_pillow_has_it():
    from PIL import features

    assert rendering.available_engine() == (rendering.RAQM if features.check("raqm") else rendering.RESHAPER)


def test_the_reshaper_joins_letters_into_presentation_forms():
    shaped = rendering.Typesetter(rendering.RESHAPER).visual(SALAM, rtl=True)
    assert all("\ufe70" <= letter <= "\ufeff" for letter in shaped), [hex(ord(letter)) for letter in shaped]
    # In visual order, left to right: meem standing alone, lam-alef joined as one ligature, seen in its initial form.
    assert shaped == "\ufee1\ufefc\ufeb3"
    unshaped = rendering.Typesetter(rendering.RESHAPER, shape=False).visual(SALAM, rtl=True)
    assert unshaped == SALAM


def test_the_reshaper_keeps_vowel_marks():
    assert "\u064b" in rendering.Typesetter(rendering.RESHAPER).visual("تضامناً", rtl=True)


@pytest.mark.parametrize("engine", ENGINES)
def test_shaping_changes_what_is_drawn(engine):
    """Fails if shaping is lost: the word drawn by the pipeline differs from the same letters drawn unjoined."""
    shaped = draw_line(rendering.Typesetter(engine), SALAM)
    unshaped = draw_line(rendering.Typesetter(engine, shape=False), SALAM)
    assert shaped.tobytes() != unshaped.tobytes()
    # Joined letters are narrower than the same letters standing alone.
    widths = [typesetter.width(SALAM, typesetter.font(40), True) for typesetter in (rendering.Typesetter(engine), rendering.Typesetter(engine, shape=False))]
    assert widths[0] < widths[1]


def test_both_ways_of_shaping_draw_the_same_word():
    if len(ENGINES) < 2:
        pytest.skip("raqm is not available here")
    raqm, reshaper = (draw_line(rendering.Typesetter(engine), SALAM) for engine in (rendering.RAQM, rendering.RESHAPER))
    difference = sum(abs(a - b) for a, b in zip(raqm.tobytes(), reshaper.tobytes(), strict=True))
    unshaped = draw_line(rendering.Typesetter(shape=False), SALAM)
    assert difference < sum(abs(a - b) for a, b in zip(raqm.tobytes(), unshaped.tobytes(), strict=True)) / 4


@pytest.mark.parametrize("engine", ENGINES)
def test_the_arabic_card_differs_from_an_unshaped_one(designs, engine):
    artwork = PostcardDesign.objects.get(slug="candle").artwork
    with artwork.open("rb") as file:
        shaped = rendering.render_card(file, ARABIC_MESSAGE, "ليلى", "ar", rendering.Typesetter(engine))
        unshaped = rendering.render_card(file, ARABIC_MESSAGE, "ليلى", "ar", rendering.Typesetter(engine, shape=False))
    assert shaped.size == unshaped.size
    assert shaped.tobytes() != unshaped.tobytes()


def test_arabic_lines_are_right_aligned_and_english_left():
    typesetter = rendering.Typesetter()
    arabic, english = draw_line(typesetter, SALAM, rtl=True), draw_line(typesetter, "Hello", rtl=False)
    inked = lambda picture: PILImage.eval(picture, lambda value: 255 - value).getbbox()  # noqa: E731
    assert inked(arabic)[2] > 350 and inked(english)[0] < 50


@pytest.mark.parametrize(
    "text,rtl",
    [(SALAM, True), ("Hello", False), ("\u200f123 سلام", True), ("KFOR في كوسوفو", False), ("123", None), ("", None)],
)
def test_each_paragraph_takes_the_direction_of_its_first_letter(text, rtl):
    assert rendering.is_right_to_left(text, default=None) is rtl


@pytest.mark.parametrize("engine", ENGINES)
def test_long_lines_are_wrapped_to_fit(engine):
    typesetter = rendering.Typesetter(engine)
    font = typesetter.font(rendering.MESSAGE_SIZE)
    for text, rtl in ((ARABIC_MESSAGE * 3, True), ("word " * 60, False), ("W" * 200, False)):
        lines = typesetter.wrap(text, font, rendering.TEXT_WIDTH, rtl)
        assert len(lines) > 1
        assert all(typesetter.width(line, font, rtl) <= rendering.TEXT_WIDTH for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_500_character_message_fits_in_the_widest_letters():
    assert rendering.count_lines("W" * 500, "en") <= rendering.MAX_LINES
    assert rendering.count_lines("ش" * 500, "ar") <= rendering.MAX_LINES


def test_the_card_uses_the_font_shipped_with_the_project():
    assert rendering.REGULAR_FONT.is_file() and rendering.BOLD_FONT.is_file()
    assert (rendering.FONT_DIR / "LICENSE").is_file()
    assert str(settings.BASE_DIR) in str(rendering.REGULAR_FONT)
