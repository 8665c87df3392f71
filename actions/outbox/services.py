"""Queue an email: the one way any part of the site sends mail.

Call `queue_email` inside the database transaction of the action that causes
the email (a signature, a share, a postcard): the email is stored with it or
not at all, and the worker (`manage.py deliver_mail`) delivers it later. No
email is ever sent inside a web request.

Every email is rendered from three templates, in the language of the page
where the action happened: `templates/email/<name>.subject.txt`,
`<name>.txt` and `<name>.html` (extend `email/base.html`, which sets `lang` and
`dir`). The subject and the text part are rendered without HTML escaping
(they are not HTML); the HTML part is escaped as usual. Links in them are
built from SITE_URL (`{{ SITE_URL }}` is in the context). It comes From the
site's own address; a visitor's address only ever goes in Reply-To.

Once delivered, an email keeps only its subject, status and dates
(actions/outbox/delivery.py): never put a visitor's name or address in a
subject.

Nothing a visitor typed can add a header: every address and the subject are
made one line, stripped of control characters, and addresses are checked to
be exactly one mailbox each.
"""

import re
import unicodedata
from email.utils import make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template import Context
from django.template.loader import get_template
from django.utils import translation
from django.utils.text import Truncator
from post_office.models import PRIORITY, STATUS, Email
from post_office.settings import get_message_id_enabled, get_message_id_fqdn
from post_office.utils import create_attachments

SUBJECT_MAX_CHARACTERS = 200
NAME_MAX_CHARACTERS = 100
# Bidirectional embeddings, overrides and isolates can make a name display as
# something else; the plain marks (LRM, RLM, ALM) are harmless and kept.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# What a display name cannot hold without quoting games, or that would split
# post_office's comma-separated recipient lists.
NAME_SPECIALS = re.compile(r'[<>"\\,;:@\[\]()]')
# Beyond what validate_email checks: nothing that could start a second address.
ADDRESS_SPECIALS = re.compile(r'[<>"\\,;:\[\]()\s]')


def one_line(text):
    """A header value cannot hold a line break: that is how headers are injected.

    Line and paragraph separators and every other control character go too.
    """
    text = BIDI_CONTROLS.sub("", str(text))
    text = "".join(" " if unicodedata.category(char) in {"Cc", "Cs", "Zl", "Zp"} else char for char in text)
    return " ".join(text.split())


def mailbox(value):
    """One address, "a@example.org" or "Name <a@example.org>", as a safe header value.

    Raises ValidationError for anything else (the caller's form should have
    refused it already).
    """
    text = one_line(value)
    name, address = "", text
    if text.endswith(">") and "<" in text:
        start = text.rindex("<")
        name, address = text[:start], text[start + 1 : -1].strip()
    if not address or len(address) > 254 or ADDRESS_SPECIALS.search(address):
        raise ValidationError("Enter one valid email address.", code="invalid")
    validate_email(address)
    name = Truncator(one_line(NAME_SPECIALS.sub(" ", name))).chars(NAME_MAX_CHARACTERS, truncate="…")
    return f'"{name}" <{address}>' if name else address


def _render(template_name, context, *, html):
    template = get_template(template_name)
    if html:
        text = template.render(context)
    else:
        text = template.template.render(Context(context, autoescape=False))
    return text.replace("\x00", "")  # PostgreSQL cannot store NUL


def render_email(template, context, language):
    with translation.override(language):
        context = {**context, "SITE_URL": settings.SITE_URL, "LANGUAGE_CODE": language, "LANGUAGE_BIDI": translation.get_language_bidi()}
        subject = _render(f"email/{template}.subject.txt", context, html=False)
        subject = Truncator(one_line(subject)).chars(SUBJECT_MAX_CHARACTERS, truncate="…")
        text = _render(f"email/{template}.txt", context, html=False)
        html = _render(f"email/{template}.html", context, html=True)
    return subject, text, html


def site_language(language):
    try:
        return translation.get_supported_language_variant(language or "")
    except LookupError:
        return settings.LANGUAGE_CODE


def queue_email(template, *, to, context, language, reply_to=None, send_at=None, attachments=None):
    """Store one email for the worker to deliver; returns post_office's Email.

    `to` is a list of addresses; `send_at` a datetime to deliver no sooner than;
    `attachments` as post_office takes them ({name: file or {"file":…, "mimetype":…, "headers":…}}).
    Raises ValidationError if an address is not exactly one valid mailbox.
    """
    recipients = [mailbox(address) for address in ([to] if isinstance(to, str) else to)]
    if not recipients:
        raise ValidationError("An email needs at least one recipient.", code="required")
    headers = {"Reply-To": mailbox(reply_to)} if reply_to else None
    subject, text, html = render_email(template, context, site_language(language))
    if attachments:
        attachments = {one_line(name): file for name, file in attachments.items()}
    # Not post_office's mail.send(): it renders the subject and bodies once
    # more as Django templates, so a visitor who wrote {% now "Y" %} in a name
    # would run template code, and {% bogus %} would lose their action.
    email = Email.objects.create(
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        subject=subject,
        message=text,
        html_message=html,
        headers=headers,
        scheduled_time=send_at,
        priority=PRIORITY.medium,
        status=STATUS.queued,
        message_id=make_msgid(domain=get_message_id_fqdn()) if get_message_id_enabled() else None,
    )
    if attachments:
        email.attachments.add(*create_attachments(attachments))
    return email
