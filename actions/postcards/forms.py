import datetime
import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import get_language, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import rendering
from .models import PostcardDesign
from .text import LINE_BREAKING, breaks_the_line, has_visible_text, looks_like_a_link, plain_message, without_bidi_controls

NAME_MAX_LENGTH = 100
MESSAGE_MAX_LENGTH = 500
EMAIL_MAX_LENGTH = 254


class Button(Submit):
    field_classes = ""  # the pack gives every button its own "button" class


class OneLine:
    """A one-line input shows what was typed without line breaks: HTML does not allow them in its value."""

    def format_value(self, value):
        value = super().format_value(value)
        return None if value is None else "".join(" " if unicodedata.category(character) in LINE_BREAKING else character for character in value)


class OneLineTextInput(OneLine, forms.TextInput):
    pass


class OneLineEmailInput(OneLine, forms.EmailInput):
    pass


class DesignGallery(forms.RadioSelect):
    """Radio buttons whose labels hold each design's thumbnail, alternative text and caption.

    Works without JavaScript; the arrow keys move between designs as in any group of radio buttons.
    """

    template_name = "postcards/widgets/design_gallery.html"
    option_template_name = "postcards/widgets/design_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["design"] = getattr(value, "instance", None)
        return option

    def id_for_label(self, id_, index=None):
        # The error summary links to the field by this id: the first design, rather than nowhere.
        return f"{id_}_{index or 0}" if id_ else ""


class MessageField(forms.CharField):
    """Plain text whose length is counted as the supporter sees it: a line break is one character."""

    def to_python(self, value):
        return plain_message(super().to_python(value))


def add_one_year(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


class PostcardForm(forms.Form):
    """Everything a postcard needs. Posted twice: once to preview it, once (in hidden fields) to send it."""

    design = forms.ModelChoiceField(
        label=_("Choose a design"),
        queryset=PostcardDesign.objects.active(),
        to_field_name="slug",
        empty_label=None,
        widget=DesignGallery,
        error_messages={
            "required": _("Choose a design for your postcard."),
            "invalid_choice": _("That design is no longer available; choose one of the designs shown."),
        },
    )
    message = MessageField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Plain text, up to 500 characters. It is printed on the card under the design."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MESSAGE_MAX_LENGTH, "dir": "auto"}),
        error_messages={
            "required": _("Write a message for your postcard."),
            "max_length": ngettext_lazy(
                "Your message is too long: shorten it to %(limit_value)d character or fewer.",
                "Your message is too long: shorten it to %(limit_value)d characters or fewer.",
                "limit_value",
            ),
        },
    )
    sender_name = forms.CharField(
        label=pgettext_lazy("postcard", "Your name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("Printed on the card as the signature."),
        widget=OneLineTextInput(attrs={"autocomplete": "name", "maxlength": NAME_MAX_LENGTH, "dir": "auto"}),
    )
    sender_email = forms.EmailField(
        label=pgettext_lazy("postcard", "Your email address"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("Your friend can reply to it. It is not printed on the card."),
        widget=OneLineEmailInput(attrs={"autocomplete": "email", "dir": "ltr", "spellcheck": "false"}),
    )
    recipient_name = forms.CharField(
        label=_("Your friend’s name"),
        max_length=NAME_MAX_LENGTH,
        widget=OneLineTextInput(attrs={"autocomplete": "off", "maxlength": NAME_MAX_LENGTH, "dir": "auto"}),
    )
    recipient_email = forms.EmailField(
        label=pgettext_lazy("postcard", "Your friend’s email address"),
        max_length=EMAIL_MAX_LENGTH,
        widget=OneLineEmailInput(attrs={"autocomplete": "off", "dir": "ltr", "spellcheck": "false"}),
    )
    send_on = forms.DateField(
        label=_("Deliver it on a later day"),
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=_("Leave this empty to send the postcard now. You can choose a day up to one year ahead."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the day as year-month-day, for example 2027-03-08.")},
    )
    copy_to_sender = forms.BooleanField(label=_("Send me a copy of the postcard"), required=False)
    # A field people never see or reach; bots that fill in every field fill it in too.
    website = forms.CharField(
        label=pgettext_lazy("postcard", "Leave this empty"),
        required=False,
        widget=OneLineTextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        messages = {
            "sender_name": {"required": pgettext_lazy("postcard", "Enter your name.")},
            "sender_email": {
                "required": pgettext_lazy("postcard", "Enter your email address."),
                "invalid": _("Enter your email address in the format name@example.org."),
            },
            "recipient_name": {"required": _("Enter your friend’s name.")},
            "recipient_email": {
                "required": pgettext_lazy("postcard", "Enter your friend’s email address."),
                "invalid": _("Enter your friend’s email address in the format name@example.org."),
            },
        }
        for name, errors in messages.items():
            field = self.fields[name]
            field.error_messages.update(errors)
            field.error_messages["max_length"] = (
                _("This email address is too long.")
                if isinstance(field, forms.EmailField)
                else ngettext_lazy(
                    "This name is too long: shorten it to %(limit_value)d character or fewer.",
                    "This name is too long: shorten it to %(limit_value)d characters or fewer.",
                    "limit_value",
                )
            )
        today = timezone.localdate()
        self.fields["send_on"].widget.attrs.update(min=today.isoformat(), max=add_one_year(today).isoformat())
        self.helper = FormHelper(self)
        self.helper.form_method = "post"
        self.helper.form_id = "postcard-form"
        self.helper.layout = Layout(
            "design",
            "message",
            "sender_name",
            "sender_email",
            "recipient_name",
            "recipient_email",
            "send_on",
            "copy_to_sender",
            Field("website", template="postcards/honeypot_field.html"),
        )
        self.helper.add_input(Button("preview", _("Preview your postcard")))

    @property
    def caught_a_bot(self):
        """The hidden field is filled in: answer as if all went well, and send nothing."""
        return bool(self.data.get("website", "").strip())

    def _clean_name(self, field):
        name = without_bidi_controls(self.cleaned_data[field]).strip()
        if breaks_the_line(name):
            raise forms.ValidationError(_("Write the name on one line, without special characters."), code="control_characters")
        if not has_visible_text(name):
            raise forms.ValidationError(self.fields[field].error_messages["required"], code="required")
        if looks_like_a_link(name):
            raise forms.ValidationError(_("A name cannot contain a web address or a domain name."), code="link")
        return name

    def clean_sender_name(self):
        return self._clean_name("sender_name")

    def clean_recipient_name(self):
        return self._clean_name("recipient_name")

    def clean_message(self):
        message = self.cleaned_data["message"]
        if not has_visible_text(message):
            raise forms.ValidationError(self.fields["message"].error_messages["required"], code="required")
        if looks_like_a_link(message):
            raise forms.ValidationError(
                _("A postcard cannot contain a web address or a domain name (such as www… or example.com). If you meant a full stop, add a space after it."),
                code="link",
            )
        if rendering.count_lines(message, get_language() or "en") > rendering.MAX_LINES:
            raise forms.ValidationError(_("This message takes too many lines to fit on the card: use fewer line breaks."), code="too_many_lines")
        return message

    def clean_send_on(self):
        day = self.cleaned_data["send_on"]
        if day is None:
            return None
        today = timezone.localdate()
        # A day behind the server is still "today" somewhere in the world: that is sent at once.
        if not today - datetime.timedelta(days=1) <= day <= add_one_year(today):
            raise forms.ValidationError(_("Choose a day from today to one year from today."), code="out_of_range")
        return day if day > today else None

    @property
    def recipients(self):
        """Who the site will mail: the friend, and the sender too if they asked for a copy."""
        data = self.cleaned_data
        return [data["recipient_email"], *([data["sender_email"]] if data["copy_to_sender"] else [])]
