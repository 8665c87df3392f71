"""Send a virtual postcard: choose a design, write, preview, send; the friend opens the card by its link.

The form page is a public page like any other (cached, no cookie, nothing
about the visitor). Its posts are answered privately: the first shows a
preview and stores nothing, carrying what was typed in hidden fields; the
second sends and redirects to a "sent" page. Public forms carry no CSRF token:
`same_origin_post` refuses posts from other sites (campaign/origin.py).

A card's own page and its image are reached by an unguessable token, and are
never stored by any cache nor indexed by search engines.
"""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from actions.outbox.limits import take_visitor_mail_allowance
from campaign.caching import private_page, public_page
from campaign.origin import same_origin_post
from stories.models import Story

from . import rendering, services
from .forms import PostcardForm
from .models import Postcard


def see_other(url):
    """Redirect after a post: the browser then GETs the page, and reloading it posts nothing again."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def private_card_page(response):
    """Only this visitor's browser may keep it, and no search engine may list it."""
    private_page(response)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    # The address holds the token: no other site may learn it from a Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@same_origin_post
@public_page
def send(request):
    if request.method != "POST":
        return render_form(request, PostcardForm())
    form = PostcardForm(request.POST)
    if "edit" in request.POST:
        return render_form(request, form)
    if not form.is_valid():
        return render_form(request, form, status=400)
    if "send" not in request.POST:
        return render_preview(request, form)
    data = form.cleaned_data
    sent_page = reverse("postcards:scheduled" if data["send_on"] else "postcards:sent")
    if form.caught_a_bot:
        return see_other(sent_page)
    if not take_visitor_mail_allowance(request, sender=data["sender_email"], recipients=form.recipients):
        form.add_error(
            None,
            _("Too many postcards have been sent from here or to these addresses lately. Please try again in a few hours."),
        )
        return render_form(request, form, status=429)
    services.send_postcard(
        design=data["design"],
        message=data["message"],
        sender_name=data["sender_name"],
        sender_email=data["sender_email"],
        recipient_name=data["recipient_name"],
        recipient_email=data["recipient_email"],
        language=get_language(),
        send_on=data["send_on"],
        copy_to_sender=data["copy_to_sender"],
    )
    return see_other(sent_page)


def render_form(request, form, status=200):
    context = {"form": form, "retention_days": settings.POSTCARD_RETENTION_DAYS}
    return TemplateResponse(request, "postcards/send.html", context, status=status)


def render_preview(request, form):
    data = form.cleaned_data
    with data["design"].artwork.open("rb") as artwork:
        image = rendering.card_preview(artwork, data["message"], data["sender_name"], get_language())
    return TemplateResponse(request, "postcards/preview.html", {"form": form, "data": data, "card_image": image})


@require_safe
@public_page
def sent(request):
    return TemplateResponse(request, "postcards/sent.html", {"scheduled": False})


@require_safe
@public_page
def scheduled(request):
    return TemplateResponse(request, "postcards/sent.html", {"scheduled": True})


@require_safe
@public_page
def deleted(request):
    return TemplateResponse(request, "postcards/deleted.html")


def card_or_404(token):
    card = Postcard.with_token(token)
    if card is None:
        raise Http404("No such postcard.")
    return card


@require_safe
def card(request, token):
    postcard = card_or_404(token)
    story = Story.objects.published().select_related("campaign").first()
    context = {
        "card": postcard,
        "design": postcard.design,
        "token": token,
        "story": story,
        "retention_days": settings.POSTCARD_RETENTION_DAYS,
    }
    return private_card_page(TemplateResponse(request, "postcards/card.html", context))


@require_safe
def card_image(request, token):
    postcard = card_or_404(token)
    with postcard.design.artwork.open("rb") as artwork:
        png = rendering.card_png(artwork, postcard.message, postcard.sender_name, postcard.language)
    return private_card_page(HttpResponse(png, content_type="image/png"))


@require_http_methods(["GET", "HEAD", "POST"])
@same_origin_post
def delete(request, token):
    """Ask first; delete on the confirming post, then say so on a page of its own."""
    postcard = card_or_404(token)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.delete_postcard(postcard)
        return private_card_page(see_other(reverse("postcards:deleted")))
    return private_card_page(TemplateResponse(request, "postcards/delete.html", {"card": postcard, "token": token}))
