"""Donate or join: the public pages.

The landing page and the empty forms are public pages (cached, no cookie:
campaign/caching.py); forms post with `same_origin_post` instead of a CSRF
token. Everything about one visitor (their gift, their membership) is private
and no-store. Posts redirect with a 303, so reloading a thank-you page
repeats nothing.
"""

import logging

import stripe
from babel.numbers import get_currency_name
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaign.caching import private_page, public_page, query_string
from campaign.middleware import CONTENT_SECURITY_POLICY, language_neutral
from campaign.models import Campaign
from campaign.origin import same_origin_post

from . import payments, services
from .forms import ChoiceForm, DonateForm, JoinForm
from .limits import take_allowance
from .models import Currency, Donation, Membership, MembershipType, WayToGive
from .money import babel_locale

logger = logging.getLogger(__name__)

# The checkout step alone may lead a form to the payment page on another origin:
# Chrome applies form-action to the redirect that follows a post.
CHECKOUT_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {payments.CHECKOUT_ORIGIN}")
# Where the thank-you pages lead next, if those parts of the site exist: (label, URL name, whether it takes ?page=).
NEXT_STEPS = [
    (_("Send this page to a friend"), ("sharing:share",), True),
    (_("Send a virtual postcard"), ("postcards:send",), False),
    (_("Take action"), ("petitions:actions",), False),
]


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def language():
    return translation.get_language()


def page_to_share():
    """The page the thank-you pages offer to send to a friend: this one if the sharing form takes it, else the campaign's."""
    try:
        from actions.sharing.pages import shared_page
    except ImportError:
        return None
    campaign = Campaign.objects.published().first()
    candidates = [reverse("giving:landing"), campaign and campaign.get_absolute_url(), reverse("campaign:home")]
    return next((path for path in candidates if path and shared_page(path) is not None), None)


def next_steps():
    """The ladder after a thank-you: share a page, send a postcard, take action; whichever exist."""
    steps = []
    for label, names, takes_page in NEXT_STEPS:
        for name in names:
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            if takes_page:
                page = page_to_share()
                if page is None:
                    break
                url += "?" + query_string([("page", page)])
            steps.append((label, url))
            break
    return steps


def too_many(request):
    """The translated 429 page of a limit reached."""
    response = TemplateResponse(request, "giving/too_many.html", status=429)
    response.headers["Retry-After"] = "3600"
    return private_page(response)


def chosen_currency(request, source):
    """The currency asked for in `source` (?currency= or the posted form), if it is offered; else None."""
    code = source.get("currency", "").strip().upper()
    return Currency.objects.active().prefetch_related("options").filter(code=code).first() if code else None


def donation_context(currency, currency_action):
    """What the donation form needs besides itself: the currencies offered, by name in the page's language."""
    locale = babel_locale(language())
    return {
        "currency": currency,
        "currencies": [(code, get_currency_name(code, locale=locale)) for code in Currency.objects.active().values_list("code", flat=True)],
        # The currency form reloads the page it is on, at the donation form.
        "currency_action": currency_action,
        "currency_select_id": "donate-currency",
        "is_pledge": not payments.is_configured(),
    }


def redirect_without_currency(request):
    # Not permanent: a currency staff switch off today may be offered again.
    return HttpResponseRedirect(request.path)


# The landing page ------------------------------------------------------------------


@require_safe
@public_page(query=("currency",))
def landing(request):
    """Both ways to support: the donation form (#donate) and the membership application (#join)."""
    currency = chosen_currency(request, request.GET) if "currency" in request.GET else services.default_currency(language())
    if currency is None and "currency" in request.GET:
        return redirect_without_currency(request)
    context = {
        **donation_context(currency, reverse("giving:landing") + "#donate"),
        "donate_form": DonateForm(currency=currency, language=language()) if currency else None,
        "join_form": JoinForm(),
        "membership_types": MembershipType.objects.filter(active=True),
    }
    return TemplateResponse(request, "giving/landing.html", context)


# Joining -------------------------------------------------------------------------------


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
@public_page
def join(request):
    form = JoinForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if not take_allowance(request, "giving:join", email=data["email"]):
                return too_many(request)
            applicant = services.Applicant(
                name=data["name"],
                email=data["email"],
                address=data["address"],
                country=data["country"],
                membership_type=data["membership_type"],
                consent=data["consent"],
            )
            services.apply_to_join(applicant, language=language())
            return HttpResponseSeeOther(reverse("giving:join_thanks"))
        status = 400
    return TemplateResponse(request, "giving/join.html", {"form": form}, status=status)


@require_safe
@public_page
def join_thanks(request):
    """The same page for everyone, whether the address was new or had applied before."""
    return TemplateResponse(request, "giving/join_thanks.html", {"next_steps": next_steps()})


@require_safe
def confirm(request, token):
    membership = services.confirm_membership(token)
    if membership is None:
        return private_page(TemplateResponse(request, "giving/link_invalid.html", status=404))
    context = {"membership": membership, "next_steps": next_steps()}
    return private_page(TemplateResponse(request, "giving/confirmed.html", context))


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, token):
    """A member leaves: the link shows what will be cancelled, and a button does it."""
    membership = services.membership_from_cancellation_token(token)
    if membership is None:
        return private_page(TemplateResponse(request, "giving/link_invalid.html", status=404))
    if request.method == "POST":
        services.cancel_membership(membership)
        return HttpResponseSeeOther(reverse("giving:cancelled"))
    context = {"membership": membership, "already_cancelled": membership.status == Membership.Status.CANCELLED}
    return private_page(TemplateResponse(request, "giving/cancel.html", context))


@require_safe
@public_page
def cancelled(request):
    return TemplateResponse(request, "giving/cancelled.html")


# Giving ----------------------------------------------------------------------------------


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
@public_page(query=("currency",))
def donate(request):
    """The donation form on a page of its own: where errors are shown, and where the currency is changed without script."""
    source = request.POST if request.method == "POST" else request.GET
    currency = chosen_currency(request, source) if "currency" in source else services.default_currency(language())
    if currency is None and request.method != "POST" and "currency" in request.GET:
        return redirect_without_currency(request)
    if currency is None and request.method == "POST":
        # Not offered (any more): the form again, in the usual currency, saying so.
        currency = services.default_currency(language())
        form = None
        if currency is not None:
            form = DonateForm({"email": request.POST.get("email", ""), "frequency": Donation.Frequency.ONE_OFF}, currency=currency, language=language())
            form.is_valid()
            form.add_error(None, _("That currency is not offered. Choose the amount again in this one."))
        return TemplateResponse(request, "giving/donate.html", {**donation_context(currency, reverse("giving:donate")), "form": form}, status=400)
    form = DonateForm(request.POST if request.method == "POST" else None, currency=currency, language=language()) if currency else None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if not take_allowance(request, "giving:start", email=data["email"]):
                return too_many(request)
            donation = services.start_donation(data["money"], frequency=data["frequency"], email=data["email"], language=language())
            return HttpResponseSeeOther(reverse("giving:checkout", args=[donation.reference]))
        status = 400
    return TemplateResponse(request, "giving/donate.html", {**donation_context(currency, reverse("giving:donate")), "form": form}, status=status)


def donation_or_404(reference):
    return get_object_or_404(Donation, reference=reference, renewal_of__isnull=True)


def is_settled(donation):
    """Nothing left to choose: paid, failed or refunded, or pledged already."""
    return donation.status != Donation.Status.PENDING or (donation.is_pledge and donation.submitted_at is not None)


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
def checkout(request, reference):
    """The last step: an invitation to give monthly instead of once, or a summary; then payment or pledge.

    GET shows the choice. POST records it and, with a payment provider,
    creates the Checkout Session and answers 303 to the provider's page; as
    a pledge, it emails the ways to give and shows them.
    """
    donation = donation_or_404(reference)
    if is_settled(donation):
        return HttpResponseSeeOther(reverse("giving:thanks", args=[donation.reference]))
    unavailable = False
    if request.method == "POST":
        form = ChoiceForm(request.POST)
        choice = form.cleaned_data["choice"] if form.is_valid() else Donation.Frequency.ONE_OFF
        if donation.submitted_at is None and not take_allowance(request, "giving:checkout", email=donation.email):
            return with_checkout_policy(too_many(request))
        donation = services.choose(donation, choice)
        if donation.is_pledge:
            return HttpResponseSeeOther(reverse("giving:thanks", args=[donation.reference]))
        if donation.checkout_expires_at is None or donation.checkout_is_open:
            try:
                return HttpResponseSeeOther(services.start_checkout(donation))
            except stripe.StripeError:
                logger.exception("Could not create a Checkout Session for donation %s", donation.reference)
                unavailable = True
    invite_monthly = donation.submitted_at is None and not donation.is_monthly and services.monthly_is_offered(donation)
    context = {
        "donation": donation,
        "amount": donation.money.format(language()),
        "is_pledge": donation.is_pledge,
        "invite_monthly": invite_monthly,
        "monthly_amount": services.monthly_suggestion(donation).format(language()) if invite_monthly else None,
        "expired": donation.checkout_expires_at is not None and not donation.checkout_is_open,
        "unavailable": unavailable,
    }
    response = TemplateResponse(request, "giving/checkout.html", context, status=503 if unavailable else 200)
    return with_checkout_policy(private_page(response))


def with_checkout_policy(response):
    """Let this page's forms lead to the payment page: Stripe's origin in form-action, here and nowhere else."""
    if payments.is_configured():
        response.headers["Content-Security-Policy"] = CHECKOUT_CONTENT_SECURITY_POLICY
    return response


@require_safe
def thanks(request, reference):
    """After the gift: a pledge's ways to give, or the payment's thanks (paid, or still being confirmed)."""
    donation = donation_or_404(reference)
    if donation.submitted_at is None:
        return HttpResponseRedirect(reverse("giving:checkout", args=[donation.reference]))
    context = {
        "donation": donation,
        "amount": donation.money.format(language()),
        "ways": list(WayToGive.objects.filter(active=True)) if donation.is_pledge else [],
        "next_steps": next_steps(),
    }
    response = private_page(TemplateResponse(request, "giving/thanks.html", context))
    patch_cache_control(response, no_cache=True)
    return response


# The payment provider's webhook ----------------------------------------------------------------


@csrf_exempt
@require_POST
@language_neutral
def stripe_webhook(request):
    """Stripe's signed events: 400 for anything unsigned or forged, 200 once applied (or already applied)."""
    if not payments.is_configured():
        raise Http404
    try:
        event = payments.verified_event(request.body, request.headers.get("Stripe-Signature"))
    except payments.InvalidEvent:
        return private_page(HttpResponseBadRequest())
    services.process_event(event)
    return private_page(HttpResponse(status=200))
