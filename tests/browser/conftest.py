"""Fixtures for the end-to-end checks: headless Chromium, axe-core and the Nu HTML Checker.

`make test` runs them. Without Chromium, Java or node_modules/ they are
skipped, unless REQUIRE_BROWSER=1 (CI sets it), which turns a skip into a failure.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from campaign.management.commands.load_seed import load_translations

# Playwright's sync API keeps an event loop running in the test thread, which
# makes Django refuse ORM calls from it; pytest-django's docs recommend this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def require(available, what):
    """Skip the test when a tool is missing, or fail it when CI requires the tool."""
    if available:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what} is missing, and REQUIRE_BROWSER=1 says it must be there", pytrace=False)
    pytest.skip(f"{what} is missing (set REQUIRE_BROWSER=1 to make this a failure)")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session; each test opens its own contexts."""
    require(CHROMIUM.exists(), str(CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh browser context (own cookies and cache); closed after the test."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def site(live_server, seeded):
    """The seeded site, served by pytest-django's live server; returns its base URL."""
    return live_server.url


@pytest.fixture
def seed():
    """The seed content, by language, exactly as load_seed reads it."""
    return load_translations()


@pytest.fixture(scope="session")
def axe_source():
    require(AXE_JS.exists(), f"{os.path.relpath(AXE_JS, settings.BASE_DIR)} (run `make node-tools`)")
    return AXE_JS.read_text(encoding="utf-8")
