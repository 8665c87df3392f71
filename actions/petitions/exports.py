"""Signatures out of the site: the staff CSV export and a signer's own data.

The export streams (StreamingHttpResponse): rows are read from the database
2,000 at a time (`.values_list(...).iterator(chunk_size=2000)`, a server-side
cursor on PostgreSQL), each is written by csv.writer into an echo buffer that
hands the line straight back, and every 2,000 lines go out together. The
server holds one chunk at a time, whether there are a hundred signatures or a
million (tests/test_petition_exports.py measures it for 100,000).

Every cell that a spreadsheet would run as a formula (=, +, -, @) is prefixed
with an apostrophe, and the file starts with a byte order mark so that Excel
reads Arabic and accented names as UTF-8.
"""

import csv
import json
import re
import unicodedata
from datetime import UTC

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from campaign.caching import private_page

from .models import Signature

CHUNK_SIZE = 2000
# Excel opens a CSV as UTF-8 only when it starts with a byte order mark;
# without it, Arabic and accented names come out garbled.
BOM = "\ufeff"
# A cell starting with one of these is run as a formula by spreadsheets
# (CSV injection): a signer named "=HYPERLINK(…)" must stay a name.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FIELDS = ("name", "email", "country", "created_at", "confirmed_at", "contact_consent", "language")


class Echo:
    """A file-like object whose write() returns what it was given: csv.writer without a buffer."""

    def write(self, value):
        return value


def safe_cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_filename(*parts):
    """An ASCII file name, such as signatures-end-impunity-2026-11-30.csv, whatever the action is called."""
    text = unicodedata.normalize("NFKD", "-".join(str(part) for part in parts if part))
    text = re.sub(r"[^A-Za-z0-9.]+", "-", text.encode("ascii", "ignore").decode()).strip("-.").lower()
    return text[:120] or "export"


def attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return private_page(response)


def iso(moment):
    # isoformat() is several times faster than strftime(), which counts for 100,000 rows.
    return moment.astimezone(UTC).isoformat(timespec="seconds")[:19] + "Z" if moment else ""


def export_header():
    return [_("Name"), _("Email address"), _("Country"), _("Signed (UTC)"), _("Confirmed (UTC)"), _("Agreed to hear from us"), _("Language")]


def export_rows(queryset, language):
    """The header, then one list per signature: read in chunks, never all at once.

    The rows are made while the response is sent, after the view has
    returned, so the staff member's language is set here again.
    """
    with translation.override(language):
        yes, no = _("yes"), _("no")
        country_names = {}  # looking a name up costs more than writing the row
        yield export_header()
        rows = queryset.values_list(*EXPORT_FIELDS).iterator(chunk_size=CHUNK_SIZE)
        for name, email, country, signed, confirmed, consent, signer_language in rows:
            if country not in country_names:
                country_names[country] = str(countries.name(country) or country)
            yield [safe_cell(name), safe_cell(email), country_names[country], iso(signed), iso(confirmed), yes if consent else no, signer_language]


def stream_csv(rows):
    """CSV text in pieces of CHUNK_SIZE lines: each line is written by csv.writer into an echo buffer."""
    writer = csv.writer(Echo())
    lines = [BOM]
    for row in rows:
        lines.append(writer.writerow(row))
        if len(lines) >= CHUNK_SIZE:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def signatures_csv_response(queryset, *name_parts):
    """A CSV download of these signatures, streamed; for staff only (the caller checks)."""
    rows = export_rows(queryset, translation.get_language())
    response = StreamingHttpResponse(stream_csv(rows), content_type="text/csv; charset=utf-8")
    return attachment(response, safe_filename("signatures", *name_parts, timezone.now().date().isoformat()) + ".csv")


# A signer's own data --------------------------------------------------------


def supporter_data(mailbox):
    """Everything the site keeps about the signatures of one mailbox, for its owner."""
    signatures = Signature.objects.filter(mailbox=mailbox).select_related("action").order_by("created_at")
    return {
        "exported_at": iso(timezone.now()),
        "signatures": [
            {
                "action": signature.action.title,
                "action_address": signature.action.get_absolute_url(),
                "name": signature.name,
                "email": signature.email,
                "country": signature.country.code,
                "country_name": str(signature.country.name),
                "comment": signature.comment,
                "comment_approved": signature.comment_approved,
                "agreed_to_hear_from_amnesty_international": signature.contact_consent,
                "agreed_to_show_first_name_and_country": signature.show_name,
                "language": signature.language,
                "signed": iso(signature.created_at),
                "confirmed": iso(signature.confirmed_at),
                "ip_address": signature.ip_address,
                "flagged_for_review": signature.flagged,
            }
            for signature in signatures
        ],
    }


def supporter_data_response(mailbox):
    body = json.dumps(supporter_data(mailbox), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return attachment(response, "my-signatures.json")
