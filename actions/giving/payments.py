"""The payment provider: Stripe Checkout, through the official `stripe` library.

Card details never reach this site. A donor's last step posts to
`views.checkout`, which creates a Checkout Session here, server-side, and
answers with a 303 to Stripe's own page; Stripe then tells the webhook
(`views.stripe_webhook`) what happened, signed with STRIPE_WEBHOOK_SECRET.

Without STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET nothing here is called:
donations are pledges (see services.record_pledge).
"""

from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

# The one other origin a form may lead to, and only from the checkout step (views.checkout).
CHECKOUT_ORIGIN = "https://checkout.stripe.com"
# Checkout's own languages (it has no Arabic: "auto" follows the donor's browser).
CHECKOUT_LOCALES = {"en": "en-GB", "fr": "fr", "es": "es"}


class InvalidEvent(Exception):
    """A webhook whose signature, timestamp or body does not check out."""


def is_configured():
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def absolute(path):
    return settings.SITE_URL + path


def checkout_session_parameters(donation):
    """What Checkout is asked for: one line in the donation's own currency, one price per gift.

    A monthly gift is a subscription whose price carries `recurring`: the
    price is made for this gift, in its currency, so a subscription never
    mixes currencies and no plan has to exist beforehand.
    """
    reference = str(donation.reference)
    with translation.override(donation.language):
        product = _("Monthly gift to Amnesty International") if donation.is_monthly else _("Gift to Amnesty International")
        success_url = absolute(reverse("giving:thanks", args=[donation.reference]))
        cancel_url = absolute(reverse("giving:checkout", args=[donation.reference]))
    price_data = {"currency": donation.currency.lower(), "unit_amount": int(donation.amount), "product_data": {"name": product}}
    if donation.is_monthly:
        price_data["recurring"] = {"interval": "month"}
    parameters = {
        "mode": "subscription" if donation.is_monthly else "payment",
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "customer_email": donation.email,
        "client_reference_id": reference,
        "metadata": {"donation": reference},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": CHECKOUT_LOCALES.get(donation.language, "auto"),
    }
    if donation.is_monthly:
        parameters["subscription_data"] = {"metadata": {"donation": reference}}
    else:
        parameters["submit_type"] = "donate"
        parameters["payment_intent_data"] = {"metadata": {"donation": reference}}
    return parameters


def create_checkout_session(donation):
    """Create the Checkout Session for a donation; returns (id, url, expires_at).

    The idempotency key is the donation's: a retry after a network error, or a
    second click, gets the same session back from Stripe, never a second one.
    """
    session = stripe.checkout.Session.create(
        api_key=settings.STRIPE_SECRET_KEY,
        idempotency_key=f"giving-checkout-{donation.reference}",
        max_network_retries=2,
        **checkout_session_parameters(donation),
    )
    return session.id, session.url, datetime.fromtimestamp(session.expires_at, tz=UTC)


def verified_event(payload, signature):
    """The event in a webhook's body, as a plain dict, once its signature is verified; else InvalidEvent."""
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as error:  # ValueError: a body that is not JSON
        raise InvalidEvent(str(error)) from error
    return event.to_dict()
