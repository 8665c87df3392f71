"""Outgoing email: queued with the action, delivered by the worker, forgotten once sent.

Delivery goes to a real SMTP server on loopback (aiosmtpd, tests/smtp.py).
Back-off is checked by moving the site's clock (django.utils.timezone.now)
forward, never by waiting. The worker tests run `manage.py deliver_mail` as a
subprocess on the settings `make run` uses, with a VAR_DIR and SQLite
database of their own, whatever database the suite itself runs on.
"""

import json
import os
import re
import shutil
import signal
import smtplib
import subprocess
import sys
import time
from datetime import timedelta
from email import message_from_bytes, policy
from email.utils import parseaddr
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from post_office.models import STATUS, Attachment, Email, Log

from actions.outbox import delivery
from actions.outbox.backends import PermanentDeliveryError, TemporaryDeliveryError, classify
from actions.outbox.services import queue_email
from tests.smtp import smtp_outbox_fixture, smtp_server_fixture  # noqa: F401 - fixtures

FRIEND = "friend@example.org"
VISITOR = "visitor@example.net"
FOOTER = "Amnesty International campaigns to stop violence against women."
TEMPLATES = {
    "outbox_test.subject.txt": '{% load i18n %}{% translate "Amnesty International" %}: {{ name }}',
    "outbox_test.txt": '{% load i18n %}{{ name }} & friends: {{ SITE_URL }}/{{ LANGUAGE_CODE }}/read/\n{% translate "' + FOOTER + '" %}\n',
    "outbox_test.html": (
        '{% extends "email/base.html" %}{% block content %}'
        '<p>{{ name }} &amp; friends: <a href="{{ SITE_URL }}/{{ LANGUAGE_CODE }}/read/">read</a></p>{% endblock %}'
    ),
}


def write_templates(directory):
    (directory / "email").mkdir(parents=True, exist_ok=True)
    for name, text in TEMPLATES.items():
        (directory / "email" / name).write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def email_templates(settings, tmp_path):
    """The test email's templates, beside the site's (email/base.html)."""
    directory = write_templates(tmp_path / "templates")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [directory, *settings.TEMPLATES[0]["DIRS"]]}]


def recipients(message):
    """The envelope recipients of a Django EmailMessage, without display names."""
    return [parseaddr(recipient)[1] for recipient in message.recipients()]


def queue(to=FRIEND, name="Maria", language="en", **kwargs):
    return queue_email("outbox_test", to=[to], context={"name": name}, language=language, **kwargs)


def deliver():
    call_command("deliver_mail", "--once")


def latest_log(email):
    return email.logs.order_by("-date", "-pk").first()


class Clock:
    """The site's clock, moved forward as if time had passed."""

    def __init__(self, real_now):
        self.real_now = real_now
        self.offset = timedelta()

    def now(self):
        return self.real_now() + self.offset

    def advance(self, **delta):
        self.offset += timedelta(**delta)

    def advance_to(self, moment):
        self.offset = max(self.offset, moment - self.real_now() + timedelta(seconds=1))


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now)
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock


# Every email -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ['Ana {% now "Y" %}', "{% bogus %}", "{{ settings.SECRET_KEY }}"])
def test_template_code_a_visitor_types_stays_text(email_templates, name):
    """Rendered once, by our templates: nothing a visitor typed is rendered again as a template."""
    email = queue(name=name)
    email.refresh_from_db()
    assert name in email.message
    message = email.prepare_email_message()
    assert name in message.body


@pytest.mark.django_db
@pytest.mark.parametrize("language,direction", [("en", "ltr"), ("ar", "rtl"), ("fr", "ltr"), ("es", "ltr")])
def test_an_email_arrives_in_the_page_language_with_both_parts_from_the_site(smtp_outbox, email_templates, language, direction):
    queue(name="O'Neil", language=language, reply_to=f"Visitor <{VISITOR}>")
    assert not smtp_outbox.handler.messages, "queue_email only stores: nothing is sent in the request"
    assert Email.objects.get().status == STATUS.queued

    deliver()

    [message] = smtp_outbox.handler.messages
    [(envelope_from, envelope_to)] = smtp_outbox.handler.envelopes
    assert envelope_to == [FRIEND]
    assert envelope_from == message["From"].addresses[0].addr_spec == "campaigns@localhost"
    assert str(message["From"]) == settings.DEFAULT_FROM_EMAIL
    assert [address.addr_spec for address in message["Reply-To"].addresses] == [VISITOR]
    assert VISITOR not in str(message["From"]) + str(message.get("Sender", ""))
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    with translation.override(language):
        footer, name = translation.gettext(FOOTER), translation.gettext("Amnesty International")
    assert language == "en" or footer != FOOTER, "the catalogue translates the footer"
    # (Python folds an encoded subject onto a second line; unfolding leaves a space before it.)
    assert str(message["Subject"]).strip() == f"{name}: O'Neil"
    assert footer in text and footer in html
    assert f'<html lang="{language}" dir="{direction}">' in html
    link = f"{settings.SITE_URL}/{language}/read/"
    assert link in text and f'href="{link}"' in html
    # Plain text is not HTML: nothing in it is escaped. The HTML part is.
    assert "O'Neil & friends" in text
    assert "O&#x27;Neil &amp; friends" in html
    assert Email.objects.get().status == STATUS.sent


NASTY = [
    "\r\nBcc: evil@example.com",
    "\nBcc: evil@example.com",
    "\rCc: evil@example.com\r\n",
    "\u2028Bcc: evil@example.com",
    "\x85To: evil@example.com",
    "\x0bX-Injected: 1",
    "\x00",
    "\u200f",
    "\u202e",
    "\u061c",
    ", evil@example.com",
    "evil@example.com, ",
    "; evil@example.com",
    '"',
    "\\",
    "<evil@example.com>",
    ">",
    "=?utf-8?q?Bcc:_evil@example.com?=",
    "\t",
    " ",
]
nasty_text = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(NASTY)), max_size=10).map("".join)
header_value = st.one_of(nasty_text, st.builds(lambda text, times: text * times, nasty_text, st.integers(1, 400)))
ALLOWED_HEADERS = {"content-type", "mime-version", "content-transfer-encoding", "subject", "from", "to", "date", "message-id", "reply-to"}


@pytest.mark.django_db
@hypothesis_settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    name=header_value,
    to_name=header_value,
    reply_name=header_value,
    raw_to=st.one_of(st.none(), header_value),
    raw_reply_to=st.one_of(st.none(), header_value),
    language=st.sampled_from(["en", "ar", "fr", "es", "", "xx", "ar\r\nBcc: x"]),
)
def test_nothing_a_visitor_types_can_add_a_header(email_templates, name, to_name, reply_name, raw_to, raw_reply_to, language):
    to = raw_to if raw_to is not None else f"{to_name} <{FRIEND}>"
    reply_to = raw_reply_to if raw_reply_to is not None else f"{reply_name} <{VISITOR}>"
    try:
        email = queue(to=to, name=name, language=language, reply_to=reply_to)
    except ValidationError:
        return  # a clear refusal of an invalid address is fine: the caller's form refused it first
    message = email.email_message()
    raw = message.message().as_bytes(linesep="\r\n")
    head = raw.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        if line[:1] in {b" ", b"\t"}:
            continue  # a folded continuation of the header above
        header = line.split(b":", 1)[0].decode("ascii").lower()
        assert header in ALLOWED_HEADERS, f"injected header {line!r}"
    parsed = message_from_bytes(raw, policy=policy.default)
    assert len(recipients(message)) == 1
    assert len(parsed.get_all("To")) == 1 and len(parsed["To"].addresses) == 1
    assert parsed["To"].addresses[0].addr_spec == recipients(message)[0]
    if raw_to is None:
        assert recipients(message) == [FRIEND]
    if raw_reply_to is None:
        assert [address.addr_spec for address in parsed["Reply-To"].addresses] == [VISITOR]
    else:
        assert len(parsed.get_all("Reply-To", [])) <= 1
    assert parsed["From"].addresses[0].addr_spec == "campaigns@localhost"
    assert "\n" not in str(parsed["Subject"]) and "\r" not in str(parsed["Subject"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        f"{FRIEND}, evil@example.com",
        f"Evil, Maria <{FRIEND}>",
        f"evil@example.com, Maria <{FRIEND}>",
        f"{FRIEND}\r\nBcc: evil@example.com",
        f"Maria\r\nBcc: evil@example.com <{FRIEND}>",
        f'"evil@example.com," <{FRIEND}>',
    ],
)
def test_one_address_field_reaches_one_mailbox(email_templates, address):
    """post_office keeps recipients comma-separated: a comma in a name must not split it into two."""
    try:
        email = queue(to=address, reply_to=address)
    except ValidationError:
        return
    email.refresh_from_db()
    message = email.email_message()
    assert recipients(message) == [FRIEND]
    assert "evil@example.com" not in [a.addr_spec for a in message_from_bytes(message.message().as_bytes(), policy=policy.default)["Reply-To"].addresses]
    assert b"\nBcc:" not in message.message().as_bytes()


@pytest.mark.django_db
def test_an_address_that_is_not_one_mailbox_is_refused_clearly(email_templates):
    for address in ["not an address", "", "a@b@c", f"{FRIEND} {FRIEND}"]:
        with pytest.raises(ValidationError):
            queue(to=address)
    assert not Email.objects.exists()


# Failures ----------------------------------------------------------------------


@pytest.mark.django_db
def test_mail_waits_out_an_outage_then_goes_exactly_once(smtp_outbox, email_templates, clock):
    smtp_outbox.stop()
    email = queue()

    deliver()
    email.refresh_from_db()
    assert email.status == STATUS.requeued and email.number_of_retries == 1
    log = latest_log(email)
    assert log.exception_type == "TemporaryDeliveryError"
    assert email.scheduled_time == log.date + timedelta(minutes=1)

    clock.advance(seconds=30)
    deliver()
    assert email.logs.count() == 1, "not tried again before it is due"

    smtp_outbox.start()
    clock.advance_to(email.scheduled_time)
    deliver()
    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert len(smtp_outbox.handler.messages) == 1

    clock.advance(days=1)
    deliver()
    assert len(smtp_outbox.handler.messages) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_a_temporary_refusal_is_retried_later_and_later(smtp_outbox, email_templates, clock, stage):
    setattr(smtp_outbox.handler, f"{stage}_reply", "451 4.3.0 Mailbox busy, try again later")
    email = queue()
    delays = []
    for attempt in range(1, 6):
        deliver()
        email.refresh_from_db()
        assert email.status == STATUS.requeued and email.number_of_retries == attempt
        assert latest_log(email).exception_type == "TemporaryDeliveryError"
        delays.append((email.scheduled_time - latest_log(email).date).total_seconds())
        clock.advance_to(email.scheduled_time)
    assert delays == [60, 120, 240, 480, 960]

    setattr(smtp_outbox.handler, f"{stage}_reply", None)
    deliver()
    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert len(smtp_outbox.handler.messages) == 1


def test_the_back_off_doubles_up_to_a_few_hours():
    assert [delivery.retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 9, 12, 100)] == [60, 120, 240, 7680, 14400, 14400, 14400]


@pytest.mark.django_db
def test_temporary_failures_end_failed_after_the_last_attempt(settings, smtp_outbox, email_templates, clock):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 2}
    smtp_outbox.stop()
    email = queue()
    for _ in range(3):
        deliver()
        email.refresh_from_db()
        if email.scheduled_time:
            clock.advance_to(email.scheduled_time)
    assert email.status == STATUS.failed
    assert email.logs.count() == 3

    smtp_outbox.start()
    clock.advance(days=1)
    deliver()
    assert not smtp_outbox.handler.messages
    assert email.logs.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_a_permanent_refusal_fails_at_once(smtp_outbox, email_templates, clock, stage):
    setattr(smtp_outbox.handler, f"{stage}_reply", f"550 5.1.1 <{FRIEND}>: Recipient address rejected")
    email = queue()

    deliver()
    email.refresh_from_db()
    assert email.status == STATUS.failed
    [log] = email.logs.all()
    assert log.exception_type == "PermanentDeliveryError"
    assert "550" in log.message and FRIEND not in log.message

    setattr(smtp_outbox.handler, f"{stage}_reply", None)
    clock.advance(days=1)
    deliver()
    assert not smtp_outbox.handler.messages
    assert email.logs.count() == 1


REFUSED = {FRIEND: (550, b"5.1.1 <friend@example.org> no such user")}


@pytest.mark.parametrize(
    "error,kind",
    [
        (ConnectionRefusedError(111, "Connection refused"), TemporaryDeliveryError),
        (TimeoutError("timed out"), TemporaryDeliveryError),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), TemporaryDeliveryError),
        (smtplib.SMTPRecipientsRefused({FRIEND: (451, b"4.3.0 try later")}), TemporaryDeliveryError),
        (smtplib.SMTPRecipientsRefused({FRIEND: (550, b"5.1.1 no"), VISITOR: (451, b"4.3.0 later")}), TemporaryDeliveryError),
        (smtplib.SMTPRecipientsRefused(REFUSED), PermanentDeliveryError),
        (smtplib.SMTPDataError(552, b"5.3.4 Message too big"), PermanentDeliveryError),
        (smtplib.SMTPDataError(421, b"4.7.0 Try again later"), TemporaryDeliveryError),
        # Our own session or configuration: the same for every message, never failed at once.
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"), TemporaryDeliveryError),
        (smtplib.SMTPSenderRefused(553, b"5.7.1 Sender not allowed", "campaigns@localhost"), TemporaryDeliveryError),
        (ValueError("Invalid address"), PermanentDeliveryError),
        (RuntimeError("unforeseen"), TemporaryDeliveryError),
    ],
)
def test_failures_are_sorted_into_temporary_and_permanent(error, kind):
    classified = classify(error)
    assert type(classified) is kind
    assert FRIEND not in str(classified) and VISITOR not in str(classified)


# Privacy after delivery -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_sent_email_forgets_who_it_went_to_and_what_it_said(smtp_outbox, email_templates, clock, django_capture_on_commit_callbacks):
    email = queue(name="Maria", reply_to=f"Visitor <{VISITOR}>", attachments={"card.txt": ContentFile(b"A card from Maria")})
    subject = email.subject
    attachment_file = Path(Attachment.objects.get().file.path)
    assert attachment_file.exists()
    smtp_outbox.handler.rcpt_reply = "451 4.3.0 Greylisted, try again later"
    deliver()
    assert latest_log(Email.objects.get()).message, "the failed attempt is logged with the server's reply"

    smtp_outbox.handler.rcpt_reply = None
    clock.advance_to(Email.objects.get().scheduled_time)
    with django_capture_on_commit_callbacks(execute=True):
        deliver()

    [message] = smtp_outbox.handler.messages
    assert [part.get_filename() for part in message.iter_attachments()] == ["card.txt"]
    email = Email.objects.get()
    assert email.status == STATUS.sent
    assert (email.to, email.cc, email.bcc, email.message, email.html_message) == ([], [], [], "", "")
    assert email.headers is None and email.context is None
    assert email.subject == subject
    assert email.created and email.last_updated
    assert email.logs.count() == 2 and not email.logs.exclude(message="").exists()
    assert not Attachment.objects.exists()
    assert not attachment_file.exists()
    stored = serializers.serialize("json", [*Email.objects.all(), *Log.objects.all()])
    for trace in (FRIEND, VISITOR, "A card from", "friends"):
        assert trace not in stored


@pytest.mark.django_db
def test_failed_mail_is_deleted_after_the_retention_period(settings, email_templates, django_capture_on_commit_callbacks):
    settings.MAIL_FAILED_RETENTION_DAYS = 30
    old = queue(name="old", attachments={"old.txt": ContentFile(b"old")})
    old_file = Path(Attachment.objects.get().file.path)
    recent, sent = queue(name="recent"), queue(name="sent long ago")
    now = timezone.now()
    Email.objects.filter(pk=old.pk).update(status=STATUS.failed, last_updated=now - timedelta(days=31))
    Email.objects.filter(pk=recent.pk).update(status=STATUS.failed, last_updated=now - timedelta(days=29))
    Email.objects.filter(pk=sent.pk).update(status=STATUS.sent, last_updated=now - timedelta(days=400))
    Log.objects.create(email=old, status=STATUS.failed, message="550", exception_type="PermanentDeliveryError")

    with django_capture_on_commit_callbacks(execute=True):
        deliver()

    assert set(Email.objects.values_list("pk", flat=True)) == {recent.pk, sent.pk}
    assert not Log.objects.filter(email_id=old.pk).exists()
    assert not Attachment.objects.exists() and not old_file.exists()


# Where mail goes by default --------------------------------------------------------------


@pytest.mark.django_db
def test_the_eml_backend_writes_one_readable_file_per_message(settings, tmp_path, email_templates):
    mail_dir = tmp_path / "var" / "mail"
    settings.EMAIL_BACKEND = "actions.outbox.backends.EmlFileBackend"
    settings.EMAIL_FILE_PATH = mail_dir
    queue(to="one@example.org", language="en")
    queue(to="two@example.org", language="ar", reply_to=VISITOR)

    deliver()

    files = sorted(mail_dir.iterdir())
    assert len(files) == 2
    assert all(re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{12}\.eml", file.name) for file in files)
    assert all(file.stat().st_mode & 0o777 == 0o600 for file in files)
    messages = [message_from_bytes(file.read_bytes(), policy=policy.default) for file in files]
    assert sorted(str(message["To"]) for message in messages) == ["one@example.org", "two@example.org"]
    arabic = next(message for message in messages if str(message["To"]) == "two@example.org")
    assert 'dir="rtl"' in arabic.get_body(("html",)).get_content()
    assert arabic.get_body(("plain",)) is not None
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}


def local_settings(**environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"))}
    env.update(DJANGO_SETTINGS_MODULE="campaign.settings.local", **environment)
    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)"
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True).stdout.split()


def test_mail_goes_to_var_mail_unless_an_smtp_server_is_configured(tmp_path):
    assert local_settings(VAR_DIR=str(tmp_path)) == ["actions.outbox.backends.EmlFileBackend", str(tmp_path / "mail")]
    assert local_settings(VAR_DIR=str(tmp_path), EMAIL_HOST="smtp.example.org")[0] == "django.core.mail.backends.smtp.EmailBackend"


def test_make_run_starts_the_worker_beside_the_web_server():
    procfile = (Path(settings.BASE_DIR) / "Procfile").read_text().splitlines()
    assert "worker: .venv/bin/python manage.py deliver_mail" in procfile
    assert any(line.startswith("web: ") for line in procfile)


# Staff ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_see_queued_sent_and_failed_mail_by_status(staff_client, email_templates):
    queue(name="waiting")
    sent, failed = queue(name="delivered"), queue(name="refused")
    Email.objects.filter(pk=sent.pk).update(status=STATUS.sent)
    Email.objects.filter(pk=failed.pk).update(status=STATUS.failed)
    delivery.forget(Email.objects.filter(pk=sent.pk))

    listing = staff_client.get("/admin/post_office/email/")
    assert listing.status_code == 200
    for subject in ("waiting", "delivered", "refused"):
        assert f"Amnesty International: {subject}" in listing.text
    only_failed = staff_client.get(f"/admin/post_office/email/?status__exact={STATUS.failed}")
    assert "refused" in only_failed.text and "waiting" not in only_failed.text and "delivered" not in only_failed.text
    forgotten = staff_client.get(f"/admin/post_office/email/{sent.pk}/change/")
    assert forgotten.status_code == 200 and "Amnesty International: delivered" in forgotten.text


@pytest.mark.django_db
def test_queue_again_starts_a_failed_email_afresh(staff_client, smtp_outbox, email_templates):
    email = queue()
    Email.objects.filter(pk=email.pk).update(status=STATUS.failed, number_of_retries=12, scheduled_time=timezone.now() - timedelta(days=1))

    response = staff_client.post("/admin/post_office/email/", {"action": "queue_again", "_selected_action": [email.pk]}, follow=True)

    assert response.status_code == 200
    assert "1 email queued again" in response.text
    email.refresh_from_db()
    assert (email.status, email.number_of_retries, email.scheduled_time) == (STATUS.queued, 0, None)
    assert not smtp_outbox.handler.messages, "the worker sends it, not the request"
    deliver()
    email.refresh_from_db()
    assert email.status == STATUS.sent and len(smtp_outbox.handler.messages) == 1


@pytest.mark.django_db
def test_the_resend_button_queues_instead_of_sending_from_the_request(staff_client, smtp_outbox, email_templates):
    email = queue()
    Email.objects.filter(pk=email.pk).update(status=STATUS.failed, number_of_retries=3)

    response = staff_client.get(f"/admin/post_office/email/{email.pk}/resend/")

    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.status, email.number_of_retries) == (STATUS.queued, 0)
    assert not smtp_outbox.handler.messages


# The worker as a process ------------------------------------------------------------

QUEUE = """
import django
from django.conf import settings
django.setup()
settings.TEMPLATES[0]["DIRS"].insert(0, TEMPLATE_DIR)
from django.db import transaction
from actions.outbox.services import queue_email
with transaction.atomic():
    for number in range(COUNT):
        queue_email("outbox_test", to=[f"friend{number}@example.org"], context={"name": f"message {number}"}, language="en")
"""
STATUSES = """
import json, django
django.setup()
from post_office.models import Email
print(json.dumps({subject: status for subject, status in Email.objects.values_list("subject", "status")}))
"""


def expected_subjects(count):
    return {f"Amnesty International: message {number}" for number in range(count)}


class WorkerSite:
    """The site as `make run` runs it (campaign.settings.local), in a VAR_DIR of its own, for worker processes."""

    def __init__(self, var_dir, smtp_server=None, database_url=None):
        self.var_dir, self.smtp_server, self.database_url = var_dir, smtp_server, database_url
        self.processes = []

    def env(self):
        ours = ("EMAIL_", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "MAIL_")
        env = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
        env.update(DJANGO_SETTINGS_MODULE="campaign.settings.local", VAR_DIR=str(self.var_dir), MAIL_WORKER_INTERVAL="0.2", PYTHONUNBUFFERED="1")
        if self.smtp_server:
            env.update(EMAIL_HOST=self.smtp_server.host, EMAIL_PORT=str(self.smtp_server.port))
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def python(self, code, **variables):
        prelude = "".join(f"{name} = {value!r}\n" for name, value in variables.items())
        result = subprocess.run([sys.executable, "-c", prelude + code], cwd=settings.BASE_DIR, env=self.env(), capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def manage(self, *args):
        log = open(self.var_dir / f"worker-{len(self.processes)}.log", "w")  # closed in stop_all()
        process = subprocess.Popen([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        self.processes.append((process, log))
        return process

    def logs(self):
        return "\n".join(path.read_text() for path in sorted(self.var_dir.glob("worker-*.log")))

    def queue(self, count, template_dir):
        self.python(QUEUE, TEMPLATE_DIR=str(template_dir), COUNT=count)

    def statuses(self):
        return json.loads(self.python(STATUSES))

    def stop_all(self):
        for process, log in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
            log.close()


@pytest.fixture(scope="module")
def migrated_var_dir(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("outbox-site")
    site = WorkerSite(var_dir)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"], cwd=settings.BASE_DIR, env=site.env(), check=True, timeout=300)
    return var_dir


@pytest.fixture
def site(migrated_var_dir, tmp_path, smtp_server):
    var_dir = tmp_path / "var"
    shutil.copytree(migrated_var_dir, var_dir)
    site = WorkerSite(var_dir, smtp_server)
    yield site
    site.stop_all()


@pytest.fixture
def template_dir(tmp_path):
    return write_templates(tmp_path / "templates")


def wait_until(condition, timeout=90, message="", interval=0.3):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message() if callable(message) else message
        time.sleep(interval)


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_at_most_once_more(site, smtp_server, template_dir):
    site.queue(8, template_dir)
    smtp_server.handler.data_delay = 2  # the server has each message a while before it says so
    worker = site.manage("deliver_mail")
    wait_until(lambda: smtp_server.handler.messages or worker.poll() is not None, message=site.logs)
    worker.kill()
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    before_restart = sum(smtp_server.handler.subjects().values())
    assert 1 <= before_restart < 8
    assert set(site.statuses().values()) == {STATUS.queued}, "killed mid-batch: post_office marks statuses only after the batch"

    smtp_server.handler.data_delay = 0
    assert site.manage("deliver_mail", "--once").wait(timeout=120) == 0, site.logs()

    counts = smtp_server.handler.subjects()
    assert set(counts) == expected_subjects(8), "every message is delivered"
    assert max(counts.values()) <= 2, "none more than once more"
    assert sum(counts.values()) <= 8 + before_restart
    assert set(site.statuses().values()) == {STATUS.sent}


def test_a_stopped_worker_finishes_its_batch_then_exits(site, smtp_server, template_dir):
    site.queue(8, template_dir)
    smtp_server.handler.data_delay = 1
    worker = site.manage("deliver_mail")
    wait_until(lambda: smtp_server.handler.messages or worker.poll() is not None, message=site.logs)
    worker.send_signal(signal.SIGTERM)

    assert worker.wait(timeout=120) == 0, site.logs()
    assert set(site.statuses().values()) == {STATUS.sent}
    assert smtp_server.handler.subjects() == dict.fromkeys(expected_subjects(8), 1)


def test_the_worker_writes_eml_files_under_var_mail_without_an_smtp_server(site, template_dir):
    site.smtp_server = None
    site.queue(3, template_dir)

    assert site.manage("deliver_mail", "--once").wait(timeout=120) == 0, site.logs()

    files = sorted((site.var_dir / "mail").glob("*.eml"))
    assert len(files) == 3
    subjects = {str(message_from_bytes(file.read_bytes(), policy=policy.default)["Subject"]) for file in files}
    assert subjects == expected_subjects(3)


def run_two_workers(site, smtp_server, count, statuses):
    smtp_server.handler.data_delay = 0.5
    workers = [site.manage("deliver_mail"), site.manage("deliver_mail")]
    wait_until(lambda: set(statuses().values()) == {STATUS.sent}, timeout=180, message=site.logs)
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        assert worker.wait(timeout=120) == 0, site.logs()
    assert smtp_server.handler.subjects() == dict.fromkeys(expected_subjects(count), 1), "no message twice"


def test_two_workers_on_one_database_never_send_the_same_message(site, smtp_server, template_dir):
    site.queue(30, template_dir)
    run_two_workers(site, smtp_server, 30, site.statuses)


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_never_send_the_same_message(smtp_server, tmp_path, email_templates):
    if connection.vendor != "postgresql":
        pytest.skip("runs when the suite runs on PostgreSQL (DATABASE_URL)")
    for number in range(30):
        queue(to=f"friend{number}@example.org", name=f"message {number}")
    database = connection.settings_dict
    url = f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}/{database['NAME']}"
    site = WorkerSite(tmp_path, smtp_server, database_url=url)
    try:
        run_two_workers(site, smtp_server, 30, lambda: dict(Email.objects.values_list("subject", "status")))
    finally:
        site.stop_all()


@pytest.mark.django_db
def test_attachments_wait_outside_the_public_media_folder(client, email_templates):
    """A postcard's picture holds a message and names: /media/ must never serve it."""
    email = queue(attachments={"card.png": ContentFile(b"\x89PNG picture", name="card.png")})
    attachment = email.attachments.get()
    assert not Path(attachment.file.path).is_relative_to(Path(settings.MEDIA_ROOT))
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
