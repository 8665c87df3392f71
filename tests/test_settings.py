"""Production refuses to start without its configuration."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "DJANGO_SETTINGS_MODULE": "campaign.settings.production",
    "SITE_URL": "https://campaign.example.org",
    "EMAIL_HOST": "smtp.example.org",
}


def run_manage(*args, **env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env={**PRODUCTION_ENV, **env}, capture_output=True, text=True)


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", ALLOWED_HOSTS="campaign.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_passes_the_deployment_checklist():
    secret_key = "Zq8#Lm2$Vx9&Rt4!Np7@Wc3^Hy6*Bd1(" * 2
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secret_key, ALLOWED_HOSTS="campaign.example.org")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_site_address_that_is_not_https():
    result = run_manage("check", SECRET_KEY="x" * 60, ALLOWED_HOSTS="campaign.example.org", SITE_URL="http://campaign.example.org")
    assert result.returncode != 0
    assert "SITE_URL must start with https://" in result.stderr


def test_production_refuses_to_start_without_a_site_address():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SITE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**env, "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "campaign.example.org"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr


def test_the_wsgi_entry_point_defaults_to_production():
    """A server started without DJANGO_SETTINGS_MODULE must not quietly run the local settings."""
    result = subprocess.run(
        [sys.executable, "-c", "import campaign.wsgi"],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "must be set in production" in result.stderr


def test_the_local_settings_take_the_site_address_from_the_environment():
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL, settings.ONION_URL)"
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "campaign.settings.local", "SITE_URL": "http://127.0.0.1:8123/", "ONION_URL": "http://abc.onion"}
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert result.stdout.split() == ["http://127.0.0.1:8123", "http://abc.onion"], result.stderr
    env["SITE_URL"] = "campaign.example.org/path"
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert "SITE_URL must be an origin" in result.stderr
