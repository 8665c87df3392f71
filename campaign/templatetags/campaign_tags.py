from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_bidi

from campaign import caching, text

register = template.Library()

register.filter("isolate", text.isolate)
register.filter("isolate_text", text.isolate_text)
register.filter("paragraphs", text.paragraphs)


@register.simple_tag
def value_language(obj, field_name):
    """The language that `obj.field_name` is shown in on this page.

    django-modeltranslation shows the English value when a field has no
    translation in the page's language.
    """
    language = get_language()
    if getattr(obj, f"{field_name}_{language.replace('-', '_')}", None):
        return language
    return settings.MODELTRANSLATION_DEFAULT_LANGUAGE


@register.simple_tag
def fallback_lang(obj, field_name):
    """` lang="en"` when `obj.field_name` has no translation for this page.

    The English text must then say so, for screen readers and for correct
    hyphenation and direction.
    """
    language = value_language(obj, field_name)
    if language == get_language():
        return ""
    if get_language_bidi():
        return format_html(' lang="{}" dir="ltr"', language)
    return format_html(' lang="{}"', language)


@register.simple_tag(takes_context=True)
def page_in_languages(context):
    """The current page in every language, for the switcher and hreflang."""
    path = context["request"].get_full_path()
    return [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == get_language()}
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def live(context, name, argument=""):
    """A value that stays current inside cached pages, such as a count (see campaign/caching.py)."""
    return caching.live_placeholder(context["request"], name, argument)
