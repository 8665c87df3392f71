"""The email backends the outbox delivers through.

`DeliveryBackend` is what post_office's worker sends with
(`POST_OFFICE["BACKENDS"]["default"]`). It wraps whichever backend
EMAIL_BACKEND names and turns every failure into one of two exceptions, which
post_office records (by class name) in its Log:

- `TemporaryDeliveryError`: worth trying again later. The connection was
  refused, timed out or dropped; the server answered 4xx; or the session with
  our own server failed (greeting, HELO, sign-in, our sender address): those
  are faults of our configuration or of the server, the same for every
  message, and failing the whole queue at once would lose it.
- `PermanentDeliveryError`: this message can never be delivered. The server
  refused its recipients or its content with 5xx, or Django could not even
  build it (an address it cannot encode).

`actions.outbox.delivery` then retries the first with back-off and fails the
second at once. Neither message holds a recipient's address: addresses in the
server's reply are blanked, and the original exception is not chained, so
logs keep no address either.

`EmlFileBackend` is where mail goes when no EMAIL_HOST is configured: one
`.eml` file per message under EMAIL_FILE_PATH (var/mail/), for a newcomer to
open in any mail program.
"""

import os
import re
import secrets
import smtplib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

ADDRESS = re.compile(r"\S+@\S+")
# Failures of our session with the server, not of any one message.
SESSION_ERRORS = (smtplib.SMTPAuthenticationError, smtplib.SMTPHeloError, smtplib.SMTPConnectError, smtplib.SMTPSenderRefused)


class DeliveryError(Exception):
    """A message was not delivered; `smtp_code` is the server's reply code, if any."""

    def __init__(self, message, smtp_code=None):
        super().__init__(message)
        self.smtp_code = smtp_code


class TemporaryDeliveryError(DeliveryError):
    """Try again later."""


class PermanentDeliveryError(DeliveryError):
    """Never try again."""


def _reply(code, text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return ADDRESS.sub("<address>", f"{code} {' '.join(str(text).split())}")


def classify(error):
    """The TemporaryDeliveryError or PermanentDeliveryError that `error` amounts to."""
    if isinstance(error, DeliveryError):
        return error
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # Raised only when every recipient was refused; permanent only if every refusal was.
        replies = list(error.recipients.values())
        codes = [code for code, _text in replies]
        permanent = bool(codes) and all(500 <= code < 600 for code in codes)
        kind = PermanentDeliveryError if permanent else TemporaryDeliveryError
        return kind(f"{name}: " + "; ".join(_reply(code, text) for code, text in replies), smtp_code=max(codes, default=None))
    if isinstance(error, smtplib.SMTPResponseException):
        permanent = 500 <= error.smtp_code < 600 and not isinstance(error, SESSION_ERRORS)
        kind = PermanentDeliveryError if permanent else TemporaryDeliveryError
        return kind(f"{name}: {_reply(error.smtp_code, error.smtp_error)}", smtp_code=error.smtp_code)
    if isinstance(error, OSError):
        # Refused, reset, timed out, disconnected (smtplib's errors are OSErrors too), disk full.
        return TemporaryDeliveryError(f"{name}: {ADDRESS.sub('<address>', str(error))}")
    if isinstance(error, ValueError):
        # Django cannot build the message (a header or address it cannot encode): it never will.
        return PermanentDeliveryError(f"{name}: {ADDRESS.sub('<address>', str(error))}")
    # Anything unforeseen is retried; the limit on attempts still ends it.
    return TemporaryDeliveryError(f"{name}: {ADDRESS.sub('<address>', str(error))}")


class DeliveryBackend(BaseEmailBackend):
    """EMAIL_BACKEND, with its failures sorted into temporary and permanent ones."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        if settings.EMAIL_BACKEND in {f"{__name__}.DeliveryBackend", "post_office.EmailBackend"}:
            raise ImproperlyConfigured("EMAIL_BACKEND must name a backend that delivers mail, such as Django's SMTP backend.")
        self.backend = get_connection(settings.EMAIL_BACKEND, fail_silently=fail_silently, **kwargs)

    def open(self):
        try:
            return self.backend.open()
        except Exception as error:
            raise classify(error) from None

    def close(self):
        self.backend.close()

    def send_messages(self, email_messages):
        try:
            return self.backend.send_messages(email_messages)
        except Exception as error:
            raise classify(error) from None


class EmlFileBackend(BaseEmailBackend):
    """Writes each message as its own .eml file, such as var/mail/20261130-154501-3f9a1c2b7d4e.eml."""

    def __init__(self, file_path=None, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        written = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                self._write(message.message().as_bytes())
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            written += 1
        return written

    def _write(self, content):
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(6)}.eml"
        partial = self.directory / f".{name}.part"
        # Only its owner may read it (it holds someone's address); it appears whole or not at all.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        os.replace(partial, self.directory / name)
