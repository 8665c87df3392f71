"""Money: whole minor units, amounts typed in four languages, and Babel's formatting for each."""

import datetime
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from actions.giving.money import Money, babel_locale, format_date, format_money, parse_amount

LANGUAGES = ("en", "ar", "fr", "es")


# Formatting, for a fixed amount and date, in each locale -------------------------------------


@pytest.mark.parametrize(
    "language,money,expected",
    [
        ("en", Money(123450, "GBP"), "£1,234.50"),
        ("en", Money(1000, "GBP"), "£10"),
        ("en", Money(1000, "USD"), "US$10"),
        ("fr", Money(123450, "EUR"), "1\u202f234,50\u00a0€"),  # narrow no-break space between thousands, no-break space before €
        ("fr", Money(1000, "EUR"), "10\u00a0€"),
        ("es", Money(123450, "EUR"), "1.234,50\u00a0€"),
        ("es", Money(1050, "EUR"), "10,50\u00a0€"),
        # The Latin symbol is isolated (LRI … PDI), so right-to-left text shows "US$", not "$US".
        ("ar", Money(123450, "USD"), "\u200f1,234.50\u00a0\u2066US$\u2069"),
        ("ar", Money(1000, "USD"), "\u200f10\u00a0\u2066US$\u2069"),
        ("ar", Money(1000, "EUR"), "\u200f10\u00a0\u2066€\u2069"),
    ],
)
def test_amounts_are_formatted_for_each_locale(language, money, expected):
    assert format_money(money, language) == expected


@pytest.mark.parametrize(
    "language,expected",
    [("en", "5 March 2026"), ("fr", "5 mars 2026"), ("es", "5 de marzo de 2026"), ("ar", "5 مارس 2026")],
)
def test_dates_are_formatted_for_each_locale(language, expected):
    assert format_date(datetime.date(2026, 3, 5), language) == expected


def test_money_refuses_anything_but_a_whole_number_of_minor_units():
    for wrong in (10.5, Decimal("10"), True, "10"):
        with pytest.raises(TypeError):
            Money(wrong, "EUR")
    with pytest.raises(ValueError):
        Money(10, "eur")
    assert Money(1050, "EUR").major == Decimal("10.50")


# Reading what a visitor typed ----------------------------------------------------------------


@pytest.mark.parametrize(
    "language,typed,minor",
    [
        ("en", "10", 1000),
        ("en", "10.50", 1050),
        ("en", "10,50", 1050),
        ("en", "1,000", 100000),
        ("en", "1,000.25", 100025),
        ("fr", "10,50", 1050),
        ("fr", "10.50", 1050),
        ("fr", "1 000", 100000),
        ("fr", "1\u202f000,50", 100050),
        ("es", "1.000", 100000),
        ("es", "1.000,5", 100050),
        # Arabic-Indic digits are read, not refused; so are Persian ones and the Arabic decimal separator.
        ("ar", "١٠٠", 10000),
        ("ar", "١٠٠٫٥٠", 10050),
        ("ar", "۲۵", 2500),
        ("ar", "\u200f25", 2500),
        ("ar", "\u200f10.50\u00a0\u2066", 1050),  # copied from the page up to the symbol
    ],
)
def test_amounts_typed_in_each_language_are_read(language, typed, minor):
    assert parse_amount(typed, "EUR", language) == Money(minor, "EUR")


@pytest.mark.parametrize(
    "language,typed,code",
    [
        ("en", "1e9", "invalid"),
        ("en", "-5", "invalid"),
        ("en", "+5", "invalid"),
        ("en", "0.001", "decimals"),
        ("es", "0.001", "invalid"),  # "." groups thousands in Spanish, and "0.001" is no grouped number
        ("fr", "1.000", "decimals"),  # not French grouping: three decimals, refused rather than misread
        ("en", "1,00,0", "invalid"),
        ("en", "£10", "invalid"),
        ("en", "10 EUR", "invalid"),
        ("en", "NaN", "invalid"),
        ("en", "Infinity", "invalid"),
        ("en", "", "required"),
        ("en", "1" * 30, "invalid"),
        ("en", "10.", "invalid"),
        ("en", ".5", "invalid"),
    ],
)
def test_odd_amounts_are_refused_with_a_reason(language, typed, code):
    with pytest.raises(ValidationError) as refused:
        parse_amount(typed, "EUR", language)
    assert refused.value.code == code


def test_a_currency_without_decimals_takes_whole_amounts_only():
    assert parse_amount("1500", "JPY", "en") == Money(1500, "JPY")
    with pytest.raises(ValidationError) as refused:
        parse_amount("15.5", "JPY", "en")
    assert refused.value.code == "decimals"


def test_the_error_shows_an_amount_as_the_language_writes_it():
    with pytest.raises(ValidationError) as refused:
        parse_amount("abc", "EUR", "fr")
    assert "10,50" in refused.value.messages[0]


@given(text=st.text(max_size=40), language=st.sampled_from(LANGUAGES))
@example(text="1e9", language="en")
@example(text="-5", language="fr")
@example(text="0.001", language="en")
@example(text="١٠٠", language="ar")
@example(text="10,50", language="fr")
def test_any_text_is_either_refused_or_a_whole_positive_number_of_cents(text, language):
    try:
        money = parse_amount(text, "EUR", language)
    except ValidationError:
        return
    assert type(money.minor) is int and money.minor >= 0
    assert money.currency == "EUR"


@given(minor=st.integers(min_value=1, max_value=10**10), language=st.sampled_from(LANGUAGES))
def test_an_amount_written_as_the_language_writes_it_reads_back_the_same(minor, language):
    written = format_decimal(Decimal(minor).scaleb(-2), format="#,##0.00", locale=babel_locale(language))
    assert parse_amount(written, "EUR", language) == Money(minor, "EUR")
