"""Fixtures and builders shared by the tests/test_giving_*.py modules (imported by them; it holds no test itself).

Only the payment provider's servers are replaced: `fake_stripe` patches
`stripe.checkout.Session.create`, the one call that would reach Stripe, to
return a session built the way the library builds one. Webhooks are signed
exactly as Stripe signs them (HMAC-SHA256 of "{timestamp}.{payload}" with the
webhook secret, in a `Stripe-Signature: t=…,v1=…` header) and verified by the
real `stripe.Webhook.construct_event`.
"""

import hashlib
import hmac
import json
import time
from unittest import mock

import pytest
import stripe
from django.core.management import call_command
from post_office.models import Email

WEBHOOK_SECRET = "whsec_test_giving"
SECRET_KEY = "sk_test_giving"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture(name="giving")
def giving_fixture(db):
    """The seed content (the "donate or join" section) and the giving options, as `make run` loads them."""
    call_command("load_seed", verbosity=0)
    call_command("load_giving", verbosity=0)  # load_seed runs it too; nothing is created twice


@pytest.fixture(name="pledges")
def pledges_fixture(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""


@pytest.fixture(name="stripe_configured")
def stripe_configured_fixture(settings):
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_giving"


@pytest.fixture(name="fake_stripe")
def fake_stripe_fixture(stripe_configured):
    """Stands in for Stripe's servers only: Session.create answers as the API would, and records what it was asked."""
    created = []

    def create(**parameters):
        created.append(parameters)
        number = len(created)
        return stripe.checkout.Session.construct_from(
            {
                "id": f"cs_test_{number}",
                "object": "checkout.session",
                "url": f"https://checkout.stripe.com/c/pay/cs_test_{number}",
                "expires_at": int(time.time()) + 86400,
                "mode": parameters["mode"],
                "currency": parameters["line_items"][0]["price_data"]["currency"],
                "amount_total": parameters["line_items"][0]["price_data"]["unit_amount"],
            },
            SECRET_KEY,
        )

    with mock.patch("stripe.checkout.Session.create", side_effect=create) as patched:
        patched.created = created
        yield patched


def signed_headers(payload, secret=WEBHOOK_SECRET, timestamp=None):
    """The Stripe-Signature header as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return {"HTTP_STRIPE_SIGNATURE": f"t={timestamp},v1={signature}"}


def event(event_type, obj, event_id=None):
    return {
        "id": event_id or f"evt_{event_type.replace('.', '_')}_{obj.get('id', 'x')}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()),
        "type": event_type,
        "livemode": False,
        "data": {"object": obj},
    }


def post_event(client, payload_dict, secret=WEBHOOK_SECRET, **headers):
    payload = json.dumps(payload_dict)
    return client.post("/stripe/webhook/", data=payload, content_type="application/json", **{**signed_headers(payload, secret), **headers})


def start_gift(client, language="en", currency="GBP", amount="1000", frequency="one_off", email="donor@example.org", other="", **extra):
    """Fill in the donation form; returns the answer (a 303 to the last step when the form is valid)."""
    data = {"currency": currency, "frequency": frequency, "amount": amount, "email": email}
    if other:
        data["other_amount"] = other
    return client.post(f"/{language}/give/donate/", data, **SAME_ORIGIN, **extra)


def emails_to(address, template_subject_fragment=None):
    emails = Email.objects.filter(to__icontains=address).order_by("pk")
    if template_subject_fragment:
        emails = [email for email in emails if template_subject_fragment in email.subject]
    return list(emails)
