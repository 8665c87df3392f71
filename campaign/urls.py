from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from . import media, public_urls
from .sitemaps import SITEMAPS
from .views import robots_txt

if getattr(settings, "STAFF_REQUIRE_OTP", False):
    from django_otp.admin import OTPAdminSite

    # Staff must enter a one-time code as well as their password.
    admin.site.__class__ = OTPAdminSite

admin.site.site_header = "Amnesty International"
admin.site.site_title = "Amnesty International"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    re_path(r"^media/(?P<path>.+)$", media.serve, name="media"),
]
urlpatterns += i18n_patterns(path("", include(public_urls)))
