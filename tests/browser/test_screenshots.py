"""Full-page screenshots of the key pages, English and Arabic, phone and desktop.

They land in var/screenshots/ (CI keeps the folder) for a person to look at;
the test itself checks only that nothing spills out sideways.
"""

import pytest

from .conftest import DESKTOP, PHONE, SCREENSHOT_DIR
from .pages import url

pytestmark = pytest.mark.browser

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_screenshots_of_the_key_pages(site, new_page, language):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for device, viewport, options in [("phone", PHONE, {"is_mobile": True, "has_touch": True}), ("desktop", DESKTOP, {})]:
        page = new_page(viewport=viewport, **options)
        for name in ("home", "story", "report"):
            address = url(language, name)
            assert page.goto(site + address).status == 200
            page.screenshot(path=SCREENSHOT_DIR / f"{name}-{language}-{device}.png", full_page=True)
            assert page.evaluate(OVERFLOW) <= 0, f"{address} scrolls sideways on a {device} ({viewport['width']}px wide)"
