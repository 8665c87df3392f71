"""The join form and the donation form. Every amount is checked here, on the server.

The donation form is built for one currency, resolved by the view from
what was posted: its presets, its limits and whether it takes monthly gifts
come from the database, never from the browser. A preset is posted as a whole
number of minor units and must be one of that currency's presets; another
amount is parsed by money.parse_amount. Both must lie between the currency's
smallest and largest gift.
"""

import re

from django import forms
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django_countries import countries

from .models import Donation, MembershipType
from .money import Money, example_amount, parse_amount

OTHER = "other"
INVALID_EMAIL = _("Enter an email address in the correct format, like name@example.com.")
# One plain mailbox: no quoted names, brackets or a second address.
NOT_IN_AN_ADDRESS = re.compile(r'[<>"\\,;:\[\]()\s]')
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def plain_mailbox(address):
    if NOT_IN_AN_ADDRESS.search(address):
        raise forms.ValidationError(INVALID_EMAIL, code="invalid")


def email_field(help_text):
    return forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=help_text,
        validators=[plain_mailbox],
        error_messages={"required": _("Enter your email address."), "invalid": INVALID_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr", "spellcheck": "false"}),
    )


def fee_label(membership_type):
    """ "Standard membership – €36 a year", the amount isolated for right-to-left pages."""
    fee = format_html("<bdi>{}</bdi>", membership_type.fee_money.format())
    months = membership_type.period_months
    if months == 12:
        period = escape(_("%(fee)s a year")) % {"fee": fee}
    elif months == 1:
        period = escape(_("%(fee)s a month")) % {"fee": fee}
    else:
        period = escape(ngettext("%(fee)s every %(months)d month", "%(fee)s every %(months)d months", months)) % {"fee": fee, "months": months}
    return format_html("{} – {}", membership_type.name, mark_safe(period))  # noqa: S308 - the pattern is escaped, the fee built by format_html


class MembershipTypeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return fee_label(obj)


class JoinForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        error_messages={"required": _("Enter your name."), "max_length": _("Shorten your name to 120 characters or fewer.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = email_field(_("We send a link to this address to confirm your application."))
    address = forms.CharField(
        label=pgettext_lazy("giving", "Postal address"),
        max_length=500,
        help_text=_("Street and number, town and postcode, on as many lines as you need."),
        error_messages={"required": _("Enter your postal address."), "max_length": _("Shorten your address to 500 characters or fewer.")},
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
    )
    country = forms.ChoiceField(label=_("Country"), error_messages={"required": _("Choose your country."), "invalid_choice": _("Choose your country.")})
    membership_type = MembershipTypeChoice(
        label=pgettext_lazy("giving", "Membership"),
        queryset=MembershipType.objects.filter(active=True),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a membership."), "invalid_choice": _("Choose one of the memberships offered.")},
    )
    consent = forms.BooleanField(
        label=_("I agree that Amnesty International keeps these details to manage my membership and to write to me about it."),
        help_text=_("We use them for nothing else. You can cancel at any time from the link in our emails."),
        error_messages={"required": _("To join, agree to the use of your details.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "join-%s")  # the landing page holds the donation form too: ids of its own
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose your country")), *countries]
        self.fields["country"].widget.attrs["autocomplete"] = "country"

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if CONTROL_CHARACTERS.search(name):
            raise forms.ValidationError(_("Write your name on one line, without special characters."), code="control_characters")
        if not name:
            raise forms.ValidationError(_("Enter your name."), code="required")
        return name

    def clean_address(self):
        address = "\n".join(line.strip() for line in self.cleaned_data["address"].strip().splitlines() if line.strip())
        if CONTROL_CHARACTERS.search(address):
            raise forms.ValidationError(_("Write your address without special characters."), code="control_characters")
        if not address:
            raise forms.ValidationError(_("Enter your postal address."), code="required")
        return address


class DonateForm(forms.Form):
    """A gift in one currency: a preset or another amount, once or every month, and where to send the receipt."""

    frequency = forms.ChoiceField(
        label=pgettext_lazy("giving", "How often"),
        widget=forms.RadioSelect,
        initial=Donation.Frequency.ONE_OFF,
        error_messages={"required": _("Choose how often to give."), "invalid_choice": _("Monthly gifts are not possible in this currency.")},
    )
    amount = forms.ChoiceField(
        label=pgettext_lazy("giving", "Amount"),
        # Checked in clean(): an amount typed in "Other amount" counts even if its radio button was not chosen.
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the amounts shown.")},
    )
    other_amount = forms.CharField(
        label=pgettext_lazy("giving", "Other amount"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "dir": "ltr", "size": 10}),
    )
    email = email_field(_("We send your receipt to this address, and nothing else."))

    def __init__(self, *args, currency, language, **kwargs):
        kwargs.setdefault("auto_id", "donate-%s")
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.language = language
        self.presets = [Money(option.amount, currency.code) for option in currency.options.all()]
        amounts = [(str(money.minor), format_html("<bdi>{}</bdi>", money.format(language))) for money in self.presets]
        if currency.other_amount_allowed:
            amounts.append((OTHER, pgettext_lazy("giving", "Other amount")))
        self.fields["amount"].choices = amounts
        frequencies = [(Donation.Frequency.ONE_OFF, pgettext_lazy("giving", "Once"))]
        if currency.monthly_allowed:
            frequencies.append((Donation.Frequency.MONTHLY, pgettext_lazy("giving", "Every month")))
        self.fields["frequency"].choices = frequencies
        if not currency.other_amount_allowed:
            del self.fields["other_amount"]
        else:
            self.fields["other_amount"].label = _("Other amount, in %(currency)s") % {"currency": currency.code}
            self.fields["other_amount"].help_text = _("Between %(minimum)s and %(maximum)s, such as %(example)s.") % {
                "minimum": currency.minimum_money.format(language),
                "maximum": currency.maximum_money.format(language),
                "example": example_amount(language),
            }

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("amount")
        if not choice and "amount" not in self.errors:
            if "other_amount" in self.fields and cleaned.get("other_amount", "").strip():
                choice = OTHER
            else:
                self.add_error("amount", forms.ValidationError(_("Choose an amount."), code="required"))
        if not choice:
            return cleaned
        if choice == OTHER:
            field = "other_amount"
            try:
                money = parse_amount(cleaned.get("other_amount", ""), self.currency.code, self.language)
            except forms.ValidationError as error:
                self.add_error(field, error)
                return cleaned
        else:
            field = "amount"
            money = Money(int(choice), self.currency.code)  # a choice, so digits only
        if money.minor < self.currency.minimum:
            self.add_error(field, _("The smallest gift we can take is %(minimum)s.") % {"minimum": self.currency.minimum_money.format(self.language)})
        elif money.minor > self.currency.maximum:
            self.add_error(
                field,
                _("The largest gift we can take online is %(maximum)s. To give more, please contact us.")
                % {"maximum": self.currency.maximum_money.format(self.language)},
            )
        else:
            cleaned["money"] = money
        return cleaned


class ChoiceForm(forms.Form):
    """The last step: give once, or give monthly instead."""

    choice = forms.ChoiceField(choices=Donation.Frequency.choices)
