"""`manage.py anonymise_signatures`: strip names, addresses and comments from signatures of long-closed actions.

Signatures are anonymised SIGNATURE_RETENTION_MONTHS (30-day months) after
their action closes: the count, countries, languages and dates stay, nothing
that names a person does. Running it again changes nothing (only signatures
not yet anonymised are touched), so it is safe to schedule as often as you
like; `manage.py housekeeping` runs it too.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from actions.petitions import services


class Command(BaseCommand):
    help = "Anonymise the signatures of actions closed more than SIGNATURE_RETENTION_MONTHS ago (idempotent)."

    def handle(self, *args, **options):
        count = services.anonymise_closed_actions()
        self.stdout.write(f"{count} signatures anonymised (actions closed more than {settings.SIGNATURE_RETENTION_MONTHS} months ago).")
