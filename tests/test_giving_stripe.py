"""Card payments through Stripe Checkout, with Stripe's servers replaced by a fake and its webhooks signed as Stripe signs them.

Mocked here, and only here: `stripe.checkout.Session.create` (the one call to
Stripe's servers), through the `fake_stripe` fixture. Every webhook goes
through the real `stripe.Webhook.construct_event`.
"""

import json
import time

import pytest
import stripe
from django.urls import reverse
from post_office.models import Email

from actions.giving.models import Donation, ProcessedEvent
from tests.test_giving_helpers import (
    SAME_ORIGIN,
    emails_to,
    event,
    fake_stripe_fixture,  # noqa: F401 - the fixture named fake_stripe
    giving_fixture,  # noqa: F401 - the fixture named giving
    post_event,
    signed_headers,
    start_gift,
    stripe_configured_fixture,  # noqa: F401 - the fixture named stripe_configured
)

pytestmark = pytest.mark.usefixtures("giving")


def checkout(client, choice="one_off", language="en", **gift):
    started = start_gift(client, language, **gift)
    assert started.status_code == 303, started.content.decode()[:3000]
    return client.post(started.headers["Location"], {"choice": choice}, **SAME_ORIGIN)


def completed(donation, **changes):
    session = {
        "id": donation.stripe_session,
        "object": "checkout.session",
        "client_reference_id": str(donation.reference),
        "metadata": {"donation": str(donation.reference)},
        "mode": "subscription" if donation.is_monthly else "payment",
        "payment_status": "paid",
        "amount_total": donation.amount,
        "currency": donation.currency.lower(),
        "payment_intent": None if donation.is_monthly else f"pi_{donation.pk}",
        "subscription": f"sub_{donation.pk}" if donation.is_monthly else None,
    }
    return {**session, **changes}


# Checkout -------------------------------------------------------------------------------------------


def test_a_one_off_gift_goes_to_stripe_checkout_with_a_303(client, fake_stripe):
    response = checkout(client, amount="2500", currency="EUR", language="fr")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://checkout.stripe.com/c/pay/cs_test_1"
    [parameters] = fake_stripe.created
    assert parameters["mode"] == "payment"
    assert parameters["line_items"] == [
        {"price_data": {"currency": "eur", "unit_amount": 2500, "product_data": {"name": "Don à Amnesty International"}}, "quantity": 1}
    ]
    assert parameters["customer_email"] == "donor@example.org"
    assert parameters["locale"] == "fr"
    assert parameters["api_key"] == "sk_test_giving"
    donation = Donation.objects.get()
    assert parameters["idempotency_key"] == f"giving-checkout-{donation.reference}"
    assert parameters["success_url"] == f"https://campaign.example.org/fr/give/donate/{donation.reference}/thanks/"
    assert (donation.provider, donation.status, donation.stripe_session) == ("stripe", "pending", "cs_test_1")
    assert not Email.objects.exists(), "no receipt until Stripe says it is paid"


def test_accepting_the_monthly_invitation_creates_one_subscription_and_no_payment(client, fake_stripe):
    step = start_gift(client, amount="5000")
    html = client.get(step.headers["Location"]).content.decode()
    assert "Would you give every month instead?" in html
    assert "Stripe" in html and "never reach this site" in html
    response = client.post(step.headers["Location"], {"choice": "monthly"}, **SAME_ORIGIN)
    assert response.status_code == 303
    [parameters] = fake_stripe.created
    assert parameters["mode"] == "subscription"
    assert parameters["line_items"][0]["price_data"] == {
        "currency": "gbp",
        "unit_amount": 1000,
        "product_data": {"name": "Monthly gift to Amnesty International"},
        "recurring": {"interval": "month"},
    }
    assert "payment_intent_data" not in parameters
    donation = Donation.objects.get()
    assert (donation.frequency, donation.amount) == ("monthly", 1000)

    # Back, then the other button: the same checkout, never a second charge.
    again = client.post(step.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    assert again.headers["Location"] == response.headers["Location"]
    assert len(fake_stripe.created) == 1
    assert Donation.objects.count() == 1


def test_each_currency_gets_its_own_price(client, fake_stripe):
    checkout(client, "monthly", currency="USD", frequency="monthly", amount="1000", email="usd@example.org")
    checkout(client, "monthly", currency="EUR", frequency="monthly", amount="1000", email="eur@example.org")
    currencies = [parameters["line_items"][0]["price_data"]["currency"] for parameters in fake_stripe.created]
    assert currencies == ["usd", "eur"]
    assert all(len(parameters["line_items"]) == 1 for parameters in fake_stripe.created)


def test_the_checkout_step_alone_may_send_a_form_to_stripe(client, fake_stripe):
    step = start_gift(client)
    page = client.get(step.headers["Location"])
    assert "form-action 'self' https://checkout.stripe.com;" in page.headers["Content-Security-Policy"]
    assert "no-store" in page.headers["Cache-Control"]
    client.post(step.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    for other in ("/en/give/", "/en/give/donate/", "/en/give/join/", "/en/", f"{step.headers['Location']}thanks/"):
        response = client.get(other)
        assert response.status_code == 200, other
        policy = response.headers["Content-Security-Policy"]
        assert "form-action 'self';" in policy, other
        assert "checkout.stripe.com" not in policy, other


def test_without_stripe_no_page_allows_another_origin(client, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    step = start_gift(client)
    assert "checkout.stripe.com" not in client.get(step.headers["Location"]).headers["Content-Security-Policy"]


def test_checkouts_are_rate_limited(client, fake_stripe, settings):
    first = start_gift(client, email="a@example.org")
    second = start_gift(client, email="b@example.org")
    settings.GIVING_RATE_PER_IP = "1/h"
    assert client.post(first.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN).status_code == 303
    refused = client.post(second.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    assert refused.status_code == 429
    assert "no-store" in refused.headers["Cache-Control"]
    assert len(fake_stripe.created) == 1, "no checkout session was created for the refused attempt"
    assert Donation.objects.get(email="b@example.org").submitted_at is None


def test_a_checkout_step_posted_from_another_site_is_refused(client, fake_stripe):
    started = start_gift(client)
    assert client.post(started.headers["Location"], {"choice": "one_off"}, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert not fake_stripe.created


# Webhooks ----------------------------------------------------------------------------------------


def test_a_paid_checkout_marks_the_gift_paid_and_sends_a_receipt_in_the_donors_language(client, fake_stripe):
    checkout(client, language="es", currency="EUR", amount="2500")
    donation = Donation.objects.get()
    response = post_event(client, event("checkout.session.completed", completed(donation)))
    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.status == "paid"
    assert donation.stripe_payment_intent == f"pi_{donation.pk}"
    [receipt] = emails_to("donor@example.org")
    assert receipt.subject == "Tu recibo de Amnistía Internacional"
    assert "25\u00a0€" in receipt.message
    assert "de 20" in receipt.message, "the date as Spanish writes it: 5 de marzo de 2026"
    thanks = client.get(f"/es/give/donate/{donation.reference}/thanks/")
    assert "Gracias por tu donativo" in thanks.content.decode()


def test_a_wrong_signature_is_refused_and_changes_nothing(client, fake_stripe):
    checkout(client)
    donation = Donation.objects.get()
    payload = json.dumps(event("checkout.session.completed", completed(donation)))
    for headers in (
        signed_headers(payload, secret="whsec_someone_else"),
        {"HTTP_STRIPE_SIGNATURE": "t=1,v1=deadbeef"},
        signed_headers(payload, timestamp=int(time.time()) - 3600),  # replayed long after it was signed
        {},
    ):
        response = client.post("/stripe/webhook/", data=payload, content_type="application/json", **headers)
        assert response.status_code == 400
    tampered = payload.replace('"paid"', '"paid" ')
    assert client.post("/stripe/webhook/", data=tampered, content_type="application/json", **signed_headers(payload)).status_code == 400
    donation.refresh_from_db()
    assert donation.status == "pending"
    assert not ProcessedEvent.objects.exists()
    assert not Email.objects.exists()


def test_the_webhook_takes_posts_only_and_needs_no_language(client, stripe_configured):
    assert client.get("/stripe/webhook/").status_code == 405
    not_json = "not json"
    assert client.post("/stripe/webhook/", data=not_json, content_type="application/json", **signed_headers(not_json)).status_code == 400


def test_replaying_an_event_changes_nothing(client, fake_stripe):
    checkout(client)
    donation = Donation.objects.get()
    paid = event("checkout.session.completed", completed(donation), event_id="evt_once")
    assert post_event(client, paid).status_code == 200
    refunded = event(
        "charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": f"pi_{donation.pk}", "refunded": True, "amount_refunded": donation.amount}
    )
    assert post_event(client, refunded).status_code == 200
    donation.refresh_from_db()
    assert donation.status == "refunded"
    # The same "paid" event again, as Stripe retries: answered 200, and nothing moves back or is sent twice.
    assert post_event(client, paid).status_code == 200
    donation.refresh_from_db()
    assert donation.status == "refunded"
    assert len(emails_to("donor@example.org")) == 1
    assert ProcessedEvent.objects.filter(event_id="evt_once").count() == 1


def test_the_failed_payment_path(client, fake_stripe):
    checkout(client)
    donation = Donation.objects.get()
    intent = {"id": "pi_failed", "object": "payment_intent", "metadata": {"donation": str(donation.reference)}, "last_payment_error": {"code": "card_declined"}}
    assert post_event(client, event("payment_intent.payment_failed", intent)).status_code == 200
    donation.refresh_from_db()
    assert (donation.status, donation.stripe_payment_intent) == ("failed", "pi_failed")
    assert not Email.objects.exists(), "no receipt for a failed payment"
    html = client.get(f"/en/give/donate/{donation.reference}/thanks/").content.decode()
    assert "Your payment did not go through" in html
    # The donor tries another card in the same checkout, and it works.
    post_event(client, event("checkout.session.completed", completed(donation, payment_intent="pi_failed")))
    donation.refresh_from_db()
    assert donation.status == "paid"


def test_a_bank_debit_that_fails_later(client, fake_stripe):
    checkout(client, currency="EUR", amount="2500")
    donation = Donation.objects.get()
    post_event(client, event("checkout.session.completed", completed(donation, payment_status="unpaid")))
    donation.refresh_from_db()
    assert donation.status == "pending", "not paid until the debit settles"
    post_event(client, event("checkout.session.async_payment_failed", completed(donation, payment_status="unpaid")))
    donation.refresh_from_db()
    assert donation.status == "failed"


def test_a_bank_debit_that_settles(client, fake_stripe):
    checkout(client, currency="EUR", amount="2500")
    donation = Donation.objects.get()
    post_event(client, event("checkout.session.completed", completed(donation, payment_status="unpaid")))
    post_event(client, event("checkout.session.async_payment_succeeded", completed(donation)))
    donation.refresh_from_db()
    assert donation.status == "paid"
    assert len(emails_to("donor@example.org")) == 1


def test_a_late_failure_never_undoes_a_payment(client, fake_stripe):
    checkout(client)
    donation = Donation.objects.get()
    post_event(client, event("checkout.session.completed", completed(donation)))
    post_event(client, event("payment_intent.payment_failed", {"id": f"pi_{donation.pk}", "object": "payment_intent", "metadata": {}}))
    donation.refresh_from_db()
    assert donation.status == "paid"


def test_a_refund(client, fake_stripe):
    checkout(client)
    donation = Donation.objects.get()
    post_event(client, event("checkout.session.completed", completed(donation)))
    partial = {"id": "ch_1", "object": "charge", "payment_intent": f"pi_{donation.pk}", "refunded": False, "amount_refunded": 300}
    post_event(client, event("charge.refunded", partial, event_id="evt_partial"))
    donation.refresh_from_db()
    assert (donation.status, donation.amount_refunded) == ("paid", 300)
    full = {**partial, "refunded": True, "amount_refunded": donation.amount}
    post_event(client, event("charge.refunded", full, event_id="evt_full"))
    donation.refresh_from_db()
    assert (donation.status, donation.amount_refunded) == ("refunded", donation.amount)
    assert donation.refunded_at is not None
    assert "This gift was refunded" in client.get(f"/en/give/donate/{donation.reference}/thanks/").content.decode()


def test_a_mismatched_amount_or_currency_is_not_marked_paid(client, fake_stripe):
    checkout(client)
    donation = Donation.objects.get()
    post_event(client, event("checkout.session.completed", completed(donation, currency="usd")))
    donation.refresh_from_db()
    assert donation.status == "pending"


def test_monthly_renewals_are_recorded_each_with_a_receipt(client, fake_stripe):
    checkout(client, "monthly", frequency="monthly", amount="1000", currency="EUR")
    monthly = Donation.objects.get()
    post_event(client, event("checkout.session.completed", completed(monthly)))
    subscription_details = {"subscription": f"sub_{monthly.pk}", "metadata": {"donation": str(monthly.reference)}}
    first_invoice = {
        "id": "in_first",
        "object": "invoice",
        "billing_reason": "subscription_create",
        "amount_paid": 1000,
        "currency": "eur",
        "parent": {"type": "subscription_details", "subscription_details": subscription_details},
        "payments": {"data": [{"payment": {"type": "payment_intent", "payment_intent": "pi_first"}}]},
    }
    post_event(client, event("invoice.paid", first_invoice))
    monthly.refresh_from_db()
    assert (monthly.status, monthly.stripe_subscription, monthly.stripe_payment_intent) == ("paid", f"sub_{monthly.pk}", "pi_first")
    assert Donation.objects.count() == 1, "the first invoice is the checkout's own payment"

    renewal_invoice = {
        **first_invoice,
        "id": "in_second",
        "billing_reason": "subscription_cycle",
        "payments": {"data": [{"payment": {"payment_intent": "pi_second"}}]},
    }
    post_event(client, event("invoice.paid", renewal_invoice))
    post_event(client, event("invoice.paid", renewal_invoice, event_id="evt_another_delivery_of_the_same_invoice"))
    renewal = Donation.objects.get(renewal_of=monthly)
    assert (renewal.status, renewal.amount, renewal.currency, renewal.stripe_payment_intent) == ("paid", 1000, "EUR", "pi_second")
    assert len(emails_to("donor@example.org")) == 2, "one receipt for the first payment, one for the renewal"


def test_events_about_other_payments_are_acknowledged_and_ignored(client, fake_stripe):
    foreign = {"id": "cs_not_ours", "object": "checkout.session", "payment_status": "paid", "metadata": {"donation": "not-a-uuid"}}
    assert post_event(client, event("checkout.session.completed", foreign)).status_code == 200
    assert post_event(client, event("customer.created", {"id": "cus_1", "object": "customer"})).status_code == 200
    assert not Donation.objects.exists()


def test_staff_record_a_pledge_that_arrived(staff_client, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    started = start_gift(staff_client, email="pledger@example.org")
    staff_client.post(started.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    donation = Donation.objects.get()
    staff_client.post(reverse("admin:giving_donation_changelist"), {"action": "record_pledge_received", "_selected_action": [donation.pk]})
    donation.refresh_from_db()
    assert donation.status == "paid"
    assert [email.subject for email in emails_to("pledger@example.org")][-1] == "Your receipt from Amnesty International"


def test_without_stripe_the_webhook_is_not_there(client, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    payload = json.dumps(event("checkout.session.completed", {"id": "cs_1", "object": "checkout.session"}))
    assert client.post("/stripe/webhook/", data=payload, content_type="application/json", **signed_headers(payload)).status_code == 404
    assert not ProcessedEvent.objects.exists()


def test_when_stripe_cannot_be_reached_nothing_is_charged_and_the_donor_may_try_again(client, fake_stripe):
    started = start_gift(client)
    fake_stripe.side_effect = stripe.APIConnectionError("Stripe's servers did not answer")  # the provider's servers only
    down = client.post(started.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    assert down.status_code == 503
    assert "cannot be reached" in down.content.decode()
    donation = Donation.objects.get()
    assert (donation.status, donation.stripe_session) == ("pending", None)
    fake_stripe.side_effect = None
    fake_stripe.return_value = stripe.checkout.Session.construct_from(
        {"id": "cs_test_retry", "url": "https://checkout.stripe.com/c/pay/cs_test_retry", "expires_at": int(time.time()) + 3600}, "sk_test_giving"
    )
    again = client.post(started.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    assert again.headers["Location"] == "https://checkout.stripe.com/c/pay/cs_test_retry"
    donation.refresh_from_db()
    assert donation.stripe_session == "cs_test_retry"
