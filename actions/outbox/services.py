"""Queue an email: the one way any part of the site sends mail.

Call `queue_email` inside the database transaction of the action that causes
the email (a signature, a share, a postcard): the email is stored with it or
not at all, and the worker (`manage.py deliver_mail`) delivers it later. No
email is ever sent inside a web request.

Every email is rendered from three templates, in the language of the page
where the action happened: `templates/email/<name>.subject.txt`,
`<name>.txt` and `<name>.html` (extend `email/base.html`, which sets `lang` and
`dir`). Links in them are built from SITE_URL (`{{ SITE_URL }}` is in the
context). It comes From the site's own address; a visitor's address only
ever goes in Reply-To.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from post_office import mail
from post_office.models import PRIORITY


def one_line(text):
    """A header value cannot hold a line break: that is how headers are injected."""
    return " ".join(str(text).split())


def render_email(template, context, language):
    with translation.override(language):
        context = {**context, "SITE_URL": settings.SITE_URL, "LANGUAGE_CODE": language, "LANGUAGE_BIDI": translation.get_language_bidi()}
        subject = one_line(render_to_string(f"email/{template}.subject.txt", context))
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    return subject, text, html


def queue_email(template, *, to, context, language, reply_to=None, send_at=None, attachments=None):
    """Store one email for the worker to deliver; returns post_office's Email.

    `to` is a list of addresses; `send_at` a datetime to deliver no sooner than;
    `attachments` as post_office takes them ({name: file or {"file":…, "mimetype":…, "headers":…}}).
    """
    subject, text, html = render_email(template, context, language)
    headers = {"Reply-To": one_line(reply_to)} if reply_to else None
    return mail.send(
        recipients=[one_line(address) for address in to],
        sender=settings.DEFAULT_FROM_EMAIL,
        subject=subject,
        message=text,
        html_message=html,
        headers=headers,
        scheduled_time=send_at,
        attachments=attachments,
        priority=PRIORITY.medium,
    )
