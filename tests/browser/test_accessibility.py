"""axe-core finds no WCAG 2.2 A/AA violation on any public page, in any language."""

import pytest
from django.test import override_settings
from post_office.models import Email

from tests.factories import KOSOVO_PATH, LANGUAGES

from .conftest import DESKTOP, PHONE
from .pages import (
    NO_MAIL_ALLOWED,
    PAGES,
    POSTCARD_LANGUAGES,
    SHARE_FORM_DATA,
    SHARE_FORM_LANGUAGES,
    error_pages,
    postcard_form_data,
    postcard_token,
    share_form_url,
    url,
)

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}}).then(results => results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
})))"""


def axe_violations(page, axe_source):
    # Evaluated through the DevTools protocol, so the page's CSP (no inline
    # script) stays in force for the page itself and does not block axe.
    page.evaluate(axe_source)
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def describe(address, violations):
    lines = [f"{address}:"]
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}")
            lines.extend(f"       {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_passes_axe(site, new_page, axe_source, language, viewport):
    page = new_page(viewport=viewport)
    problems = []
    for name, (_path, status) in PAGES.items():
        address = url(language, name)
        response = page.goto(site + address)
        assert response.status == status, address
        violations = axe_violations(page, axe_source)
        if violations:
            problems.append(describe(address, violations))
    assert not problems, "axe-core found WCAG violations:\n" + "\n".join(problems)


def test_axe_is_really_running(page, axe_source):
    """The check above would pass vacuously if axe were not injected; prove it reports."""
    page.set_content('<!doctype html><html><title>x</title><img src="x.png"><a href="/"></a></html>')
    found = {violation["id"] for violation in axe_violations(page, axe_source)}
    assert {"html-has-lang", "image-alt", "link-name"} <= found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_error_pages_pass_axe(site, new_page, axe_source, viewport):
    """The 400, 403 and 500 pages, which no address shows on demand, rendered by their views."""
    page = new_page(viewport=viewport)
    problems = []
    for language, name, html in error_pages():
        # Written into a page of the site, so the stylesheet loads and colour contrast is checked as served.
        page.goto(f"{site}/{language}/")
        page.set_content(html)
        violations = axe_violations(page, axe_source)
        if violations:
            problems.append(describe(f"{name} page ({language})", violations))
    assert not problems, "axe-core found WCAG violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", SHARE_FORM_LANGUAGES)
def test_the_share_form_passes_axe_in_every_state(site, new_page, axe_source, language, viewport):
    """Empty, with mistakes, over the limits and sent, as a visitor gets there: by filling in the form."""
    page = new_page(viewport=viewport)
    states = {}
    page.goto(site + share_form_url(language))
    states["empty"] = axe_violations(page, axe_source)
    page.locator("#share-form [type=submit]").click()
    page.wait_for_selector(".error-summary")
    states["with mistakes"] = axe_violations(page, axe_source)
    for field, value in SHARE_FORM_DATA.items():
        page.locator(f"#id_{field}").fill(value)
    with override_settings(VISITOR_MAIL_LIMITS=NO_MAIL_ALLOWED), page.expect_navigation():
        page.locator("#share-form [type=submit]").click()
    assert page.locator(".error-summary li").count() == 1, "the over-the-limit explanation"
    states["over the limit"] = axe_violations(page, axe_source)
    page.locator("#share-form [type=submit]").click()
    page.wait_for_url(f"{site}/{language}/share/sent/**")
    states["sent"] = axe_violations(page, axe_source)
    problems = [describe(f"share form {state} ({language})", violations) for state, violations in states.items() if violations]
    assert not problems, "axe-core found WCAG violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", POSTCARD_LANGUAGES)
def test_the_postcard_pages_pass_axe_in_every_state(site, new_page, axe_source, language, viewport):
    """Empty, with mistakes, the preview, sent, the card, the deletion question and deleted: as a visitor gets there."""
    page = new_page(viewport=viewport)
    states = {}
    page.goto(f"{site}/{language}/postcards/")
    states["empty"] = axe_violations(page, axe_source)
    page.locator("#postcard-form [type=submit]").click()
    page.wait_for_selector(".error-summary")
    states["with mistakes"] = axe_violations(page, axe_source)
    data = postcard_form_data(language)
    page.locator(f"input[name=design][value={data.pop('design')}]").check()
    for field, value in data.items():
        page.locator(f"#id_{field}").fill(value)
    page.locator("#postcard-form [type=submit]").click()
    page.wait_for_selector("#postcard-confirm")
    states["preview"] = axe_violations(page, axe_source)
    page.locator("#postcard-confirm [name=send]").click()
    page.wait_for_url(f"{site}/{language}/postcards/sent/")
    states["sent"] = axe_violations(page, axe_source)
    page.goto(f"{site}/{language}/postcards/card/{postcard_token(Email.objects.order_by('-pk').first())}/")
    states["card"] = axe_violations(page, axe_source)
    page.locator(".postcard-delete [type=submit]").click()
    page.wait_for_selector("[name=confirm]")
    states["deletion question"] = axe_violations(page, axe_source)
    page.locator("[name=confirm]").click()
    page.wait_for_url(f"{site}/{language}/postcards/deleted/")
    states["deleted"] = axe_violations(page, axe_source)
    problems = [describe(f"postcards {state} ({language})", violations) for state, violations in states.items() if violations]
    assert not problems, "axe-core found WCAG violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_skip_link_comes_first_shows_and_moves_focus_to_main(site, page, language):
    page.goto(f"{site}/{language}{KOSOVO_PATH}")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("link => link === document.activeElement")
    box = skip.bounding_box()
    assert box["y"] >= 0 and 0 <= box["x"] and box["x"] + box["width"] <= page.viewport_size["width"], "the focused skip link is off screen"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_signers_own_pages_pass_axe_in_every_state(site, new_page, axe_source, viewport):
    """Signatures, withdrawal question, withdrawn, bad and expired links, the link form (empty, with a mistake) and its answer."""
    from .pages import SUPPORTER_LANGUAGES, supporter_pages

    page = new_page(viewport=viewport)
    problems = []
    for language, name, address, status in supporter_pages():
        response = page.goto(site + address)
        assert response.status == status, address
        violations = axe_violations(page, axe_source)
        if violations:
            problems.append(describe(f"{name} ({language})", violations))
    for language in SUPPORTER_LANGUAGES:
        page.goto(f"{site}/{language}/my-signatures/")
        page.locator("#id_email").fill("not an address")
        page.locator("#supporter-link-form [type=submit]").click()
        page.wait_for_selector(".error-summary")
        violations = axe_violations(page, axe_source)
        if violations:
            problems.append(describe(f"supporter-request with a mistake ({language})", violations))
    assert not problems, "axe-core found WCAG violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_take_action_passes_axe_in_every_state(site, new_page, axe_source, language, viewport):
    """The appeal empty, with mistakes, the thank-you page, confirmed and a bad link: as a signer gets there."""
    import re

    from django.conf import settings
    from post_office.models import Email

    from .pages import TAKE_ACTION_SLUG

    page = new_page(viewport=viewport)
    states = {}
    page.goto(f"{site}/{language}/act/{TAKE_ACTION_SLUG}/")
    states["empty"] = axe_violations(page, axe_source)
    page.locator("#sign_form [type=submit]").click()
    page.wait_for_selector(".error-summary")
    states["with mistakes"] = axe_violations(page, axe_source)
    page.locator("#id_name").fill("ليلى Haddad")
    page.locator("#id_email").fill(f"layla.{language}.{viewport['width']}@example.org")
    page.locator("#id_country").select_option("MA")
    page.locator("#sign_form [type=submit]").click()
    page.wait_for_url(re.compile(rf"{re.escape(site)}/{language}/act/{TAKE_ACTION_SLUG}/thanks/(#sign)?$"))
    states["thank you"] = axe_violations(page, axe_source)
    confirm = re.search(r"https?://[^/\s]+(/\S+/act/confirm/\S+/)", Email.objects.order_by("-pk").first().message)[1]
    assert settings.SITE_URL not in site
    page.goto(site + confirm)
    states["confirmed"] = axe_violations(page, axe_source)
    assert page.goto(f"{site}/{language}/act/confirm/not-a-real-token/").status == 400
    states["bad link"] = axe_violations(page, axe_source)
    problems = [describe(f"take action, {state} ({language})", violations) for state, violations in states.items() if violations]
    assert not problems, "axe-core found WCAG violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_giving_pages_pass_axe_in_every_state(site, new_page, axe_source, language, viewport):
    """Donate or join: the join form with mistakes as the browser posts it, and the pages reached by a link or a gift."""
    from .pages import giving_addresses

    page = new_page(viewport=viewport)
    states = {}
    page.goto(f"{site}/{language}/give/join/")
    page.locator("form.giving-form [type=submit]").click()
    page.wait_for_selector(".error-summary")
    states["join with mistakes"] = axe_violations(page, axe_source)
    for name, address in giving_addresses(language).items():
        response = page.goto(site + address)
        assert response.status == 200, address
        states[name] = axe_violations(page, axe_source)
    problems = [describe(f"{state} ({language})", violations) for state, violations in states.items() if violations]
    assert not problems, "axe-core found WCAG violations:\n" + "\n".join(problems)
