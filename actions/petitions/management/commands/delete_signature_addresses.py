"""`manage.py delete_signature_addresses`: forget the IP addresses of signatures older than SIGNATURE_IP_RETENTION_DAYS.

Addresses are kept only to spot many signatures from one place; after a few
days they are deleted. Running it again changes nothing, so it is safe to
schedule as often as you like; `manage.py housekeeping` runs it too.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from actions.petitions import services


class Command(BaseCommand):
    help = "Delete the IP addresses of signatures older than SIGNATURE_IP_RETENTION_DAYS (idempotent)."

    def handle(self, *args, **options):
        count = services.delete_old_ip_addresses()
        self.stdout.write(f"{count} IP addresses deleted (signatures older than {settings.SIGNATURE_IP_RETENTION_DAYS} days).")
