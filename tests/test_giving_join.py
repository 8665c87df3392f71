"""Joining: apply, confirm by email, welcome, cancel through a signed link; staff filter and export."""

import csv
import datetime
import io
import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from post_office.models import Email

from actions.giving import services
from actions.giving.models import Membership, MembershipType, add_months
from tests.test_giving_helpers import (
    SAME_ORIGIN,
    emails_to,
    giving_fixture,  # noqa: F401 - the fixture named giving
)

pytestmark = pytest.mark.usefixtures("giving")

APPLICANT = {"name": "Amina Haddad", "email": "amina@example.org", "address": "1 Rue de la Paix\n75002 Paris", "country": "FR", "consent": "on"}


def apply(client, language="en", **changes):
    data = {**APPLICANT, "membership_type": str(MembershipType.objects.get(slug="standard").pk), **changes}
    return client.post(f"/{language}/give/join/", data, **SAME_ORIGIN)


def link_in(email, path_fragment):
    match = re.search(rf"https://campaign\.example\.org(/\w\w/give/join/{path_fragment}/[^/\s]+/)", email.message)
    assert match, email.message
    return match.group(1)


def test_join_confirm_welcome_and_cancel(client):
    response = apply(client, "fr")
    assert response.status_code == 303
    assert response.headers["Location"] == "/fr/give/join/thanks/"
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.PENDING
    assert (membership.language, membership.country.code, membership.consent) == ("fr", "FR", True)

    [confirmation] = emails_to("amina@example.org")
    assert "Confirmez" in confirmation.subject  # in the language of the form
    confirm_path = link_in(confirmation, "confirm")
    assert confirm_path.startswith("/fr/")

    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CONFIRMED
    assert membership.confirmed_at is not None
    welcome = emails_to("amina@example.org")[1]
    assert "Bienvenue" in welcome.subject

    # Opening the link again confirms nothing new and welcomes no one twice.
    client.get(confirm_path)
    assert Email.objects.count() == 2

    cancel_path = link_in(welcome, "cancel")
    step = client.get(cancel_path)
    assert step.status_code == 200
    assert "no-store" in step.headers["Cache-Control"]
    assert 'method="post"' in step.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CONFIRMED, "opening the link alone cancels nothing"

    done = client.post(cancel_path, **SAME_ORIGIN)
    assert done.status_code == 303
    assert done.headers["Location"] == "/fr/give/join/cancelled/"
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CANCELLED
    assert membership.cancelled_at is not None
    assert client.get(done.headers["Location"]).status_code == 200


def test_cancelling_needs_a_post_from_this_site(client):
    apply(client)
    membership = Membership.objects.get()
    cancel_path = reverse("giving:cancel", args=[signing.dumps(membership.pk, salt=services.CANCEL_SALT)])
    refused = client.post(cancel_path, HTTP_SEC_FETCH_SITE="cross-site")
    assert refused.status_code == 403
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING


def test_a_link_signed_for_one_purpose_does_not_work_for_another(client):
    apply(client)
    membership = Membership.objects.get()
    confirm_token = signing.dumps(membership.pk, salt=services.CONFIRM_SALT)
    cancel_token = signing.dumps(membership.pk, salt=services.CANCEL_SALT)
    assert client.post(reverse("giving:cancel", args=[confirm_token]), **SAME_ORIGIN).status_code == 404
    assert client.get(reverse("giving:confirm", args=[cancel_token])).status_code == 404
    assert client.get(reverse("giving:confirm", args=[confirm_token + "x"])).status_code == 404
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING


def test_an_expired_confirmation_link_confirms_nothing(client, settings):
    apply(client)
    membership = Membership.objects.get()
    issued = time.time() - (settings.MEMBERSHIP_CONFIRMATION_DAYS + 1) * 86400
    with mock.patch("django.core.signing.time.time", return_value=issued):
        token = signing.dumps(membership.pk, salt=services.CONFIRM_SALT)
    response = client.get(reverse("giving:confirm", args=[token]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING


def test_the_form_explains_each_mistake_and_keeps_nothing(client):
    response = client.post("/en/give/join/", {"name": "", "email": "not an address", "address": "", "country": "XX"}, **SAME_ORIGIN)
    assert response.status_code == 400
    html = response.content.decode()
    for message in (
        "Enter your name.",
        "Enter an email address in the correct format",
        "Enter your postal address.",
        "Choose your country.",
        "Choose a membership.",
        "To join, agree to the use of your details.",
    ):
        assert message in html, message
    assert 'href="#join-name"' in html, "the error summary links to each field"
    assert "no-store" in response.headers["Cache-Control"]
    assert not Membership.objects.exists()
    assert not Email.objects.exists()


def test_a_second_application_from_the_same_mailbox_is_told_only_to_its_owner(client):
    first = apply(client)
    second = apply(client, email="AMINA@example.org ")
    assert first.headers["Location"] == second.headers["Location"], "the visitor sees the same page either way"
    assert Membership.objects.count() == 1
    subjects = [email.subject for email in emails_to("amina@example.org")]
    assert subjects == ["Please confirm your application to join Amnesty International", "Your application to join Amnesty International"]
    apply(client)
    assert len(emails_to("amina@example.org")) == 2, "at most one such email a day"


def test_a_cancelled_member_may_apply_again(client):
    apply(client)
    services.cancel_membership(Membership.objects.get())
    apply(client)
    assert Membership.objects.filter(status=Membership.Status.PENDING).count() == 1
    assert Membership.objects.count() == 2


def test_posts_from_other_sites_are_refused(client):
    data = {**APPLICANT, "membership_type": str(MembershipType.objects.first().pk)}
    assert client.post("/en/give/join/", data, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert client.post("/en/give/join/", data, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert not Membership.objects.exists()


def test_join_applications_are_rate_limited_per_email(client, settings):
    settings.JOIN_RATE_PER_EMAIL = "2/h"
    assert apply(client).status_code == 303
    assert apply(client).status_code == 303
    refused = apply(client, "ar")
    assert refused.status_code == 429
    assert "يُرجى المحاولة لاحقاً" in refused.content.decode()
    assert "no-store" in refused.headers["Cache-Control"]


def test_join_applications_are_rate_limited_per_address(client, settings):
    settings.JOIN_RATE_PER_IP = "2/h"
    assert apply(client, email="one@example.org").status_code == 303
    assert apply(client, email="two@example.org").status_code == 303
    assert apply(client, email="three@example.org").status_code == 429
    assert not Membership.objects.filter(email="three@example.org").exists()


# Staff ---------------------------------------------------------------------------------------------


def make_member(email, status, fee_paid_on=None, slug="standard"):
    return Membership.objects.create(
        name=email.split("@")[0], email=email, address="Somewhere", country="GB", membership_type=MembershipType.objects.get(slug=slug),
        consent=True, language="en", status=status, fee_paid_on=fee_paid_on,
    )  # fmt: skip


def test_a_recorded_fee_makes_a_membership_active_until_its_period_runs_out():
    member = make_member("paid@example.org", Membership.Status.CONFIRMED)
    today = timezone.localdate()
    assert services.record_fee_paid(member, today)
    member.refresh_from_db()
    assert member.status == Membership.Status.ACTIVE
    assert member.paid_until == add_months(today, 12)
    assert services.update_memberships(today) == (0, 0)
    assert services.update_memberships(member.paid_until) == (1, 0)
    member.refresh_from_db()
    assert member.status == Membership.Status.LAPSED


def test_unconfirmed_applications_are_deleted_once_their_link_has_expired(settings):
    stale = make_member("stale@example.org", Membership.Status.PENDING)
    Membership.objects.filter(pk=stale.pk).update(created_at=timezone.now() - datetime.timedelta(days=settings.MEMBERSHIP_CONFIRMATION_DAYS + 1))
    fresh = make_member("fresh@example.org", Membership.Status.PENDING)
    assert services.update_memberships() == (0, 1)
    assert list(Membership.objects.all()) == [fresh]


def test_staff_filter_memberships_and_export_them_as_a_stream(staff_client):
    make_member("active@example.org", Membership.Status.ACTIVE, fee_paid_on=timezone.localdate())
    make_member("=HYPERLINK(evil)@example.org", Membership.Status.CONFIRMED, slug="reduced")
    changelist = reverse("admin:giving_membership_changelist")
    filtered = staff_client.get(changelist, {"status__exact": "active"})
    assert filtered.status_code == 200
    assert "active@example.org" in filtered.content.decode()
    assert "HYPERLINK" not in filtered.content.decode()

    export = staff_client.post(changelist, {"action": "export_csv", "_selected_action": list(Membership.objects.values_list("pk", flat=True))})
    assert export.status_code == 200
    assert export.streaming
    assert "no-store" in export.headers["Cache-Control"] and "private" in export.headers["Cache-Control"]
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["name", "email"]
    emails = {row[1] for row in rows[1:]}
    assert emails == {"active@example.org", "'=HYPERLINK(evil)@example.org"}, "a formula is never handed to a spreadsheet"


def test_staff_record_fees_from_the_list(staff_client):
    member = make_member("new@example.org", Membership.Status.CONFIRMED)
    response = staff_client.post(reverse("admin:giving_membership_changelist"), {"action": "record_fee_paid_today", "_selected_action": [member.pk]})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.fee_paid_on) == (Membership.Status.ACTIVE, timezone.localdate())


def test_the_admin_pages_of_the_app_open(staff_client):
    for name in ("membership", "membershiptype", "currency", "donation", "waytogive", "processedevent"):
        assert staff_client.get(reverse(f"admin:giving_{name}_changelist")).status_code == 200, name
    assert staff_client.get(reverse("admin:giving_membershiptype_add")).status_code == 200
    assert staff_client.get(reverse("admin:giving_currency_add")).status_code == 200
