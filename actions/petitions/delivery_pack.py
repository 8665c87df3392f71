"""The delivery pack: what staff hand to the people an appeal is addressed to.

The appeal's title, its addressees, its text and the total, then the names of
the signers grouped by country, countries and names sorted, in the language
staff choose for the pack. Never an email address, a comment or anything
else: a name and a country is all that the authorities get.

Only counted signatures are in it: confirmed ones, or every one if the action
counts unconfirmed signatures (as the public count does). Anonymised
signatures are counted in the total but have no name to list.

Two formats: CSV (two columns throughout, so it opens cleanly in a
spreadsheet) and PDF (fpdf2). The PDF embeds DejaVu Sans, whose glyphs cover
Latin, Greek, Cyrillic and Arabic, and shapes text with HarfBuzz (uharfbuzz),
so Arabic letters join and run right to left, and accents sit where they
belong. fpdf2 subsets the font: a pack carries only the glyphs it uses.
"""

import csv
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.http import HttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .exports import BOM, CHUNK_SIZE, Echo, attachment, safe_cell, safe_filename

# DejaVu Sans 2.37, from Debian's fonts-dejavu-core, with its licence beside it.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


def sort_key(text):
    """Alphabetical order that ignores case and accents (É with E), good enough in all four languages."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)), text


@dataclass
class Pack:
    language: str
    title: str
    targets: str
    appeal: str
    paper: int
    # (country name, [names]) sorted by country name, names sorted.
    groups: list = field(default_factory=list)
    # Counted signatures, named or anonymised.
    online: int = 0
    prepared_on: object = None

    @property
    def total(self):
        return self.online + self.paper

    @property
    def listed(self):
        return sum(len(names) for _country, names in self.groups)


def build_pack(action, language):
    """Gather the pack of `action` in `language` (the country names, title and appeal in that language)."""
    with translation.override(language):
        by_country = {}
        online = 0
        rows = action.counted_signatures().values_list("country", "name").order_by().iterator(chunk_size=CHUNK_SIZE)
        for country, name in rows:
            online += 1
            name = " ".join(unicodedata.normalize("NFC", name).split())
            if name:
                by_country.setdefault(country, []).append(name)
        named = [(str(countries.name(code) or code), sorted(names, key=sort_key)) for code, names in by_country.items()]
        named.sort(key=lambda group: sort_key(group[0]))
        return Pack(
            language=language,
            title=action.title,
            targets=action.targets,
            appeal=action.appeal,
            paper=action.paper_signatures,
            groups=named,
            online=online,
            prepared_on=timezone.localdate(),
        )


def paragraphs(text):
    return [" ".join(block.split()) for block in str(text or "").replace("\r\n", "\n").split("\n\n") if block.strip()]


def number(value):
    return formats.number_format(value, force_grouping=True)


def summary_lines(pack):
    """The sentences under the appeal, in the pack's language (call inside translation.override)."""
    lines = [
        ngettext("%(count)s person signed this appeal online.", "%(count)s people signed this appeal online.", pack.online) % {"count": number(pack.online)}
    ]
    if pack.paper:
        lines.append(ngettext("%(count)s more signed on paper.", "%(count)s more signed on paper.", pack.paper) % {"count": number(pack.paper)})
    if pack.listed < pack.online:
        hidden = pack.online - pack.listed
        lines.append(
            ngettext(
                "%(count)s signature is counted without a name: it was anonymised after the retention period.",
                "%(count)s signatures are counted without names: they were anonymised after the retention period.",
                hidden,
            )
            % {"count": number(hidden)}
        )
    return lines


# CSV ------------------------------------------------------------------------


def pack_csv(pack):
    """The pack as CSV text: a few labelled lines, a blank line, then Country, Name rows."""
    writer = csv.writer(Echo())
    with translation.override(pack.language):
        lines = [
            [_("Title"), pack.title],
            [_("Addressed to"), pack.targets],
            [_("The appeal"), "\n\n".join(paragraphs(pack.appeal))],
            [_("Total signatures"), pack.total],
            [_("Signed online"), pack.online],
            [_("Signed on paper"), pack.paper],
            [_("Prepared on"), pack.prepared_on.isoformat()],
            [],
            [_("Country"), _("Name")],
        ]
    out = [BOM, *(writer.writerow([safe_cell(cell) for cell in line]) for line in lines)]
    for country, names in pack.groups:
        out.extend(writer.writerow([safe_cell(country), safe_cell(name)]) for name in names)
    return "".join(out)


# PDF ------------------------------------------------------------------------


def needs_shaping(text):
    """Whether text needs HarfBuzz: Arabic and other joined or right-to-left scripts, or combining marks.

    Shaping costs about seven times as much as plain text, and most names are
    plain Latin, so names are shaped only when they need it: a pack of
    100,000 names is made in seconds, not minutes.
    """
    return any(unicodedata.bidirectional(char) in RIGHT_TO_LEFT or unicodedata.category(char) in MARKS for char in text)


RIGHT_TO_LEFT = {"R", "AL", "AN"}
MARKS = {"Mn", "Mc", "Me"}


class PackPDF(FPDF):
    def __init__(self, pack):
        super().__init__(format="A4")
        self.pack = pack
        self.rtl = translation.get_language_info(pack.language)["bidi"]
        self.align = "R" if self.rtl else "L"
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_text_shaping(True)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        # "{nb}" in the footer becomes the number of pages once all are laid out.
        self.alias_nb_pages()
        self.set_lang(pack.language)
        self.set_title(pack.title)
        self.set_author(_("Amnesty International"))
        self.set_creator(_("Amnesty International"))
        self.page_label = _("Page %(page)s of %(pages)s")
        self.continued = None  # the country whose names run onto the next page

    def header(self):
        # A yellow band, as on the site.
        self.set_fill_color(255, 255, 0)
        self.rect(0, 0, self.w, 8, style="F")
        self.set_y(MARGIN)
        self.set_text_shaping(True)
        if self.continued:
            self.country_heading(_("%(country)s (continued)") % {"country": self.continued})

    def footer(self):
        self.set_y(-14)
        self.set_text_shaping(True)
        self.set_font(FONT, "", 8)
        self.set_text_color(80, 80, 80)
        self.cell(0, 5, self.page_label % {"page": self.page_no(), "pages": "{nb}"}, align="C")
        self.set_text_color(0, 0, 0)

    def text_block(self, text, size=11, bold=False, space_after=3, height=None):
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, height or size * 0.5, text, align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(space_after)

    def rule(self):
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.6)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)

    def country_heading(self, text):
        self.text_block(text, size=12, bold=True, space_after=1, height=6)

    def names_grid(self, names):
        """The names in columns, each on its own (so a name never takes the direction of the next).

        Plain names are written with text(), eight times cheaper than cell();
        names that need shaping go through cell(), which shapes and reorders.
        """
        width = (self.epw - COLUMN_GAP * (COLUMNS - 1)) / COLUMNS
        row_y = self.get_y()
        for index, name in enumerate(names):
            column = index % COLUMNS
            if column == 0:
                if index:
                    row_y += ROW_HEIGHT
                    self.set_y(row_y)
                if self.will_page_break(ROW_HEIGHT):
                    self.add_page()
                    row_y = self.get_y()
            if self.rtl:  # the first column on the right
                column = COLUMNS - 1 - column
            left = self.l_margin + column * (width + COLUMN_GAP)
            shaped = needs_shaping(name)
            self.set_text_shaping(shaped)
            self.set_font(FONT, "", NAME_SIZE)
            name_width = self.get_string_width(name)
            if name_width > width:
                self.set_font_size(max(MIN_NAME_SIZE, NAME_SIZE * width / name_width))
                name_width = min(width, self.get_string_width(name))
            if shaped:
                self.set_xy(left, row_y)
                self.cell(width, ROW_HEIGHT, name, align=self.align)
            else:
                # Where cell() would put it, inside its margin.
                x = left + width - name_width - self.c_margin if self.rtl else left + self.c_margin
                self.text(x, row_y + ROW_HEIGHT / 2 + 0.3 * self.font_size, name)
        self.set_text_shaping(True)
        self.set_xy(self.l_margin, row_y + ROW_HEIGHT)


MARGIN = 18
COLUMNS = 3
COLUMN_GAP = 4
NAME_SIZE = 9.5
MIN_NAME_SIZE = 6
ROW_HEIGHT = 5.2


def pack_pdf(pack):
    """The pack as PDF bytes."""
    with translation.override(pack.language):
        return bytes(_layout(pack).output())


def _layout(pack):
    pdf = PackPDF(pack)
    pdf.add_page()
    pdf.text_block(_("Amnesty International"), size=10, bold=True, space_after=6)
    pdf.text_block(pack.title, size=20, bold=True, space_after=4, height=9)
    pdf.rule()
    pdf.text_block(_("Addressed to"), size=10, bold=True, space_after=1)
    pdf.text_block(pack.targets, size=11, space_after=5)
    pdf.text_block(_("The appeal"), size=10, bold=True, space_after=1)
    for paragraph in paragraphs(pack.appeal):
        pdf.text_block(paragraph, size=11, space_after=3, height=5.5)
    pdf.ln(2)
    pdf.text_block(_("Total signatures: %(count)s") % {"count": number(pack.total)}, size=14, bold=True, space_after=2, height=7)
    pdf.text_block(" ".join(summary_lines(pack)), size=10, space_after=2)
    prepared = formats.date_format(pack.prepared_on, "DATE_FORMAT")
    pdf.text_block(_("Prepared on %(date)s.") % {"date": prepared}, size=10, space_after=2)
    if pack.groups:
        pdf.add_page()
        pdf.text_block(_("The signers, by country"), size=16, bold=True, space_after=2, height=8)
        pdf.rule()
    for country, names in pack.groups:
        if pdf.will_page_break(6 + 1 + ROW_HEIGHT * 2):
            pdf.add_page()
        pdf.country_heading(f"{country} ({number(len(names))})")
        pdf.continued = country
        pdf.names_grid(names)
        pdf.continued = None
        pdf.ln(4)
    return pdf


def pack_filename(action, pack, extension):
    return safe_filename("delivery-pack", action.slug, pack.language, pack.prepared_on.isoformat()) + "." + extension


def pack_bytes(pack, kind):
    """(bytes, content type) of the pack as `kind`, "pdf" or "csv"."""
    if kind == "pdf":
        return pack_pdf(pack), "application/pdf"
    return pack_csv(pack).encode("utf-8"), "text/csv; charset=utf-8"


def pack_response(action, language, kind):
    pack = build_pack(action, language)
    body, content_type = pack_bytes(pack, kind)
    return attachment(HttpResponse(body, content_type=content_type), pack_filename(action, pack, kind))
