"""Uploaded files are served with safe headers; any other name is a plain 404, never an error."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_name():
    """A stored file, so that the media folder exists and odd names reach the file system's own checks."""
    return default_storage.save("reports/0123456789abcdef/report-fr.pdf", ContentFile(b"%PDF-1.4\n"))


def test_stored_file_is_served_with_its_headers(client, stored_name):
    response = client.get(f"/media/{stored_name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n"
    assert response["Content-Type"] == "application/pdf"
    assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("a" * 256, id="name-of-256-characters"),
        pytest.param("reports/" + "b" * 300 + ".pdf", id="long-segment-in-a-folder"),
        pytest.param("reports/" + "x" * 200 + "/" + "y" * 200, id="long-segments-each-just-allowed"),
        pytest.param("ع" * 200, id="long-non-latin-name-too-long-in-bytes"),
        pytest.param("/".join(["c" * 250] * 20), id="whole-path-too-long"),
        pytest.param("a" * 5000, id="name-of-5000-characters"),
        pytest.param("report%00.pdf", id="nul-byte"),
        pytest.param("reports/0123456789abcdef/report-fr.pdf%00.html", id="nul-byte-after-a-real-name"),
        pytest.param("../manage.py", id="parent-folder"),
        pytest.param("reports/../../manage.py", id="parent-folder-inside"),
        pytest.param("%2e%2e/%2e%2e/manage.py", id="encoded-dots"),
        pytest.param("reports%2F..%2F..%2Fmanage.py", id="encoded-slashes"),
        pytest.param("reports%252F0123456789abcdef%252Freport-fr.pdf", id="double-encoded-slashes"),
        pytest.param("reports\\..\\..\\manage.py", id="backslashes"),
        pytest.param("reports/./0123456789abcdef/report-fr.pdf", id="current-folder"),
        pytest.param(".hidden", id="hidden-file"),
        pytest.param("reports/", id="folder"),
        pytest.param("reports", id="folder-without-slash"),
        pytest.param("reports/0123456789abcdef/missing.pdf", id="missing-file"),
    ],
)
def test_odd_names_are_not_found(client, stored_name, name):
    # The test client raises any server error, so a 500 fails here rather than passing as "not 200".
    assert client.get(f"/media/{name}").status_code == 404
