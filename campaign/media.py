"""Serving uploaded files (report documents, image renditions).

With one server this view serves them; at scale a CDN caches them, since
every stored name is unique and never rewritten.
"""

import re

from django.conf import settings
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views import static
from django.views.decorators.http import require_safe

# The storage only ever writes names made of letters, digits, "-", "_" and "."
# (Storage.get_valid_name drops everything else), in folders and files whose
# names are short enough for any file system. A request for anything else
# (NUL bytes, "..", hidden files, backslashes, over-long segments) cannot be a
# stored file, so it is answered before the file system is asked at all.
STORED_NAME = re.compile(r"[\w-][\w.-]{0,254}(?:/[\w-][\w.-]{0,254})*")


@require_safe
def serve(request, path):
    if not STORED_NAME.fullmatch(path):
        raise Http404("No such file.")
    try:
        response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError as error:
        # A name can still be refused by the file system (a long non-Latin
        # name is longer in bytes than in characters, a whole path too long):
        # for the visitor that file simply does not exist.
        raise Http404("No such file.") from error
    patch_cache_control(response, public=True, max_age=86400)
    # Uploaded documents open as downloads or in their viewer, never as HTML of this site.
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    return response
