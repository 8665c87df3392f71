"""Signing an action, and what follows from it. Each function is one workflow, in one transaction.

The database has the last word on duplicates: one signature per mailbox per
action (models.Signature's unique constraint), so a double click, a refresh
or two tabs racing each other give one row, on SQLite and PostgreSQL alike.
The visitor always sees the same thank-you page; whether the address had
already signed is told only to its owner, by email.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone, translation
from django_ratelimit.core import get_usage
from post_office.models import STATUS, Email

from actions.outbox.services import queue_email

from .addresses import mailbox_key
from .models import Action, BlockedSender, Signature

CONFIRM_SALT = "petitions.confirm"
SUPPORTER_SALT = "petitions.supporter"


@dataclass(frozen=True)
class Signer:
    """What the signing form collects."""

    name: str
    email: str
    country: str
    comment: str = ""
    contact_consent: bool = False
    show_name: bool = False


def confirmation_token(signature):
    return signing.dumps(signature.pk, salt=CONFIRM_SALT)


def supporter_token(mailbox):
    """A link that lets the owner of a mailbox see, withdraw and download their signatures."""
    return signing.dumps(mailbox, salt=SUPPORTER_SALT)


def mailbox_from_supporter_token(token):
    return signing.loads(token, salt=SUPPORTER_SALT, max_age=settings.SUPPORTER_LINK_DAYS * 86400)


def absolute(path):
    return settings.SITE_URL + path


def supporter_url(mailbox, language):
    with translation.override(language):
        return absolute(reverse("petitions:supporter", args=[supporter_token(mailbox)]))


def is_blocked(email, ip_address):
    domain = email.rpartition("@")[2].strip().lower()
    return BlockedSender.objects.filter(value__in=[domain, ip_address or ""]).exists()


def counts_as_excess(action, ip_address):
    """Many signatures from one address: they are kept and counted, but flagged for staff to review."""
    if not ip_address:
        return False
    usage = get_usage(None, group=f"petitions:ip:{action.pk}", key=lambda _g, _r: ip_address, rate=settings.SIGNATURES_PER_IP_BEFORE_REVIEW, increment=True)
    return bool(usage and usage["should_limit"])


def sign(action, signer, *, language, ip_address=None):
    """Add a signer's name to an action. Returns the signature, new or the one already there.

    Returns None, storing nothing, for a blocked domain or address (the
    visitor sees the usual thank-you page all the same).
    """
    if is_blocked(signer.email, ip_address):
        return None
    with transaction.atomic():
        signature = Signature(
            action=action,
            name=signer.name,
            email=signer.email,
            country=signer.country,
            comment=signer.comment,
            contact_consent=signer.contact_consent,
            show_name=signer.show_name,
            language=language,
            ip_address=ip_address,
            flagged=counts_as_excess(action, ip_address),
        )
        try:
            with transaction.atomic():  # a savepoint, so a duplicate leaves the transaction usable
                signature.save()
        except IntegrityError:
            existing = Signature.objects.get(action=action, mailbox=mailbox_key(signer.email))
            tell_owner_already_signed(existing, signer.email, language)
            return existing
        queue_email(
            "petition_confirm",
            to=[signature.email],
            language=language,
            context={
                "action": action,
                "signature": signature,
                "confirm_url": confirmation_url(signature, language),
                "supporter_url": supporter_url(signature.mailbox, language),
            },
        )
    return signature


def confirmation_url(signature, language):
    with translation.override(language):
        return absolute(reverse("petitions:confirm", args=[confirmation_token(signature)]))


def tell_owner_already_signed(signature, email, language):
    """Email the owner of an address that signed again, at most once a day per action."""
    if not cache.add(f"petitions:already-signed:{signature.pk}", 1, timeout=86400):
        return
    queue_email(
        "petition_already_signed",
        to=[email],
        language=language,
        context={
            "action": signature.action,
            "signature": signature,
            "confirm_url": None if signature.confirmed_at else confirmation_url(signature, language),
            "supporter_url": supporter_url(signature.mailbox, language),
        },
    )


def confirm(token):
    """Confirm the signature a token names. Returns it, or None for a bad or expired token."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.CONFIRMATION_LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    with transaction.atomic():
        signature = Signature.objects.select_for_update().filter(pk=pk).select_related("action").first()
        if signature is not None and signature.confirmed_at is None:
            signature.confirmed_at = timezone.now()
            signature.save(update_fields=["confirmed_at"])
    return signature


def withdraw(signature):
    signature.delete()


def erase_mailbox(email):
    """Delete every signature of the mailbox that `email` names, and mail still waiting for it; returns how many signatures."""
    with transaction.atomic():
        signatures = Signature.objects.filter(mailbox=mailbox_key(email))
        addresses = set(signatures.values_list("email", flat=True)) | {email.strip()}
        # Sent mail keeps no recipient already (actions/outbox/delivery.py); unsent mail must not go out.
        Email.objects.exclude(status=STATUS.sent).filter(to__in=[address for address in addresses if address]).delete()
        deleted, _ = signatures.delete()
    return deleted


def anonymise_closed_actions(now=None):
    """Strip names, addresses and comments from signatures of actions closed long enough ago."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=30 * settings.SIGNATURE_RETENTION_MONTHS)
    closed = Action.objects.filter(closes_at__lte=cutoff)
    # One statement for any number of rows; each keeps a mailbox of its own for the unique constraint.
    return Signature.objects.filter(action__in=closed, anonymised_at__isnull=True).update(
        name="",
        email="",
        mailbox=Concat(Value("anonymised-"), Cast("pk", output_field=CharField())),
        comment="",
        ip_address=None,
        show_name=False,
        anonymised_at=now,
    )


def delete_old_ip_addresses(now=None):
    cutoff = (now or timezone.now()) - timezone.timedelta(days=settings.SIGNATURE_IP_RETENTION_DAYS)
    return Signature.objects.filter(created_at__lte=cutoff, ip_address__isnull=False).update(ip_address=None)
