"""Serving uploaded files (report documents, image renditions).

With one server this view serves them; at scale a CDN caches them, since
every stored name is unique and never rewritten.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control
from django.views import static
from django.views.decorators.http import require_safe


@require_safe
def serve(request, path):
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=86400)
    # Uploaded documents open as downloads or in their viewer, never as HTML of this site.
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    return response
