"""Fields that staff write in every language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import PostcardDesign


@register(PostcardDesign)
class PostcardDesignTranslation(TranslationOptions):
    fields = ("alt_text", "caption")
    required_languages = {"en": ("alt_text", "caption")}
