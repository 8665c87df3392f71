"""The featured campaign and the links that every page shows.

Loaded lazily, in two queries, only when a template asks for it: the admin
and the standalone 400 and 500 pages never pay for it.
"""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from actions.sharing.pages import is_shareable

from .caching import query_string
from .models import Campaign, Section


class SiteNavigation:
    def __init__(self, request):
        self.request = request

    @cached_property
    def campaign(self):
        return Campaign.objects.published().first()

    @cached_property
    def sections(self):
        if self.campaign is None:
            return []
        return list(Section.objects.published().filter(campaign=self.campaign))

    @cached_property
    def sections_by_role(self):
        # By role, not slug: staff may rename a section's address, and its links follow it.
        return {section.role: section for section in self.sections if section.role}

    def section_url(self, section):
        return reverse("campaign:section", args=[self.campaign.slug, section.slug])

    def url(self, role):
        """The address of the campaign's published section with this role, or None."""
        section = self.sections_by_role.get(role)
        return None if section is None else self.section_url(section)

    @cached_property
    def campaign_menu(self):
        return [(section.title, self.section_url(section)) for section in self.sections if section.in_menu]

    @cached_property
    def take_action_url(self):
        """The campaign's open action; the list of actions when it has several; else the Take action section."""
        from actions.petitions.models import Action  # here: only this property needs the petitions app

        if self.campaign is not None:
            slugs = list(Action.objects.open().filter(campaign=self.campaign).values_list("slug", flat=True)[:2])
            if len(slugs) == 1:
                return reverse("petitions:action", args=slugs)
            if slugs:
                return reverse("petitions:actions")
        return self.url(Section.Role.TAKE_ACTION)

    @cached_property
    def donate_url(self):
        # The giving pages (actions/giving): they show the "donate or join" section's introduction.
        return reverse("giving:landing")

    @cached_property
    def primary(self):
        """The three calls to action in the site header."""
        return self._present(
            [(_("Take action!"), self.take_action_url), (_("Donate or Join!"), self.donate_url), (_("Stories"), self.url(Section.Role.STORIES))]
        )

    @cached_property
    def footer(self):
        # Only pages that can be sent get the link: not the share form itself, a preview or an error page.
        share_url = reverse("sharing:share") + "?" + query_string([("page", self.request.path)]) if is_shareable(self.request) else None
        links = [
            (_("Join AI"), self.donate_url + "#join"),
            (_("Donate"), self.donate_url + "#donate"),
            (_("Send page to friend"), share_url),
            (_("Campaign home"), reverse("campaign:campaigns")),
        ]
        if self.campaign:
            links.append((_("%(campaign)s home") % {"campaign": self.campaign.title}, self.campaign.get_absolute_url()))
        links += self.campaign_menu
        # The sending form (actions/postcards), whatever the postcards section says.
        links.append((_("Send virtual postcard"), reverse("postcards:send")))
        return self._present(links)

    @staticmethod
    def _present(links):
        return [(label, url) for label, url in links if url]
