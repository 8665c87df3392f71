"""Staff sign in to the admin, correct the Spanish title of the story, and visitors see it."""

import pytest

from stories.models import Story
from tests.factories import KOSOVO_PATH, STORY_SLUG

pytestmark = pytest.mark.browser

PASSWORD = "a long browser test password"
NEW_TITLE = "Kosovo: las mujeres y niñas víctimas de trata tienen derechos humanos (corregido)"


def test_staff_change_the_spanish_title_in_the_admin(site, new_page, django_user_model, seed):
    django_user_model.objects.create_user("editor", "editor@example.org", PASSWORD, is_staff=True, is_superuser=True)
    page = new_page()
    page.goto(f"{site}/admin/")
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(f"{site}/admin/")

    story = Story.objects.get(slug=STORY_SLUG)
    page.locator('a[href="/admin/stories/story/"]').first.click()
    page.locator(f'#result_list a[href="/admin/stories/story/{story.pk}/change/"]').click()
    title_es = page.locator("#id_title_es")
    assert title_es.input_value() == seed["es"]["story"]["title"]
    title_es.fill(NEW_TITLE)
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{site}/admin/stories/story/")
    assert page.locator(".messagelist .success").count() == 1

    # A visitor (a fresh browser, nothing cached) sees the new title at once.
    visitor = new_page()
    visitor.goto(f"{site}/es{KOSOVO_PATH}")
    assert visitor.get_by_role("heading", level=1).inner_text() == NEW_TITLE
    story.refresh_from_db()
    assert story.title_es == NEW_TITLE
    assert story.title_en == seed["en"]["story"]["title"]
