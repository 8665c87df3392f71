"""Checks for uploaded report files: only real, readable documents of known formats.

The leading bytes tell whether a file is of the format its name says; the
format's own parser (pypdf for PDF, zipfile for the zip-based formats) then
tells whether the document is whole and can be opened by visitors.
"""

import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import PurePath
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader

# A zip-based document unpacking to more than this is a zip bomb, not a report:
# refused before anything is decompressed.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024


def _mismatch():
    return ValidationError(
        _("This file's contents do not match its name; upload the document itself."),
        code="report_file_mismatch",
    )


def _damaged():
    return ValidationError(
        _("This file is damaged and cannot be opened; upload a copy that opens correctly."),
        code="report_file_damaged",
    )


def _check_pdf(uploaded):
    reader = PdfReader(uploaded)
    if reader.is_encrypted:
        # Visitors would be asked for a password they do not have.
        raise ValidationError(
            _("This PDF is protected by a password; upload a copy that opens without one."),
            code="report_file_encrypted",
        )
    if len(reader.pages) == 0:
        raise _damaged()


def _check_package(uploaded, *, mimetype=None, entries=()):
    """A zip-based document: its ``mimetype`` entry names the format (EPUB, ODT) or its required entries are there (DOCX)."""
    with zipfile.ZipFile(uploaded) as archive:
        # Sizes come from the archive's directory, so this costs no decompression.
        if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise _damaged()
        names = set(archive.namelist())
        if mimetype and ("mimetype" not in names or archive.read("mimetype").strip() != mimetype.encode("ascii")):
            raise _mismatch()
        if not names.issuperset(entries):
            raise _mismatch()
        # Reads every entry and checks its checksum, so a damaged part is found now rather than by a visitor.
        if archive.testzip() is not None:
            raise _damaged()


class DocumentFormat(NamedTuple):
    label: str  # shown to visitors
    magic: bytes  # the leading bytes every such file has
    check: Callable  # raises ValidationError unless the document is whole and of this format


ZIP_MAGIC = b"PK\x03\x04"

FORMATS = {
    ".pdf": DocumentFormat("PDF", b"%PDF-", _check_pdf),
    ".epub": DocumentFormat("EPUB", ZIP_MAGIC, partial(_check_package, mimetype="application/epub+zip")),
    ".docx": DocumentFormat("DOCX", ZIP_MAGIC, partial(_check_package, entries=("[Content_Types].xml", "word/document.xml"))),
    ".odt": DocumentFormat("ODT", ZIP_MAGIC, partial(_check_package, mimetype="application/vnd.oasis.opendocument.text")),
}


def format_of(name):
    document_format = FORMATS.get(PurePath(name).suffix.lower())
    return document_format.label if document_format else ""


def validate_upload(uploaded):
    suffix = PurePath(uploaded.name).suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            _("Upload a PDF, EPUB, DOCX or ODT file."),
            code="report_file_format",
        )
    if uploaded.size > settings.REPORT_FILE_MAX_BYTES:
        raise ValidationError(
            _("This file is larger than %(limit)s."),
            code="report_file_too_large",
            params={"limit": filesizeformat(settings.REPORT_FILE_MAX_BYTES)},
        )
    document_format = FORMATS[suffix]
    try:
        uploaded.seek(0)
        if not uploaded.read(len(document_format.magic)).startswith(document_format.magic):
            raise _mismatch()
        uploaded.seek(0)
        document_format.check(uploaded)
    except ValidationError:
        raise
    except Exception as error:
        # pypdf and zipfile raise many different errors on malformed input
        # (their own, but also ValueError, KeyError, EOFError, zlib.error,
        # RecursionError...); whichever it is, the document cannot be read.
        raise _damaged() from error
    finally:
        uploaded.seek(0)
