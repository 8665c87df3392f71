from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from . import media, public_urls
from .sitemaps import SITEMAPS
from .views import robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    re_path(r"^media/(?P<path>.+)$", media.serve, name="media"),
]
urlpatterns += i18n_patterns(path("", include(public_urls)))
