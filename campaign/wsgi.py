"""The WSGI entry point. Without DJANGO_SETTINGS_MODULE it runs the production
settings, which refuse to start unconfigured: a server started bare never runs
on SQLite with a generated key and no HSTS. `make run` asks for local settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings.production")
application = get_wsgi_application()
