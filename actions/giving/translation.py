"""Fields that staff write in every language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import MembershipType, WayToGive


@register(MembershipType)
class MembershipTypeTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}


@register(WayToGive)
class WayToGiveTranslation(TranslationOptions):
    # The link too: each language may lead to its own section's page.
    fields = ("title", "details", "link_url", "link_label")
    required_languages = {"en": ("title",)}
