from urllib.parse import quote

from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from campaign.caching import public_page, query_string
from campaign.origin import same_origin_post

from .forms import ShareForm
from .pages import shared_page
from .services import Outcome, send_page


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def page_or_404(request):
    page = shared_page(request.GET.get("page", ""))
    if page is None:
        # Only this site's own published pages can be sent, never an arbitrary address.
        raise Http404
    return page


def with_page(url_name, page):
    return reverse(url_name) + "?" + query_string([("page", page.path)])


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
# One address per shared page: CDNs may keep the form, our own cache does not.
# A post is answered privately (public_page marks it no-store).
@public_page(query=("page",), store=False)
def share(request):
    """The form that sends a page to friends by the site's own mail, and the other ways to share it."""
    page = page_or_404(request)
    form = ShareForm(request.POST if request.method == "POST" else None, action=with_page("sharing:share", page))
    status = 200
    if request.method == "POST":
        if form.caught_a_bot:
            return HttpResponseSeeOther(with_page("sharing:sent", page))
        if form.is_valid():
            outcome = send_page(
                request,
                page=page,
                name=form.cleaned_data["name"],
                sender=form.cleaned_data["email"],
                friends=form.friends,
                note=form.cleaned_data["note"],
                # The email speaks the language of the form the visitor filled in.
                language=translation.get_language(),
            )
            if outcome is not Outcome.OVER_THE_LIMIT:
                # Post, redirect, get: reloading the thank-you page sends nothing.
                return HttpResponseSeeOther(with_page("sharing:sent", page))
            form.add_error(
                None,
                _(
                    "We cannot send these emails now. To protect people from unwanted mail, the site sends only a few emails "
                    "for each visitor, to each address and in all. Please try again later, or share the page another way below."
                ),
            )
            status = 429
        else:
            status = 400
    return TemplateResponse(request, "sharing/share.html", {**share_context(page), "form": form}, status=status)


@require_safe
@public_page(query=("page",), store=False)
def sent(request):
    """Thank you: the same page for everyone, so reloading it sends nothing and it may be cached."""
    return TemplateResponse(request, "sharing/sent.html", share_context(page_or_404(request)))


def share_context(page):
    return {"page": page, "share_links": share_links(page), "mailto": mailto_link(page)}


def mailto_link(page):
    subject = _("A page from Amnesty International")
    body = _("I thought you would want to read this page from Amnesty International:") + "\n\n" + page.url
    return f"mailto:?subject={quote(subject)}&body={quote(body)}"


def share_links(page):
    """(service name, address) of the plain links to other services: no script of theirs, nothing loaded from them."""
    url, text = quote(page.url, safe=""), quote(page.title, safe="")
    return [
        (_bdi("WhatsApp"), f"https://wa.me/?text={quote(page.title + ' ' + page.url, safe='')}"),
        (_bdi("Telegram"), f"https://t.me/share/url?url={url}&text={text}"),
        (_bdi("Facebook"), f"https://www.facebook.com/sharer/sharer.php?u={url}"),
        (_bdi("X"), f"https://x.com/intent/post?url={url}&text={text}"),
    ]


def _bdi(name):
    # A Latin name inside Arabic text keeps its own direction.
    return format_html("<bdi>{}</bdi>", name)
