"""The mail worker: `manage.py deliver_mail`, started by `make run` beside the web server.

It delivers post_office's queue batch by batch (actions/outbox/delivery.py)
and, when nothing is due, sleeps MAIL_WORKER_INTERVAL seconds. SIGTERM or
Ctrl-C (SIGINT) lets the batch in hand finish and be marked before it stops:
stopping never loses mail nor sends it twice. Even SIGKILL loses nothing:
post_office marks a batch only after sending it, so a killed worker's batch
is still queued, and at worst its messages already handed to the server are
sent once more.

`--once` delivers everything that is due, then exits (for tests and cron).
"""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from post_office.settings import get_batch_size

from actions.outbox import delivery

logger = logging.getLogger("actions.outbox.worker")
TIDY_EVERY_SECONDS = 3600


class Command(BaseCommand):
    help = "Deliver queued email until stopped (SIGTERM or Ctrl-C); with --once, deliver what is due and exit."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Deliver everything that is due, then exit.")
        parser.add_argument("--interval", type=float, help="Seconds to sleep when nothing is due (default: MAIL_WORKER_INTERVAL).")

    def handle(self, *args, once=False, interval=None, **options):
        interval = settings.MAIL_WORKER_INTERVAL if interval is None else interval
        stop = threading.Event()

        def finish_then_stop(signum, frame):
            if not stop.is_set():
                logger.info("Mail worker stopping after the batch in hand (%s)", signal.Signals(signum).name)
            stop.set()

        previous = {signum: signal.signal(signum, finish_then_stop) for signum in (signal.SIGTERM, signal.SIGINT)}
        try:
            if settings.EMAIL_BACKEND == "actions.outbox.backends.EmlFileBackend":
                logger.info("Mail worker started: each message is written to %s as an .eml file", settings.EMAIL_FILE_PATH)
            else:
                logger.info("Mail worker started: delivering through %s", settings.EMAIL_BACKEND)
            if once:
                self.deliver_due(stop)
            else:
                self.deliver_forever(stop, interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def deliver_due(self, stop):
        """Everything due now, waiting for another worker's batch if need be."""
        delivery.tidy(wait=True)
        while not stop.is_set():
            # A batch smaller than the batch size took everything that was due.
            if delivery.deliver_due(wait=True) < get_batch_size():
                break

    def deliver_forever(self, stop, interval):
        next_tidy = 0.0
        while not stop.is_set():
            attempted = 0
            try:
                # As at the start of a web request: drop a connection that is too old or broken.
                close_old_connections()
                if time.monotonic() >= next_tidy and delivery.tidy():
                    next_tidy = time.monotonic() + TIDY_EVERY_SECONDS
                attempted = delivery.deliver_due()
            except Exception:
                # The database or the disk may be back in a moment: the worker carries on.
                logger.exception("Mail delivery failed; trying again in %s seconds", interval)
                connections.close_all()
            if not attempted:
                stop.wait(interval)
