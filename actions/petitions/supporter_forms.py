"""The one form a signer fills in on their own pages: "email me a link to my signatures"."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SendButton(Submit):
    field_classes = ""  # the pack gives every button its own "button" class


class SupporterLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("The email address you signed with"),
        max_length=254,
        error_messages={
            "required": _("Enter the email address you signed with."),
            "invalid": _("Enter the email address you signed with, like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_action = reverse("petitions:supporter_request")
        self.helper.form_method = "post"
        self.helper.form_id = "supporter-link-form"
        self.helper.add_input(SendButton("send", _("Email me a link")))
