"""The signing form: name, email, country, an optional comment, two consents and a trap for bots.

Every field accepts what a person writes, in any script, and refuses with a
message in the page's language what it cannot store and show cleanly:

- names are one line of text: line breaks and other control characters are
  refused, direction controls (embeddings, overrides, isolates and the
  LRM/RLM/ALM marks) are dropped, runs of spaces become one, and a web
  address is refused (first names may be shown publicly);
- email addresses are plain addresses: no quoted local part, no spaces,
  control or invisible characters, so nothing can reach a mail header;
- comments keep their line breaks (as \\n) but drop other control and
  direction characters;
- private-use characters are refused or dropped everywhere: the page cache
  marks its live values with them (campaign/caching.py), and a signer's text
  shown on a cached page must never look like one.

Lengths are checked after that clean-up, so a browser's CR LF line breaks
count as one character, as the browser's own counter shows them.
"""

import re
import unicodedata
from functools import lru_cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField
from django_countries.widgets import LazySelect

from .addresses import mailbox_key
from .models import Signature
from .services import Signer

NAME_MAX_LENGTH = Signature._meta.get_field("name").max_length
EMAIL_MAX_LENGTH = Signature._meta.get_field("email").max_length
COMMENT_MAX_LENGTH = Signature._meta.get_field("comment").max_length

# Embeddings, overrides, isolates and the implicit marks: they could reorder
# the text around a name shown on a page, and a name does not need them.
DIRECTION_CONTROLS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# آ أ إ ٱ are alef: one letter when sorting.
ALEF_FORMS = dict.fromkeys(map(ord, "\u0622\u0623\u0625\u0671"), "\u0627")
LINK = re.compile(r"https?:|www\.|://|[^\W_]\.[^\W\d_]{2,}", re.IGNORECASE)


def category(character):
    return unicodedata.category(character)


def plain_line(text):
    """NFC, no direction controls, any run of spaces made one space."""
    return " ".join(unicodedata.normalize("NFC", text).translate(DIRECTION_CONTROLS).split())


def has_special_characters(text):
    """Line breaks and other control characters (Cc), lone surrogates (Cs), private use (Co)."""
    return any(category(character) in {"Cc", "Cs", "Co"} or character in "\u2028\u2029" for character in text)


def collation_key(name):
    """Sort country names as a reader of the language expects, without a collation library.

    Accents and marks are ignored (Émirats with Egypte), and in Arabic the
    forms of alef are one letter and the article is skipped (الأرجنتين under أ).
    """
    letters = "".join(character for character in unicodedata.normalize("NFKD", str(name)) if category(character) != "Mn").casefold()
    letters = letters.translate(ALEF_FORMS)
    return letters.removeprefix("ال") if len(letters) > 3 else letters


@lru_cache(maxsize=16)
def country_choices(language):
    """Countries named and sorted in `language`, worked out once per process (django-countries sorts by ASCII letters alone without pyuca)."""
    with translation.override(language):
        names = tuple((code, str(name)) for code, name in sorted(countries, key=lambda country: collation_key(country.name)))
        return (("", str(_("Choose your country"))), *names)


class CountryChoiceField(LazyTypedChoiceField):
    """django-countries' form field, its countries named and sorted in the page's language when the form is shown.

    Worked out once per language and process: a post does not sort 250 names again.
    """

    def __init__(self, **kwargs):
        super().__init__(choices=lambda: country_choices(translation.get_language()), **kwargs)

    def valid_value(self, value):
        return value in countries


def plain_text(text):
    """Several lines of plain text: \\n line breaks, no other control, direction or private-use character."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.translate(DIRECTION_CONTROLS).replace("\t", " ")
    text = "".join(character for character in text if character == "\n" or category(character) not in {"Cc", "Cs", "Co"})
    return "\n".join(line.strip() for line in text.strip().split("\n"))


def shown_back(value, one_line):
    """A value written back into the form after a mistake, without what HTML does not allow there.

    Control characters and noncharacters are parse errors in HTML, and an
    input's value cannot hold a line break: the visitor sees the rest, and
    the error message tells them what to change.
    """
    kept = []
    for character in value:
        point = ord(character)
        if character in "\r\n":
            kept.append(" " if one_line else character)
        elif (category(character) == "Cc" and character != "\t") or 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE:
            continue
        else:
            kept.append(character)
    return "".join(kept)


class OneLineInput(forms.TextInput):
    def format_value(self, value):
        value = super().format_value(value)
        return value if value is None else shown_back(value, one_line=True)


class OneLineEmailInput(forms.EmailInput):
    def format_value(self, value):
        value = super().format_value(value)
        return value if value is None else shown_back(value, one_line=True)


class PlainTextarea(forms.Textarea):
    def format_value(self, value):
        value = super().format_value(value)
        return value if value is None else shown_back(value, one_line=False)


class SignButton(Submit):
    field_classes = "button--action"  # the pack adds its own "button" class


class SignatureForm(forms.Form):
    """What a supporter gives to sign an action. `signer()` turns it into services.Signer."""

    name = forms.CharField(
        label=_("Your name"),
        help_text=_("Only your first name is ever shown, and only if you agree below."),
        strip=False,
        error_messages={"required": _("Enter your name.")},
        widget=OneLineInput(attrs={"autocomplete": "name", "maxlength": NAME_MAX_LENGTH}),
    )
    email = forms.CharField(
        label=_("Your email address"),
        help_text=_("We send you a link to confirm your signature."),
        error_messages={"required": _("Enter your email address.")},
        widget=OneLineEmailInput(attrs={"autocomplete": "email", "maxlength": EMAIL_MAX_LENGTH, "dir": "ltr", "spellcheck": "false"}),
    )
    country = CountryChoiceField(
        label=_("Country"),
        error_messages={"required": _("Choose your country."), "invalid_choice": _("Choose your country from the list.")},
        widget=LazySelect(attrs={"autocomplete": "country"}),
    )
    comment = forms.CharField(
        label=_("Why are you signing?"),
        required=False,
        strip=False,
        help_text=_("Up to 500 characters. Shown on this page only once our staff have read it."),
        widget=PlainTextarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
    )
    contact_consent = forms.BooleanField(label=_("Email me about Amnesty International’s campaigns. I can stop this at any time."), required=False)
    show_name = forms.BooleanField(label=_("Show my first name and country on this page among the people who signed."), required=False)
    # Nobody sees or reaches it; bots that fill in every field fill it in too.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=OneLineInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, action_url, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_action = action_url
        self.helper.form_method = "post"
        self.helper.form_id = "sign_form"
        self.helper.form_class = "sign-form"
        self.helper.layout = Layout(
            "name", "email", "country", "comment", "contact_consent", "show_name", Field("website", template="petitions/includes/honeypot_field.html")
        )
        self.helper.add_input(SignButton("sign", _("Sign the appeal")))

    @property
    def caught_a_bot(self):
        """The trap is filled in: answer as if all went well, and store nothing."""
        return bool(str(self.data.get("website", "")).strip())

    def clean_name(self):
        raw = self.cleaned_data["name"]
        if has_special_characters(raw.replace("\t", " ")):
            raise forms.ValidationError(_("Write your name on one line, without special characters."), code="special_characters")
        name = plain_line(raw)
        if not any(category(character).startswith("L") for character in name):
            raise forms.ValidationError(_("Enter your name."), code="required")
        if len(name) > NAME_MAX_LENGTH:
            message = ngettext(
                "Your name is too long: shorten it to %(limit)d character or fewer.",
                "Your name is too long: shorten it to %(limit)d characters or fewer.",
                NAME_MAX_LENGTH,
            )
            raise forms.ValidationError(message % {"limit": NAME_MAX_LENGTH}, code="max_length")
        if LINK.search(unicodedata.normalize("NFKC", name)):
            raise forms.ValidationError(_("Your name cannot contain a web address or a domain name."), code="link")
        return name

    def clean_email(self):
        address = self.cleaned_data["email"]
        if len(address) > EMAIL_MAX_LENGTH or len(mailbox_key(address)) > EMAIL_MAX_LENGTH:
            message = ngettext(
                "This email address is too long: it can have at most %(limit)d character.",
                "This email address is too long: it can have at most %(limit)d characters.",
                EMAIL_MAX_LENGTH,
            )
            raise forms.ValidationError(message % {"limit": EMAIL_MAX_LENGTH}, code="max_length")
        # Django's check allows quoted local parts, which may hold control characters: plain addresses only.
        plain = address.count("@") == 1 and not any(character.isspace() or character == '"' or category(character)[0] in "CZ" for character in address)
        try:
            forms.EmailField().clean(address)
        except forms.ValidationError:
            plain = False
        if not plain:
            raise forms.ValidationError(_("Enter an email address in the correct format, like name@example.com."), code="invalid")
        return address

    def clean_comment(self):
        comment = plain_text(self.cleaned_data["comment"])
        if len(comment) > COMMENT_MAX_LENGTH:
            message = ngettext(
                "Your comment is too long: shorten it to %(limit)d character or fewer.",
                "Your comment is too long: shorten it to %(limit)d characters or fewer.",
                COMMENT_MAX_LENGTH,
            )
            raise forms.ValidationError(message % {"limit": COMMENT_MAX_LENGTH}, code="max_length")
        return comment

    def signer(self):
        data = self.cleaned_data
        return Signer(
            name=data["name"],
            email=data["email"],
            country=data["country"],
            comment=data["comment"],
            contact_consent=data["contact_consent"],
            show_name=data["show_name"],
        )
