"""Delivery: post_office's queue, with what its send_queued() leaves out.

post_office's Email table is the queue and `mail.send_queued()` delivers a
batch of it: it sends every message, then marks each one sent, or requeued
(retry after a fixed RETRY_INTERVAL) or failed (out of retries), and writes
one Log row per attempt with the exception's class name. Everything else is
here, run by the worker (`manage.py deliver_mail`) right after each batch:

- back-off: a requeued email is retried 1, 2, 4… minutes after its last
  attempt (MAIL_RETRY_FIRST_SECONDS, doubling up to MAIL_RETRY_MAX_SECONDS),
  until post_office's MAX_RETRIES are spent and it is marked failed;
- permanent failures: an email whose last attempt raised
  PermanentDeliveryError (actions/outbox/backends.py) is failed at once;
- privacy: a sent email forgets who it went to and what it said (recipients,
  bodies, headers, context, attachments, and the text of its Log rows); its
  subject, status, dates and counts stay for staff to see;
- retention: failed emails are deleted MAIL_FAILED_RETENTION_DAYS after their
  last attempt.

Each of these reads only what is in the database, so running it again is
harmless: at start-up and every hour the worker runs it over every email
(`tidy`), which catches up on anything a killed worker left undone.

Only one process at a time delivers from a database (`delivery_turn`): on
PostgreSQL each batch holds an advisory lock; on SQLite a file lock next to
the database file. A second worker, on any machine, waits its turn instead
of sending the same batch again.
"""

import fcntl
import logging
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from post_office import mail
from post_office.models import STATUS, Attachment, Email, Log

from .backends import PermanentDeliveryError

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock's key for "delivering mail"; locks are per database.
ADVISORY_LOCK_KEY = 0x5356_4157_6D61_696C  # "SVAWmail"
CHUNK = 500


def chunks(ids):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@contextmanager
def delivery_turn(wait=False):
    """True if this process may deliver now: no other process delivers from this database meanwhile.

    Neither lock is a transaction: post_office's "sent" marks must commit as
    it writes them, or a failure later in the batch would undo them and the
    mail would go out again.
    """
    if connection.vendor == "postgresql":
        # A session-level advisory lock (so not through a transaction-pooling PgBouncer).
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {'pg_advisory_lock' if wait else 'pg_try_advisory_lock'}(%s)", [ADVISORY_LOCK_KEY])
            ours = wait or cursor.fetchone()[0]
        try:
            yield ours
        finally:
            if ours:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
    elif connection.vendor == "sqlite" and not connection.is_in_memory_db():
        with open(f"{connection.settings_dict['NAME']}.mail-lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
                ours = True
            except BlockingIOError:
                ours = False
            yield ours  # closing the file (or the process dying) releases the lock
    else:
        yield True  # an in-memory database: no other process can see it


def deliver_due(wait=False):
    """Deliver one batch of the mail that is due, then settle it; the number of emails attempted."""
    if not mail.get_queued().exists():
        return 0
    with delivery_turn(wait) as ours:
        if not ours:
            return 0
        started = timezone.now()
        sent, failed, requeued = mail.send_queued(processes=1)
        # post_office stamps last_updated on every email of the batch as it marks it.
        settle(Email.objects.filter(last_updated__gte=started))
        return sent + failed + requeued


def tidy(wait=False):
    """Settle every email and delete old failures; False if another process was delivering."""
    with delivery_turn(wait) as ours:
        if ours:
            settle(Email.objects.all())
            delete_old_failures()
        return ours


def retry_delay(attempts_failed):
    """How long after its last attempt an email is tried again: 1, 2, 4… minutes, capped."""
    seconds = settings.MAIL_RETRY_FIRST_SECONDS * 2 ** max(attempts_failed - 1, 0)
    return timedelta(seconds=min(seconds, settings.MAIL_RETRY_MAX_SECONDS))


def settle(emails):
    """Back-off or failure for the requeued among `emails`, forgetting for the sent."""
    latest_log = Log.objects.filter(email=OuterRef("pk")).order_by("-date", "-pk")
    requeued = (
        emails.filter(status=STATUS.requeued)
        .annotate(last_error=Subquery(latest_log.values("exception_type")[:1]), last_attempt=Subquery(latest_log.values("date")[:1]))
        .only("pk", "number_of_retries", "last_updated", "scheduled_time")
    )
    permanent, retry = [], []
    for email in requeued:
        if email.last_error == PermanentDeliveryError.__name__:
            permanent.append(email.pk)
        else:
            email.scheduled_time = (email.last_attempt or email.last_updated) + retry_delay(email.number_of_retries or 1)
            retry.append(email)
    for ids in chunks(permanent):
        Email.objects.filter(pk__in=ids).update(status=STATUS.failed, last_updated=timezone.now())
    Email.objects.bulk_update(retry, ["scheduled_time"], batch_size=CHUNK)
    forget(emails.filter(status=STATUS.sent))


def forget(emails):
    """Forget who these emails went to and what they said; keep subject, status, dates and counts."""
    remembered = (
        ~Q(to="")
        | ~Q(cc="")
        | ~Q(bcc="")
        | ~Q(message="")
        | ~Q(html_message="")
        | Q(headers__isnull=False)
        | Q(context__isnull=False)
        | Q(attachments__isnull=False)
    )
    ids = sorted(set(emails.filter(remembered).values_list("pk", flat=True)))
    for some in chunks(ids):
        Email.objects.filter(pk__in=some).update(to="", cc="", bcc="", message="", html_message="", headers=None, context=None)
        # A failed attempt's message can quote the server's reply about the recipient.
        Log.objects.filter(email_id__in=some).exclude(message="").update(message="")
        drop_attachments(some)
    return len(ids)


def drop_attachments(email_ids):
    """Unlink attachments from these emails; delete those no other email uses, files included."""
    links = Attachment.emails.through.objects.filter(email_id__in=email_ids)
    attachment_ids = set(links.values_list("attachment_id", flat=True))
    links.delete()
    for attachment in Attachment.objects.filter(pk__in=attachment_ids, emails=None):
        storage, name = attachment.file.storage, attachment.file.name
        attachment.delete()
        if name:
            # After commit: a rolled-back transaction must not leave a row without its file.
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


def delete_old_failures():
    """Delete failed emails (with their logs and attachments) MAIL_FAILED_RETENTION_DAYS after their last attempt."""
    cutoff = timezone.now() - timedelta(days=settings.MAIL_FAILED_RETENTION_DAYS)
    ids = list(Email.objects.filter(status=STATUS.failed, last_updated__lt=cutoff).values_list("pk", flat=True))
    for some in chunks(ids):
        drop_attachments(some)
        Email.objects.filter(pk__in=some).delete()
    if ids:
        logger.info("Deleted %d failed emails older than %d days", len(ids), settings.MAIL_FAILED_RETENTION_DAYS)
    return len(ids)


def requeue(emails):
    """Queue failed or waiting emails again, from a fresh count of attempts; sent ones cannot be."""
    return emails.exclude(status=STATUS.sent).update(status=STATUS.queued, number_of_retries=0, scheduled_time=None, last_updated=timezone.now())
