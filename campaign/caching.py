"""Full-page caching for public content, safe for a CDN in front of it.

A view marked `@public_page` builds a page that does not depend on the
visitor. PublicPageCacheMiddleware keeps that page, compressed and with its
ETag, in the shared cache, and answers the next request for it before
sessions, language negotiation or URL resolution run.

What keeps it correct:

- **The key is the canonical address and nothing a request can forge.** It is
  the path and the query parameters the view declared, never the Host or the
  scheme: pages build absolute links from settings.SITE_URL, so they are the
  same whatever Host or X-Forwarded-* was sent. ALLOWED_HOSTS is still checked
  on every request, hits included. An address with undeclared or
  non-canonical query parameters is redirected, never stored, so random
  addresses cannot push real pages out.
- **Edits show at once, everywhere.** Keys include a "content generation"
  number kept in the shared cache (DiskCache under `make run`, Redis at
  scale) and read on every request. Saving any content bumps it once the
  transaction commits, so every process and node rebuilds each page on its
  next request, without scanning or clearing anything. Each process also
  keeps a few pages in memory, under the same keys, so a hit costs one small
  shared read.
- **Nothing that depends on the visitor is stored.** A response is refused if
  the view read the session or the user, set a cookie, varies on anything but
  Accept-Encoding, or is not a 200 marked public.
- **HTTP semantics.** GET and HEAD get the same headers; If-None-Match gives a
  304 with the page's caching headers; a failed If-Match gives a 412 that no
  shared cache may keep. Accept-Encoding is read case-insensitively, with
  q-values.

Live values in cached pages
---------------------------
A number that changes while the page is cached (a signature count) must not
be baked into the page, and the page must not be rebuilt when it changes.
Register a renderer and put the value in a template with the `live` tag:

    # actions/petitions/live.py
    @live_fragment("signature-count")
    def signature_count(argument):          # argument: a string, e.g. the action's pk
        return format_html("{}", cached_count(int(argument)))   # cheap: a shared-cache read

    {% load campaign_tags %}{% live "signature-count" action.pk %}

On a public page the tag writes a marked placeholder holding the value at
rendering time. The stored page keeps the placeholder; every answer, hit or
miss, fills it in from the renderer, in the page's language, then compresses.
Renderers must be cheap (they run on every hit) and decide how fresh they
are: read a counter kept in the shared cache for a few seconds, never count
rows per request. Compressed bodies are remembered per set of values, so a
value that did not change costs no compression. Outside a public page (a
staff preview) the tag simply writes the value.

Forms on cached pages carry no per-visitor token (a CSRF cookie would make
every page uncacheable); the views they post to check where the post came
from instead (see the README's "Forms on cached pages").
"""

import gzip
import hashlib
import math
import re
import time
from collections import OrderedDict
from functools import partial, wraps
from urllib.parse import urlencode

import brotli
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.functional import empty

GENERATION_KEY = "content-generation"
# Headers that describe one encoding of the body; set afresh on every answer.
PER_ENCODING_HEADERS = {"content-encoding", "content-length", "etag", "vary"}
# What a 304 keeps of the full answer (RFC 9110, section 15.4.5).
NOT_MODIFIED_HEADERS = ("Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Last-Modified", "Vary")
ENCODINGS = ("br", "gzip")
# Pages kept in each process's memory, on top of the shared cache.
LOCAL_PAGES = 200
# Compressed bodies of pages with live values, per process.
LOCAL_LIVE_BODIES = 200

# A live placeholder: START name SEP argument SEP value-at-render-time END.
# Private-use characters, which no template or translation writes.
LIVE_START, LIVE_SEP, LIVE_END = "\ue000", "\ue001", "\ue002"
LIVE_PLACEHOLDER = re.compile(f"{LIVE_START}([^{LIVE_SEP}]*){LIVE_SEP}([^{LIVE_SEP}]*){LIVE_SEP}([^{LIVE_END}]*){LIVE_END}")
_live_renderers = {}


# The content generation -----------------------------------------------------


def content_generation():
    """The current generation, read from the shared cache on every request.

    One small read keeps every process and node in step: an edit saved
    anywhere is seen on the very next request everywhere.
    """
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Start from the clock, not from 1: pages stored under an old number
        # before the key was evicted must never become current again.
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def bump_content_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key was evicted: any new number will do
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)


def bump_content_generation_on_commit():
    """Bump once the saving transaction commits, never before.

    Bumped earlier, a request in between could read the old content and store
    it under the new number, where it would stay until it expires.
    """
    transaction.on_commit(bump_content_generation)


def _fresh_generation():
    return time.time_ns() // 1000


# Marking views --------------------------------------------------------------


def public_page(view=None, *, query=(), store=True):
    """Mark a view's pages as public: cacheable by us, CDNs and browsers.

    The page must not depend on the visitor: no session, no CSRF token, no user
    (the middleware checks, and refuses to store one that does). `query` names
    the query parameters the view reads; any other parameter, an empty or a
    repeated one is redirected to the canonical address, and the same address
    percent-encoded another way is answered but not stored. `store=False`
    lets CDNs keep the page but keeps it out of our own cache, for pages with
    one address per target that would only fill it.
    """
    if view is None:
        return partial(public_page, query=query, store=store)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            # A form posted back to its page: the answer is this visitor's alone.
            return private_page(view(request, *args, **kwargs))
        canonical = canonical_query(request, query)
        if any(name not in query or len(values) != 1 or values[0] == "" for name, values in request.GET.lists()):
            return HttpResponsePermanentRedirect(request.path + (f"?{canonical}" if canonical else ""))
        # Templates read this to write live placeholders and canonical links.
        request.is_public_page = True
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            seconds = settings.PAGE_CACHE_SECONDS
            patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds, stale_while_revalidate=60)
            response.public_page = True
            response.store_as_public_page = store and request.META.get("QUERY_STRING", "") == canonical
        return response

    return wrapped


def canonical_query(request, names):
    """The declared parameters, one value each, in a fixed order."""
    return query_string((name, request.GET[name]) for name in names if request.GET.get(name, "") != "")


def query_string(pairs):
    """The one way this site writes a query string; links use it so that they need no redirect."""
    return urlencode(sorted(pairs), safe="/")


def private_page(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def live_fragment(name):
    """Register a renderer for `{% live name argument %}` (see the module docstring)."""

    def register(render):
        _live_renderers[name] = render
        return render

    return register


def live_placeholder(request, name, argument):
    """What the `live` template tag writes: a placeholder on public pages, else the value."""
    value = str(_live_renderers[name](str(argument)))
    if not getattr(request, "is_public_page", False):
        return value
    return f"{LIVE_START}{name}{LIVE_SEP}{argument}{LIVE_SEP}{value}{LIVE_END}"


# Answering ------------------------------------------------------------------


def accepted_codings(header):
    """Accept-Encoding as {coding: q}, names lower-cased (RFC 9110, 12.5.3)."""
    codings = {}
    for item in header.split(","):
        name, _, parameters = item.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        quality = 1.0
        for parameter in parameters.split(";"):
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
                quality = min(max(quality, 0.0), 1.0) if math.isfinite(quality) else 0.0
        codings[name] = quality
    return codings


def preferred_encoding(request, available=ENCODINGS):
    """The best of `available` that the client accepts, or "" for none."""
    codings = accepted_codings(request.headers.get("Accept-Encoding", ""))
    wildcard = codings.get("*", 0.0)
    best, best_quality = "", 0.0
    for coding in available:
        quality = codings.get(coding, wildcard)
        if quality > best_quality:
            best, best_quality = coding, quality
    return best


def compress(body, encoding):
    if encoding == "br":
        return brotli.compress(body, quality=9)
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=6, mtime=0)
    return body


class CachedPage:
    """A public page as stored: its headers, and its body in each encoding.

    A page with live placeholders keeps its text in pieces instead, and is
    put together and compressed when answered.
    """

    def __init__(self, response):
        body = response.content
        self.status_code = response.status_code
        self.headers = [(name, value) for name, value in response.headers.items() if name.lower() not in PER_ENCODING_HEADERS]
        self.digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        self.language = translation.get_language()
        charset = response.charset or "utf-8"
        text = body.decode(charset) if LIVE_START.encode(charset) in body else ""
        # [text, name, argument, text, name, argument, ..., text]
        self.pieces = LIVE_PLACEHOLDER.sub(lambda match: f"{LIVE_SEP}{match[1]}{LIVE_SEP}{match[2]}{LIVE_SEP}", text).split(LIVE_SEP) if text else None
        self.charset = charset
        if self.pieces is None:
            self.bodies = {encoding: compress(body, encoding) for encoding in (*ENCODINGS, "")}

    def body(self, encoding):
        """The body in `encoding`, and the tag that tells it from any other."""
        if self.pieces is None:
            return self.bodies[encoding], self.digest
        with translation.override(self.language):
            values = tuple(str(_live_renderers[name](argument)) for name, argument in zip(self.pieces[1::3], self.pieces[2::3], strict=True))
        tag = hashlib.blake2b(repr((self.digest, values)).encode(), digest_size=16).hexdigest()
        memo_key = (tag, encoding)
        body = _live_bodies.get(memo_key)
        if body is None:
            text = "".join(piece for texts in zip(self.pieces[0::3], (*values, ""), strict=True) for piece in texts)
            body = _remember(_live_bodies, memo_key, compress(text.encode(self.charset), encoding), LOCAL_LIVE_BODIES)
        return body, tag

    def respond(self, request):
        encoding = preferred_encoding(request)
        body, tag = self.body(encoding)
        etag = f'"{tag}{"-" + encoding if encoding else ""}"'
        conditional = get_conditional_response(request, etag=etag)
        if conditional is not None and conditional.status_code != 304:
            # A failed precondition (412) is about this request: no shared cache may keep it.
            return private_page(conditional)
        response = conditional or HttpResponse(b"" if request.method == "HEAD" else body, status=self.status_code)
        headers = dict(self.headers, ETag=etag)
        for name, value in headers.items():
            if response.status_code == 200 or name in NOT_MODIFIED_HEADERS:
                response.headers[name] = value
        if response.status_code == 200:
            # HEAD gets GET's length, without the body.
            response.headers["Content-Length"] = str(len(body))
            if encoding:
                response.headers["Content-Encoding"] = encoding
        patch_vary_headers(response, ["Accept-Encoding"])
        return response


_local_pages = OrderedDict()
_live_bodies = OrderedDict()


def _remember(memory, key, value, size):
    memory[key] = value
    memory.move_to_end(key)
    while len(memory) > size:
        memory.popitem(last=False)
    return value


def page_key(request):
    address = f"{request.path}?{urlencode(sorted(request.GET.items()))}"
    # Hashed: a long address would make a key too long for some cache servers.
    return f"page:{content_generation()}:{hashlib.blake2b(address.encode(), digest_size=20).hexdigest()}"


def visitor_was_read(request):
    """Did the view look at who is asking: the session, or the user?"""
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return True
    user = request.__dict__.get("user")
    return user is not None and getattr(user, "_wrapped", None) is not empty


def depends_on_visitor(request, response):
    """Did the view look at who is asking, or answer something personal?"""
    vary = {value.strip().lower() for value in response.get("Vary", "").split(",") if value.strip()}
    return response.streaming or bool(response.cookies) or not vary <= {"accept-encoding"} or visitor_was_read(request)


class PublicPageCacheMiddleware:
    """Answer cached public pages early; store the ones `@public_page` marks.

    Sits just inside GZipMiddleware: responses reaching it are uncompressed,
    and the ones it sends carry their own Content-Encoding, so nothing is
    compressed twice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        # ALLOWED_HOSTS on every request, hits included (raises DisallowedHost: a 400).
        request.get_host()
        key = page_key(request)
        page = _local_pages.get(key)
        if page is None:
            page = cache.get(key)
            if page is None:
                response = self.get_response(request)
                if not getattr(response, "public_page", False):
                    return response
                if depends_on_visitor(request, response):
                    # Marked public by mistake: answer this visitor alone.
                    response.headers["Cache-Control"] = "private"
                    return response
                page = CachedPage(response)
                if not (response.status_code == 200 and response.store_as_public_page):
                    return page.respond(request)
                cache.set(key, page, settings.PAGE_CACHE_SECONDS)
            _remember(_local_pages, key, page, LOCAL_PAGES)
        return page.respond(request)
