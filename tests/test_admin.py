"""Staff edit every language of a story and its facts in the admin."""

import pytest
from django.urls import reverse

from stories.models import Story

pytestmark = pytest.mark.usefixtures("seeded")


def change_form_data(story):
    """The change form's current values, as the browser would post them back."""
    data = {}
    for field in ("title", "lead", "body", "calls", "contact"):
        for language in ("en", "ar", "fr", "es"):
            data[f"{field}_{language}"] = getattr(story, f"{field}_{language}") or ""
    data.update(
        campaign=story.campaign_id,
        slug=story.slug,
        report=story.report_id or "",
        image="",
        status=story.status,
        published_at_0=story.published_at.strftime("%Y-%m-%d"),
        published_at_1=story.published_at.strftime("%H:%M:%S"),
    )
    facts = list(story.facts.all())
    data.update({"facts-TOTAL_FORMS": len(facts), "facts-INITIAL_FORMS": len(facts), "facts-MIN_NUM_FORMS": 0, "facts-MAX_NUM_FORMS": 1000})
    for index, fact in enumerate(facts):
        data[f"facts-{index}-id"] = fact.pk
        data[f"facts-{index}-story"] = story.pk
        data[f"facts-{index}-sort_order"] = fact.sort_order
        for language in ("en", "ar", "fr", "es"):
            data[f"facts-{index}-text_{language}"] = getattr(fact, f"text_{language}") or ""
    return data


def test_admin_lists_and_opens_the_story(staff_client):
    story = Story.objects.get()
    assert staff_client.get(reverse("admin:stories_story_changelist")).status_code == 200
    response = staff_client.get(reverse("admin:stories_story_change", args=[story.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for language in ("en", "ar", "fr", "es"):
        assert f'name="title_{language}"' in html
        assert f'name="facts-0-text_{language}"' in html
    assert story.get_preview_url() in html


def test_staff_edit_a_translation_and_reorder_facts(staff_client, client):
    story = Story.objects.get()
    data = change_form_data(story)
    data["title_es"] = "Kosovo: título corregido"
    # Move the last fact to the top.
    data["facts-4-sort_order"] = 0
    for index in range(4):
        data[f"facts-{index}-sort_order"] = index + 1
    response = staff_client.post(reverse("admin:stories_story_change", args=[story.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    story.refresh_from_db()
    assert story.title_es == "Kosovo: título corregido"
    assert story.facts.first().text_en.startswith("To date, no trafficked women")

    html = client.get(story.get_absolute_url().replace("/en/", "/es/", 1)).content.decode()
    assert "Kosovo: título corregido" in html
    facts = [fact.text_es for fact in story.facts.all()]
    assert html.index(facts[0]) < html.index(facts[1])


def test_staff_add_a_fact(staff_client):
    story = Story.objects.get()
    data = change_form_data(story)
    data["facts-TOTAL_FORMS"] = 6
    data.update({"facts-5-story": story.pk, "facts-5-sort_order": 9, "facts-5-text_en": "A new fact.", "facts-5-text_fr": "Un fait nouveau."})
    response = staff_client.post(reverse("admin:stories_story_change", args=[story.pk]), data)
    assert response.status_code == 302
    assert story.facts.count() == 6
    assert story.facts.last().text_fr == "Un fait nouveau."


def test_english_title_is_required(staff_client):
    story = Story.objects.get()
    data = change_form_data(story)
    data["title_en"] = ""
    response = staff_client.post(reverse("admin:stories_story_change", args=[story.pk]), data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    story.refresh_from_db()
    assert story.title_en


@pytest.mark.parametrize("model", ["campaign_campaign", "campaign_section", "campaign_image", "stories_report", "stories_story"])
def test_every_content_admin_opens(staff_client, model):
    assert staff_client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:{model}_add")).status_code == 200
