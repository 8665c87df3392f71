"""Page weight as a browser fetches it: the HTML and everything it pulls in.

Every file is fetched from the running server with `Accept-Encoding: br, gzip`
and counted by the bytes of its body on the wire (compressed when the server
compresses it; response headers are not counted). Followed references:

* HTML: <link rel=stylesheet|icon|preload|modulepreload|manifest|...>,
  <script src>, <img src/srcset>, <source src/srcset>, <video poster>,
  <input type=image src>, url() in <style> elements and style attributes;
* CSS: url(...) and @import, recursively.

An <img> or <picture> downloads one candidate, so only its largest one is
counted (the worst case: a wide, high-density screen); the others are listed
separately. Links to other origins are reported, not fetched.
"""

import gzip
import re
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from loadgen import fetch

try:
    import brotli
except ImportError:  # whitenoise works without it; then we ask for gzip only
    brotli = None

# rel values whose link a browser downloads while loading the page.
FETCHED_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "manifest", "mask-icon"}
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.IGNORECASE)
CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


@dataclass
class Resource:
    url: str
    kind: str = "other"
    wire_bytes: int = 0
    decoded_bytes: int = 0
    encoding: str = "identity"
    status: int = 0
    referrer: str = ""


@dataclass
class Weight:
    resources: list = field(default_factory=list)
    alternatives: list = field(default_factory=list)  # srcset candidates a browser would not also fetch
    external: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def by_kind(self):
        totals = {}
        for resource in self.resources:
            count, wire, decoded = totals.get(resource.kind, (0, 0, 0))
            totals[resource.kind] = (count + 1, wire + resource.wire_bytes, decoded + resource.decoded_bytes)
        return totals

    @property
    def total(self):
        return sum(resource.wire_bytes for resource in self.resources)

    def kind_total(self, kind):
        return sum(resource.wire_bytes for resource in self.resources if resource.kind == kind)


def parse_srcset(value):
    """[(url, descriptor)] from a srcset attribute (the HTML spec's splitting, simplified)."""
    candidates, position, length = [], 0, len(value)
    while position < length:
        while position < length and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < length and not value[position].isspace():
            position += 1
        url = value[start:position]
        if not url:
            break
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            start, depth = position, 0
            while position < length and (value[position] != "," or depth):
                depth += {"(": 1, ")": -1}.get(value[position], 0)
                position += 1
            descriptor = value[start:position].strip()
        if url:
            candidates.append((url, descriptor or "1x"))
    return candidates


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.single = []  # URLs each fetched once
        self.choices = []  # lists of URLs of which the browser fetches one
        self.inline_css = []
        self._in_style = False
        self._picture = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value or "") for name, value in attrs}
        if attrs.get("style"):
            self.inline_css.append(attrs["style"])
        if tag == "link" and attrs.get("href"):
            rels = set(attrs.get("rel", "").lower().split())
            if rels & FETCHED_RELS:
                self.single.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.single.append(attrs["src"])
        elif tag == "picture":
            self._picture = []
        elif tag in ("img", "source"):
            options = [url for url, _descriptor in parse_srcset(attrs.get("srcset", ""))]
            if attrs.get("src"):
                options.append(attrs["src"])
            if self._picture is not None:
                self._picture += options
                if tag == "img":
                    self.choices.append(self._picture)
                    self._picture = None
            elif options:
                self.choices.append(options)
        elif tag == "video" and attrs.get("poster"):
            self.single.append(attrs["poster"])
        elif tag == "input" and attrs.get("type", "").lower() == "image" and attrs.get("src"):
            self.single.append(attrs["src"])
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        elif tag == "picture" and self._picture:
            self.choices.append(self._picture)
            self._picture = None

    def handle_data(self, data):
        if self._in_style:
            self.inline_css.append(data)


def css_references(css):
    refs = [next(group for group in match.groups() if group is not None) for match in CSS_URL.finditer(css)]
    refs += [next(group for group in match.groups() if group is not None) for match in CSS_IMPORT.finditer(css)]
    return [ref.strip() for ref in refs if ref.strip() and not ref.strip().startswith(("data:", "#"))]


def classify(content_type, url):
    content_type = content_type.split(";")[0].strip().lower()
    path = urlsplit(url).path.lower()
    if content_type == "text/html":
        return "html"
    if content_type == "text/css" or path.endswith(".css"):
        return "css"
    if "javascript" in content_type or path.endswith((".js", ".mjs")):
        return "javascript"
    if content_type.startswith("font/") or "font" in content_type or path.endswith((".woff", ".woff2", ".ttf", ".otf", ".eot")):
        return "font"
    if content_type.startswith("image/"):
        return "image"
    return "other"


def decode(body, encoding):
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br" and brotli is not None:
        return brotli.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


def measure(port, page_path):
    """Fetch the page at `page_path` and every file it references."""
    origin = f"http://127.0.0.1:{port}"
    accept = "br, gzip" if brotli is not None else "gzip"
    weight = Weight()
    seen = set()

    def get(url, referrer):
        """Fetch one same-origin URL once; returns the Resource and its decoded body."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            if url not in weight.external:
                weight.external.append(url)
            return None, b""
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen:
            return None, b""
        seen.add(path)
        status, headers, body = fetch(port, path, headers={"Accept-Encoding": accept, "Accept": "*/*"})
        encoding = headers.get("content-encoding", "identity")
        decoded = decode(body, encoding)
        resource = Resource(
            url=path,
            kind=classify(headers.get("content-type", ""), path),
            wire_bytes=len(body),
            decoded_bytes=len(decoded),
            encoding=encoding,
            status=status,
            referrer=referrer,
        )
        if status != 200:
            weight.failed.append(resource)
        return resource, decoded

    page_url = urljoin(origin, page_path)
    page, html = get(page_url, "")
    weight.resources.append(page)
    if page.status != 200:
        return weight
    parser = PageParser()
    parser.feed(html.decode("utf-8", "replace"))
    parser.single = [ref for ref in parser.single if not ref.startswith("data:")]
    parser.choices = [[ref for ref in options if not ref.startswith("data:")] for options in parser.choices]
    queue = [(urljoin(page_url, ref), page_path) for ref in parser.single]
    queue += [(urljoin(page_url, ref), page_path) for css in parser.inline_css for ref in css_references(css)]

    # Of each set of image candidates, count only the largest one.
    for options in parser.choices:
        fetched = []
        for ref in options:
            resource, _body = get(urljoin(page_url, ref), page_path)
            if resource is not None:
                fetched.append(resource)
        if fetched:
            fetched.sort(key=lambda resource: resource.wire_bytes, reverse=True)
            weight.resources.append(fetched[0])
            weight.alternatives += fetched[1:]

    while queue:
        url, referrer = queue.pop(0)
        resource, body = get(url, referrer)
        if resource is None:
            continue
        weight.resources.append(resource)
        if resource.kind == "css" and resource.status == 200:
            queue += [(urljoin(url, ref), resource.url) for ref in css_references(body.decode("utf-8", "replace"))]
    return weight
