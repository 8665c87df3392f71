"""The README's promise, checked the way a newcomer meets it: under `make run`.

`make run` starts several gunicorn workers. An edit saved through the admin
must show on every one of them at once, and an unpublished section must be
gone from every one of them at once. The test client cannot show this: it
is one process.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from urllib.parse import urlencode

import pytest
from django.conf import settings

from tests.factories import CAMPAIGN_SLUG, KOSOVO_PATH

PASSWORD = "a long password for the make run test"
STARTUP_SECONDS = 240


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FormFields(HTMLParser):
    """The fields a browser would submit from the first <form method="post"> with an id ending in _form."""

    def __init__(self):
        super().__init__()
        self.fields, self.in_form, self.select, self.textarea = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and attrs.get("name") and attrs.get("type") not in {"file", "submit", "button"}:
            if attrs.get("type") not in {"checkbox", "radio"} or "checked" in attrs:
                self.fields.append([attrs["name"], attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")])
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append([self.select, attrs.get("value", "")])
        elif tag == "textarea":
            self.textarea = [attrs.get("name"), ""]
            self.fields.append(self.textarea)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            self.textarea[1] = self.textarea[1].removeprefix("\n")
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.in_form = False


class Browser:
    """Just enough of a browser for the admin: cookies, CSRF token, forms."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path):
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, fields):
        data = urlencode(fields).encode()
        headers = {"Referer": self.base_url + path, "Origin": self.base_url}
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers)  # noqa: S310 - our own server on loopback
        with self.opener.open(request, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def sign_in(self):
        html = self.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        url, _ = self.post("/admin/login/?next=/admin/", {"csrfmiddlewaretoken": token, "username": "editor", "password": PASSWORD, "next": "/admin/"})
        assert url.endswith("/admin/"), "signed in"

    def change(self, changelist, object_text, **changes):
        """Open an object's admin form from its change list, change fields, save."""
        listing = self.get(changelist)
        link = re.search(r'href="(/admin/[^"]+/\d+/change/)[^"]*">' + re.escape(object_text), listing)[1]
        parser = FormFields()
        parser.feed(self.get(link))
        fields = [[name, changes.get(name, value)] for name, value in parser.fields]
        assert {name for name, _ in fields} >= set(changes), "every changed field is on the form"
        url, html = self.post(link, [(name, value) for name, value in fields] + [("_save", "Save")])
        assert url.endswith(changelist), f"saved without errors: {re.findall(r'errorlist[^>]*>(.*?)</ul>', html, re.S)}"


def fetch(url):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server on loopback
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, ""
    return status, body, time.monotonic() - started


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    """`make run` exactly as the README gives it, on a free port and its own var/."""
    var_dir = tmp_path_factory.mktemp("make-run-var")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL"}}
    env.update(PORT=str(port), VAR_DIR=str(var_dir), WORKERS="3")
    log_path = var_dir / "make-run.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(["make", "run"], cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while fetch_or_none(base_url + "/en/") != 200:
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "make run did not start:\n" + log_path.read_text()
            time.sleep(0.5)
        manage_env = {**env, "DJANGO_SETTINGS_MODULE": "campaign.settings.local", "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
        subprocess.run(
            [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", "editor", "--email", "editor@example.org"],
            cwd=settings.BASE_DIR,
            env=manage_env,
            check=True,
            capture_output=True,
        )
        yield base_url, log_path
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def fetch_or_none(url):
    try:
        return fetch(url)[0]
    except OSError:
        return None


def test_make_run_serves_with_several_workers(make_run):
    _, log_path = make_run
    booted = set(re.findall(r"Booting worker with pid: (\d+)", log_path.read_text()))
    assert len(booted) >= 3


def test_an_admin_edit_shows_on_every_worker_at_once(make_run):
    base_url, _ = make_run
    story_url = f"{base_url}/en{KOSOVO_PATH}"
    for _ in range(12):  # every worker has the page cached, in memory too
        assert "Kosovo: Trafficked" in fetch(story_url)[1]
    browser = Browser(base_url)
    browser.sign_in()
    browser.change("/admin/stories/story/", "Kosovo", title_en="Kosovo: edited under make run")
    for _ in range(20):
        status, body, seconds = fetch(story_url)
        assert status == 200
        assert "Kosovo: edited under make run" in body
        assert seconds < 1


def test_an_unpublished_section_is_gone_from_every_worker_at_once(make_run):
    base_url, _ = make_run
    section_url = f"{base_url}/en/campaigns/{CAMPAIGN_SLUG}/issues/"
    for _ in range(12):
        assert fetch(section_url)[0] == 200
    browser = Browser(base_url)
    browser.sign_in()
    browser.change("/admin/campaign/section/", "Issues", status="draft")
    assert [fetch(section_url)[0] for _ in range(20)] == [404] * 20


def test_the_access_log_keeps_no_visitor_address_or_query(make_run):
    base_url, log_path = make_run
    fetch(f"{base_url}/en/share/?page=/en{KOSOVO_PATH}")
    token = "MTIz:1vFZr2:abcDEF123_xyz"  # the shape of a confirmation link's token
    fetch(f"{base_url}/en/act/confirm/{token}/")
    time.sleep(0.5)
    requests = [line for line in log_path.read_text().splitlines() if '"GET ' in line]
    assert requests, "the access log is written"
    for line in requests:
        assert "127.0.0.1" not in line
        assert "?" not in line
        assert token not in line
