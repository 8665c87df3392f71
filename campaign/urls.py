from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from . import media, public_urls
from .caching import public_page
from .middleware import language_neutral
from .sitemaps import SITEMAPS
from .views import robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    # ?p= is Django's own page parameter for long sitemaps.
    path("sitemap.xml", language_neutral(public_page(sitemap, query=("p",))), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    re_path(r"^media/(?P<path>.+)$", language_neutral(media.serve), name="media"),
    path("stripe/", include("actions.giving.webhook_urls")),  # outside the language prefix: Stripe posts here
]
urlpatterns += i18n_patterns(path("", include(public_urls)))

# Branded error pages in the language of the URL (campaign/errors.py).
handler400 = "campaign.errors.bad_request"
handler403 = "campaign.errors.permission_denied"
handler404 = "campaign.errors.page_not_found"
handler500 = "campaign.errors.server_error"
