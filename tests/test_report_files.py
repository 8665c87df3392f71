"""Report files: real documents only, shown with their format and size."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stories.documents import validate_upload
from stories.models import Report, ReportFile
from tests.assertions import assert_refused
from tests.factories import REPORT_PATH, pdf_upload

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
