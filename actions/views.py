from urllib.parse import quote

from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from campaign.caching import public_page


@require_safe
# One address per shared page: CDNs may keep them, our own cache does not.
@public_page(query=("page",), store=False)
def share(request):
    """Send a page to a friend from the visitor's own mail program.

    Nothing is stored and no mail leaves this site: the friend's address never
    reaches us, so it cannot leak and this page cannot be used as a spam relay.
    """
    path = request.GET.get("page", "")
    # Only pages of this site can be shared, never an arbitrary URL.
    if not path.startswith("/") or path.startswith("//"):
        raise Http404
    try:
        # A page is resolved in its own language: /fr/… may be shared from /en/share/.
        with translation.override(translation.get_language_from_path(path)):
            resolve(path)
    except Resolver404:
        raise Http404 from None
    page_url = settings.SITE_URL + path
    subject = _("A page from Amnesty International")
    body = _("I thought you would want to read this page from Amnesty International:") + "\n\n" + page_url
    mailto = f"mailto:?subject={quote(subject)}&body={quote(body)}"
    return TemplateResponse(request, "actions/share.html", {"page_path": path, "page_url": page_url, "mailto": mailto})
