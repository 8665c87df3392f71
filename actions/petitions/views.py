"""Public pages of Take action: the list of open actions, an action with its signing form, thanks and confirmation.

Every page a visitor reads is a public page (campaign/caching.py): the same
for everyone, kept by us and by CDNs, setting no cookie. The count on them is
a live value, filled in on every answer (live.py). The form posts back to the
action's page without a CSRF token or cookie: `same_origin_post` refuses a
post that another site made the browser send (campaign/origin.py). What
follows a post is the visitor's alone (private, no-store), and a valid post
is redirected to the thank-you page, which holds nothing personal and is
public too.
"""

import time
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_safe

from campaign.caching import content_generation, private_page, public_page, query_string
from campaign.client_ip import client_ip
from campaign.models import Section
from campaign.navigation import SiteNavigation
from campaign.origin import same_origin_post

from . import services
from .addresses import mailbox_key
from .forms import SignatureForm
from .live import count_stays_fresh, counted
from .models import Action

# How many recent signers (first name and country, by their choice) an action's page lists.
RECENT_SIGNERS = 10
COMMENTS = 10
# A second post of the same address to the same action within this many
# seconds is the same click again (or a reload): it is not signed twice,
# and its owner is not told "someone signed again".
REPEAT_SECONDS = 60
# Private-use characters mark live values in cached pages (campaign/caching.py): never in a signer's text.
LIVE_MARKS = dict.fromkeys(range(0xE000, 0xF900))


SIGNABLE_ACTION_SECONDS = 60
_signable_actions = {}


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def open_actions(**filters):
    """Open actions matching `filters`, each with its count (kept for the live count)."""
    return counted(Action.objects.open().filter(**filters).select_related("campaign"))


def published_action_or_404(slug, *related):
    actions = counted(Action.objects.published().filter(slug=slug).select_related("campaign", *related))
    if not actions:
        raise Http404
    return actions[0]


@require_safe
@count_stays_fresh
@public_page
def action_list(request):
    return TemplateResponse(request, "petitions/action_list.html", {"actions": open_actions()})


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
# A GET is the same for everyone; a post is answered privately (public_page marks it no-store).
@count_stays_fresh
@public_page
def action_detail(request, slug):
    if request.method == "POST":
        return sign_action(request, slug)
    return render_action(request, published_action_or_404(slug, "story__campaign"))


def render_action(request, action, preview=False):
    """An action's page; for staff, any action, draft or not (campaign.views.preview)."""
    form = SignatureForm(action_url=form_address(action))
    return TemplateResponse(request, "petitions/action_detail.html", {**action_context(action, form), "preview": preview})


def form_address(action):
    # Posted to its own page, which opens at the form: without JavaScript too, a mistake shows where it is to be put right.
    return action.get_absolute_url() + "#sign"


def signable_action(slug):
    """The published action a form posts to, kept in this process between posts.

    Signing is the busiest write of the site: a post should not pay for
    fetching the same action again. Kept under the content generation, which
    any edit of an action or its campaign moves on, and for a minute at most
    (an action scheduled to open soon).
    """
    key, now = (content_generation(), slug), time.monotonic()
    kept = _signable_actions.get(key)
    if kept is None or now - kept[1] > SIGNABLE_ACTION_SECONDS:
        if len(_signable_actions) >= 100:  # only ever a few actions: addresses that are not one cannot fill memory
            _signable_actions.clear()
        kept = _signable_actions[key] = (Action.objects.published().filter(slug=slug).select_related("campaign").first(), now)
    return kept[0]


def sign_action(request, slug):
    """The form posted back to its page: sign and redirect to the thank-you page, or show what is wrong."""
    action = signable_action(slug)
    if action is None:
        raise Http404
    if not action.is_open:
        return HttpResponseSeeOther(action.get_absolute_url())
    form = SignatureForm(request.POST, action_url=form_address(action))
    if form.caught_a_bot:
        return HttpResponseSeeOther(reverse("petitions:thanks", args=[action.slug]))
    if form.is_valid():
        sign_once(request, action, form.signer())
        # Post, redirect, get: reloading the thank-you page signs nothing.
        return HttpResponseSeeOther(reverse("petitions:thanks", args=[action.slug]))
    return TemplateResponse(request, "petitions/action_detail.html", action_context(action, form), status=400)


def sign_once(request, action, signer):
    """Sign, unless the same address posted to this action a moment ago (a double click)."""
    digest = salted_hmac("petitions.repeat", f"{action.pk}:{mailbox_key(signer.email)}").hexdigest()
    key = f"petitions:posted:{digest}"
    if not cache.add(key, 1, REPEAT_SECONDS):
        return
    try:
        # The email goes out in the language of the form the visitor filled in.
        services.sign(action, signer, language=translation.get_language(), ip_address=client_ip(request))
    except BaseException:
        cache.delete(key)  # nothing was stored: a retry must sign
        raise


def action_context(action, form):
    shown = action.counted_signatures().filter(anonymised_at__isnull=True)
    signers = shown.filter(show_name=True, confirmed_at__isnull=False).only("name", "country", "created_at")[:RECENT_SIGNERS]
    comments = shown.filter(comment_approved=True).exclude(comment="").only("name", "country", "comment", "show_name", "created_at")[:COMMENTS]
    return {
        "campaign": action.campaign,
        "action": action,
        "form": form,
        "not_yet_open": action.opens_at is not None and action.opens_at > timezone.now(),
        "recent_signers": [
            {"first_name": signature.first_name.translate(LIVE_MARKS), "country": signature.country} for signature in signers
        ],
        "comments": [
            {
                "text": signature.comment.translate(LIVE_MARKS),
                "first_name": signature.first_name.translate(LIVE_MARKS) if signature.show_name else "",
                "country": signature.country if signature.show_name else None,
            }
            for signature in comments
        ],
    }


@require_safe
# Nothing personal: the same page for everyone who signed (or whose post was set aside), so it may be cached.
@count_stays_fresh
@public_page
def thanks(request, slug):
    action = published_action_or_404(slug, "story")
    return TemplateResponse(request, "petitions/thanks.html", {"campaign": action.campaign, "action": action, "next_steps": next_steps(request, action)})


@require_safe
def confirm(request, token):
    """The link in the confirmation email. Never cached: each click must reach us, and the address holds a token."""
    signature = services.confirm(token)
    if signature is None:
        return private_page(TemplateResponse(request, "petitions/confirm_invalid.html", {}, status=400))
    action = signature.action
    context = {"campaign": action.campaign, "action": action, "next_steps": next_steps(request, action)}
    return private_page(TemplateResponse(request, "petitions/confirmed.html", context))


def next_steps(request, action):
    """The next steps offered on the thank-you and confirmed pages, most useful first."""
    page = action.get_absolute_url()
    page_url = settings.SITE_URL + page
    navigation = SiteNavigation(request)
    return {
        "share_url": reverse("sharing:share") + "?" + query_string([("page", page)]),
        "postcard_url": postcard_url(navigation),
        "donate_url": navigation.donate_url,
        "share_links": share_links(page_url, action.title),
        "story_url": action.story.get_absolute_url() if action.story_id and action.story.is_published else None,
    }


def postcard_url(navigation):
    try:
        return reverse("postcards:send")
    except NoReverseMatch:
        return navigation.url(Section.Role.POSTCARDS)


def share_links(url, title):
    """(service, address): plain links to other services. No script of theirs, nothing loaded from them."""
    quoted_url, quoted_title = quote(url, safe=""), quote(title, safe="")
    return [
        (format_html("<bdi>{}</bdi>", "WhatsApp"), f"https://wa.me/?text={quote(title + ' ' + url, safe='')}"),
        (format_html("<bdi>{}</bdi>", "Telegram"), f"https://t.me/share/url?url={quoted_url}&text={quoted_title}"),
        (format_html("<bdi>{}</bdi>", "Facebook"), f"https://www.facebook.com/sharer/sharer.php?u={quoted_url}"),
        (format_html("<bdi>{}</bdi>", "X"), f"https://x.com/intent/post?url={quoted_url}&text={quoted_title}"),
    ]

