"""Staff sign-in: second factor, lock-out, and cookies that cannot leak."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
PASSWORD = "a long test password"


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", "editor@example.org", PASSWORD, is_staff=True, is_superuser=True)


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_without_otp_a_password_is_enough_locally(client, editor):
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_otp_a_password_alone_is_refused(client, editor, settings):
    settings.STAFF_REQUIRE_OTP = True
    TOTPDevice.objects.create(user=editor, name="phone")
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_with_otp_password_and_code_let_staff_in(client, editor, settings):
    settings.STAFF_REQUIRE_OTP = True
    device = TOTPDevice.objects.create(user=editor, name="phone")
    response = client.post(
        "/admin/login/",
        {"username": "editor", "password": PASSWORD, "otp_device": device.persistent_id, "otp_token": current_code(device), "next": "/admin/"},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert client.get("/admin/").status_code == 200


def test_repeated_failures_lock_the_account_out(client, editor, settings):
    settings.AXES_ENABLED = True
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "editor", "password": "wrong", "next": "/admin/"})
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302


def test_session_and_csrf_cookies_are_httponly_samesite_and_secure_in_production(client, editor, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    login_page = client.get("/admin/login/")
    csrf = login_page.cookies[settings.CSRF_COOKIE_NAME]
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD, "next": "/admin/"})
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    for cookie in (csrf, session):
        assert cookie["secure"]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"


def test_production_settings_make_cookies_secure():
    import importlib
    import os
    from unittest import mock

    with mock.patch.dict(os.environ, {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "campaign.example.org"}):
        production = importlib.import_module("campaign.settings.production")
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE and production.LANGUAGE_COOKIE_SECURE
    assert production.STAFF_REQUIRE_OTP
    assert production.SECURE_HSTS_SECONDS >= 31536000


def test_add_totp_device_command(editor, capsys):
    call_command("add_totp_device", "editor")
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).count() == 1
    assert "otpauth://totp/" in capsys.readouterr().out
