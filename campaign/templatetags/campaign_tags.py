from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_bidi

from campaign import text

register = template.Library()

register.filter("isolate", text.isolate)
register.filter("paragraphs", text.paragraphs)


@register.simple_tag
def fallback_lang(obj, field_name):
    """` lang="en"` when `obj.field_name` has no translation for this page.

    django-modeltranslation falls back to English; the English text must then
    say so, for screen readers and for correct hyphenation and direction.
    """
    language = get_language()
    if language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        return ""
    if getattr(obj, f"{field_name}_{language.replace('-', '_')}", None):
        return ""
    fallback = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    if get_language_bidi():
        return format_html(' lang="{}" dir="ltr"', fallback)
    return format_html(' lang="{}"', fallback)


@register.simple_tag(takes_context=True)
def page_in_languages(context):
    """The current page in every language, for the switcher and hreflang."""
    path = context["request"].get_full_path()
    return [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == get_language()}
        for code, name in settings.LANGUAGES
    ]
