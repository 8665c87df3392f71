"""Forms on cached pages: refuse posts that another site made a browser send.

Django's CSRF protection needs a token in the form and a cookie in the
browser. Both would make every page with a form uncacheable, and the cookie
would follow supporters of a trafficking campaign around. Public forms
instead check the headers that browsers attach to every post and that no web
page can forge:

- `Sec-Fetch-Site` (all current browsers): only "same-origin" is accepted;
- otherwise `Origin` (every browser since 2020 on POST): it must be this site;
- otherwise `Referer`: its origin must be this site;
- with none of the three, the post is refused.

"This site" is SITE_URL, the host the request came to (already checked
against ALLOWED_HOSTS) or one of CSRF_TRUSTED_ORIGINS. A refused post gets the
branded, translated 403 of a failed form check. The forms hold nothing
secret to steal: what this protects against is another site making a
visitor's browser sign, share or send in their name.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.views.decorators.csrf import csrf_exempt

from .errors import csrf_failure


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def posted_from_this_site(request):
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    claimed = request.headers.get("Origin")
    if claimed is None or claimed == "null":
        claimed = origin_of(request.headers.get("Referer", ""))
    if claimed is None:
        return False
    ours = {settings.SITE_URL.lower(), f"{request.scheme}://{request.get_host()}".lower(), *(origin.lower() for origin in settings.CSRF_TRUSTED_ORIGINS)}
    return claimed.lower() in ours


def same_origin_post(view):
    """Let a public view take posts without a CSRF token, from this site only."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS") and not posted_from_this_site(request):
            return csrf_failure(request, reason="The post did not come from this site.")
        return view(request, *args, **kwargs)

    return wrapped
