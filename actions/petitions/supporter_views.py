"""A signer's own pages: see, withdraw and download their signatures.

The way in is the signed link in every email we send a signer
(`services.supporter_url`): it names their mailbox and is valid for
SUPPORTER_LINK_DAYS. With it they see every signature of that mailbox, on
every action, can withdraw any of them (after a confirmation) and download
all we keep about them as JSON. A bad or expired link explains itself and
offers a new one.

"Email me a link" answers the same way whether or not the address signed, so
it cannot be used to find out who signed: the email goes out only if there
are signatures, and only to an address that signed. It is rate-limited per
visitor's address and per mailbox in the shared cache, so it cannot be used
to flood anyone's inbox either.

Every one of these pages is for one person: `Cache-Control: private,
no-store`, `noindex`, no referrer (the link is in the address), and no
cookie (forms check where a post came from: campaign/origin.py).
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import get_usage, is_ratelimited

from actions.outbox.services import queue_email, render_email
from campaign.caching import private_page
from campaign.origin import same_origin_post

from . import services
from .addresses import mailbox_key
from .exports import supporter_data_response
from .models import Signature
from .supporter_forms import SupporterLinkForm

LINK_TEMPLATE = "petition_supporter_link"
# How often "email me a link" may be used: per visitor's address, and per
# mailbox whatever the visitor (so nobody's inbox can be flooded).
LINK_RATE_PER_IP = getattr(settings, "SUPPORTER_LINK_RATE_PER_IP", "10/h")
LINK_RATE_PER_MAILBOX = getattr(settings, "SUPPORTER_LINK_RATE_PER_MAILBOX", "3/d")


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def personal(response):
    """For this person alone: never stored by a cache, indexed, or leaked in a Referer."""
    private_page(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def render(request, template, context=None, status=200):
    context = {"link_days": settings.SUPPORTER_LINK_DAYS, **(context or {})}
    return personal(TemplateResponse(request, f"petitions/{template}.html", context, status=status))


def mailbox_or_problem(request, token):
    """(mailbox, None) for a good link, or (None, the page that explains what is wrong with it)."""
    try:
        return services.mailbox_from_supporter_token(token), None
    except signing.SignatureExpired:
        return None, render(request, "supporter_bad_link", {"expired": True, "form": SupporterLinkForm()}, status=410)
    except signing.BadSignature:
        return None, render(request, "supporter_bad_link", {"expired": False, "form": SupporterLinkForm()}, status=404)


@require_safe
def supporter(request, token):
    mailbox, problem = mailbox_or_problem(request, token)
    if problem:
        return problem
    signatures = Signature.objects.filter(mailbox=mailbox).select_related("action").order_by("-created_at")
    return render(request, "supporter", {"token": token, "signatures": signatures})


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, token, pk):
    mailbox, problem = mailbox_or_problem(request, token)
    if problem:
        return problem
    signature = Signature.objects.filter(pk=pk, mailbox=mailbox).select_related("action").first()
    if request.method == "POST":
        if signature is not None:
            with transaction.atomic():
                services.withdraw(signature)
        # Post, redirect, get; withdrawing twice (a double click) lands here too.
        return HttpResponseSeeOther(reverse("petitions:supporter_withdrawn", args=[token]))
    if signature is None:
        raise Http404
    return render(request, "supporter_withdraw", {"token": token, "signature": signature})


@require_safe
def withdrawn(request, token):
    _mailbox, problem = mailbox_or_problem(request, token)
    return problem or render(request, "supporter_withdrawn", {"token": token})


@require_safe
def download(request, token):
    mailbox, problem = mailbox_or_problem(request, token)
    return problem or personal(supporter_data_response(mailbox))


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
def request_link(request):
    """Ask for a link by email: the same answer whether or not the address signed."""
    form = SupporterLinkForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if is_ratelimited(request, group="petitions:supporter-link:ip", key="ip", rate=LINK_RATE_PER_IP, increment=True):
            form.is_valid()  # so the form shows what was typed
            form.add_error(None, _("You have asked for many links in a short time. Please wait an hour, then try again."))
            status = 429
        elif form.is_valid():
            send_link(form.cleaned_data["email"], translation.get_language())
            return HttpResponseSeeOther(reverse("petitions:supporter_request_sent"))
        else:
            status = 400
    return render(request, "supporter_request", {"form": form}, status=status)


@require_safe
def request_sent(request):
    return render(request, "supporter_request_sent")


def send_link(email, language):
    """Queue the link to `email`'s signatures if it has any; otherwise do the same work and send nothing."""
    mailbox = mailbox_key(email)
    usage = get_usage(None, group="petitions:supporter-link:mailbox", key=lambda _group, _request: mailbox, rate=LINK_RATE_PER_MAILBOX, increment=True)
    if usage and usage["should_limit"]:
        return
    context = {"supporter_url": services.supporter_url(mailbox, language), "link_days": settings.SUPPORTER_LINK_DAYS}
    with transaction.atomic():
        # The address that signed, not the one typed: "ana+x@example.org" may
        # be someone else's mailbox where the provider has no +tags.
        signature = Signature.objects.filter(mailbox=mailbox).order_by(F("confirmed_at").desc(nulls_last=True), "-created_at").only("email").first()
        if signature is None:
            # Rendered all the same, so that the answer takes as long whether or not the address signed.
            render_email(LINK_TEMPLATE, context, language)
            return
        queue_email(LINK_TEMPLATE, to=[signature.email], language=language, context=context)
