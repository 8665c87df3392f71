"""Take action in the staff admin: signatures read-only but for approval and flags, abuse control, deliveries, erasure."""

import logging

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from post_office.models import PRIORITY, STATUS, Email

from actions.petitions import deliveries, services
from actions.petitions.models import Action, BlockedSender, Delivery, Signature
from tests.factories import make_campaign

pytestmark = pytest.mark.django_db


def make_action(slug="end-impunity", **fields):
    campaign = fields.pop("campaign", None) or make_campaign(slug=f"campaign-{slug}")
    fields = {
        "title_en": "End impunity",
        "title_fr": "Mettre fin à l’impunité",
        "title_ar": "إنهاء الإفلات من العقاب",
        "summary_en": "Summary.",
        "targets_en": "The authorities of Kosovo",
        "appeal_en": "Act now.",
        "status": Action.Status.PUBLISHED,
        **fields,
    }
    return Action.objects.create(campaign=campaign, slug=slug, **fields)


def make_signature(action, email, confirmed=True, **fields):
    fields = {"name": "Ana López", "country": "ES", "language": "en", **fields}
    return Signature.objects.create(action=action, email=email, confirmed_at=timezone.now() if confirmed else None, **fields)


def signer(email, **fields):
    return services.Signer(name=fields.pop("name", "Ana López"), email=email, country=fields.pop("country", "ES"), **fields)


@pytest.fixture
def action():
    return make_action()


# The admin pages ---------------------------------------------------------------


def test_action_admin_shows_translations_live_count_and_tools(staff_client, action):
    make_signature(action, "a@example.org")
    make_signature(action, "b@example.org", confirmed=False)
    make_signature(action, "c@example.org", flagged=True)
    action.paper_signatures = 40
    action.save()
    html = staff_client.get(reverse("admin:petitions_action_change", args=[action.pk])).content.decode()
    for field in ("title_ar", "appeal_fr", "goal", "paper_signatures", "count_unconfirmed", "closes_at_0"):
        assert f'name="{field}"' in html
    assert "42 in the public count" in html
    assert "2 confirmed, 1 not confirmed yet, 40 on paper; 1 flagged for review." in html
    assert reverse("admin:petitions_action_delivery_pack", args=[action.pk]) in html
    assert reverse("admin:petitions_signature_export") + f"?action__id__exact={action.pk}" in html
    listing = staff_client.get(reverse("admin:petitions_action_changelist")).content.decode()
    assert "End impunity" in listing


@pytest.mark.parametrize(
    "query,shown,hidden",
    [
        ("confirmed=yes", ["Confirmed Person"], ["Waiting Person"]),
        ("confirmed=no", ["Waiting Person"], ["Confirmed Person"]),
        ("flagged__exact=1", ["Flagged Person"], ["Confirmed Person"]),
        ("country=FR", ["Waiting Person"], ["Confirmed Person"]),
        ("comment=waiting", ["Flagged Person"], ["Confirmed Person", "Waiting Person"]),
        ("q=confirmed.person%2Bnews%40gmail.com", ["Confirmed Person"], ["Waiting Person"]),
        ("q=Waiting", ["Waiting Person"], ["Confirmed Person"]),
    ],
)
def test_signatures_list_filters_and_search(staff_client, action, query, shown, hidden):
    other = make_action("other")
    make_signature(action, "confirmedperson@gmail.com", name="Confirmed Person")
    make_signature(action, "waiting@example.org", confirmed=False, name="Waiting Person", country="FR")
    make_signature(other, "flagged@example.org", name="Flagged Person", flagged=True, comment="Stop this now.")
    html = staff_client.get(reverse("admin:petitions_signature_changelist") + "?" + query).content.decode()
    for name in shown:
        assert name in html, query
    for name in hidden:
        assert name not in html, query


def test_signatures_list_offers_every_filter(staff_client, action):
    make_signature(action, "a@example.org")
    make_signature(make_action("other"), "b@example.org", country="FR")
    html = staff_client.get(reverse("admin:petitions_signature_changelist")).content.decode()
    for parameter in ("action__id__exact", "country=ES", "created_at__gte", "confirmed=yes", "flagged__exact", "comment=waiting"):
        assert parameter in html, parameter
    assert reverse("admin:petitions_signature_erase") in html
    assert reverse("admin:petitions_signature_export") in html


def test_staff_approve_comments_and_flag_but_cannot_change_what_signers_wrote(staff_client, action):
    signature = make_signature(action, "ana@example.org", comment="Please act.")
    response = staff_client.post(
        reverse("admin:petitions_signature_change", args=[signature.pk]),
        {"name": "Someone Else", "email": "evil@example.org", "country": "FR", "comment": "Edited", "comment_approved": "on", "flagged": "on"},
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert (signature.name, signature.email, signature.country.code, signature.comment) == ("Ana López", "ana@example.org", "ES", "Please act.")
    assert signature.comment_approved and signature.flagged
    assert staff_client.get(reverse("admin:petitions_signature_add")).status_code == 403


def test_comments_are_approved_from_the_list(staff_client, action):
    first = make_signature(action, "a@example.org", comment="One.")
    second = make_signature(action, "b@example.org", comment="Two.")
    changelist = reverse("admin:petitions_signature_changelist")
    # list_editable: tick one box in the list and save.
    rows = list(Signature.objects.order_by("-created_at"))
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 1000, "_save": "Save"}
    for index, row in enumerate(rows):
        data[f"form-{index}-id"] = row.pk
        if row == first:
            data[f"form-{index}-comment_approved"] = "on"
    assert staff_client.post(changelist, data).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.comment_approved and not second.comment_approved
    # The bulk action.
    staff_client.post(changelist, {"action": "approve_comments", "_selected_action": [second.pk]})
    second.refresh_from_db()
    assert second.comment_approved
    staff_client.post(changelist, {"action": "flag", "_selected_action": [first.pk, second.pk]})
    assert Signature.objects.filter(flagged=True).count() == 2
    staff_client.post(changelist, {"action": "unflag", "_selected_action": [first.pk]})
    assert list(Signature.objects.filter(flagged=True)) == [second]


def test_the_admin_history_never_keeps_a_signers_name(staff_client, action):
    signature = make_signature(action, "ana@example.org", name="Ana Secret", comment="x")
    staff_client.post(reverse("admin:petitions_signature_change", args=[signature.pk]), {"comment_approved": "on"})
    staff_client.post(reverse("admin:petitions_signature_delete", args=[signature.pk]), {"post": "yes"})
    entries = list(LogEntry.objects.values_list("object_repr", flat=True))
    assert len(entries) == 2
    assert not any("Ana" in entry or "@" in entry for entry in entries)


def test_staff_views_need_staff(client, action):
    for url in (
        reverse("admin:petitions_signature_export"),
        reverse("admin:petitions_signature_erase"),
        reverse("admin:petitions_action_delivery_pack", args=[action.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


# Abuse control -------------------------------------------------------------------


def test_the_eleventh_signature_from_one_address_in_an_hour_is_stored_counted_and_flagged(action, settings):
    settings.SIGNATURES_PER_IP_BEFORE_REVIEW = "10/h"
    signatures = [services.sign(action, signer(f"person{n}@example.org"), language="en", ip_address="203.0.113.7") for n in range(11)]
    assert [signature.flagged for signature in signatures] == [False] * 10 + [True]
    assert Signature.objects.filter(action=action).count() == 11
    for signature in signatures:
        signature.confirmed_at = timezone.now()
        signature.save()
    assert action.counted_signatures().count() == 11, "a flagged signature still counts"
    other = services.sign(action, signer("someone@example.org"), language="en", ip_address="198.51.100.1")
    assert not other.flagged, "another address has its own count"
    elsewhere = make_action("elsewhere")
    assert not services.sign(elsewhere, signer("person0@example.org"), language="en", ip_address="203.0.113.7").flagged, "each action counts apart"


def test_staff_block_a_domain_and_an_address_from_the_admin(staff_client, action):
    add = reverse("admin:petitions_blockedsender_add")
    assert staff_client.post(add, {"kind": "domain", "value": "@Spam.Example ", "reason": "Bots"}).status_code == 302
    assert staff_client.post(add, {"kind": "ip", "value": "203.0.113.9", "reason": ""}).status_code == 302
    assert set(BlockedSender.objects.values_list("value", flat=True)) == {"spam.example", "203.0.113.9"}
    assert services.sign(action, signer("bot@spam.example"), language="en") is None
    assert services.sign(action, signer("real@example.org"), language="en", ip_address="203.0.113.9") is None
    assert not Signature.objects.exists()
    html = staff_client.get(reverse("admin:petitions_blockedsender_changelist")).content.decode()
    assert "spam.example" in html and "203.0.113.9" in html


@pytest.mark.parametrize("kind,value", [("domain", "not a domain"), ("domain", "ana@example.org"), ("ip", "203.0.113"), ("ip", "example.org")])
def test_a_malformed_block_is_refused(staff_client, kind, value):
    response = staff_client.post(reverse("admin:petitions_blockedsender_add"), {"kind": kind, "value": value})
    assert response.status_code == 200
    assert not BlockedSender.objects.exists()


def test_block_the_addresses_of_selected_signatures(staff_client, action):
    first = make_signature(action, "a@example.org", ip_address="203.0.113.7", flagged=True)
    make_signature(action, "b@example.org", ip_address="203.0.113.7")
    staff_client.post(reverse("admin:petitions_signature_changelist"), {"action": "block_addresses", "_selected_action": [first.pk]})
    staff_client.post(reverse("admin:petitions_signature_changelist"), {"action": "block_addresses", "_selected_action": [first.pk]})
    assert list(BlockedSender.objects.values_list("kind", "value")) == [("ip", "203.0.113.7")]


# Deliveries ----------------------------------------------------------------------


def delivery_form(action, **fields):
    now = timezone.now()
    return {
        "action": action.pk,
        "delivered_at_0": now.strftime("%Y-%m-%d"),
        "delivered_at_1": now.strftime("%H:%M:%S"),
        "delivered_to": "The Prime Minister of Kosovo",
        "signature_count": 0,
        "note": "",
        **fields,
    }


def test_recording_a_delivery_tells_every_confirmed_signer_in_their_language(staff_client, action):
    make_signature(action, "ana@example.org", language="es")
    make_signature(action, "amal@example.org", language="ar", name="أمل")
    make_signature(action, "jean@example.org", language="fr")
    make_signature(action, "eve@example.org", language="en")
    make_signature(action, "waiting@example.org", confirmed=False)
    make_signature(make_action("other"), "elsewhere@example.org")
    action.paper_signatures = 10
    action.save()
    response = staff_client.post(reverse("admin:petitions_delivery_add"), delivery_form(action))
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.signature_count == 14, "filled in: 4 confirmed and 10 on paper"
    emails = {email.to[0]: email for email in Email.objects.all()}
    assert set(emails) == {"ana@example.org", "amal@example.org", "jean@example.org", "eve@example.org"}
    assert emails["eve@example.org"].subject == "Your signature was delivered: End impunity"
    assert "The Prime Minister of Kosovo" in emails["eve@example.org"].message
    assert "Mettre fin à l’impunité" in emails["jean@example.org"].subject
    assert emails["amal@example.org"].subject.endswith("إنهاء الإفلات من العقاب")
    assert 'dir="rtl"' in emails["amal@example.org"].html_message
    assert "&amp;" not in emails["eve@example.org"].message and "&quot;" not in emails["eve@example.org"].message
    # The same email for everyone in one language: no name, and a link to ask for their own signatures' link.
    assert "https://campaign.example.org/es/my-signatures/" in emails["ana@example.org"].message
    assert 'href="https://campaign.example.org/ar/my-signatures/"' in emails["amal@example.org"].html_message
    assert "Ana" not in emails["ana@example.org"].message
    # Saving the delivery again sends nothing more.
    staff_client.post(reverse("admin:petitions_delivery_change", args=[delivery.pk]), delivery_form(action, note="Handed over in person.", signature_count=14))
    assert Email.objects.count() == 4


def test_a_delivery_recorded_on_the_action_form_tells_the_signers_too(staff_client, action):
    make_signature(action, "ana@example.org")
    html_form = {
        "campaign": action.campaign_id,
        "slug": action.slug,
        "status": action.status,
        "published_at_0": action.published_at.strftime("%Y-%m-%d"),
        "published_at_1": action.published_at.strftime("%H:%M:%S"),
        "goal": action.goal,
        "paper_signatures": 0,
        "deliveries-TOTAL_FORMS": 1,
        "deliveries-INITIAL_FORMS": 0,
        "deliveries-MIN_NUM_FORMS": 0,
        "deliveries-MAX_NUM_FORMS": 1000,
        "deliveries-0-delivered_at_0": "2026-11-30",
        "deliveries-0-delivered_at_1": "10:00:00",
        "deliveries-0-delivered_to": "The Ministry of Justice",
        "deliveries-0-signature_count": 0,
    }
    for field in ("title", "summary", "targets", "appeal"):
        for language in ("en", "ar", "fr", "es"):
            html_form[f"{field}_{language}"] = getattr(action, f"{field}_{language}") or ""
    response = staff_client.post(reverse("admin:petitions_action_change", args=[action.pk]), html_form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Delivery.objects.get().delivered_to == "The Ministry of Justice"
    assert list(Email.objects.values_list("to", flat=True)) == [["ana@example.org"]]


def test_delivery_emails_are_rendered_once_per_language_and_inserted_in_chunks(action, monkeypatch, django_assert_max_num_queries):
    languages = ["en", "ar", "fr", "es"]
    Signature.objects.bulk_create(
        Signature(
            action=action,
            name=f"Person {n}",
            email=f"p{n}@example.org",
            mailbox=f"p{n}@example.org",
            country="ES",
            language=languages[n % 4],
            confirmed_at=timezone.now(),
        )
        for n in range(4500)
    )
    rendered = []
    real_render = deliveries.render_email
    monkeypatch.setattr(deliveries, "render_email", lambda *args: rendered.append(args[2]) or real_render(*args))
    delivery = Delivery.objects.create(action=action, delivered_to="The authorities")
    # A handful of queries, not one per signer: the count, the signers read
    # in chunks, and one insert statement for each 2,000 emails.
    with django_assert_max_num_queries(12):
        told = deliveries.record_delivery(delivery)
    assert told == 4500
    assert sorted(rendered) == sorted(languages)
    assert Email.objects.count() == 4500
    email = Email.objects.order_by("pk").first()
    assert email.status == STATUS.queued and email.priority == PRIORITY.medium and email.created is not None
    assert email.to == ["p0@example.org"] and email.from_email == settings.DEFAULT_FROM_EMAIL
    assert Email.objects.filter(subject__startswith="تم تسليم").count() == 1125


def test_a_delivery_that_fails_queues_no_email(action, monkeypatch):
    make_signature(action, "ana@example.org")

    def fail(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(deliveries.EmailQueue, "flush", fail)
    with pytest.raises(RuntimeError):
        deliveries.record_delivery(Delivery.objects.create(action=action, delivered_to="The authorities"))
    assert not Email.objects.exists()


# Erasure ---------------------------------------------------------------------------


def test_staff_erase_a_persons_data_after_confirming(staff_client, action, caplog):
    other_action = make_action("other")
    make_signature(action, "ana.lopez@gmail.com")
    make_signature(other_action, "analopez+petitions@googlemail.com")
    make_signature(action, "someone@example.org")
    url = reverse("admin:petitions_signature_erase")
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"email": "AnaLopez@gmail.com"})
    html = response.content.decode()
    assert "2 signatures of" in html and "End impunity" in html
    assert Signature.objects.count() == 3, "nothing is deleted before staff confirm"
    with caplog.at_level(logging.INFO, logger="actions.petitions.admin"):
        response = staff_client.post(url, {"email": "AnaLopez@gmail.com", "confirm": "True"}, follow=True)
    assert "2 signatures deleted" in response.content.decode()
    assert list(Signature.objects.values_list("email", flat=True)) == ["someone@example.org"]
    assert "erased the data of one person: 2 signatures deleted" in caplog.text
    assert "analopez" not in caplog.text.lower() and "gmail" not in caplog.text
    response = staff_client.post(url, {"email": "nobody@example.org"})
    assert "nothing to erase" in response.content.decode()


def test_the_admin_speaks_the_staff_members_language(staff_client, action):
    html = staff_client.get(reverse("admin:petitions_signature_erase"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Effacer les données d’une personne" in html


def test_an_approved_comment_shows_at_once_on_the_cached_action_page(staff_client, client, action, django_capture_on_commit_callbacks):
    signature = make_signature(action, "ana@example.org", comment="Please act now.")
    page = action.get_absolute_url()
    assert "Please act now." not in client.get(page).content.decode()
    changelist = reverse("admin:petitions_signature_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(changelist, {"action": "approve_comments", "_selected_action": [signature.pk]})
    assert "Please act now." in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(changelist, {"action": "withhold_comments", "_selected_action": [signature.pk]})
    assert "Please act now." not in client.get(page).content.decode()
