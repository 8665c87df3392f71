"""Every public page of the site, as the accessibility and HTML checks visit them."""

import re

from django.core.exceptions import DisallowedHost, PermissionDenied
from django.test import RequestFactory, override_settings
from post_office.models import Email

from campaign import errors
from tests.factories import CAMPAIGN_SLUG, KOSOVO_PATH, LANGUAGES, REPORT_PATH

SECTION_SLUGS = ("act-now", "issues", "stories", "latest", "resources", "go-global", "donate-or-join", "postcards")

# name -> (path after the language prefix, expected status); "{lang}" is filled in.
PAGES = {
    "home": ("/", 200),
    "campaigns": ("/campaigns/", 200),
    "campaign": (f"/campaigns/{CAMPAIGN_SLUG}/", 200),
    **{f"section-{slug}": (f"/campaigns/{CAMPAIGN_SLUG}/{slug}/", 200) for slug in SECTION_SLUGS},
    "story": (KOSOVO_PATH, 200),
    "report": (REPORT_PATH, 200),
    "share": ("/share/?page=/{lang}/", 200),
    "postcards": ("/postcards/", 200),
    "postcards-sent": ("/postcards/sent/", 200),
    "postcards-scheduled": ("/postcards/scheduled/", 200),
    "postcards-deleted": ("/postcards/deleted/", 200),
    "share-sent": ("/share/sent/?page=/{lang}/", 200),
    "not-found": ("/no-such-page/", 404),
}


def url(language, name):
    path, _status = PAGES[name]
    return f"/{language}" + path.format(lang=language)


def every_page():
    """(language, name, url, expected status) for each page in each language."""
    return [(language, name, url(language, name), status) for language in LANGUAGES for name, (_path, status) in PAGES.items()]


# The share form in the states a visitor meets after posting it (the empty
# form and the thank-you page are in PAGES): with mistakes, and over the
# sending limits. Checked in these languages, left to right and right to left.
SHARE_FORM_LANGUAGES = ("en", "ar")
SHARE_FORM_DATA = {"name": "Ana", "email": "ana@example.org", "friend_1": "bo@example.net", "note": "Please read this."}
SHARE_FORM_MISTAKES = {"name": "", "email": "not an address", "friend_2": "bo@example.net", "friend_3": "BO@example.net", "note": "www.example.com"}
# Every limit at nothing: any email at all is one too many.
NO_MAIL_ALLOWED = {"ip": "0/h", "sender": "0/h", "recipient": "0/h", "site": "0/h"}


def share_form_url(language):
    return f"/{language}/share/?page=/{language}{KOSOVO_PATH}"


def share_form_states(client):
    """(language, name, address, HTML) of the share form posted with mistakes and over the limits."""
    states = []
    for language in SHARE_FORM_LANGUAGES:
        address = share_form_url(language)
        response = client.post(address, SHARE_FORM_MISTAKES, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 400, address
        states.append((language, "share-errors", address, response.content.decode()))
        with override_settings(VISITOR_MAIL_LIMITS=NO_MAIL_ALLOWED):
            response = client.post(address, SHARE_FORM_DATA, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 429, address
        states.append((language, "share-over-the-limit", address, response.content.decode()))
    return states


# Error pages that no address of the test server shows on demand (a forbidden
# Host, a failed CSRF check, a crash), rendered by the views Django calls.
ERROR_LANGUAGES = ("en", "ar")
ERROR_VIEWS = {
    "bad-request": lambda request: errors.bad_request(request, DisallowedHost("evil.example")),
    "forbidden": lambda request: errors.permission_denied(request, PermissionDenied()),
    "csrf-failure": lambda request: errors.csrf_failure(request),
    "server-error": errors.server_error,
}


def error_pages():
    """(language, name, HTML) for each error page in each of ERROR_LANGUAGES."""
    factory = RequestFactory()
    return [
        (language, name, view(factory.get(f"/{language}/")).content.decode())
        for language in ERROR_LANGUAGES
        for name, view in ERROR_VIEWS.items()
    ]


# Virtual postcards in the states a visitor reaches by posting (the empty form
# and the sent and deleted pages are in PAGES): with mistakes, the preview,
# and a card's own page with its deletion question.
POSTCARD_LANGUAGES = ("en", "ar")
POSTCARD_DATA = {
    "en": {"design": "candle", "message": "Thinking of you,\nand of every woman who was trafficked.", "sender_name": "Ana", "recipient_name": "Bea"},
    "ar": {"design": "dove", "message": "أفكر فيكِ،\nوفي كل امرأة وقعت ضحية للاتجار بالبشر.", "sender_name": "ليلى Haddad", "recipient_name": "سلمى"},
}
POSTCARD_ADDRESSES = {"sender_email": "ana@example.org", "recipient_email": "bea@example.net"}
POSTCARD_MISTAKES = {"message": "See www.example.com", "sender_name": "x\r\nBcc: a@b.c", "sender_email": "not an address", "send_on": "2001-01-01"}


def postcard_form_data(language):
    return {**POSTCARD_DATA[language], **POSTCARD_ADDRESSES}


def postcard_token(email):
    """The card's token, from the link in the email that the friend receives."""
    return re.search(r"/postcards/card/([A-Za-z0-9_-]{32})/", email.message).group(1)


def postcard_states(client):
    """(language, name, address, HTML) of the postcard pages reached by posting, and of a card's own pages."""
    states = []
    for language in POSTCARD_LANGUAGES:
        address = f"/{language}/postcards/"
        response = client.post(address, {**POSTCARD_MISTAKES, "preview": "1"}, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 400, address
        states.append((language, "postcards-errors", address, response.content.decode()))
        response = client.post(address, {**postcard_form_data(language), "preview": "1"}, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 200, address
        states.append((language, "postcards-preview", address, response.content.decode()))
        response = client.post(address, {**postcard_form_data(language), "send": "1"}, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 303, address
        card = f"/{language}/postcards/card/{postcard_token(Email.objects.order_by('-pk').first())}/"
        for name, page in (("postcards-card", card), ("postcards-delete", card + "delete/")):
            response = client.get(page)
            assert response.status_code == 200, page
            states.append((language, name, page, response.content.decode()))
    return states


# A signer's own pages (actions/petitions/supporter_views.py) in each state:
# their signatures, the withdrawal question, withdrawn, a bad and an expired
# link, the "email me a link" form (empty and with a mistake) and its answer.
# They need a signature and a link of their own, made by supporter_pages().
SUPPORTER_LANGUAGES = ("en", "ar")


def supporter_pages():
    """(language, name, address, expected status) of each state of the signer's pages, for a signature made now."""
    import time
    from unittest import mock

    from django.urls import reverse
    from django.utils import timezone, translation

    from actions.petitions import services
    from actions.petitions.models import Action, Signature
    from campaign.models import Campaign

    action = Action.objects.filter(slug="check-my-signatures").first() or Action.objects.create(
        campaign=Campaign.objects.order_by("pk").first(),
        slug="check-my-signatures",
        title_en="Protect survivors of trafficking",
        title_ar="احموا الناجيات من الاتجار بالبشر",
        summary_en="Summary.",
        targets_en="The authorities.",
        appeal_en="Act now.",
        status=Action.Status.PUBLISHED,
    )
    signature = Signature.objects.filter(action=action).first() or Signature.objects.create(
        action=action,
        name="فاطمة Ahmed",
        email="fatima.check@example.org",
        country="MA",
        comment="For my sister.",
        language="ar",
        confirmed_at=timezone.now(),
    )
    token = services.supporter_token(signature.mailbox)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 30 * 86400):
        expired = services.supporter_token(signature.mailbox)
    pages = []
    for language in SUPPORTER_LANGUAGES:
        with translation.override(language):
            pages += [
                (language, "supporter-signatures", reverse("petitions:supporter", args=[token]), 200),
                (language, "supporter-withdraw", reverse("petitions:supporter_withdraw", args=[token, signature.pk]), 200),
                (language, "supporter-withdrawn", reverse("petitions:supporter_withdrawn", args=[token]), 200),
                (language, "supporter-bad-link", reverse("petitions:supporter", args=[token[:-4] + "abcd"]), 404),
                (language, "supporter-expired-link", reverse("petitions:supporter", args=[expired]), 410),
                (language, "supporter-request", reverse("petitions:supporter_request"), 200),
                (language, "supporter-request-sent", reverse("petitions:supporter_request_sent"), 200),
            ]
    return pages


def supporter_request_with_mistakes(client):
    """(language, name, address, HTML) of "email me a link" posted with a malformed address."""
    states = []
    for language in SUPPORTER_LANGUAGES:
        address = f"/{language}/my-signatures/"
        response = client.post(address, {"email": "not an address"}, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 400, address
        states.append((language, "supporter-request-errors", address, response.content.decode()))
    return states


# Take action (actions/petitions): the list of open actions, the Kosovo appeal,
# its thank-you page and a confirmation link that does not work, in every
# language; and, in these languages, the states a signer reaches by posting
# or by clicking the link in the email: the form with mistakes, and confirmed.
TAKE_ACTION_SLUG = "kosovo-end-trafficking-of-women-and-girls"
TAKE_ACTION_LANGUAGES = ("en", "ar")
PAGES.update(
    {
        "take-action": ("/act/", 200),
        "take-action-appeal": (f"/act/{TAKE_ACTION_SLUG}/", 200),
        "take-action-thanks": (f"/act/{TAKE_ACTION_SLUG}/thanks/", 200),
        "take-action-bad-link": ("/act/confirm/not-a-real-token/", 400),
    }
)
TAKE_ACTION_MISTAKES = {"name": "x\r\nBcc: a@b.c", "email": "not an address", "country": "", "comment": "x" * 501}


def take_action_states(client):
    """(language, name, address, HTML) of the signing form posted with mistakes, and of the confirmed page."""
    from actions.petitions import services
    from actions.petitions.models import Action

    action = Action.objects.get(slug=TAKE_ACTION_SLUG)
    states = []
    for language in TAKE_ACTION_LANGUAGES:
        address = f"/{language}/act/{TAKE_ACTION_SLUG}/"
        response = client.post(address, TAKE_ACTION_MISTAKES, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 400, address
        states.append((language, "take-action-errors", address, response.content.decode()))
        signer = services.Signer(name="ليلى Haddad", email=f"layla.{language}@example.org", country="MA")
        confirm = services.confirmation_url(services.sign(action, signer, language=language), language).split("/", 3)[3]
        response = client.get(f"/{confirm}")
        assert response.status_code == 200, confirm
        states.append((language, "take-action-confirmed", f"/{confirm}", response.content.decode()))
    return states


# Donate or join (actions/giving): the landing page, the two forms on pages of
# their own and the thank-you pages that need nothing, in every language; and,
# in these languages, the pages a visitor reaches through an emailed link or a
# gift of their own (giving_addresses) or by posting (giving_states).
GIVING_LANGUAGES = ("en", "ar")
PAGES.update(
    {
        "giving": ("/give/", 200),
        "giving-join": ("/give/join/", 200),
        "giving-donate": ("/give/donate/", 200),
        "giving-join-thanks": ("/give/join/thanks/", 200),
        "giving-cancelled": ("/give/join/cancelled/", 200),
    }
)
GIVING_JOIN_MISTAKES = {"name": "", "email": "not an address", "address": "", "country": "XX"}


def giving_addresses(language):
    """{name: address} of the confirmed page, the cancellation question, the monthly invitation and a pledge's thank-you page.

    Makes what each needs: an application, and two gifts recorded as pledges.
    """
    from urllib.parse import urlsplit

    from django.test import override_settings

    from actions.giving import services
    from actions.giving.models import Donation, MembershipType
    from actions.giving.money import Money

    applicant = services.Applicant(
        name="ليلى Haddad",
        email=f"giving.{language}.{Donation.objects.count()}@example.org",
        address="12 Rue des Oliviers\n10000 Rabat",
        country="MA",
        membership_type=MembershipType.objects.filter(active=True).first(),
        consent=True,
    )
    membership = services.apply_to_join(applicant, language=language)
    currency = services.default_currency(language).code
    with override_settings(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET=""):
        invited = services.start_donation(Money(5000, currency), frequency="one_off", email=applicant.email, language=language)
        pledged = services.choose(services.start_donation(Money(2500, currency), frequency="one_off", email=applicant.email, language=language), "one_off")
    return {
        "giving-cancel": urlsplit(services.cancellation_url(membership, language)).path,
        "giving-confirmed": urlsplit(services.confirmation_url(membership, language)).path,
        "giving-monthly-invitation": f"/{language}/give/donate/{invited.reference}/",
        "giving-pledge-thanks": f"/{language}/give/donate/{pledged.reference}/thanks/",
    }


def giving_states(client):
    """(language, name, address, HTML) of the join form with mistakes and of each page in giving_addresses()."""
    states = []
    for language in GIVING_LANGUAGES:
        address = f"/{language}/give/join/"
        response = client.post(address, GIVING_JOIN_MISTAKES, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 400, address
        states.append((language, "giving-join-errors", address, response.content.decode()))
        for name, address in giving_addresses(language).items():
            response = client.get(address)
            assert response.status_code == 200, address
            states.append((language, name, address, response.content.decode()))
    return states
