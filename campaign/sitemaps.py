from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from stories.models import Report, Story

from .models import Campaign, Section


class I18nSitemap(Sitemap):
    """Lists each page once per language, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True

    # Addresses come from SITE_URL, never from the request's Host or scheme:
    # the sitemap is cached and shown to everyone.
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class HomeSitemap(I18nSitemap):
    def items(self):
        return ["campaign:home", "campaign:campaigns"]

    def location(self, item):
        return reverse(item)


class PublishedSitemap(I18nSitemap):
    model = None
    related = ()

    def items(self):
        return self.model.objects.published().select_related(*self.related)

    def lastmod(self, item):
        return item.updated_at


def published_sitemap(model, *related):
    return type(f"{model.__name__}Sitemap", (PublishedSitemap,), {"model": model, "related": related})


SITEMAPS = {
    "home": HomeSitemap,
    "campaigns": published_sitemap(Campaign),
    "sections": published_sitemap(Section, "campaign"),
    "stories": published_sitemap(Story, "campaign"),
    "reports": published_sitemap(Report, "campaign"),
}
