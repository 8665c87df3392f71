"""A visitor reads the Kosovo story in each language, with and without JavaScript."""

import io

import pytest
from PIL import Image

from tests.factories import KOSOVO_PATH, LANGUAGES, REPORT_PATH

from .conftest import DESKTOP

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_read_the_kosovo_story(site, new_page, seed, language, javascript):
    page = new_page(java_script_enabled=javascript)
    response = page.goto(f"{site}/{language}{KOSOVO_PATH}")
    assert response.status == 200
    story, report = seed[language]["story"], seed[language]["report"]

    rtl = language == "ar"
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if rtl else "ltr")
    assert page.get_by_role("heading", level=1).inner_text() == story["title"]
    assert page.title().startswith(story["title"])
    assert page.locator(".facts li").all_inner_texts() == story["facts"]

    # The page really is laid out in the reading direction: the brand sits at the start edge.
    brand = page.locator(".brand").bounding_box()
    middle = DESKTOP["width"] / 2
    assert (brand["x"] > middle) if rtl else (brand["x"] + brand["width"] < middle)

    link = page.locator(".report-link a")
    assert link.get_attribute("href") == f"/{language}{REPORT_PATH}"
    assert report["title"] in link.inner_text()
    link.click()
    page.wait_for_url(f"{site}/{language}{REPORT_PATH}")
    assert page.get_by_role("heading", level=1).inner_text() == report["title"]


def pointing(png):
    """Which way a chevron drawn in dark ink on a light ground points: "left" or "right"."""
    image = Image.open(io.BytesIO(png)).convert("L")
    ink = [(x, y) for y in range(image.height) for x in range(image.width) if image.getpixel((x, y)) < 160]
    assert ink, "no separator was drawn"
    top, bottom = min(y for _x, y in ink), max(y for _x, y in ink)
    left, right = min(x for x, _y in ink), max(x for x, _y in ink)
    # The arms of "›" start at the left and meet at the right; those of "‹" the other way round.
    arm = [x for x, y in ink if y <= top + (bottom - top) / 5]
    return "left" if sum(arm) / len(arm) > (left + right) / 2 else "right"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_breadcrumb_separators_point_on_to_the_next_crumb(site, new_page, language):
    page = new_page(device_scale_factor=3)
    page.goto(f"{site}/{language}{KOSOVO_PATH}")
    crumb = page.locator(".breadcrumbs li + li").first
    item, link = crumb.bounding_box(), crumb.locator("a").bounding_box()
    # The separator fills the gap between the item's start edge and its link.
    if language == "ar":
        start, end = link["x"] + link["width"], item["x"] + item["width"]
    else:
        start, end = item["x"], link["x"]
    separator = page.screenshot(clip={"x": start, "y": link["y"], "width": end - start, "height": link["height"]})
    assert pointing(separator) == ("left" if language == "ar" else "right")
