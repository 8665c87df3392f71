"""Delete postcards, and the personal data in them, POSTCARD_RETENTION_DAYS after delivery.

`manage.py housekeeping` already runs the same job every hour (see
actions/postcards/housekeeping.py); this command runs it alone, for cron or by
hand. Safe to schedule as often as you like and to run while the site and the
mail worker are running: each card goes in its own transaction, and a second
run at the same time finds nothing left to do.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from actions.postcards.services import delete_old_postcards


class Command(BaseCommand):
    help = "Delete postcards delivered more than POSTCARD_RETENTION_DAYS days ago, with their emails."

    def handle(self, *args, **options):
        deleted = delete_old_postcards()
        self.stdout.write(f"Deleted {deleted} postcard(s) delivered more than {settings.POSTCARD_RETENTION_DAYS} days ago.")
