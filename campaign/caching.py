"""Full-page caching for public content, safe for a CDN in front of it.

A view marked `@public_page` builds a page that does not depend on the
visitor. PublicPageCacheMiddleware keeps that page, already compressed and
with its ETag, in the shared cache, and answers the next request for it before
sessions, language negotiation or URL resolution run.

Keys include a "content generation" number. Saving any content bumps that one
number, so every page is rebuilt on its next request without scanning or
clearing the cache. Live state (counts, forms with tokens) never goes into
these pages, and nothing a supporter does empties the cache.
"""

import gzip
import hashlib
import re
import time
from functools import partial, wraps
from urllib.parse import urlencode

import brotli
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

GENERATION_KEY = "content-generation"
# Headers that describe one encoding of the body, set afresh on every answer.
PER_ENCODING_HEADERS = {"content-encoding", "content-length", "etag", "vary"}
ACCEPTS_BROTLI = re.compile(r"\bbr\b")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")

_remembered = {"generation": None, "until": 0.0}


def content_generation():
    """The current generation, remembered in this process for a moment.

    Each page hit would otherwise cost one more round trip to Redis; an edit
    made on another node reaches this one at most GENERATION_MEMO_SECONDS late.
    """
    now = time.monotonic()
    if _remembered["generation"] is not None and now < _remembered["until"]:
        return _remembered["generation"]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    _remember(generation, now)
    return generation


def bump_content_generation():
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:  # the key expired or was evicted
        generation = int(time.time())
        cache.set(GENERATION_KEY, generation, timeout=None)
    _remember(generation, time.monotonic())


def _remember(generation, now):
    _remembered.update(generation=generation, until=now + settings.GENERATION_MEMO_SECONDS)


def public_page(view=None, *, query=()):
    """Mark a view's pages as public: cacheable by us, CDNs and browsers.

    The page must not depend on the visitor: no session, no CSRF token, no user.
    `query` names the query parameters the view reads (such as "page"); a
    request with any other parameter is answered but not stored, so random
    query strings cannot flood the cache.
    """
    if view is None:
        return partial(public_page, query=query)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            seconds = settings.PAGE_CACHE_SECONDS
            patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds, stale_while_revalidate=60)
            response.store_as_public_page = set(request.GET) <= set(query)
        return response

    return wrapped


def private_page(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def page_key(request):
    address = f"{request.path}?{urlencode(sorted(request.GET.items()))}"
    # Hashed: a long address would make a key too long for some cache servers.
    return f"page:{content_generation()}:{hashlib.blake2b(address.encode(), digest_size=20).hexdigest()}"


class CachedPage:
    """A public page as stored: its headers and its body in each encoding."""

    def __init__(self, response):
        body = response.content
        self.status_code = response.status_code
        self.headers = [(name, value) for name, value in response.headers.items() if name.lower() not in PER_ENCODING_HEADERS]
        self.digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        self.bodies = {"br": brotli.compress(body, quality=9), "gzip": gzip.compress(body, compresslevel=6, mtime=0), "": body}

    def respond(self, request):
        accepted = request.headers.get("Accept-Encoding", "")
        encoding = "br" if ACCEPTS_BROTLI.search(accepted) else "gzip" if ACCEPTS_GZIP.search(accepted) else ""
        etag = f'"{self.digest}{"-" + encoding if encoding else ""}"'
        response = get_conditional_response(request, etag=etag) or HttpResponse(self.bodies[encoding], status=self.status_code)
        for name, value in self.headers:
            response.headers[name] = value
        response.headers["ETag"] = etag
        if encoding:
            response.headers["Content-Encoding"] = encoding
        patch_vary_headers(response, ["Accept-Encoding"])
        return response


class PublicPageCacheMiddleware:
    """Answer cached public pages early; store the ones `@public_page` marks.

    Sits just inside GZipMiddleware: responses reaching it are uncompressed,
    and the ones it sends carry their own Content-Encoding, so nothing is
    compressed twice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET":
            return self.get_response(request)
        key = page_key(request)
        page = cache.get(key)
        if page is None:
            response = self.get_response(request)
            # Never store a response that sets a cookie: it would leak to others.
            if not getattr(response, "store_as_public_page", False) or response.cookies or response.streaming:
                return response
            page = CachedPage(response)
            cache.set(key, page, settings.PAGE_CACHE_SECONDS)
        return page.respond(request)
