"""Production refuses to start without its configuration."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "campaign.settings.production"}


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
