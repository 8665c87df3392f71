"""Report files: real documents only, shown with their format and size."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from stories import documents
from stories.documents import validate_upload
from stories.models import Report, ReportFile
from tests.assertions import assert_refused
from tests.factories import REPORT_PATH, REPORT_SLUG, pdf_upload

pytestmark = pytest.mark.usefixtures("seeded")


def test_uploaded_file_is_listed_with_language_format_and_size(client):
    report = Report.objects.get()
    ReportFile.objects.create(report=report, language="fr", file=pdf_upload(size=2 * 1024 * 1024))
    html = client.get(f"/en{REPORT_PATH}").content.decode()
    assert 'hreflang="fr" download' in html
    assert '<span lang="fr">français</span>' in html
    assert "PDF" in html
    assert "<bdi>2.0\xa0MB</bdi>" in html
    file_url = ReportFile.objects.get().file.url
    response = client.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    "upload,code",
    [
        (SimpleUploadedFile("report.exe", b"MZ...."), "report_file_format"),
        (SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>"), "report_file_mismatch"),
    ],
)
def test_bad_documents_are_refused(upload, code):
    assert_refused(validate_upload, upload, code)


def test_oversized_document_is_refused(settings):
    settings.REPORT_FILE_MAX_BYTES = 1024
    assert_refused(validate_upload, pdf_upload(size=4096), "report_file_too_large")


def real_pdf(name="report.pdf", pages=1, password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def zip_upload(name, entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry_name, content in entries.items():
            # The mimetype entry comes first and uncompressed, as EPUB and ODT require.
            compression = zipfile.ZIP_STORED if entry_name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(entry_name, content, compress_type=compression)
    return SimpleUploadedFile(name, buffer.getvalue())


EPUB = {"mimetype": "application/epub+zip", "META-INF/container.xml": "<container/>", "content.opf": "<package/>"}
ODT = {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document-content/>"}
DOCX = {"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "word/document.xml": "<w:document>" + "text " * 200 + "</w:document>"}


def damaged(upload, keep=None, flip_at=None):
    """The same upload cut short (keeping ``keep`` bytes) or with one byte changed."""
    content = bytearray(upload.read())
    if flip_at is not None:
        content[flip_at] ^= 0xFF
    return SimpleUploadedFile(upload.name, bytes(content[:keep]))


def deflated_data_offset(upload, entry_name):
    """Where the compressed bytes of one zip entry start, to damage them and nothing else."""
    with zipfile.ZipFile(upload) as archive:
        info = archive.getinfo(entry_name)
    upload.seek(0)
    header = upload.read()[info.header_offset :]
    name_length, extra_length = int.from_bytes(header[26:28], "little"), int.from_bytes(header[28:30], "little")
    upload.seek(0)
    return info.header_offset + 30 + name_length + extra_length + 10


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(lambda: real_pdf(), id="pdf"),
        pytest.param(lambda: real_pdf(pages=3), id="pdf-of-three-pages"),
        pytest.param(lambda: zip_upload("report.epub", EPUB), id="epub"),
        pytest.param(lambda: zip_upload("report.docx", DOCX), id="docx"),
        pytest.param(lambda: zip_upload("report.odt", ODT), id="odt"),
    ],
)
def test_real_documents_are_accepted(upload):
    validate_upload(upload())


@pytest.mark.parametrize(
    "upload,code",
    [
        pytest.param(lambda: pdf_upload(), "report_file_damaged", id="pdf-header-then-garbage"),
        pytest.param(lambda: damaged(real_pdf(), keep=-40), "report_file_damaged", id="pdf-cut-short"),
        pytest.param(lambda: real_pdf(pages=0), "report_file_damaged", id="pdf-without-pages"),
        pytest.param(lambda: real_pdf(password="secret"), "report_file_encrypted", id="pdf-with-a-password"),
        pytest.param(lambda: real_pdf(password=""), "report_file_encrypted", id="pdf-encrypted-with-an-empty-password"),
        pytest.param(lambda: SimpleUploadedFile("report.epub", b"PK\x03\x04" + b"garbage" * 100), "report_file_damaged", id="zip-header-then-garbage"),
        pytest.param(lambda: damaged(zip_upload("report.epub", EPUB), keep=-30), "report_file_damaged", id="epub-cut-short"),
        pytest.param(lambda: zip_upload("report.epub", ODT), "report_file_mismatch", id="odt-named-epub"),
        pytest.param(lambda: zip_upload("report.odt", EPUB), "report_file_mismatch", id="epub-named-odt"),
        pytest.param(lambda: zip_upload("report.docx", EPUB), "report_file_mismatch", id="epub-named-docx"),
        pytest.param(lambda: zip_upload("report.epub", DOCX), "report_file_mismatch", id="docx-named-epub"),
        pytest.param(lambda: zip_upload("report.docx", {"[Content_Types].xml": "<Types/>"}), "report_file_mismatch", id="docx-without-document"),
        pytest.param(lambda: real_pdf("report.docx"), "report_file_mismatch", id="pdf-named-docx"),
    ],
)
def test_damaged_or_mismatched_documents_are_refused(upload, code):
    assert_refused(validate_upload, upload(), code)


def test_docx_with_a_damaged_part_is_refused():
    upload = zip_upload("report.docx", DOCX)
    assert_refused(validate_upload, damaged(upload, flip_at=deflated_data_offset(upload, "word/document.xml")), "report_file_damaged")


def test_zip_bomb_is_refused_before_unpacking(monkeypatch):
    monkeypatch.setattr(documents, "MAX_UNPACKED_BYTES", 500)
    assert_refused(validate_upload, zip_upload("report.docx", DOCX), "report_file_damaged")


def test_stored_name_is_generated_not_the_uploaders():
    report_file = ReportFile(report=Report.objects.get(), language="fr", file=real_pdf("maria-draft-FINAL.pdf"))
    report_file.full_clean()
    report_file.save()
    assert re.fullmatch(rf"reports/[0-9a-f]{{32}}/{REPORT_SLUG}-fr\.pdf", report_file.file.name)
    assert report_file.file_format == "PDF"
    ReportFile.objects.get().full_clean()  # the stored file passes again when staff edit the report
