"""Fields that staff write in every language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Action


@register(Action)
class ActionTranslation(TranslationOptions):
    fields = ("title", "summary", "targets", "appeal")
    required_languages = {"en": ("title", "summary", "targets", "appeal")}
