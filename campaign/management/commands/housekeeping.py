"""`manage.py housekeeping`: run every registered retention job once, or `--every SECONDS` until stopped.

The jobs come from campaign/housekeeping.py's registry (each app's
housekeeping.py). Each job's result is logged; a job that fails is logged
with its traceback and the others still run, and the loop carries on to the
next round. SIGTERM or Ctrl-C (SIGINT) lets the job in hand finish, then
stops. Every job is idempotent, so running this on several machines at once,
or again after a crash, is harmless.

`make run` can start it beside the web server, from the Procfile:

    housekeeping: .venv/bin/python manage.py housekeeping --every 3600
"""

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection, connections

from campaign import housekeeping

logger = logging.getLogger("campaign.housekeeping")


def drop_connections(close):
    """Close stale connections, unless a caller's transaction is open (as in tests): it owns them."""
    if not connection.in_atomic_block:
        close()


class Command(BaseCommand):
    help = "Run every registered housekeeping job (retention, clean-up) once, or every N seconds until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, metavar="SECONDS", help="Run the jobs every SECONDS seconds until SIGTERM or Ctrl-C.")
        parser.add_argument("--job", action="append", dest="only", metavar="NAME", help="Run only this job (may be repeated).")

    def handle(self, *args, every=None, only=None, **options):
        self.verbosity = options.get("verbosity", 1)
        jobs = housekeeping.discover()
        if only:
            unknown = sorted(set(only) - set(jobs))
            if unknown:
                raise CommandError(f"No such job: {', '.join(unknown)}. Jobs: {', '.join(jobs) or 'none'}.")
            jobs = {name: job for name, job in jobs.items() if name in only}
        if every is not None and every <= 0:
            raise CommandError("--every takes a number of seconds above 0.")
        if every is None:
            failures = self.run_jobs(jobs, threading.Event())
            if failures:
                raise CommandError(f"{failures} job(s) failed; see the log.")
            return
        stop = threading.Event()

        def stop_after_this_job(signum, frame):
            if not stop.is_set():
                logger.info("Housekeeping stopping (%s)", signal.Signals(signum).name)
            stop.set()

        previous = {signum: signal.signal(signum, stop_after_this_job) for signum in (signal.SIGTERM, signal.SIGINT)}
        try:
            logger.info("Housekeeping started: %s, every %s seconds", ", ".join(jobs) or "no jobs", every)
            while not stop.is_set():
                self.run_jobs(jobs, stop)
                stop.wait(every)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def run_jobs(self, jobs, stop):
        """Run each job once; returns how many failed. Never raises."""
        failures = 0
        for name, job in jobs.items():
            if stop.is_set():
                break
            try:
                # As at the start of a web request: drop a connection that is too old or broken.
                drop_connections(close_old_connections)
                result = job()
            except Exception:
                failures += 1
                logger.exception("Housekeeping job %s failed", name)
                # The database may be back in a moment: the next job or round starts afresh.
                drop_connections(connections.close_all)
                continue
            logger.info("Housekeeping job %s: %s", name, result)
            if self.verbosity > 1:
                self.stdout.write(f"{name}: {result}")
        return failures
