"""Signing an action: one signature per mailbox, whatever the visitor does."""

import threading

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from post_office.models import Email

from actions.petitions import services
from actions.petitions.addresses import mailbox_key
from actions.petitions.models import Action, BlockedSender, Signature
from tests.factories import make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def action():
    return Action.objects.create(
        campaign=make_campaign(),
        slug="end-impunity",
        title_en="End impunity",
        summary_en="Summary.",
        targets_en="The authorities.",
        appeal_en="Act now.",
        status=Action.Status.PUBLISHED,
    )


def signer(email="ana@example.org", **fields):
    return services.Signer(name=fields.pop("name", "Ana López"), email=email, country=fields.pop("country", "ES"), **fields)


@pytest.mark.parametrize(
    "address,key",
    [
        ("Ana.Lopez+kosovo@GoogleMail.com", "analopez@gmail.com"),
        ("a.n.a@gmail.com", "ana@gmail.com"),
        ("  ANA@Example.ORG ", "ana@example.org"),
        ("ana+news@example.org", "ana@example.org"),
        ("a.na@example.org", "a.na@example.org"),
    ],
)
def test_one_key_per_mailbox(address, key):
    assert mailbox_key(address) == key


def test_signing_twice_gives_one_row_and_tells_the_owner(action):
    first = services.sign(action, signer("ana.lopez@gmail.com"), language="es")
    again = services.sign(action, signer("Ana.Lopez+again@googlemail.com", name="Someone else"), language="fr")
    assert again.pk == first.pk
    assert Signature.objects.count() == 1
    subjects = list(Email.objects.order_by("id").values_list("subject", flat=True))
    assert len(subjects) == 2
    assert subjects[0].startswith("Confirma tu firma") or "End impunity" in subjects[0]
    assert Email.objects.order_by("id").last().to == ["Ana.Lopez+again@googlemail.com"], "the owner of the address is told"


def test_the_owner_is_told_at_most_once_a_day(action):
    for _ in range(4):
        services.sign(action, signer(), language="en")
    assert Email.objects.count() == 2


def test_the_database_refuses_a_second_signature_for_the_same_mailbox(action):
    Signature.objects.create(action=action, name="A", email="ana@gmail.com", country="ES", language="en")
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(action=action, name="B", email="A.N.A+x@gmail.com", country="ES", language="en")


def test_a_blocked_domain_stores_nothing(action):
    BlockedSender.objects.create(kind=BlockedSender.Kind.DOMAIN, value="Spam.Example")
    assert services.sign(action, signer("x@spam.example"), language="en") is None
    assert not Signature.objects.exists()
    assert not Email.objects.exists()


def test_confirming_twice_keeps_the_first_time(action):
    signature = services.sign(action, signer(), language="en")
    token = services.confirmation_token(signature)
    first = services.confirm(token).confirmed_at
    assert first is not None
    assert services.confirm(token).confirmed_at == first
    assert services.confirm(token + "x") is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_give_one_row(action):
    name = str(connection.settings_dict.get("TEST", {}).get("NAME") or connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] in ("", ":memory:") or "mode=memory" in name:
        pytest.skip("threads need a database file or server; the make-run and bench tests cover SQLite")
    errors = []

    def sign_once():
        try:
            services.sign(action, signer("Same.Person@gmail.com"), language="en")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_once) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Signature.objects.filter(action=action).count() == 1


def test_erasing_a_person_deletes_their_signatures_and_unsent_mail(action):
    services.sign(action, signer("Ana.Lopez@gmail.com"), language="es")
    other = services.sign(action, signer("someone@example.org"), language="en")
    assert Email.objects.count() == 2
    assert services.erase_mailbox("analopez@gmail.com") == 1
    assert list(Signature.objects.all()) == [other]
    assert list(Email.objects.values_list("to", flat=True)) == [["someone@example.org"]]


def test_anonymising_keeps_counts_and_forgets_people(action):
    from datetime import timedelta

    from django.utils import timezone

    for n in range(3):
        services.sign(action, signer(f"person{n}@example.org"), language="en")
    action.opens_at = timezone.now() - timedelta(days=400)
    action.closes_at = timezone.now() - timedelta(days=300)
    action.save()
    assert services.anonymise_closed_actions() == 3
    assert services.anonymise_closed_actions() == 0, "idempotent"
    assert Signature.objects.filter(action=action).count() == 3
    assert not Signature.objects.exclude(name="").exists()
    assert not Signature.objects.exclude(email="").exists()
    assert Signature.objects.values("mailbox").distinct().count() == 3


# The emails -------------------------------------------------------------------


def test_the_confirmation_email_in_plain_text_keeps_ampersands_and_isolates_names(action):
    action.title_en = "Women & girls first"
    action.save()
    services.sign(action, signer(name="Tom & Jerry <b>"), language="en")
    email = Email.objects.get()
    assert email.subject == "Please confirm your signature: Women & girls first"
    assert "Dear \u2068Tom & Jerry <b>\u2069," in email.message
    assert "“\u2068Women & girls first\u2069”" in email.message
    assert "&amp;" not in email.message and "&lt;" not in email.message
    assert "Tom &amp; Jerry &lt;b&gt;" in email.html_message, "the HTML part escapes"
    confirm_url = services.confirmation_url(Signature.objects.get(), "en")
    assert confirm_url in email.message and f'href="{confirm_url}"' in email.html_message
    assert confirm_url.startswith("https://campaign.example.org/en/act/confirm/")


def test_the_confirmation_email_speaks_the_signers_language(action):
    action.title_ar = "كوسوفو"
    action.save()
    services.sign(action, signer(name="سارة"), language="ar")
    email = Email.objects.get()
    assert email.subject == "يُرجى تأكيد توقيعك: كوسوفو"
    assert "مرحبًا \u2068سارة\u2069،" in email.message
    assert '<html lang="ar" dir="rtl">' in email.html_message
    assert "/ar/act/confirm/" in email.message


def test_the_already_signed_email_offers_to_confirm_only_while_unconfirmed(action):
    first = services.sign(action, signer(), language="es")
    services.sign(action, signer(), language="es")
    told = Email.objects.order_by("id").last()
    assert told.subject.startswith("Ya has firmado")
    assert "/es/act/confirm/" in told.message and "&amp;" not in told.message
    services.confirm(services.confirmation_token(first))
    cache.clear()
    services.sign(action, signer(), language="es")
    assert "/act/confirm/" not in Email.objects.order_by("id").last().message


@pytest.mark.parametrize("template", ["petition_confirm", "petition_already_signed"])
def test_plain_text_email_templates_turn_autoescape_off(template):
    from pathlib import Path

    from django.conf import settings

    for suffix in (".txt", ".subject.txt"):
        text = (Path(settings.BASE_DIR) / "templates" / "email" / f"{template}{suffix}").read_text()
        assert "{% autoescape off %}" in text and text.rstrip().endswith("{% endautoescape %}")
