"""Send this page to a friend: from the story to a ready-made email, no JavaScript needed."""

from urllib.parse import unquote

import pytest
from django.conf import settings

from tests.factories import KOSOVO_PATH

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_send_the_story_to_a_friend(site, new_page, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto(f"{site}/fr{KOSOVO_PATH}")
    page.get_by_role("link", name="Envoyer cette page à un ami").click()
    page.wait_for_url(f"{site}/fr/share/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Envoyer cette page à un ami"

    mailto = unquote(page.get_by_role("link", name="Rédiger le courriel").get_attribute("href"))
    assert mailto.startswith("mailto:?subject=Une page d’Amnesty International&body=")
    # Links to share come from SITE_URL, whatever address the visitor used.
    assert f"{settings.SITE_URL}/fr{KOSOVO_PATH}" in mailto
    assert page.get_by_label("Ou copiez le lien de la page").input_value() == f"{settings.SITE_URL}/fr{KOSOVO_PATH}"

    page.get_by_role("link", name="Revenir à la page").click()
    page.wait_for_url(f"{site}/fr{KOSOVO_PATH}")
    assert page.context.cookies() == [], "sharing a page leaves no trace in the browser"
