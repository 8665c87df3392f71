"""Sending a page to friends: once per submission, within the limits, all or nothing."""

import enum
import hashlib
import json
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from actions.outbox.limits import normalised_address, take_visitor_mail_allowance
from actions.outbox.services import queue_email

from .models import ShareCount
from .text import isolated

# A second submission of the same form within this time is the same one (a double click, a resend).
SUBMISSION_SECONDS = 10 * 60
# How long a twin waits for the first submission to finish before it answers as the first did.
TWIN_WAIT_SECONDS = 3
PENDING, SENT = "pending", "sent"


class Outcome(enum.Enum):
    SENT = "sent"
    ALREADY_SENT = "already sent"  # the same submission again: nothing more is queued
    OVER_THE_LIMIT = "over the limit"  # nothing is queued


def submission_key(*, page, sender, friends, note):
    """A cache key for one submission; the addresses are hashed, never kept in the cache."""
    parts = [page.path, normalised_address(sender), sorted(normalised_address(friend) for friend in friends), note]
    # Keyed with SECRET_KEY: whoever reads the cache cannot test a guessed address against it.
    digest = hashlib.blake2b(json.dumps(parts).encode(), digest_size=20, key=settings.SECRET_KEY.encode()[:64], person=b"svaw-share-sent").hexdigest()
    return f"share-submission:{digest}"


def send_page(request, *, page, name, sender, friends, note, language):
    """Queue one email per friend about `page`, in `language`; see Outcome.

    The same submission twice (a double click, a browser resending the
    form) is sent once: the first to arrive claims a key in the shared cache
    for SUBMISSION_SECONDS; a twin that finds it waits for the first to finish
    and answers "already sent", unless the first was refused, in which case
    it tries itself. The limits are counted only for submissions that are
    sent. The emails and the count are stored in one transaction.
    """
    key = submission_key(page=page, sender=sender, friends=friends, note=note)
    if not _claim(key):
        return Outcome.ALREADY_SENT
    try:
        if not take_visitor_mail_allowance(request, sender=sender, recipients=friends):
            cache.delete(key)
            return Outcome.OVER_THE_LIMIT
        # The templates wrap the name in isolates (isolate_text); a note is isolated line by line.
        context = {"name": name, "note": note, "note_isolated": isolated(note), "page": page}
        with transaction.atomic():
            for friend in friends:
                # One email each: no friend sees another's address.
                queue_email("share", to=[friend], context=context, language=language, reply_to=sender)
            ShareCount.objects.add(page.path, language, len(friends))
    except BaseException:
        cache.delete(key)
        raise
    cache.set(key, SENT, SUBMISSION_SECONDS)
    return Outcome.SENT


def _claim(key):
    """True if this request is the one to send; False if a twin sent or is sending it."""
    if cache.add(key, PENDING, SUBMISSION_SECONDS):
        return True
    deadline = time.monotonic() + TWIN_WAIT_SECONDS
    while cache.get(key) == PENDING and time.monotonic() < deadline:
        time.sleep(0.05)
    if cache.get(key) is not None:
        return False  # sent, or still being sent
    # The first was refused (over the limit) or failed: this one has its own go.
    return cache.add(key, PENDING, SUBMISSION_SECONDS)
