"""A real SMTP server on loopback for the outbox tests, with aiosmtpd.

The fixture `smtp_server` runs one on 127.0.0.1 and a free port; its
`handler` keeps every message it accepts and can be told to refuse recipients
or data (451, 550…) or to take its time over each message. `smtp_outbox`
points the site's outgoing mail at it. Import both into a test module (by
their function names, so that test arguments do not shadow the imports):

    from tests.smtp import smtp_outbox_fixture, smtp_server_fixture  # noqa: F401 - fixtures
"""

import asyncio
import socket
import threading
import time
from collections import Counter
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Accepts and keeps messages; `rcpt_reply` / `data_reply` (e.g. "550 5.1.1 No such user") refuse instead."""

    def __init__(self):
        self.messages = []  # email.message.EmailMessage, parsed with the modern policy
        self.envelopes = []  # (MAIL FROM, [RCPT TO…]) for each message
        self.rcpt_reply = None
        self.data_reply = None
        # Seconds to wait after a message is received before answering 250: the
        # server has it, and the client does not know yet.
        self.data_delay = 0.0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        return "250 Message accepted for delivery"

    def subjects(self):
        with self._lock:
            return Counter(str(message["Subject"]) for message in self.messages)

    def wait_for(self, count, timeout=60):
        """Wait until at least `count` messages have arrived."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} messages arrived"
            time.sleep(0.02)


class SMTPServer:
    """aiosmtpd on 127.0.0.1; stop() and start() again on the same port to play an outage."""

    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.handler = RecordingHandler()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture(name="smtp_server")
def smtp_server_fixture():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(name="smtp_outbox")
def smtp_outbox_fixture(settings, smtp_server):
    """The outbox delivers through Django's SMTP backend to `smtp_server`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return smtp_server
