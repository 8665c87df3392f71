"""Give a staff member an authenticator-app device for the admin's second factor."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Create a TOTP device for a staff account and print the key to enter in an authenticator app."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Authenticator app")

    def handle(self, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username, is_staff=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no staff account called {username!r}.") from None
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        self.stdout.write("Scan or enter this in the authenticator app, then keep it secret:")
        self.stdout.write(device.config_url)
