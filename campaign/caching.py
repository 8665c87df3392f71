"""Full-page caching for public content, safe for a CDN in front of it.

Rendered pages are kept in the shared cache under a key that includes a
"content generation" number. Saving any content bumps that one number, so
every page is rebuilt on its next request without scanning or clearing the
cache. Live state (counts, forms with tokens) never goes into these pages.
"""

from functools import partial, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control

GENERATION_KEY = "content-generation"


def content_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def bump_content_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key expired or was evicted
        cache.set(GENERATION_KEY, 2, timeout=None)


def public_page(view=None, *, query=()):
    """Serve a public page from the cache and let CDNs and browsers keep it.

    The page must not depend on the visitor: no session, no CSRF token, no user.
    `query` names the query parameters the view reads (such as "page"); a
    request with any other parameter is answered but not stored, so random
    query strings cannot flood the cache.
    """
    if view is None:
        return partial(public_page, query=query)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        cacheable = set(request.GET) <= set(query)
        key = f"page:{content_generation()}:{request.path}?{urlencode(sorted(request.GET.items()))}"
        response = cache.get(key) if cacheable else None
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                _mark_public(response)

                def store(rendered):
                    # Never cache a response that sets a cookie: it would leak.
                    if cacheable and not rendered.cookies:
                        cache.set(key, rendered, settings.PAGE_CACHE_SECONDS)

                if hasattr(response, "render") and not response.is_rendered:
                    response.add_post_render_callback(store)
                else:
                    store(response)
        return response

    return wrapped


def _mark_public(response):
    seconds = settings.PAGE_CACHE_SECONDS
    patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds, stale_while_revalidate=60)


def private_page(response):
    patch_cache_control(response, private=True, no_store=True)
    return response
