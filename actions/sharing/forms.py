import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .text import has_control_characters, looks_like_a_link, plain_note, without_bidi_controls

NAME_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 300
EMAIL_MAX_LENGTH = 254
FRIEND_FIELDS = ("friend_1", "friend_2", "friend_3")
INVALID_EMAIL = _("Enter an email address in the correct format, like name@example.com.")
# Django accepts quoted names and bracketed hosts ("a b"@x, a@[192.0.2.1]) that mail servers
# handle badly and that could smuggle in a second address: one plain mailbox only.
NOT_IN_AN_ADDRESS = re.compile(r'[<>"\\,;:\[\]()\s]')


def validate_mailbox(address):
    """One plain address, as Django checks it, and nothing that could start a second one."""
    if NOT_IN_AN_ADDRESS.search(address):
        raise forms.ValidationError(INVALID_EMAIL, code="invalid")
    validate_email(address)


class MailboxField(forms.EmailField):
    default_validators = [validate_mailbox]


def email_field(label, required, **attrs):
    return MailboxField(
        label=label,
        required=required,
        max_length=EMAIL_MAX_LENGTH,
        error_messages={"invalid": INVALID_EMAIL},
        widget=forms.EmailInput(attrs={"dir": "ltr", "spellcheck": "false", **attrs}),
    )


class SendButton(Submit):
    field_classes = ""  # the pack gives every button its own "button" class


class ShareForm(forms.Form):
    """Send one published page of this site to up to three friends.

    The page is not a field: the view resolves it from the address. Nothing
    here can put a link, a header or markup into the email.
    """

    name = forms.CharField(
        label=_("Your name"),
        help_text=_("Your friends see it in the email."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": NAME_MAX_LENGTH}),
        error_messages={"required": _("Enter your name.")},
    )
    email = email_field(_("Your email address"), True, autocomplete="email")
    friend_1 = email_field(_("Your friend’s email address"), True)
    friend_2 = email_field(_("A second friend’s email address"), False)
    friend_3 = email_field(_("A third friend’s email address"), False)
    note = forms.CharField(
        label=_("A note for your friends"),
        required=False,
        help_text=_("Plain text, up to 300 characters. No web addresses: the email already links to the page."),
        # The browser counts a line break as one character and sends two (CR LF): the length is checked after they are joined.
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX_LENGTH}),
    )
    # A field people never see or reach; bots that fill in every field fill it in too.
    website = forms.CharField(label=_("Leave this empty"), required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _("Only so that your friends can reply to you.")
        self.fields["friend_1"].help_text = _("Each friend gets an email of their own, and we forget their addresses once it is sent.")
        self.fields["email"].error_messages["required"] = _("Enter your email address.")
        self.fields["friend_1"].error_messages["required"] = _("Enter your friend’s email address.")
        self.helper = FormHelper(self)
        self.helper.form_action = action
        self.helper.form_method = "post"
        self.helper.form_id = "share-form"
        self.helper.layout = Layout("name", "email", *FRIEND_FIELDS, "note", Field("website", template="sharing/honeypot_field.html"))
        self.helper.add_input(SendButton("send", _("Send the email")))

    @property
    def caught_a_bot(self):
        """The hidden field is filled in: answer as if all went well, and send nothing."""
        return bool(self.data.get("website", "").strip())

    def clean_name(self):
        name = without_bidi_controls(self.cleaned_data["name"]).strip()
        if has_control_characters(name):
            raise forms.ValidationError(_("Write your name on one line, without special characters."), code="control_characters")
        if not name:
            raise forms.ValidationError(_("Enter your name."), code="required")
        if len(name) > NAME_MAX_LENGTH:
            message = ngettext(
                "Your name is too long: shorten it to %(limit)d character or fewer.",
                "Your name is too long: shorten it to %(limit)d characters or fewer.",
                NAME_MAX_LENGTH,
            )
            raise forms.ValidationError(message % {"limit": NAME_MAX_LENGTH}, code="max_length")
        if looks_like_a_link(name):
            raise forms.ValidationError(_("Your name cannot contain a web address or a domain name."), code="link")
        return name

    def clean_note(self):
        note = plain_note(self.cleaned_data["note"])
        if len(note) > NOTE_MAX_LENGTH:
            message = ngettext(
                "Your note is too long: shorten it to %(limit)d character or fewer.",
                "Your note is too long: shorten it to %(limit)d characters or fewer.",
                NOTE_MAX_LENGTH,
            )
            raise forms.ValidationError(message % {"limit": NOTE_MAX_LENGTH}, code="max_length")
        if looks_like_a_link(note):
            raise forms.ValidationError(
                _("Your note cannot contain a web address or a domain name (such as www… or example.com). The email already links to the page."),
                code="link",
            )
        return note

    def clean(self):
        seen = set()
        for field in FRIEND_FIELDS:
            address = self.cleaned_data.get(field)
            if not address:
                continue
            if address.casefold() in seen:
                self.add_error(field, forms.ValidationError(_("You have already entered this address."), code="duplicate"))
            seen.add(address.casefold())
        return self.cleaned_data

    @property
    def friends(self):
        return [address for address in (self.cleaned_data.get(field) for field in FRIEND_FIELDS) if address]
