"""Drawing a postcard as one PNG: the design, the message and "From <name>".

Arabic must come out joined (each letter in its initial, medial, final or
isolated form) and laid out right to left, with Latin names and digits kept
in their own order inside it. There are two ways to get there; `Typesetter`
picks the first that this machine has:

- **raqm**: Pillow's layout engine built on libraqm, HarfBuzz (shaping) and
  FriBiDi (direction). Pillow's wheels carry libraqm and HarfBuzz and load
  FriBiDi from the system (Debian: libfribidi0).
- **reshaper**: where raqm is missing, the pure-Python arabic-reshaper
  replaces each letter with its joined presentation form (U+FE70–U+FEFF) and
  python-bidi puts each line in visual order; Pillow's basic layout draws it.

Either way the text is set in the font shipped in `fonts/` (DejaVu Sans:
Latin, Greek, Cyrillic, Arabic, Hebrew), never a font of the machine, so
every server draws the same card. Each paragraph takes the direction of its
first strong letter (an English message on an Arabic page stays left to
right) and lines are wrapped to fit, measuring the shaped text.
"""

import base64
import io
import unicodedata
from functools import lru_cache
from pathlib import Path

import arabic_reshaper
from bidi import get_display
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont, features

from .artwork import ARTWORK_SIZE, flatten

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR_FONT = FONT_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONT_DIR / "DejaVuSans-Bold.ttf"

RAQM = "raqm"
RESHAPER = "reshaper"
# Vowel marks (harakat, such as the tanwin in "تضامناً") are part of what people write: keep them.
RESHAPER_CONFIGURATION = {"delete_harakat": False, "support_ligatures": True}
_reshaper = arabic_reshaper.ArabicReshaper(configuration=RESHAPER_CONFIGURATION)

INK = (17, 17, 17)
PAPER = (255, 255, 255)
YELLOW = (255, 255, 0)

CARD_WIDTH = ARTWORK_SIZE[0]
PADDING = 56
TEXT_WIDTH = CARD_WIDTH - 2 * PADDING
MESSAGE_SIZE = 30
LINE_HEIGHT = 46
SIGNATURE_SIZE = 28
BAND_HEIGHT = 12
FOOTER_HEIGHT = 64
FOOTER_SIZE = 22
# A 500-character message fits in this many lines, even in the widest letters;
# the form refuses a message that needs more (it would take too many line breaks).
MAX_LINES = 20


def available_engine():
    return RAQM if features.check("raqm") else RESHAPER


@lru_cache(maxsize=16)
def _font(size, bold, layout):
    return ImageFont.truetype(str(BOLD_FONT if bold else REGULAR_FONT), size, layout_engine=layout)


def is_right_to_left(text, default=False):
    """The direction of the first strong letter (Unicode bidi classes L, R and AL), else `default`."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return default


def without_format_characters(text):
    """Pillow's basic layout would draw a box for marks and isolates (category Cf); they have done their work by then."""
    return "".join(character for character in text if unicodedata.category(character) != "Cf")


class Typesetter:
    """Measures, wraps and draws lines of text, shaped and in visual order.

    `shape=False` turns shaping and reordering off: only the tests use it, to
    prove that the card would look different (wrong) without them.
    """

    def __init__(self, engine=None, shape=True):
        self.engine = engine or available_engine()
        self.shape = shape
        self.layout = ImageFont.Layout.RAQM if shape and self.engine == RAQM else ImageFont.Layout.BASIC

    def font(self, size, bold=False):
        return _font(size, bold, self.layout)

    def uses_raqm(self):
        return self.layout == ImageFont.Layout.RAQM

    def visual(self, line, rtl):
        """What the basic layout draws: joined letter forms, in display order, left to right."""
        if not self.shape:
            return without_format_characters(line)
        return without_format_characters(get_display(_reshaper.reshape(line), base_dir="R" if rtl else "L"))

    def width(self, line, font, rtl):
        if self.uses_raqm():
            return font.getlength(line, direction="rtl" if rtl else "ltr")
        return font.getlength(self.visual(line, rtl))

    def draw(self, canvas, position, line, font, rtl, fill, anchor="la"):
        """Draw one line at `position`, which is the point `anchor` names (Pillow's text anchors: "ra" is its right end, at the ascender)."""
        if self.uses_raqm():
            canvas.text(position, line, font=font, fill=fill, anchor=anchor, direction="rtl" if rtl else "ltr")
        else:
            canvas.text(position, self.visual(line, rtl), font=font, fill=fill, anchor=anchor)

    def wrap(self, paragraph, font, max_width, rtl):
        """Lines of at most max_width pixels, broken between words (inside a word only if it is longer than a line)."""
        lines, current = [], ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if self.width(candidate, font, rtl) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
            if self.width(word, font, rtl) <= max_width:
                current = word
            else:
                *whole, current = self._break_word(word, font, max_width, rtl)
                lines.extend(whole)
        lines.append(current)
        return lines

    def _break_word(self, word, font, max_width, rtl):
        pieces, current = [], ""
        for character in word:
            # Never separate a letter from its accents and vowel marks.
            if current and not unicodedata.combining(character) and self.width(current + character, font, rtl) > max_width:
                pieces.append(current)
                current = ""
            current += character
        return [*pieces, current]


def message_lines(message, typesetter, default_rtl):
    """[(line, rtl)] for the whole message; an empty line keeps a blank line's space."""
    font = typesetter.font(MESSAGE_SIZE)
    lines = []
    for paragraph in message.split("\n"):
        rtl = is_right_to_left(paragraph, default_rtl)
        lines.extend((line, rtl) for line in typesetter.wrap(paragraph, font, TEXT_WIDTH, rtl))
    return lines


def count_lines(message, language, typesetter=None):
    """How many lines the message takes on the card (the form refuses more than MAX_LINES)."""
    return len(message_lines(message, typesetter or Typesetter(), translation.get_language_info(language)["bidi"]))


def render_card(artwork, message, sender_name, language, typesetter=None):
    """The card as a Pillow image. `artwork` is a file holding the design's artwork (artwork.ARTWORK_SIZE)."""
    typesetter = typesetter or Typesetter()
    language_rtl = translation.get_language_info(language)["bidi"]
    lines = message_lines(message, typesetter, language_rtl)[:MAX_LINES]
    with translation.override(language):
        # The name is isolated (FSI … PDI), so that it keeps its own direction in the sentence.
        signature = gettext("From %(name)s") % {"name": f"\u2068{sender_name}\u2069"}
        organisation = gettext("Amnesty International")

    text_top = ARTWORK_SIZE[1] + BAND_HEIGHT + PADDING
    signature_top = text_top + len(lines) * LINE_HEIGHT + 24
    height = signature_top + LINE_HEIGHT + PADDING + FOOTER_HEIGHT
    card = PILImage.new("RGB", (CARD_WIDTH, height), PAPER)

    artwork.seek(0)
    with PILImage.open(artwork) as design:
        design.load()
        card.paste(flatten(design).resize(ARTWORK_SIZE), (0, 0))
    canvas = ImageDraw.Draw(card)
    canvas.rectangle((0, ARTWORK_SIZE[1], CARD_WIDTH, ARTWORK_SIZE[1] + BAND_HEIGHT), fill=YELLOW)

    message_font = typesetter.font(MESSAGE_SIZE)
    for number, (line, rtl) in enumerate(lines):
        y = text_top + number * LINE_HEIGHT
        typesetter.draw(canvas, (CARD_WIDTH - PADDING if rtl else PADDING, y), line, message_font, rtl, INK, anchor="ra" if rtl else "la")

    # The signature sits at the end of the line, as on a letter: right in English, left in Arabic.
    signature_font = typesetter.font(SIGNATURE_SIZE, bold=True)
    x = PADDING if language_rtl else CARD_WIDTH - PADDING
    typesetter.draw(canvas, (x, signature_top), signature, signature_font, language_rtl, INK, anchor="la" if language_rtl else "ra")

    footer_top = height - FOOTER_HEIGHT
    canvas.rectangle((0, footer_top, CARD_WIDTH, height), fill=INK)
    mark = 22
    mark_x = CARD_WIDTH - PADDING - mark if language_rtl else PADDING
    mark_y = footer_top + (FOOTER_HEIGHT - mark) // 2
    canvas.rectangle((mark_x, mark_y, mark_x + mark, mark_y + mark), fill=YELLOW)
    footer_font = typesetter.font(FOOTER_SIZE, bold=True)
    text_x = mark_x - 14 if language_rtl else mark_x + mark + 14
    organisation = organisation if language_rtl else organisation.upper()
    typesetter.draw(canvas, (text_x, footer_top + FOOTER_HEIGHT // 2), organisation, footer_font, language_rtl, YELLOW, anchor="rm" if language_rtl else "lm")
    return card


def card_png(artwork, message, sender_name, language, typesetter=None):
    buffer = io.BytesIO()
    render_card(artwork, message, sender_name, language, typesetter).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def card_preview(artwork, message, sender_name, language):
    """The card for the preview page, which stores nothing: {src, width, height}, the picture inline as a
    WebP data URI (the Content-Security-Policy allows data: images)."""
    card = render_card(artwork, message, sender_name, language)
    buffer = io.BytesIO()
    card.save(buffer, "WEBP", quality=82, method=4)
    return {"src": "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"), "width": card.width, "height": card.height}
