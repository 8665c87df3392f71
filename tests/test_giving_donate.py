"""Donating without a payment provider (pledges), every amount checked on the server, and the limits on starting gifts."""

import re

import pytest
from django.core.cache import cache
from django.utils import translation
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from post_office.models import Email

from actions.giving import services
from actions.giving.models import Currency, Donation, WayToGive
from tests.test_giving_helpers import (
    SAME_ORIGIN,
    emails_to,
    giving_fixture,  # noqa: F401 - the fixture named giving
    pledges_fixture,  # noqa: F401 - the fixture named pledges
    start_gift,
)

pytestmark = pytest.mark.usefixtures("giving", "pledges")

PLEDGE_WORDS = {
    "en": ("This is a pledge, not a payment.", "Your pledge to Amnesty International: how to give"),
    "ar": ("هذا تعهّد وليس دفعة.", "تعهّدك لمنظمة العفو الدولية: طرق التبرّع"),
    "fr": ("Ceci est une promesse de don, pas un paiement.", "Votre promesse de don à Amnesty International : comment donner"),
    "es": ("Esto es un compromiso de donativo, no un pago.", "Tu compromiso de donativo con Amnistía Internacional: cómo donar"),
}


@pytest.mark.parametrize("language", ["en", "ar", "fr", "es"])
def test_a_pledge_in_each_language_is_stored_with_its_email(client, language):
    currency = services.default_currency(language).code
    started = start_gift(client, language, currency=currency, amount="2500", email=f"{language}@example.org")
    assert started.status_code == 303
    step = client.get(started.headers["Location"])
    assert step.status_code == 200
    notice, subject = PLEDGE_WORDS[language]
    assert notice in step.content.decode(), "the last step says plainly that nothing is charged"
    assert not Email.objects.exists(), "nothing is emailed before the donor decides"

    done = client.post(started.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    assert done.status_code == 303
    donation = Donation.objects.get()
    assert (donation.provider, donation.status, donation.frequency, donation.amount, donation.currency) == ("pledge", "pending", "one_off", 2500, currency)
    assert donation.language == language
    assert donation.submitted_at is not None

    [email] = emails_to(f"{language}@example.org")
    assert email.subject == subject
    with translation.override(language):
        way = WayToGive.objects.get(active=True)
        assert way.title in email.message and way.link_url in email.message, "the ways to give are in the email"
    assert donation.money.format(language) in email.message

    thanks = client.get(done.headers["Location"])
    html = thanks.content.decode()
    assert notice in html
    assert "no-store" in thanks.headers["Cache-Control"]
    assert 'href="https://www.amnesty.org/' in html


def test_the_pledge_page_and_email_show_only_ways_staff_switched_on(client):
    started = start_gift(client)
    client.post(started.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    [email] = emails_to("donor@example.org")
    assert "Through your local section" in email.message
    assert "IBAN" not in email.message, "the seed's example bank details stay hidden until staff fill in real ones"


def test_accepting_the_monthly_invitation_replaces_the_one_off_gift(client):
    started = start_gift(client, amount="5000")
    step = client.get(started.headers["Location"]).content.decode()
    assert "Would you give every month instead?" in step
    assert "£50" in step and "£10" in step, "the one-off amount and the smaller monthly one are both shown"

    client.post(started.headers["Location"], {"choice": "monthly"}, **SAME_ORIGIN)
    donation = Donation.objects.get()
    assert (donation.frequency, donation.amount) == ("monthly", 1000), "one gift, now monthly: never the one-off as well"
    assert len(emails_to("donor@example.org")) == 1

    # A second answer (another tab, the back button) changes nothing.
    client.post(started.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    donation.refresh_from_db()
    assert (Donation.objects.count(), donation.frequency, donation.amount) == (1, "monthly", 1000)
    assert len(emails_to("donor@example.org")) == 1


def test_declining_the_invitation_keeps_the_one_off_gift(client):
    started = start_gift(client, amount="5000")
    client.post(started.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    donation = Donation.objects.get()
    assert (donation.frequency, donation.amount) == ("one_off", 5000)


def test_a_monthly_gift_is_not_invited_again(client):
    started = start_gift(client, frequency="monthly", amount="1000")
    html = client.get(started.headers["Location"]).content.decode()
    assert "Would you give every month instead?" not in html
    assert "every month" in html


def test_monthly_gifts_only_where_the_currency_allows_them(client):
    Currency.objects.filter(code="GBP").update(monthly_allowed=False)
    refused = start_gift(client, frequency="monthly")
    assert refused.status_code == 400
    assert "Monthly gifts are not possible in this currency." in refused.content.decode()
    started = start_gift(client, frequency="one_off")
    assert "Would you give every month instead?" not in client.get(started.headers["Location"]).content.decode()
    client.post(started.headers["Location"], {"choice": "monthly"}, **SAME_ORIGIN)
    assert Donation.objects.get().frequency == "one_off", "a forged answer cannot make it monthly"


# Every amount is checked on the server ----------------------------------------------------------


@pytest.mark.parametrize(
    "language,other,expected",
    [
        ("en", "1.99", "The smallest gift we can take is £2."),
        ("en", "10000.01", "The largest gift we can take online is £10,000."),
        ("en", "1e9", "Enter the amount in figures, such as 10.50."),
        ("en", "-5", "Enter the amount in figures"),
        ("en", "0.001", "Enter at most 2 digits after the decimal separator"),
        ("en", "0", "The smallest gift we can take is £2."),
    ],
)
def test_amounts_outside_the_limits_are_refused(client, language, other, expected):
    response = start_gift(client, language, amount="other", other=other)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not Donation.objects.exists()


@pytest.mark.parametrize("language,currency,other,minor", [("fr", "EUR", "10,50", 1050), ("ar", "USD", "١٠٠", 10000), ("es", "EUR", "1.000", 100000)])
def test_other_amounts_in_each_language(client, language, currency, other, minor):
    assert start_gift(client, language, currency=currency, amount="other", other=other).status_code == 303
    assert Donation.objects.get().amount == minor


def test_an_amount_typed_without_choosing_other_still_counts(client):
    response = client.post("/en/give/donate/", {"currency": "GBP", "frequency": "one_off", "other_amount": "12", "email": "a@example.org"}, **SAME_ORIGIN)
    assert response.status_code == 303
    assert Donation.objects.get().amount == 1200


def test_a_forged_preset_or_currency_is_refused(client):
    assert start_gift(client, amount="1").status_code == 400, "only the currency's own presets"
    assert start_gift(client, amount="99999999999999999999").status_code == 400
    Currency.objects.filter(code="USD").update(active=False)
    refused = start_gift(client, currency="USD")
    assert refused.status_code == 400
    assert "That currency is not offered." in refused.content.decode()
    assert start_gift(client, currency="XYZ").status_code == 400
    assert not Donation.objects.exists()


def test_other_amounts_only_where_the_currency_allows_them(client):
    Currency.objects.filter(code="GBP").update(other_amount_allowed=False)
    assert start_gift(client, amount="other", other="12").status_code == 400
    assert 'name="other_amount"' not in client.get("/en/give/donate/").content.decode()


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(other=st.text(max_size=30) | st.decimals(allow_nan=True, allow_infinity=True).map(str) | st.integers().map(str))
@example(other="1e9")
@example(other="-5")
@example(other="0.001")
@example(other="١٠٠")
@example(other="10,50")
def test_whatever_is_typed_no_gift_outside_the_limits_is_recorded(client, other):
    Donation.objects.all().delete()
    cache.clear()  # each example is a new visitor, under the rate limits
    response = start_gift(client, "fr", currency="EUR", amount="other", other=other)
    assert response.status_code in (303, 400)
    for donation in Donation.objects.all():
        currency = Currency.objects.get(code="EUR")
        assert currency.minimum <= donation.amount <= currency.maximum
        assert isinstance(donation.amount, int)


# The currency -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language,currency", [("en", "GBP"), ("fr", "EUR"), ("es", "EUR"), ("ar", "USD")])
def test_the_language_chooses_the_currency(client, language, currency):
    html = client.get(f"/{language}/give/").content.decode()
    assert f'<input type="hidden" name="currency" value="{currency}">' in html
    assert re.search(rf'<option value="{currency}" selected>', html)


def test_the_default_currencies_are_settings(client, settings):
    settings.GIVING_DEFAULT_CURRENCIES = {"en": "USD"}
    assert '<input type="hidden" name="currency" value="USD">' in client.get("/en/give/").content.decode()
    settings.GIVING_DEFAULT_CURRENCIES = {"en": "JPY"}  # not offered: the first one that is
    cache.clear()  # a settings change is no content edit: the cached page is dropped by hand
    assert '<input type="hidden" name="currency" value="GBP">' in client.get("/en/give/").content.decode()


def test_the_visitor_changes_the_currency_with_a_plain_form(client):
    html = client.get("/en/give/").content.decode()
    assert '<form class="giving-currency" method="get" action="/en/give/#donate">' in html
    chosen = client.get("/en/give/", {"currency": "EUR"})
    assert chosen.status_code == 200
    html = chosen.content.decode()
    assert '<input type="hidden" name="currency" value="EUR">' in html
    assert "€25" in html
    assert "public" in chosen.headers["Cache-Control"], "one cached page per currency"
    assert client.get("/en/give/", {"currency": "XYZ"}).headers["Location"] == "/en/give/", "no page for a currency not offered"


# Rate limits -------------------------------------------------------------------------------------


def test_starting_gifts_is_rate_limited_per_email(client, settings):
    settings.GIVING_RATE_PER_EMAIL = "3/h"
    for _ in range(3):
        assert start_gift(client).status_code == 303
    refused = start_gift(client, "fr")
    assert refused.status_code == 429
    assert "Veuillez réessayer plus tard" in refused.content.decode()
    assert refused.headers["Retry-After"] == "3600"
    assert Donation.objects.count() == 3
    assert start_gift(client, email="someone.else@example.org").status_code == 303


def test_starting_gifts_is_rate_limited_per_address(client, settings):
    settings.GIVING_RATE_PER_IP = "2/h"
    assert start_gift(client, email="a@example.org").status_code == 303
    assert start_gift(client, email="b@example.org").status_code == 303
    assert start_gift(client, email="c@example.org").status_code == 429
    assert start_gift(client, email="d@example.org", REMOTE_ADDR="198.51.100.7").status_code == 303, "another visitor is not held back"


def test_pledges_are_rate_limited_at_the_last_step_too(client, settings):
    settings.GIVING_RATE_PER_EMAIL = "1/h"
    started = start_gift(client)
    # The form counted once for this email; the last step counts on its own, once per gift.
    done = client.post(started.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    assert done.status_code == 303
    assert start_gift(client).status_code == 429


def test_gifts_never_taken_to_the_last_step_are_forgotten(client):
    import datetime

    from django.utils import timezone

    abandoned = start_gift(client, email="gone@example.org")
    kept = start_gift(client, email="kept@example.org")
    client.post(kept.headers["Location"], {"choice": "one_off"}, **SAME_ORIGIN)
    Donation.objects.update(created_at=timezone.now() - datetime.timedelta(days=3))
    assert services.delete_abandoned_donations() == 1
    assert list(Donation.objects.values_list("email", flat=True)) == ["kept@example.org"]
    assert client.get(abandoned.headers["Location"]).status_code == 404


def test_the_housekeeping_jobs_are_registered():
    from campaign.housekeeping import discover

    jobs = discover()
    assert {"update_memberships", "delete_abandoned_donations"} <= set(jobs)
    assert jobs["delete_abandoned_donations"]() == "0 abandoned gifts deleted"
