"""Money as whole numbers of the currency's smallest unit, never floats.

Every amount in this app (presets, minimums, gifts, fees, what the payment
provider reports) is a `Money`: an int of minor units (pence, cents) and an
ISO 4217 code. Decimals appear only at the edges: when a visitor types an
amount (`parse_amount`) and when one is shown (`format_money`, with Babel, in
the conventions of the page's language).

What a visitor may type, in any of the site's languages:

- digits, in any script: Arabic-Indic "١٠٠" is read as 100 (normalised, not
  refused), and so is Persian "۱۰۰";
- one decimal separator, "." or ",", followed by at most as many digits as
  the currency has (two for GBP, EUR, USD): "10,50" and "10.50" are both ten
  fifty, in every language, and so is the Arabic decimal separator "٫";
- thousands separators only as the language writes them: "1,000" in English,
  "1.000" in Spanish, "1 000" in French (spaces are ignored everywhere).

Anything else is refused with a message that says what to type: signs
("-5", "+5"), exponents ("1e9"), currency symbols, more decimals than the
currency has ("0.001"), badly grouped digits ("1,00,0"), and anything longer
than MAX_INPUT_LENGTH characters. Whether the amount is allowed (the
currency's minimum and maximum) is checked afterwards, on the whole number.
"""

import copy
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal, get_currency_precision, get_currency_symbol, get_group_symbol, list_currencies
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

MAX_INPUT_LENGTH = 24
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
# Bidi marks and other invisible format characters that copying an amount from an Arabic page brings along.
INVISIBLE = {"\u200e", "\u200f", "\u061c", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\ufeff"}
ARABIC_DECIMAL_SEPARATOR = "\u066b"
ARABIC_THOUSANDS_SEPARATOR = "\u066c"
LEFT_TO_RIGHT_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2066", "\u2069"
NUMBER = re.compile(r"^[0-9]+(?:[.,][0-9]+)*$")


def is_known_currency(code):
    return bool(CURRENCY_CODE.match(code or "")) and code in list_currencies()


def currency_exponent(code):
    """How many decimal places the currency has: 2 for GBP, 0 for JPY."""
    return get_currency_precision(code)


@dataclass(frozen=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self):
        # bool is an int too, and a float or Decimal here would be the bug this class exists to prevent.
        if type(self.minor) is not int:
            raise TypeError(f"Money takes a whole number of minor units, not {type(self.minor).__name__}")
        if not CURRENCY_CODE.match(self.currency or ""):
            raise ValueError(f"Not an ISO 4217 currency code: {self.currency!r}")

    @property
    def exponent(self):
        return currency_exponent(self.currency)

    @property
    def major(self):
        """The amount as a Decimal in major units, for display and for people, never for arithmetic."""
        return Decimal(self.minor).scaleb(-self.exponent)

    def format(self, language=None):
        return format_money(self, language)

    def __str__(self):
        return f"{self.major} {self.currency}"


def babel_locale(language=None):
    """The Babel locale for a site language: en → en_GB, fr → fr_FR… (settings.GIVING_LOCALES)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return settings.GIVING_LOCALES.get(language, language)


def format_money(money, language=None):
    """The amount as the page's language writes it: "£10", "10,50 €", "‏10.00 US$"…

    Whole amounts drop the zeros ("£10", not "£10.00"); others show every decimal the currency has.
    """
    locale = babel_locale(language)
    exponent = money.exponent
    if money.minor % (10**exponent) == 0:
        pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
        pattern.frac_prec = (0, 0)
        text = format_currency(money.major, money.currency, format=pattern, locale=locale, currency_digits=False)
    else:
        text = format_currency(money.major, money.currency, locale=locale)
    if Locale.parse(locale).character_order == "right-to-left":
        # "US$" inside right-to-left text would show as "$US": the symbol keeps its own order, isolated.
        symbol = get_currency_symbol(money.currency, locale=locale)
        text = text.replace(symbol, f"{LEFT_TO_RIGHT_ISOLATE}{symbol}{POP_DIRECTIONAL_ISOLATE}", 1)
    return text


def format_date(value, language=None):
    """A date as the language writes it in full: "5 March 2026", "5 mars 2026", "5 de marzo de 2026", "5 مارس 2026"."""
    return babel_format_date(value, format="long", locale=babel_locale(language))


def example_amount(language=None):
    """ "10.50" or "10,50": how the hint and the error messages show an amount to type."""
    return format_decimal(Decimal("10.50"), format="0.00", locale=babel_locale(language))


def _plain_digits(text):
    characters = []
    for character in text:
        if character in INVISIBLE or unicodedata.category(character) == "Zs":
            continue  # spaces of every width, as French groups thousands, and bidi marks
        if character == ARABIC_DECIMAL_SEPARATOR:
            characters.append(".")
        elif character == ARABIC_THOUSANDS_SEPARATOR:
            characters.append(",")
        elif character.isdigit() and unicodedata.decimal(character, None) is not None:
            characters.append(str(unicodedata.decimal(character)))
        else:
            characters.append(character)
    return "".join(characters)


def _invalid(language):
    return ValidationError(
        _("Enter the amount in figures, such as %(example)s."),
        code="invalid",
        params={"example": example_amount(language)},
    )


def parse_amount(text, currency, language=None):
    """What a visitor typed as a `Money` in `currency`, or a ValidationError saying what to type instead."""
    text = str(text or "").strip()
    if not text:
        raise ValidationError(_("Enter an amount."), code="required")
    if len(text) > MAX_INPUT_LENGTH:
        raise _invalid(language)
    digits = _plain_digits(text)
    if not NUMBER.match(digits):
        raise _invalid(language)
    exponent = currency_exponent(currency)
    group_symbol = get_group_symbol(babel_locale(language))
    parts = re.split(r"([.,])", digits)  # digits, separator, digits, separator, …, digits
    integer_parts, fraction = parts, ""
    if len(parts) > 1:
        separator, last = parts[-2], parts[-1]
        if not (separator == group_symbol and len(last) == 3):
            # The last separator is the decimal one, whichever of the two was typed.
            integer_parts, fraction = parts[:-2], last
    if integer_parts[1::2] and not _well_grouped(integer_parts, group_symbol):
        raise _invalid(language)
    if len(fraction) > exponent:
        if exponent == 0:
            raise ValidationError(_("Enter a whole amount, without decimals."), code="decimals")
        raise ValidationError(
            _("Enter at most %(digits)d digits after the decimal separator, such as %(example)s."),
            code="decimals",
            params={"digits": exponent, "example": example_amount(language)},
        )
    whole = int("".join(integer_parts[0::2]))
    minor = whole * 10**exponent + (int(fraction.ljust(exponent, "0")) if exponent else 0)
    return Money(minor, currency)


def _well_grouped(parts, group_symbol):
    """Thousands written as the language writes them: "1,000,000" in English, "1.000" in Spanish."""
    groups, separators = parts[0::2], parts[1::2]
    if any(separator != group_symbol for separator in separators):
        return False
    first, rest = groups[0], groups[1:]
    return 1 <= len(first) <= 3 and not first.startswith("0") and all(len(group) == 3 for group in rest)
