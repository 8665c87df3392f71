"""Four complete languages: catalogues, switcher, hreflang, sitemap, fallback."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from stories.models import Story
from tests.factories import KOSOVO_PATH, LANGUAGES

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))
# Translations that are rightly the same as the English.
SAME_AS_ENGLISH = {
    "fr": {"Amnesty International", "Actions", "Pages", "image", "images", "introduction", "format", "position"},
    "es": set(),
    "ar": set(),
}


def entries(po_file):
    """(msgid, [msgstr...], fuzzy, plural) for every entry but the header."""
    text = po_file.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        unquote = lambda chunk: "".join(re.findall(r'"(.*)"', chunk))  # noqa: E731
        identifier = unquote(msgid.group(1))
        if not identifier:
            continue
        strings = [unquote(m) for m in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)]
        yield identifier, strings, "#, fuzzy" in block, "\nmsgid_plural " in block


def test_there_is_a_catalogue_for_each_other_language():
    assert {path.parts[-3] for path in CATALOGUES} == {"ar", "fr", "es"}


@pytest.mark.parametrize("po_file", CATALOGUES, ids=lambda p: p.parts[-3])
def test_catalogue_is_complete_and_valid(po_file):
    language = po_file.parts[-3]
    problems = []
    for msgid, strings, fuzzy, _plural in entries(po_file):
        if fuzzy:
            problems.append(f"fuzzy: {msgid}")
        if not strings or not all(strings):
            problems.append(f"untranslated: {msgid}")
        elif strings[0] == msgid and msgid not in SAME_AS_ENGLISH[language]:
            problems.append(f"copied English: {msgid}")
    assert not problems, "\n".join(problems)
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_file)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_po_files_carry_no_source_locations():
    for po_file in CATALOGUES:
        assert "\n#: " not in po_file.read_text(encoding="utf-8")


def test_arabic_has_six_plural_forms():
    catalogue = Path(settings.BASE_DIR) / "locale/ar/LC_MESSAGES/django.po"
    assert "nplurals=6;" in catalogue.read_text(encoding="utf-8")
    plurals = [(msgid, strings) for msgid, strings, _fuzzy, plural in entries(catalogue) if plural]
    assert plurals, "the page-count sentence is a plural entry"
    for msgid, strings in plurals:
        assert len(strings) == 6, msgid


@pytest.mark.parametrize("count,expected", [(0, 0), (1, 1), (2, 2), (5, 3), (11, 4), (100, 5)])
def test_arabic_plural_forms_are_chosen_by_count(count, expected):
    with translation.override("ar"):
        catalog = translation.trans_real.translation("ar")
        assert catalog.plural(count) == expected


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("language", LANGUAGES)
def test_interface_strings_are_translated_on_the_page(client, language):
    html = client.get(f"/{language}{KOSOVO_PATH}").content.decode()
    expected = {"en": "Skip to main content", "ar": "الانتقال إلى المحتوى الرئيسي", "fr": "Aller au contenu principal", "es": "Ir al contenido principal"}
    assert expected[language] in html
    if language != "en":
        for english in ("Skip to main content", "The facts", "Take action!", "Breadcrumb", "Find out more"):
            assert english not in html, english


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
def test_language_switcher_keeps_the_page(client):
    html = client.get(f"/fr{KOSOVO_PATH}").content.decode()
    switcher = re.search(r'<ul class="language-switcher">.*?</ul>', html, re.S).group()
    for language in LANGUAGES:
        assert f'href="/{language}{KOSOVO_PATH}" lang="{language}" hreflang="{language}"' in switcher
    assert 'aria-current="true">Français</a>' in switcher
    assert '>العربية</a>' in switcher


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
def test_hreflang_alternates_with_x_default(client):
    html = client.get(f"/es{KOSOVO_PATH}").content.decode()
    for language in LANGUAGES:
        assert f'<link rel="alternate" hreflang="{language}" href="https://campaign.example.org/{language}{KOSOVO_PATH}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="https://campaign.example.org/en{KOSOVO_PATH}">' in html


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
def test_sitemap_lists_every_language(client):
    xml = client.get("/sitemap.xml").content.decode()
    for language in LANGUAGES:
        assert f"<loc>https://campaign.example.org/{language}{KOSOVO_PATH}</loc>" in xml
        assert f'hreflang="{language}" href="https://campaign.example.org/{language}{KOSOVO_PATH}"' in xml
    assert 'hreflang="x-default"' in xml


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
def test_missing_translation_falls_back_to_english_marked_as_english(client):
    story = Story.objects.get()
    story.title_fr = ""
    story.save()
    html = client.get(f"/fr{KOSOVO_PATH}").content.decode()
    assert '<h1 lang="en">Kosovo: Trafficked women and girls have human rights</h1>' in html
    story.title_ar = ""
    story.save()
    html = client.get(f"/ar{KOSOVO_PATH}").content.decode()
    assert '<h1 lang="en" dir="ltr">Kosovo: Trafficked women and girls have human rights</h1>' in html


def visible_text(html):
    """The words a visitor sees or hears: text, and the attributes read aloud."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    spoken = re.findall(r'(?:aria-label|alt|title|placeholder|value)="([^"]*)"', html)
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join([text, *spoken]).replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_no_english_interface_string_leaks_onto_a_translated_page(client, language):
    from tests.test_pages import PAGES

    catalogue = Path(settings.BASE_DIR) / f"locale/{language}/LC_MESSAGES/django.po"
    english = {
        msgid
        for msgid, strings, _fuzzy, _plural in entries(catalogue)
        # Lower-case single words are admin field labels, and may be words of the language too ("section").
        if strings and strings[0] != msgid and "%(" not in msgid and not re.fullmatch(r"[a-z]+", msgid)
    }
    for path in [*PAGES, "/no-such-page/"]:
        text = visible_text(client.get(f"/{language}{path}").content.decode())
        leaked = sorted(msgid for msgid in english if re.search(rf"(?<!\w){re.escape(msgid)}(?!\w)", text))
        assert not leaked, f"/{language}{path} shows English: {leaked}"
