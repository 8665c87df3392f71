"""Turning staff-written plain text into safe HTML.

Staff write plain text, never HTML, so nothing they paste can inject markup.
On right-to-left pages, runs of Latin letters and digits (KFOR, 2003,
EUR 70/010/2004) are wrapped in <bdi> so the bidi algorithm cannot reorder
them into the surrounding Arabic.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi

LATIN_RUN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 .,/%&'’:-]*[A-Za-z0-9%])?")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Arabic, Hebrew and their presentation forms: text with none of these is
# wholly left-to-right (an English fallback) and needs no isolating inside.
RIGHT_TO_LEFT_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def isolate(text):
    text = str(text)
    if not get_language_bidi() or not RIGHT_TO_LEFT_LETTER.search(text):
        return mark_safe(escape(text))  # noqa: S308 - escaped just now
    pieces, position = [], 0
    for match in LATIN_RUN.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<bdi>{escape(match.group())}</bdi>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped


def paragraphs(text):
    blocks = [block.strip() for block in PARAGRAPH_BREAK.split(str(text or "").strip()) if block.strip()]
    html = "\n".join("<p>" + isolate(block).replace("\n", "<br>") + "</p>" for block in blocks)
    return mark_safe(html)  # noqa: S308 - built from escaped pieces


def isolate_text(text):
    """Plain text (emails): a name or title wrapped in Unicode isolates, FSI … PDI.

    An Arabic name inside an English sentence, or a Latin one inside Arabic,
    would otherwise reorder the words around it.
    """
    return f"\u2068{text}\u2069"
