"""Donate or join in a real browser: a pledge and a membership application, in French and Arabic, with and without JavaScript.

No payment provider is configured here (the default under `make run`): a gift is a pledge.
"""

import re

import pytest
from post_office.models import Email

from actions.giving.models import Donation, Membership

pytestmark = pytest.mark.browser

PLEDGE = {
    "fr": {"amount": "10\u00a0€", "submit": "Continuer vers ma promesse de don", "decline": "Non merci", "thanks": "Merci pour votre promesse de don"},
    "ar": {"amount": "10\u00a0\u2066US$\u2069", "submit": "تابع إلى تعهّدي", "decline": "لا، شكرًا", "thanks": "شكرًا لتعهّدك"},
}
JOIN = {
    "fr": {"submit": "Demander à adhérer", "thanks": "Consultez vos courriels pour confirmer", "confirmed": "Bienvenue à Amnesty International"},
    "ar": {"submit": "قدّم طلب الانضمام", "thanks": "تحقّق من بريدك الإلكتروني للتأكيد", "confirmed": "مرحبًا بك في منظمة العفو الدولية"},
}


@pytest.fixture(params=[True, False], ids=["with-js", "without-js"])
def javascript(request):
    return request.param


@pytest.fixture(autouse=True)
def no_payment_provider(settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_pledge_from_the_landing_page(site, new_page, language, javascript):
    words = PLEDGE[language]
    page = new_page(java_script_enabled=javascript)
    page.goto(f"{site}/{language}/give/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    donate = page.locator("#donate")
    donate.locator("input[name=amount][value='1000']").check()
    assert words["amount"] in donate.locator("label[for=donate-amount_1]").inner_text()
    donate.locator("#donate-email").fill(f"pledge.{language}@example.org")
    donate.get_by_role("button", name=words["submit"]).click()
    page.wait_for_url(re.compile(rf"/{language}/give/donate/[0-9a-f-]+/$"))
    # The gentle invitation to give monthly: declining keeps the one-off gift.
    page.get_by_role("button", name=re.compile(words["decline"])).click()
    page.wait_for_url(re.compile(rf"/{language}/give/donate/[0-9a-f-]+/thanks/$"))
    assert page.locator("h1").inner_text() == words["thanks"]
    donation = Donation.objects.get(email=f"pledge.{language}@example.org")
    assert (donation.provider, donation.frequency, donation.amount, donation.language) == ("pledge", "one_off", 1000, language)
    assert Email.objects.filter(to__icontains=f"pledge.{language}@example.org").count() == 1


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_application_to_join_confirmed_by_its_link(site, new_page, language, javascript):
    words = JOIN[language]
    address = f"join.{language}.{javascript}@example.org"
    page = new_page(java_script_enabled=javascript)
    page.goto(f"{site}/{language}/give/#join")
    join = page.locator("#join")
    join.locator("#join-name").fill("ليلى Haddad")
    join.locator("#join-email").fill(address)
    join.locator("#join-address").fill("12 Rue des Oliviers\n10000 Rabat")
    join.locator("#join-country").select_option("MA")
    join.locator("#join-membership_type_0").check()
    # Sent without the consent first: the form says what is missing, and keeps what was typed.
    join.get_by_role("button", name=words["submit"]).click()
    page.wait_for_selector(".error-summary")
    assert page.locator("#join-email").input_value() == address
    page.locator("#join-consent").check()
    page.get_by_role("button", name=words["submit"]).click()
    page.wait_for_url(f"{site}/{language}/give/join/thanks/")
    assert page.locator("h1").inner_text() == words["thanks"]
    membership = Membership.objects.get(email=address)
    assert (membership.status, membership.language, membership.country.code) == ("pending", language, "MA")
    email = Email.objects.get(to__icontains=address)
    confirm = re.search(r"https://campaign\.example\.org(/\S+/give/join/confirm/\S+/)", email.message)[1]
    page.goto(site + confirm)
    assert page.locator("h1").inner_text() == words["confirmed"]
    membership.refresh_from_db()
    assert membership.status == "confirmed"
