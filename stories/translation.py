"""Fields that staff write in every language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Fact, Report, Story


@register(Story)
class StoryTranslation(TranslationOptions):
    fields = ("title", "lead", "body", "calls", "contact")
    required_languages = {"en": ("title", "lead", "body")}


@register(Fact)
class FactTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("en",)


@register(Report)
class ReportTranslation(TranslationOptions):
    fields = ("title", "subtitle", "summary", "publisher", "external_url")
    required_languages = {"en": ("title", "summary", "publisher")}
