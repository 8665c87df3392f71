"""Staff sign-in: second factor, lock-out, throttles, the client's address, and cookies that cannot leak."""

import os
import subprocess
import sys
import time
import types
from unittest import mock

import django_ratelimit.core
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from campaign.client_ip import UNKNOWN_ADDRESS, client_ip

pytestmark = pytest.mark.django_db
PASSWORD = "a long test password"
WRONG_PASSWORD = "wrong guess"
THROTTLED_MESSAGE = "Too many sign-in attempts"
# Documentation addresses (RFC 5737): attackers, a staff member, a proxy.
ATTACKER = "203.0.113.66"
ATTACKERS = [f"198.51.100.{n}" for n in range(1, 6)]
STAFF_MEMBER = "192.0.2.77"
PROXY = "10.0.0.2"


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

    production_env = {
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "campaign.example.org",
        "SITE_URL": "https://campaign.example.org",
        "EMAIL_HOST": "smtp.example.org",
    }
    with mock.patch.dict(os.environ, production_env):
        production = importlib.import_module("campaign.settings.production")
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE and production.LANGUAGE_COOKIE_SECURE
    assert production.STAFF_REQUIRE_OTP
    assert production.SECURE_HSTS_SECONDS >= 31536000


def test_add_totp_device_command(editor, capsys):
    call_command("add_totp_device", "editor")
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).count() == 1
    assert "otpauth://totp/" in capsys.readouterr().out


def sign_in(client, username, password=WRONG_PASSWORD, address=ATTACKER, **headers):
    return client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address, **headers)


def assert_throttled_from_then_on(statuses):
    """Wrong guesses get the sign-in page again (200) until the first 429, and nothing but 429 after it."""
    first_throttled = statuses.index(429)
    assert set(statuses[:first_throttled]) == {200}, statuses
    assert set(statuses[first_throttled:]) == {429}, statuses


def later(seconds):
    """Moves django-ratelimit's clock, and only its clock, forward: its windows are fixed periods."""
    clock = types.SimpleNamespace(time=lambda: time.time() + seconds)
    return mock.patch.object(django_ratelimit.core, "time", clock)


def test_one_address_trying_many_usernames_is_throttled(client, settings):
    settings.AXES_ENABLED = True  # on, to show that its username-and-address lock alone lets this through
    statuses = [sign_in(client, f"guess{number}").status_code for number in range(30)]
    assert 429 in statuses[:29], statuses
    assert_throttled_from_then_on(statuses)


@pytest.mark.parametrize("require_otp", [False, True])
def test_a_throttled_attempt_gets_the_sign_in_page_and_its_password_is_not_checked(client, editor, settings, require_otp):
    settings.STAFF_REQUIRE_OTP = require_otp
    settings.STAFF_LOGIN_RATE_PER_IP = "2/h"
    sign_in(client, "guess1")
    sign_in(client, "guess2")
    with mock.patch("django.contrib.auth.forms.authenticate", wraps=authenticate) as check_password:
        response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert not check_password.called
    html = response.content.decode()
    assert THROTTLED_MESSAGE in html
    assert 'id="login-form"' in html
    assert client.get("/admin/").status_code == 302


def test_the_throttle_message_is_translated(client, settings):
    settings.STAFF_LOGIN_RATE_PER_IP = "1/h"
    sign_in(client, "guess1")
    response = sign_in(client, "guess2", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()


def test_one_username_guessed_from_many_addresses_is_throttled(client, editor, settings):
    settings.AXES_ENABLED = True
    # Case and spaces do not make a new username to count.
    spellings = ["editor", "Editor", " EDITOR "]
    statuses = [sign_in(client, spellings[number % 3], address=ATTACKERS[number % 5]).status_code for number in range(20)]
    # Four guesses from each address stay under django-axes' lock, which is per address.
    assert 429 in statuses, statuses
    assert_throttled_from_then_on(statuses)


def test_staff_member_signs_in_from_elsewhere_once_the_short_username_window_passes(client, editor, settings):
    settings.AXES_ENABLED = True
    for number in range(20):
        sign_in(client, "editor", address=ATTACKERS[number % 5])
    assert sign_in(client, "editor", PASSWORD, address=STAFF_MEMBER).status_code == 429
    with later(15 * 60 + 1):
        response = sign_in(client, "editor", PASSWORD, address=STAFF_MEMBER)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_behind_a_proxy_each_client_has_its_own_throttle(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.STAFF_LOGIN_RATE_PER_IP = "3/h"
    for number in range(3):
        # A new forged entry on every attempt changes nothing.
        sign_in(client, f"guess{number}", address=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, {ATTACKER}")
    assert sign_in(client, "guess3", address=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.99, {ATTACKER}").status_code == 429
    assert sign_in(client, "guess4", address=PROXY, HTTP_X_FORWARDED_FOR=STAFF_MEMBER).status_code == 200


def test_behind_a_proxy_the_lock_out_is_per_client(client, editor, settings):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 1
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", address=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert sign_in(client, "editor", PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    assert sign_in(client, "editor", PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR=STAFF_MEMBER).status_code == 302


def request_from(remote_addr, **headers):
    return RequestFactory().get("/admin/login/", REMOTE_ADDR=remote_addr, **headers)


def test_client_ip_ignores_x_forwarded_for_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from(ATTACKER, HTTP_X_FORWARDED_FOR=STAFF_MEMBER)) == ATTACKER


def test_client_ip_takes_the_address_the_trusted_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)) == ATTACKER
    assert client_ip(request_from(PROXY, HTTP_X_FORWARDED_FOR=f"{STAFF_MEMBER}, {ATTACKER}")) == ATTACKER
    assert client_ip(request_from(PROXY, HTTP_X_FORWARDED_FOR=f"not-an-address, {STAFF_MEMBER},{ATTACKER}")) == ATTACKER


def test_client_ip_counts_several_proxies_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    cdn = "198.51.100.200"
    assert client_ip(request_from(PROXY, HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {cdn}")) == ATTACKER
    assert client_ip(request_from(PROXY, HTTP_X_FORWARDED_FOR=f"{STAFF_MEMBER}, {ATTACKER}, {cdn}")) == ATTACKER


def test_client_ip_reads_only_the_configured_header(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    request = request_from(PROXY, HTTP_X_REAL_IP=ATTACKER, HTTP_X_FORWARDED_FOR=STAFF_MEMBER)
    assert client_ip(request) == ATTACKER


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        (PROXY, None, PROXY),  # a request that did not come through the proxy
        (PROXY, "", PROXY),
        (PROXY, "garbage, ,", PROXY),
        (PROXY, "[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:203.0.113.66", None, ATTACKER),
        ("", "garbage", UNKNOWN_ADDRESS),  # a Unix socket and no usable header: one shared throttle, no error
    ],
)
def test_client_ip_never_raises_and_falls_back_to_remote_addr(settings, remote_addr, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    assert client_ip(request_from(remote_addr, **headers)) == expected


def client_ip_under_production_settings(tmp_path, **env):
    """What the site, started from its environment, takes as a request's client address."""
    code = (
        "from django.test import RequestFactory; from campaign.client_ip import client_ip; "
        f"print(client_ip(RequestFactory().get('/', REMOTE_ADDR='{PROXY}', "
        f"HTTP_X_FORWARDED_FOR='{STAFF_MEMBER}, {ATTACKER}', HTTP_X_EDGE_CHAIN='{STAFF_MEMBER}, {ATTACKER}, 198.51.100.200')))"
    )
    production = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "campaign.settings.production",
        "SECRET_KEY": "x" * 60,
        "SITE_URL": "https://campaign.example.org",
        "EMAIL_HOST": "smtp.example.org",
        "ALLOWED_HOSTS": "campaign.example.org",
        "VAR_DIR": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=django_settings.BASE_DIR,
        env={**production, **env},
        capture_output=True,
        text=True,
    )


def test_production_settings_ignore_forwarded_addresses_by_default(tmp_path):
    result = client_ip_under_production_settings(tmp_path)
    assert result.stdout.strip() == PROXY, result.stderr


def test_production_settings_read_the_proxy_count_and_header_from_the_environment(tmp_path):
    result = client_ip_under_production_settings(tmp_path, TRUSTED_PROXY_COUNT="2", CLIENT_IP_HEADER="X-Edge-Chain")
    assert result.stdout.strip() == ATTACKER, result.stderr


def test_production_settings_refuse_a_negative_proxy_count(tmp_path):
    result = client_ip_under_production_settings(tmp_path, TRUSTED_PROXY_COUNT="-1")
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr
