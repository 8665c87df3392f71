"""Recording a delivery, and telling every confirmed signer about it.

Staff record in the admin when the appeal was handed over and to whom. In
the same transaction, every confirmed signer gets an email saying so, in the
language they signed in. Editing the delivery afterwards sends nothing more.

One email per signer, for 100,000 signers, inside the staff member's
request. Rendering the templates and saving through the ORM for each of them
would take minutes, so:

- The email is the same for everyone who signed in one language: it names
  no signer, and links to the page where they can ask for a link to their
  own signatures (a personal link would mean signing 100,000 tokens, and the
  confirmation email already carried one). Each language is rendered once,
  through the outbox's own renderer (`render_email`), like every email.
- The emails are written into post_office's queue 2,000 at a time with one
  `executemany` each: the values that every email shares are prepared once
  by the model's own fields, only the recipient changes from row to row.
  Measured on the development machine (SQLite): about 5 seconds for 100,000
  signers, where `bulk_create` took 40; memory holds one chunk at a time.

The worker (`manage.py deliver_mail`) then delivers them like any other.

Why not hand the work to a background job: the emails are stored in the
transaction that records the delivery, so there is never a delivery without
its emails, nor emails for a delivery that was rolled back, and nothing is
left half done for a job to find and finish.
"""

import logging
from email.utils import make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation
from post_office.models import PRIORITY, STATUS, Email
from post_office.settings import get_message_id_enabled, get_message_id_fqdn

from actions.outbox.services import one_line, render_email

from .exports import CHUNK_SIZE
from .models import Signature
from .services import absolute

logger = logging.getLogger(__name__)

TEMPLATE = "petition_delivered"


def site_language(code):
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def delivery_message(delivery, language):
    """(subject, text, html) of the email in `language`: the same for every signer who signed in it."""
    with translation.override(language):
        signatures_url = absolute(reverse("petitions:supporter_request"))
    context = {"action": delivery.action, "delivery": delivery, "signatures_url": signatures_url}
    return render_email(TEMPLATE, context, language)


def signers_to_tell(action):
    """Confirmed signers who still have an address (not anonymised)."""
    return Signature.objects.filter(action=action, confirmed_at__isnull=False, anonymised_at__isnull=True).exclude(email="")


def one_address(value):
    address = one_line(value)
    validate_email(address)
    return address


class EmailQueue:
    """Writes queued emails into post_office's table, many rows per statement.

    Each row is what `Email(...).save()` would write: every value but the
    recipient and the Message-ID is prepared once, by the field itself
    (including `created` and `last_updated`, set to now).
    """

    VARYING = ("to", "subject", "message", "html_message", "message_id")

    def __init__(self):
        self.fields = [field for field in Email._meta.concrete_fields if not field.primary_key]
        names = [field.name for field in self.fields]
        self.positions = {name: names.index(name) for name in self.VARYING}
        template = Email(from_email=settings.DEFAULT_FROM_EMAIL, to=[], priority=PRIORITY.medium, status=STATUS.queued, backend_alias="")
        self.shared = [field.get_db_prep_save(field.pre_save(template, add=True), connection) for field in self.fields]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in self.fields)
        placeholders = ", ".join(["%s"] * len(self.fields))
        table = connection.ops.quote_name(Email._meta.db_table)
        # Names from the model's own metadata, values as parameters: nothing here comes from a request.
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self.to_field = Email._meta.get_field("to")
        self.message_ids = get_message_id_enabled()
        self.rows = []
        self.written = 0

    def add(self, address, subject, text, html):
        row = list(self.shared)
        row[self.positions["to"]] = self.to_field.get_db_prep_save([address], connection)
        row[self.positions["subject"]] = subject
        row[self.positions["message"]] = text
        row[self.positions["html_message"]] = html
        row[self.positions["message_id"]] = make_msgid(domain=get_message_id_fqdn()) if self.message_ids else None
        self.rows.append(row)
        if len(self.rows) >= CHUNK_SIZE:
            self.flush()

    def flush(self):
        if self.rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.rows)
            self.written += len(self.rows)
            self.rows = []
        return self.written


def tell_signers(delivery):
    """Queue the "delivered" email for every confirmed signer of the delivery's action; returns how many.

    Call it inside the transaction that records the delivery.
    """
    messages = {}
    queue = EmailQueue()
    rows = signers_to_tell(delivery.action).order_by("pk").values_list("email", "language").iterator(chunk_size=CHUNK_SIZE)
    for address, language in rows:
        try:
            address = one_address(address)
        except ValidationError:
            continue  # stored before the address rules were what they are: skip it rather than fail everyone
        language = site_language(language)
        if language not in messages:
            messages[language] = delivery_message(delivery, language)
        queue.add(address, *messages[language])
    return queue.flush()


def record_delivery(delivery):
    """Called once a new delivery is saved: fill in the count, and tell the signers. Returns how many were told."""
    with transaction.atomic():
        if not delivery.signature_count:
            action = delivery.action
            delivery.signature_count = action.counted_signatures().count() + action.paper_signatures
            delivery.save(update_fields=["signature_count"])
        told = tell_signers(delivery)
    logger.info("Delivery %s of action %s recorded; %d signers will be told.", delivery.pk, delivery.action_id, told)
    return told
