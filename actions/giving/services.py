"""Joining and giving. Each function is one workflow, in one transaction.

Emails are queued with `queue_email` inside the same transaction as the
change that causes them: stored together or not at all, delivered by the
worker. Links in them are signed (`django.core.signing`), with a salt for each
purpose, so a confirmation link can never cancel and the reverse.

Memberships (see models.Membership for the lifecycle): the database allows
one open application per mailbox, so a double click gives one row. Whether an
address has already applied is told only to its owner, by email.

Donations: the visitor's browser never says a gift was paid; only the payment
provider's signed events do (process_event). A one-off gift is offered a
monthly gift on the next step (`choose`): accepting changes that very
donation, before anything is charged, so there is never a second charge.
"""

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from actions.outbox.services import queue_email

from . import payments
from .models import Currency, Donation, Membership, ProcessedEvent, WayToGive, mailbox_of
from .money import Money, format_date

logger = logging.getLogger(__name__)

CONFIRM_SALT = "giving.membership.confirm"
CANCEL_SALT = "giving.membership.cancel"


def absolute(path):
    return settings.SITE_URL + path


def link(name, token, language):
    with translation.override(language):
        return absolute(reverse(name, args=[token]))


# Memberships --------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """What the join form collects."""

    name: str
    email: str
    address: str
    country: str
    membership_type: object
    consent: bool


def confirmation_url(membership, language=None):
    return link("giving:confirm", signing.dumps(membership.pk, salt=CONFIRM_SALT), language or membership.language)


def cancellation_url(membership, language=None):
    return link("giving:cancel", signing.dumps(membership.pk, salt=CANCEL_SALT), language or membership.language)


def apply_to_join(applicant, *, language):
    """Store an application and email its confirmation link. Returns the membership, new or the one already open."""
    with transaction.atomic():
        membership = Membership(
            name=applicant.name,
            email=applicant.email,
            address=applicant.address,
            country=applicant.country,
            membership_type=applicant.membership_type,
            consent=applicant.consent,
            language=language,
        )
        try:
            with transaction.atomic():  # a savepoint: a duplicate leaves the transaction usable
                membership.save()
        except IntegrityError:
            existing = Membership.objects.exclude(status=Membership.Status.CANCELLED).select_related("membership_type").get(mailbox=mailbox_of(applicant.email))
            tell_owner_already_applied(existing, applicant.email, language)
            return existing
        queue_email(
            "giving_join_confirm",
            to=[membership.email],
            language=language,
            context={"membership": membership, "confirm_url": confirmation_url(membership, language)},
        )
    return membership


def tell_owner_already_applied(membership, email, language):
    """Email the owner of an address that applied again, at most once a day."""
    if not cache.add(f"giving:already-applied:{membership.pk}", 1, timeout=86400):
        return
    queue_email(
        "giving_join_already",
        to=[email],
        language=language,
        context={
            "membership": membership,
            "confirm_url": confirmation_url(membership, language) if membership.status == Membership.Status.PENDING else None,
            "cancel_url": cancellation_url(membership, language),
        },
    )


def confirm_membership(token):
    """Confirm the application a link names, and welcome the new member once. None for a bad or expired link."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.MEMBERSHIP_CONFIRMATION_DAYS * 86400)
    except signing.BadSignature:
        return None
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(pk=pk).first()
        if membership is None:
            return None
        if membership.status == Membership.Status.PENDING:
            membership.status = Membership.Status.CONFIRMED
            membership.confirmed_at = timezone.now()
            membership.save(update_fields=["status", "confirmed_at"])
            queue_email(
                "giving_welcome",
                to=[membership.email],
                language=membership.language,
                context={"membership": membership, "cancel_url": cancellation_url(membership)},
            )
    return membership


def membership_from_cancellation_token(token):
    """The membership a cancellation link names, or None. The link does not expire: a member may leave at any time."""
    try:
        pk = signing.loads(token, salt=CANCEL_SALT)
    except signing.BadSignature:
        return None
    return Membership.objects.select_related("membership_type").filter(pk=pk).first()


def cancel_membership(membership):
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.status != Membership.Status.CANCELLED:
            membership.status = Membership.Status.CANCELLED
            membership.cancelled_at = timezone.now()
            membership.save(update_fields=["status", "cancelled_at"])
    return membership


def record_fee_paid(membership, day):
    """Staff record a fee payment: the membership is active until the fee's period runs out."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("membership_type").get(pk=membership.pk)
        if membership.status in (Membership.Status.PENDING, Membership.Status.CANCELLED):
            return False
        membership.fee_paid_on = day
        membership.status = Membership.Status.ACTIVE
        # A payment recorded late may already have run out.
        membership.status = membership.status_on(timezone.localdate())
        membership.save(update_fields=["fee_paid_on", "status"])
    return True


def update_memberships(today=None):
    """Daily: lapse memberships whose fee has run out, and delete applications never confirmed in time.

    Returns (lapsed, deleted).
    """
    today = today or timezone.localdate()
    lapsed = 0
    active = Membership.objects.filter(status=Membership.Status.ACTIVE, fee_paid_on__isnull=False).select_related("membership_type")
    for membership in active.iterator():
        if membership.status_on(today) == Membership.Status.LAPSED:
            lapsed += Membership.objects.filter(pk=membership.pk, status=Membership.Status.ACTIVE).update(status=Membership.Status.LAPSED)
    cutoff = timezone.now() - timezone.timedelta(days=settings.MEMBERSHIP_CONFIRMATION_DAYS)
    deleted, _ = Membership.objects.filter(status=Membership.Status.PENDING, created_at__lt=cutoff).delete()
    return lapsed, deleted


# Donations ------------------------------------------------------------------------

# A gift started but never taken to its last step is forgotten after this long: it holds an email address and no money.
ABANDONED_AFTER = timezone.timedelta(days=2)


def default_currency(language):
    """The currency a donation form starts in for this language, if it is offered; else the first offered."""
    offered = Currency.objects.active()
    code = settings.GIVING_DEFAULT_CURRENCIES.get(language)
    return (code and offered.filter(code=code).first()) or offered.first()


def start_donation(money, *, frequency, email, language):
    """Record the gift a donor chose on the form, before the last step. Nothing is charged or emailed yet."""
    return Donation.objects.create(
        amount=money.minor,
        currency=money.currency,
        frequency=frequency,
        email=email,
        language=language,
        provider=Donation.Provider.STRIPE if payments.is_configured() else Donation.Provider.PLEDGE,
    )


def monthly_suggestion(donation):
    """The monthly amount offered instead of a one-off gift: a preset about a third of it, never above it.

    Monthly gifts add up; asking for the same amount every month would ask for twelve times the gift.
    """
    currency = Currency.objects.filter(code=donation.currency).first()
    if currency is None:
        return donation.money
    presets = sorted(currency.options.values_list("amount", flat=True))
    fitting = [amount for amount in presets if currency.minimum <= amount <= donation.amount // 3]
    amount = fitting[-1] if fitting else max(currency.minimum, min(donation.amount, presets[0] if presets else donation.amount))
    return Money(min(int(amount), int(donation.amount)), donation.currency)


def monthly_is_offered(donation):
    return Currency.objects.filter(code=donation.currency, active=True, monthly_allowed=True).exists()


def choose(donation, choice):
    """The donor's answer on the last step: "one_off" keeps the gift, "monthly" turns it into a monthly gift.

    Only the first answer counts: after it, the donation is on its way to the
    payment page (or pledged), and another click changes nothing. Accepting
    the monthly invitation changes this same donation, so there is one gift
    and one charge, never the one-off as well.
    """
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        if donation.submitted_at is not None or donation.status != Donation.Status.PENDING:
            return donation
        if choice == Donation.Frequency.MONTHLY and not donation.is_monthly and monthly_is_offered(donation):
            donation.amount = monthly_suggestion(donation).minor
            donation.frequency = Donation.Frequency.MONTHLY
        donation.submitted_at = timezone.now()
        donation.save(update_fields=["amount", "frequency", "submitted_at"])
        if donation.is_pledge:
            record_pledge(donation)
    return donation


def delete_abandoned_donations(now=None):
    """Delete gifts whose donor never made the last choice; returns how many."""
    cutoff = (now or timezone.now()) - ABANDONED_AFTER
    deleted, _ = Donation.objects.filter(submitted_at__isnull=True, status=Donation.Status.PENDING, created_at__lt=cutoff).delete()
    return deleted


def record_pledge(donation):
    """A pledge: nothing is charged. The donor is emailed the ways to give that staff configure."""
    queue_email(
        "giving_pledge",
        to=[donation.email],
        language=donation.language,
        context={**gift_context(donation), "ways": list(WayToGive.objects.filter(active=True))},
    )


def start_checkout(donation):
    """Create (or find again) the payment provider's checkout for a submitted donation; returns its address.

    The provider is called outside any transaction: no database lock is held while it answers.
    """
    if donation.checkout_url:
        return donation.checkout_url
    session_id, url, expires_at = payments.create_checkout_session(donation)
    with transaction.atomic():
        Donation.objects.filter(pk=donation.pk).update(stripe_session=session_id, checkout_url=url, checkout_expires_at=expires_at)
    return url


def gift_context(donation, when=None):
    language = donation.language
    return {
        "donation": donation,
        "amount": donation.money.format(language),
        "date": format_date(timezone.localdate(when) if when else timezone.localdate(), language),
        "reference": str(donation.reference).split("-")[0].upper(),
    }


def send_receipt(donation):
    queue_email("giving_receipt", to=[donation.email], language=donation.language, context=gift_context(donation, donation.paid_at))
    donation.receipt_sent_at = timezone.now()
    donation.save(update_fields=["receipt_sent_at"])


def mark_paid(donation, **provider_ids):
    """pending or failed → paid, with a receipt. A donation already paid or refunded is left as it is."""
    learnt = [field for field, value in provider_ids.items() if value and not getattr(donation, field)]
    for field in learnt:
        setattr(donation, field, provider_ids[field])
    if donation.status not in (Donation.Status.PENDING, Donation.Status.FAILED):
        if learnt:  # the payment's ids, for a refund later
            donation.save(update_fields=learnt)
        return False
    donation.status = Donation.Status.PAID
    donation.paid_at = timezone.now()
    donation.save(update_fields=["status", "paid_at", *learnt])
    send_receipt(donation)
    return True


def mark_failed(donation):
    """pending → failed. A late failure of an earlier attempt never undoes a payment."""
    if donation.status != Donation.Status.PENDING:
        return False
    donation.status = Donation.Status.FAILED
    donation.failed_at = timezone.now()
    donation.save(update_fields=["status", "failed_at"])
    return True


def mark_pledge_received(donation):
    """Staff record that a pledged gift arrived (a bank transfer): paid, with a receipt."""
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        if not donation.is_pledge or donation.submitted_at is None:
            return False
        return mark_paid(donation)


# The payment provider's events ------------------------------------------------------


def process_event(event):
    """Apply one verified provider event (a dict), once: the same event id again changes nothing.

    The event's id is stored in the same transaction as the change it makes,
    under a unique key, so two deliveries racing each other apply it once.
    An error rolls both back, and the provider delivers the event again.
    Returns False for an event already processed.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProcessedEvent.objects.create(event_id=event["id"], type=event.get("type", "")[:100])
        except IntegrityError:
            return False
        handler = EVENT_HANDLERS.get(event.get("type"))
        if handler is not None:
            handler((event.get("data") or {}).get("object") or {})
    return True


def _donation(**lookup):
    lookup = {field: value for field, value in lookup.items() if value}
    if not lookup:
        return None
    return Donation.objects.select_for_update().filter(**lookup).first()


def _session_donation(session):
    donation = _donation(stripe_session=session.get("id"))
    if donation is None:
        reference = session.get("client_reference_id") or (session.get("metadata") or {}).get("donation")
        donation = _by_reference(reference)
    return donation


def _by_reference(reference):
    try:
        reference = uuid.UUID(str(reference))
    except ValueError:
        return None
    return _donation(reference=reference, provider=Donation.Provider.STRIPE)


def _matches(donation, amount, currency):
    if amount is None or not currency:
        return True
    if int(amount) == int(donation.amount) and currency.upper() == donation.currency:
        return True
    logger.error("Stripe reported %s %s for donation %s of %s %s", amount, currency, donation.reference, donation.amount, donation.currency)
    return False


def on_checkout_completed(session):
    donation = _session_donation(session)
    if donation is None:
        return
    if session.get("subscription") and not donation.stripe_subscription:
        donation.stripe_subscription = session["subscription"]
        donation.save(update_fields=["stripe_subscription"])
    # "unpaid": a bank debit that settles later (async_payment_succeeded or _failed follows).
    if session.get("payment_status") == "paid" and _matches(donation, session.get("amount_total"), session.get("currency")):
        mark_paid(donation, stripe_payment_intent=session.get("payment_intent"))


def on_async_payment_succeeded(session):
    donation = _session_donation(session)
    if donation is not None and _matches(donation, session.get("amount_total"), session.get("currency")):
        mark_paid(donation, stripe_payment_intent=session.get("payment_intent"))


def on_checkout_failed(session):
    """The bank debit failed, or the donor never paid and the checkout expired."""
    donation = _session_donation(session)
    if donation is not None:
        mark_failed(donation)


def on_payment_failed(payment_intent):
    donation = _donation(stripe_payment_intent=payment_intent.get("id")) or _by_reference((payment_intent.get("metadata") or {}).get("donation"))
    if donation is not None:
        if not donation.stripe_payment_intent:
            donation.stripe_payment_intent = payment_intent.get("id")
            donation.save(update_fields=["stripe_payment_intent"])
        mark_failed(donation)


def on_charge_refunded(charge):
    donation = _donation(stripe_payment_intent=charge.get("payment_intent"))
    if donation is None or donation.status not in (Donation.Status.PAID, Donation.Status.REFUNDED):
        return
    donation.amount_refunded = int(charge.get("amount_refunded") or 0)
    if charge.get("refunded"):  # the whole charge; a partial refund is recorded as an amount only
        donation.status = Donation.Status.REFUNDED
        donation.refunded_at = donation.refunded_at or timezone.now()
    donation.save(update_fields=["amount_refunded", "status", "refunded_at"])


def _invoice_subscription(invoice):
    parent = invoice.get("parent") or {}
    return invoice.get("subscription") or (parent.get("subscription_details") or {}).get("subscription")


def _invoice_payment_intent(invoice):
    if invoice.get("payment_intent"):
        return invoice["payment_intent"]
    for payment in (invoice.get("payments") or {}).get("data") or []:
        intent = (payment.get("payment") or {}).get("payment_intent")
        if intent:
            return intent
    return None


def on_invoice_paid(invoice):
    """A monthly gift's payment. The first is its checkout's (already paid, or about to be); later ones are renewals."""
    subscription = _invoice_subscription(invoice)
    monthly = _donation(stripe_subscription=subscription, renewal_of__isnull=True, frequency=Donation.Frequency.MONTHLY) if subscription else None
    if monthly is None:
        metadata = ((invoice.get("parent") or {}).get("subscription_details") or {}).get("metadata") or {}
        monthly = _by_reference(metadata.get("donation"))
    if monthly is None:
        return
    payment_intent = _invoice_payment_intent(invoice)
    if invoice.get("id") and Donation.objects.filter(stripe_invoice=invoice["id"]).exists():
        return  # this invoice is already recorded
    if invoice.get("billing_reason") == "subscription_create":
        if subscription and not monthly.stripe_subscription:
            monthly.stripe_subscription = subscription
            monthly.save(update_fields=["stripe_subscription"])
        mark_paid(monthly, stripe_payment_intent=payment_intent, stripe_invoice=invoice.get("id"))
        return
    amount = int(invoice.get("amount_paid") or 0)
    if amount < 1:
        return  # nothing was charged (a discount, a trial): nothing to record or thank for
    currency = (invoice.get("currency") or "").upper() or monthly.currency
    if currency != monthly.currency:
        # Never mix currencies: a renewal is recorded in its own, and staff are told.
        logger.error("Renewal %s of donation %s is in %s, not %s", invoice.get("id"), monthly.reference, currency, monthly.currency)
    renewal = Donation.objects.create(
        amount=amount,
        currency=currency,
        frequency=Donation.Frequency.MONTHLY,
        provider=Donation.Provider.STRIPE,
        email=monthly.email,
        language=monthly.language,
        renewal_of=monthly,
        stripe_subscription=monthly.stripe_subscription,
        stripe_invoice=invoice.get("id"),
        submitted_at=timezone.now(),
    )
    mark_paid(renewal, stripe_payment_intent=payment_intent)


EVENT_HANDLERS = {
    "checkout.session.completed": on_checkout_completed,
    "checkout.session.async_payment_succeeded": on_async_payment_succeeded,
    "checkout.session.async_payment_failed": on_checkout_failed,
    "checkout.session.expired": on_checkout_failed,
    "payment_intent.payment_failed": on_payment_failed,
    "charge.refunded": on_charge_refunded,
    "invoice.paid": on_invoice_paid,
}
