"""Checks for uploaded report files: only real documents of known formats."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# Extension -> (label shown to visitors, leading bytes every such file has).
FORMATS = {
    ".pdf": ("PDF", b"%PDF-"),
    ".epub": ("EPUB", b"PK\x03\x04"),
    ".docx": ("DOCX", b"PK\x03\x04"),
    ".odt": ("ODT", b"PK\x03\x04"),
}


def format_of(name):
    return FORMATS.get(PurePath(name).suffix.lower(), ("", b""))[0]


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
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if not head.startswith(FORMATS[suffix][1]):
        raise ValidationError(
            _("This file's contents do not match its name; upload the document itself."),
            code="report_file_mismatch",
        )
