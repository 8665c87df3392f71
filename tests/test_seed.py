"""The seed command loads the Kosovo content once, in four languages."""

import pytest
from django.core.management import call_command

from campaign.models import Campaign, Section
from stories.models import Fact, Report, Story

pytestmark = pytest.mark.django_db


def counts():
    return [model.objects.count() for model in (Campaign, Section, Story, Fact, Report)]


def test_seed_creates_the_campaign_story_facts_and_report():
    call_command("load_seed", verbosity=0)
    assert counts() == [1, 8, 1, 5, 1]
    story = Story.objects.get()
    assert story.is_published
    assert story.report.index_number == "EUR 70/010/2004"
    assert [fact.sort_order for fact in story.facts.all()] == [0, 1, 2, 3, 4]
    for language in ("en", "ar", "fr", "es"):
        assert getattr(story, f"title_{language}")
        assert getattr(story, f"body_{language}").count("\n\n") == story.body_en.count("\n\n")
        assert all(getattr(fact, f"text_{language}") for fact in story.facts.all())
    assert story.title_ar != story.title_en


def test_seed_twice_duplicates_nothing():
    call_command("load_seed", verbosity=0)
    first = counts()
    call_command("load_seed", verbosity=0)
    assert counts() == first


def test_seed_never_overwrites_staff_edits():
    call_command("load_seed", verbosity=0)
    story = Story.objects.get()
    story.title_fr = "Titre modifié par l'équipe"
    story.calls_es = ""
    story.save()
    fact = story.facts.first()
    fact.delete()
    call_command("load_seed", verbosity=0)
    story.refresh_from_db()
    assert story.title_fr == "Titre modifié par l'équipe"
    assert story.calls_es == ""
    assert story.facts.count() == 4


def test_seed_gives_the_linked_sections_their_roles():
    call_command("load_seed", verbosity=0)
    roles = dict(Section.objects.exclude(role="").values_list("role", "slug"))
    assert roles == {
        Section.Role.TAKE_ACTION: "act-now",
        Section.Role.STORIES: "stories",
        Section.Role.DONATE_OR_JOIN: "donate-or-join",
        Section.Role.POSTCARDS: "postcards",
    }


def test_seed_does_not_recreate_a_section_whose_address_staff_changed():
    call_command("load_seed", verbosity=0)
    donate = Section.objects.get(role=Section.Role.DONATE_OR_JOIN)
    donate.slug = "support-us"
    donate.save()
    first = counts()
    # Recreating "donate-or-join" would duplicate the page and break the one-section-per-role rule.
    call_command("load_seed", verbosity=0)
    assert counts() == first
    assert not Section.objects.filter(slug="donate-or-join").exists()
