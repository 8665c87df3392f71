"""Run daily: lapse memberships whose fee has run out, and delete applications never confirmed."""

from django.core.management.base import BaseCommand

from actions.giving.services import update_memberships


class Command(BaseCommand):
    help = "Lapse memberships whose last fee no longer covers today; delete applications never confirmed in time."

    def handle(self, *args, **options):
        lapsed, deleted = update_memberships()
        self.stdout.write(self.style.SUCCESS(f"{lapsed} memberships lapsed, {deleted} unconfirmed applications deleted."))
