"""Sending, deleting and forgetting postcards.

A postcard is stored with its emails in one transaction (actions/outbox): the
card, the email to the friend and, if asked for, the copy to the sender, or
none of them. The emails come From the site's own address; the sender's
address is only the friend's Reply-To. The card image travels inline (a
Content-ID the HTML refers to), so mail programs that block remote images
still show it.

Retention: `delete_old_postcards()` deletes every card POSTCARD_RETENTION_DAYS
after it was delivered (or after the day it was due, if it never was), with
its emails in the outbox and their attachments. `manage.py housekeeping`
runs it every hour (housekeeping.py registers it); `manage.py
delete_old_postcards` runs it alone, from cron for instance. It needs
nothing from the mail worker, and running it twice at once is harmless.
"""

import base64
import datetime
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from post_office.models import STATUS, Attachment, Email

from actions.outbox.services import queue_email

from . import rendering
from .models import Postcard, hash_token, new_token

# Later deliveries go out at noon UTC on the chosen day: the same calendar day
# from UTC-11 to UTC+11, wherever the friend lives.
DELIVERY_TIME = datetime.time(12, 0, tzinfo=datetime.UTC)


def isolated(text):
    return "\n".join(f"\u2068{line}\u2069" if line else "" for line in str(text).split("\n"))


def delivery_time(day):
    """When the email may go out: now, or noon (UTC) on a later day."""
    if day is None:
        return timezone.now()
    return datetime.datetime.combine(day, DELIVERY_TIME)


def card_url(token, language):
    with translation.override(language):
        return settings.SITE_URL + reverse("postcards:card", args=[token])


def inline_image(png, content_id):
    """A post_office attachment shown inside the HTML (`cid:`), base64-encoded as MIME requires."""
    return {
        "postcard.png": {
            "file": ContentFile(base64.encodebytes(png)),
            "mimetype": "image/png",
            "headers": {
                "Content-ID": f"<{content_id}>",
                "Content-Transfer-Encoding": "base64",
                "Content-Disposition": 'inline; filename="postcard.png"',
            },
        }
    }


def send_postcard(*, design, message, sender_name, sender_email, recipient_name, recipient_email, language, send_on=None, copy_to_sender=False):
    """Store the card and queue its emails; returns (the card, the token for its address)."""
    token = new_token()
    send_at = delivery_time(send_on)
    with design.artwork.open("rb") as artwork:
        png = rendering.card_png(artwork, message, sender_name, language)
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    context = {
        # Plain-text emails: each name and line in an isolate (FSI … PDI), so that an Arabic
        # name in an English sentence, or the reverse, keeps its own direction.
        "sender_name_isolated": isolated(sender_name),
        "recipient_name_isolated": isolated(recipient_name),
        "message_isolated": isolated(message),
        "sender_name": sender_name,
        "recipient_name": recipient_name,
        "recipient_email": recipient_email,
        "message": message,
        "card_url": card_url(token, language),
        "send_on": send_on,
        "retention_days": settings.POSTCARD_RETENTION_DAYS,
        "image_alt": design.alt_text,
    }
    with transaction.atomic():
        card = Postcard.objects.create(
            design=design,
            token_hash=hash_token(token),
            sender_name=sender_name,
            sender_email=sender_email,
            recipient_name=recipient_name,
            recipient_email=recipient_email,
            message=message,
            language=language,
            send_at=send_at,
        )
        content_id = f"postcard-{uuid.uuid4().hex}@{domain}"
        card.email = queue_email(
            "postcard",
            to=[recipient_email],
            context={**context, "content_id": content_id},
            language=language,
            reply_to=sender_email,
            send_at=send_at if send_on else None,
            attachments=inline_image(png, content_id),
        )
        if copy_to_sender:
            content_id = f"postcard-{uuid.uuid4().hex}@{domain}"
            card.copy_email = queue_email(
                "postcard.copy",
                to=[sender_email],
                context={**context, "content_id": content_id},
                language=language,
                attachments=inline_image(png, content_id),
            )
        card.save(update_fields=["email", "copy_email"])
    return card, token


def delete_postcard(card):
    """The card, its emails in the outbox (sent or not) and their attachments: all gone."""
    with transaction.atomic():
        email_ids = [pk for pk in (card.email_id, card.copy_email_id) if pk]
        attachments = list(Attachment.objects.filter(emails__in=email_ids).distinct())
        files = [(attachment.file.storage, attachment.file.name) for attachment in attachments if attachment.file]
        Attachment.objects.filter(pk__in=[attachment.pk for attachment in attachments]).delete()
        Email.objects.filter(pk__in=email_ids).delete()
        Postcard.objects.filter(pk=card.pk).delete()
        # Files are not part of the transaction: removed only once the rows are.
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def note_deliveries():
    """Copy the time the worker sent each card's email into the card."""
    delivered = Postcard.objects.filter(delivered_at__isnull=True, email__status=STATUS.sent).select_related("email")
    for card in delivered:
        Postcard.objects.filter(pk=card.pk).update(delivered_at=card.email.last_updated)


def delete_old_postcards(now=None):
    """Delete the cards delivered more than POSTCARD_RETENTION_DAYS ago; returns how many.

    A card that was never delivered (its email failed, or was removed from the
    outbox) is deleted the same number of days after the day it was due.
    """
    note_deliveries()
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.POSTCARD_RETENTION_DAYS)
    old = Postcard.objects.filter(Q(delivered_at__lt=cutoff) | Q(delivered_at__isnull=True, send_at__lt=cutoff))
    deleted = 0
    for card in old.only("pk", "email_id", "copy_email_id").iterator():
        delete_postcard(card)
        deleted += 1
    return deleted
