"""Which pages can be sent to a friend, and what the email says about them.

Only this site's own published pages: the form names a page by its path
(`/fr/campaigns/…/`), and the title, summary and address all come from
here, never from the visitor. Nothing else can be put in an email.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext

from campaign.models import Campaign, Section
from campaign.text import PARAGRAPH_BREAK
from stories.models import Report, Story

MAX_PATH_LENGTH = 500
SUMMARY_WORDS = 60


@dataclass(frozen=True)
class SharedPage:
    title: str
    summary: str
    url: str  # absolute, from SITE_URL
    path: str
    language: str  # of the page's address (/fr/… is French)
    title_language: str  # the language the title is written in: the page's, or English when it has no translation
    summary_language: str


def shared_page(path):
    """The published page of this site at `path`, as a SharedPage, or None.

    `path` is what a visitor sent: anything may be in it. It must be a path
    (no scheme, host, query or fragment) with a language prefix, and name a
    page that visitors may see. Resolved in the page's own language, so
    /fr/… may be sent from the English form.
    """
    if not isinstance(path, str) or not _is_plain_path(path):
        return None
    language = translation.get_language_from_path(path)
    if language is None:
        return None
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return None
        describe = _DESCRIBERS.get(match.view_name)
        if describe is None:
            return None
        described = describe(**match.kwargs)
        if described is None:
            return None
        title, summary, title_language, summary_language = described
        return SharedPage(
            title=title,
            summary=_first_paragraph(summary),
            url=settings.SITE_URL + path,
            path=path,
            language=language,
            title_language=title_language or language,
            summary_language=summary_language or language,
        )


def _is_plain_path(path):
    return (
        0 < len(path) <= MAX_PATH_LENGTH
        and path.startswith("/")
        and not path.startswith("//")
        and path.isascii()
        and path.isprintable()
        and not any(character in path for character in "\\?#% ")
    )


def _first_paragraph(text):
    first = PARAGRAPH_BREAK.split(str(text or "").strip(), maxsplit=1)[0]
    return Truncator(" ".join(first.split())).words(SUMMARY_WORDS)


def _written_in(obj, field_name):
    """The page's language, or English when this field has no translation (django-modeltranslation's fallback)."""
    language = translation.get_language()
    if getattr(obj, f"{field_name}_{language.replace('-', '_')}", None):
        return language
    return settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def _describe(obj, title_field, summary_field):
    if obj is None:
        return None
    return getattr(obj, title_field), getattr(obj, summary_field), _written_in(obj, title_field), _written_in(obj, summary_field)


def _generic(title):
    return title, gettext("Amnesty International campaigns to stop violence against women."), None, None


def _home():
    return _generic(gettext("Campaigns for human rights"))


def _campaigns():
    return _generic(gettext("Campaigns"))


def _campaign(slug):
    return _describe(Campaign.objects.published().filter(slug=slug).first(), "title", "intro")


def _section(campaign_slug, slug):
    section = Section.objects.published().filter(campaign__slug=campaign_slug, slug=slug).first()
    return _describe(section, "title", "intro")


def _story(campaign_slug, slug):
    return _describe(Story.objects.published().filter(campaign__slug=campaign_slug, slug=slug).first(), "title", "lead")


def _report(campaign_slug, slug):
    return _describe(Report.objects.published().filter(campaign__slug=campaign_slug, slug=slug).first(), "title", "summary")


# Every page that may be sent, by URL name. Anything else (a staff preview,
# the share form itself, a future page nobody thought about) may not.
_DESCRIBERS = {
    "campaign:home": _home,
    "campaign:campaigns": _campaigns,
    "campaign:campaign": _campaign,
    "campaign:section": _section,
    "stories:story": _story,
    "stories:report": _report,
}


def is_shareable(request):
    """Whether the page answering `request` is of a kind that may be sent (no database query).

    For the footer link: shown on every page that shared_page() may accept,
    and on no other (the share form itself, a staff preview, an error page).
    """
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in _DESCRIBERS
