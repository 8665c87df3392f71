"""The header and footer find their sections by role, so renaming a section keeps its links."""

import importlib
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from campaign.models import Section
from tests.factories import make_campaign, make_section

pytestmark = pytest.mark.django_db

# The migration's module name starts with a digit, so it cannot be imported with `import`.
role_migration = importlib.import_module("campaign.migrations.0002_section_role")


def links_by_label(html, region):
    block = re.search(region, html, re.S).group()
    return {label: href for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<>]+)</a>', block)}


@pytest.mark.usefixtures("seeded")
def test_renaming_the_donate_section_keeps_the_donate_links(client, django_capture_on_commit_callbacks):
    """The links lead to the giving flow's own pages, which show the section found by its role."""
    section = Section.objects.get(role=Section.Role.DONATE_OR_JOIN)
    section.slug = "support-us"
    section.intro_en = "Support our work."
    with django_capture_on_commit_callbacks(execute=True):
        section.save()
    html = client.get("/en/").content.decode()
    assert links_by_label(html, r'<nav class="primary-nav".*?</nav>')["Donate or Join!"] == "/en/give/"
    footer = links_by_label(html, r"<footer.*?</footer>")
    assert footer["Donate"] == "/en/give/#donate"
    assert footer["Join AI"] == "/en/give/#join"
    assert footer["Send virtual postcard"] == "/en/postcards/"
    assert "Support our work." in client.get("/en/give/").content.decode()


def test_links_follow_the_role_not_the_slug(client):
    campaign = make_campaign()
    make_section(campaign, "stories")  # the old fixed slug, but no role
    make_section(campaign, "tales", kind=Section.Kind.STORIES, role=Section.Role.STORIES)
    html = client.get("/en/").content.decode()
    assert links_by_label(html, r'<nav class="primary-nav".*?</nav>') == {"Donate or Join!": "/en/give/", "Stories": f"/en/campaigns/{campaign.slug}/tales/"}
    assert "Take action!" not in html, "no open action, and no section has that role"


def test_a_draft_section_gives_no_link_even_with_a_role(client):
    campaign = make_campaign()
    make_section(campaign, "act-now", role=Section.Role.TAKE_ACTION, status=Section.Status.DRAFT)
    assert "Take action!" not in client.get("/en/").content.decode()


def test_the_database_refuses_a_second_section_with_the_same_role_in_a_campaign():
    campaign = make_campaign()
    make_section(campaign, "donate", role=Section.Role.DONATE_OR_JOIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_section(campaign, "give", role=Section.Role.DONATE_OR_JOIN)


def test_roles_are_per_campaign_and_no_role_may_repeat():
    first, second = make_campaign("first"), make_campaign("second")
    make_section(first, "donate", role=Section.Role.DONATE_OR_JOIN)
    make_section(second, "donate", role=Section.Role.DONATE_OR_JOIN)
    make_section(first, "issues")
    make_section(first, "go-global")
    assert Section.objects.filter(role="").count() == 2


def test_the_admin_form_explains_a_taken_role():
    campaign = make_campaign()
    make_section(campaign, "donate", role=Section.Role.DONATE_OR_JOIN)
    duplicate = Section(campaign=campaign, slug="give", title_en="Give", role=Section.Role.DONATE_OR_JOIN)
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert "Another section of this campaign already has this role." in str(refused.value)


def test_the_section_admin_shows_the_role_with_its_help_text(staff_client):
    html = staff_client.get(reverse("admin:campaign_section_add")).content.decode()
    assert 'name="role"' in html
    assert "The link in the site header and footer that leads to this section" in html
    assert staff_client.get(reverse("admin:campaign_section_changelist")).status_code == 200


def test_the_migration_gives_existing_sections_the_role_of_their_old_slug():
    campaign = make_campaign()
    for slug in ("act-now", "issues", "stories", "donate-or-join", "postcards"):
        make_section(campaign, slug)
    role_migration.set_roles_from_former_slugs(apps, schema_editor=None)
    roles = dict(Section.objects.values_list("slug", "role"))
    assert roles == {
        "act-now": Section.Role.TAKE_ACTION,
        "issues": "",
        "stories": Section.Role.STORIES,
        "donate-or-join": Section.Role.DONATE_OR_JOIN,
        "postcards": Section.Role.POSTCARDS,
    }
