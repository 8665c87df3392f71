"""A signer's own pages: see, withdraw and download their signatures; ask for a link without revealing who signed."""

import json
import time
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation
from post_office.models import Email

from actions.petitions import services
from actions.petitions.addresses import mailbox_key
from actions.petitions.models import Action, Signature
from tests.factories import make_campaign

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
CROSS_SITE = {"HTTP_SEC_FETCH_SITE": "cross-site"}


def make_action(slug="end-impunity", **fields):
    fields = {
        "title_en": "End impunity",
        "title_ar": "إنهاء الإفلات من العقاب",
        "summary_en": "Summary.",
        "targets_en": "The authorities.",
        "appeal_en": "Act now.",
        "status": Action.Status.PUBLISHED,
        **fields,
    }
    return Action.objects.create(campaign=make_campaign(slug=f"campaign-{slug}"), slug=slug, **fields)


def make_signature(action, email, confirmed=True, **fields):
    fields = {"name": "Ana López", "country": "ES", "language": "en", **fields}
    return Signature.objects.create(action=action, email=email, confirmed_at=timezone.now() if confirmed else None, **fields)


@pytest.fixture
def signatures():
    """Ana signed two actions with two spellings of one Gmail address; Bob signed one."""
    first, second = make_action(), make_action("protect-survivors", title_en="Protect survivors")
    return {
        "ana_first": make_signature(first, "ana.lopez@gmail.com", comment="For my sister.", contact_consent=True, ip_address="203.0.113.5"),
        "ana_second": make_signature(second, "AnaLopez+act@googlemail.com", confirmed=False),
        "bob": make_signature(first, "bob@example.org", name="Bob Smith"),
    }


def link(email="ana.lopez@gmail.com", language="en", name="petitions:supporter", *args):
    mailbox = mailbox_key(email)
    with translation.override(language):
        return reverse(name, args=[services.supporter_token(mailbox), *args])


def assert_personal_page(response):
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "Set-Cookie" not in response and not response.cookies
    assert response["Referrer-Policy"] == "no-referrer"
    if response["Content-Type"].startswith("text/html"):
        assert '<meta name="robots" content="noindex">' in response.content.decode()


# Seeing -----------------------------------------------------------------------------------------


def test_the_link_shows_every_signature_of_the_mailbox_and_nobody_elses(client, signatures):
    response = client.get(link())
    assert response.status_code == 200
    assert_personal_page(response)
    html = response.content.decode()
    assert "End impunity" in html and "Protect survivors" in html
    assert "For my sister." in html
    assert "Bob Smith" not in html
    token = response.wsgi_request.path.split("/")[3]
    for signature in (signatures["ana_first"], signatures["ana_second"]):
        assert reverse("petitions:supporter_withdraw", args=[token, signature.pk]) in html
    assert reverse("petitions:supporter_download", args=[token]) in html
    assert f"/withdraw/{signatures['bob'].pk}/" not in html


def test_the_page_speaks_the_language_of_its_address(client, signatures):
    html = client.get(link(language="ar")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "إنهاء الإفلات من العقاب" in html
    assert "توقيعاتك" in html
    assert "Your signatures" not in html


def test_the_confirmation_email_carries_the_link(client):
    action = make_action()
    services.sign(action, services.Signer(name="Ana", email="ana@example.org", country="ES"), language="en")
    message = Email.objects.get().message
    url = next(line.strip() for line in message.splitlines() if "/my-signatures/" in line)
    assert url.startswith("https://campaign.example.org/en/my-signatures/")
    assert client.get(url.removeprefix("https://campaign.example.org")).status_code == 200


# Withdrawing ---------------------------------------------------------------------------------------


def test_withdrawing_asks_first_then_deletes_the_signature(client, signatures):
    signature = signatures["ana_first"]
    url = link("ana.lopez@gmail.com", "en", "petitions:supporter_withdraw", signature.pk)
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert_personal_page(confirm)
    assert 'method="post"' in confirm.content.decode() and "End impunity" in confirm.content.decode()
    assert Signature.objects.filter(pk=signature.pk).exists(), "looking at the question withdraws nothing"
    response = client.post(url, **SAME_ORIGIN)
    assert response.status_code == 303
    assert response["Location"] == url.replace(f"/withdraw/{signature.pk}/", "/withdrawn/")
    assert not Signature.objects.filter(pk=signature.pk).exists()
    assert Signature.objects.count() == 2
    withdrawn = client.get(response["Location"])
    assert withdrawn.status_code == 200
    assert_personal_page(withdrawn)
    assert "withdrawn" in withdrawn.content.decode()
    # A second click lands on the same page.
    assert client.post(url, **SAME_ORIGIN).status_code == 303


def test_a_post_from_another_site_withdraws_nothing(client, signatures):
    signature = signatures["ana_first"]
    response = client.post(link("ana.lopez@gmail.com", "en", "petitions:supporter_withdraw", signature.pk), **CROSS_SITE)
    assert response.status_code == 403
    assert Signature.objects.filter(pk=signature.pk).exists()


def test_one_link_cannot_withdraw_someone_elses_signature(client, signatures):
    bob = signatures["bob"]
    url = link("ana.lopez@gmail.com", "en", "petitions:supporter_withdraw", bob.pk)
    assert client.get(url).status_code == 404
    client.post(url, **SAME_ORIGIN)
    assert Signature.objects.filter(pk=bob.pk).exists()


# Downloading -------------------------------------------------------------------------------------


def test_the_download_holds_all_of_this_mailbox_and_nothing_else(client, signatures):
    response = client.get(link("ana.lopez@gmail.com", "en", "petitions:supporter_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="my-signatures.json"'
    assert_personal_page(response)
    data = json.loads(response.content)
    assert [entry["action"] for entry in data["signatures"]] == ["End impunity", "Protect survivors"]
    first = data["signatures"][0]
    assert first["name"] == "Ana López" and first["email"] == "ana.lopez@gmail.com" and first["country"] == "ES"
    assert first["comment"] == "For my sister." and first["agreed_to_hear_from_amnesty_international"] is True
    assert first["ip_address"] == "203.0.113.5"
    assert data["signatures"][1]["confirmed"] == ""
    assert "bob" not in response.content.decode().lower()


# Bad links -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,args", [("petitions:supporter", ()), ("petitions:supporter_withdrawn", ()), ("petitions:supporter_download", ())])
def test_a_bad_link_explains_itself_and_offers_a_new_one(client, signatures, name, args):
    token = services.supporter_token("analopez@gmail.com")
    response = client.get(reverse(name, args=[token[:-3] + "abc", *args]))
    assert response.status_code == 404
    assert_personal_page(response)
    html = response.content.decode()
    assert "This link does not work" in html
    assert f'action="{reverse("petitions:supporter_request")}"' in html


def test_an_expired_link_says_so_in_the_pages_language(client, signatures, settings):
    eight_days_ago = time.time() - 8 * 86400
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        token = services.supporter_token("analopez@gmail.com")
    with pytest.raises(signing.SignatureExpired):
        services.mailbox_from_supporter_token(token)
    response = client.get(reverse("petitions:supporter", args=[token]).replace("/en/", "/ar/"))
    assert response.status_code == 410
    assert_personal_page(response)
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "انتهت صلاحية هذا الرابط" in html
    assert 'action="/ar/my-signatures/"' in html


# Asking for a link ------------------------------------------------------------------------------------


def ask(client, email, **headers):
    return client.post(reverse("petitions:supporter_request"), {"email": email}, **{**SAME_ORIGIN, **headers})


def test_asking_for_a_link_answers_the_same_whether_or_not_the_address_signed(client, signatures):
    form = client.get(reverse("petitions:supporter_request"))
    assert form.status_code == 200
    assert_personal_page(form)
    signed = ask(client, "Ana.Lopez@gmail.com")
    unknown = ask(client, "nobody@example.org")
    assert signed.status_code == unknown.status_code == 303
    assert signed["Location"] == unknown["Location"] == reverse("petitions:supporter_request_sent")
    assert [email.to for email in Email.objects.all()] == [["ana.lopez@gmail.com"]], "only to an address that signed, as it signed"
    sent = client.get(signed["Location"])
    assert sent.status_code == 200
    assert_personal_page(sent)
    assert "If this address has signed" in sent.content.decode()


def test_the_link_email_opens_the_signers_page_in_their_language(client, signatures):
    with translation.override("ar"):
        url = reverse("petitions:supporter_request")
    client.post(url, {"email": "analopez@gmail.com"}, **SAME_ORIGIN)
    email = Email.objects.get()
    assert email.subject == "رابط توقيعاتك"
    link_line = next(line.strip() for line in email.message.splitlines() if "/my-signatures/" in line)
    assert link_line.startswith("https://campaign.example.org/ar/my-signatures/")
    page = client.get(link_line.removeprefix("https://campaign.example.org"))
    assert page.status_code == 200
    assert "إنهاء الإفلات من العقاب" in page.content.decode()


def test_one_mailbox_gets_a_few_links_a_day_at_most(client, signatures, settings):
    for address in ["ana.lopez@gmail.com", "analopez@gmail.com", "a.n.a.l.o.p.e.z@gmail.com", "analopez+x@gmail.com", "analopez@googlemail.com"]:
        assert ask(client, address, REMOTE_ADDR=f"198.51.100.{len(address)}").status_code == 303
    assert Email.objects.count() == 3


def test_one_visitor_is_throttled_after_many_asks(client, signatures):
    statuses = [ask(client, f"person{n}@example.org").status_code for n in range(11)]
    assert statuses == [303] * 10 + [429]
    assert "Please wait an hour" in ask(client, "another@example.org").content.decode()


def test_a_malformed_address_is_refused_with_a_translated_message(client):
    with translation.override("fr"):
        url = reverse("petitions:supporter_request")
    response = client.post(url, {"email": "not-an-address"}, **SAME_ORIGIN)
    assert response.status_code == 400
    assert "Indiquez l’adresse électronique avec laquelle vous avez signé" in response.content.decode()
    assert not Email.objects.exists()


def test_asking_from_another_site_is_refused(client, signatures):
    response = ask(client, "ana.lopez@gmail.com", **CROSS_SITE)
    assert response.status_code == 403
    assert not Email.objects.exists()
