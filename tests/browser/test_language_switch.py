"""The language switcher in the footer keeps the visitor on the same story."""

import pytest
from django.conf import settings

from tests.factories import KOSOVO_PATH

pytestmark = pytest.mark.browser


def test_switch_language_from_the_footer_stays_on_the_story(site, page, seed):
    page.goto(f"{site}/en{KOSOVO_PATH}")
    # Round the four languages and back to English, one click each.
    for code, name in [*settings.LANGUAGES[1:], settings.LANGUAGES[0]]:
        page.locator(".language-switcher").get_by_role("link", name=name, exact=True).click()
        page.wait_for_url(f"{site}/{code}{KOSOVO_PATH}")
        assert page.locator("html").get_attribute("lang") == code
        assert page.get_by_role("heading", level=1).inner_text() == seed[code]["story"]["title"]
        current = page.locator(".language-switcher a[aria-current]")
        assert current.get_attribute("hreflang") == code
