"""Fields that staff write in every language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Campaign, Image, Section


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = ("title", "intro", "body")
    required_languages = ("en",)


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("title", "intro", "body")
    required_languages = ("en",)


@register(Image)
class ImageTranslation(TranslationOptions):
    fields = ("alt_text", "caption")
    required_languages = {"en": ("alt_text",)}
