"""The featured campaign and the links that every page shows.

Loaded lazily, in two queries, only when a template asks for it: the admin
and error pages never pay for it.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .models import Campaign, Section

# Slugs of the sections that the site-wide navigation and footer point to.
TAKE_ACTION = "act-now"
DONATE_OR_JOIN = "donate-or-join"
STORIES = "stories"
POSTCARDS = "postcards"


class SiteNavigation:
    def __init__(self, request):
        self.request = request

    @cached_property
    def campaign(self):
        return Campaign.objects.published().first()

    @cached_property
    def sections(self):
        if self.campaign is None:
            return {}
        published = Section.objects.published().filter(campaign=self.campaign)
        return {section.slug: section for section in published}

    def url(self, slug):
        section = self.sections.get(slug)
        if section is None:
            return None
        return reverse("campaign:section", args=[self.campaign.slug, section.slug])

    @cached_property
    def campaign_menu(self):
        return [
            (section.title, reverse("campaign:section", args=[self.campaign.slug, section.slug]))
            for section in self.sections.values()
            if section.in_menu
        ]

    @cached_property
    def take_action_url(self):
        return self.url(TAKE_ACTION)

    @cached_property
    def donate_url(self):
        return self.url(DONATE_OR_JOIN)

    @cached_property
    def primary(self):
        """The three calls to action in the site header."""
        return self._present([(_("Take action!"), self.take_action_url), (_("Donate or Join!"), self.donate_url), (_("Stories"), self.url(STORIES))])

    @cached_property
    def footer(self):
        # The share page itself is not worth sharing: it links to the page it shares.
        on_share_page = self.request.path == reverse("actions:share")
        share_url = None if on_share_page else reverse("actions:share") + "?" + urlencode({"page": self.request.path})
        links = [
            (_("Join AI"), self.donate_url),
            (_("Donate"), self.donate_url),
            (_("Send page to friend"), share_url),
            (_("Campaign home"), reverse("campaign:campaigns")),
        ]
        if self.campaign:
            links.append((_("%(campaign)s home") % {"campaign": self.campaign.title}, self.campaign.get_absolute_url()))
        links += self.campaign_menu
        links.append((_("Send virtual postcard"), self.url(POSTCARDS)))
        return self._present(links)

    @staticmethod
    def _present(links):
        return [(label, url) for label, url in links if url]
