"""Signatures out of the site: the staff CSV export (streamed) and the delivery pack (CSV and PDF)."""

import csv
import io
import tracemalloc

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from actions.petitions.delivery_pack import build_pack, pack_csv
from actions.petitions.models import Action, Signature
from tests.factories import make_campaign

pytestmark = pytest.mark.django_db

EXPORT_HEADER = ["Name", "Email address", "Country", "Signed (UTC)", "Confirmed (UTC)", "Agreed to hear from us", "Language"]


def make_action(slug="end-impunity", **fields):
    fields = {
        "title_en": "End impunity",
        "title_fr": "Mettre fin à l’impunité",
        "title_ar": "إنهاء الإفلات من العقاب",
        "summary_en": "Summary.",
        "targets_en": "The Prime Minister of Kosovo",
        "targets_fr": "Le Premier ministre du Kosovo",
        "appeal_en": "Protect the women and girls.\n\nBring the traffickers to justice.",
        "status": Action.Status.PUBLISHED,
        **fields,
    }
    return Action.objects.create(campaign=make_campaign(slug=f"campaign-{slug}"), slug=slug, **fields)


def make_signature(action, email, confirmed=True, **fields):
    fields = {"name": "Ana López", "country": "ES", "language": "en", **fields}
    return Signature.objects.create(action=action, email=email, confirmed_at=timezone.now() if confirmed else None, **fields)


@pytest.fixture
def action():
    return make_action()


def read_csv(body):
    assert body.startswith("\ufeff"), "a byte order mark, so that Excel reads UTF-8"
    return list(csv.reader(io.StringIO(body[1:])))


def streamed(response):
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def assert_private_download(response, filename):
    assert response["Cache-Control"] == "private, no-store" or set(response["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "Set-Cookie" not in response or "sessionid" not in response.get("Set-Cookie", "")


# The CSV export ------------------------------------------------------------------------


def test_export_has_the_columns_and_the_current_filters(staff_client, action):
    make_signature(action, "ana@example.org", contact_consent=True, language="es")
    make_signature(action, "amal@example.org", name="أمل منصور", country="MA", language="ar")
    make_signature(action, "waiting@example.org", confirmed=False, name="Waiting")
    make_signature(make_action("other"), "other@example.org", name="Elsewhere")
    url = reverse("admin:petitions_signature_export") + f"?action__id__exact={action.pk}&confirmed=yes"
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.now().date().isoformat()
    assert_private_download(response, f"signatures-end-impunity-{today}.csv")
    rows = read_csv(streamed(response))
    assert rows[0] == EXPORT_HEADER
    by_email = {row[1]: row for row in rows[1:]}
    assert set(by_email) == {"ana@example.org", "amal@example.org"}
    ana = by_email["ana@example.org"]
    assert ana[0] == "Ana López" and ana[2] == "Spain" and ana[5] == "yes" and ana[6] == "es"
    assert ana[3].endswith("Z") and ana[4].endswith("Z")
    assert by_email["amal@example.org"][0] == "أمل منصور"
    assert by_email["amal@example.org"][2] == "Morocco" and by_email["amal@example.org"][5] == "no"


def test_export_with_a_search_and_no_filter(staff_client, action):
    make_signature(action, "ana@example.org")
    make_signature(action, "bob@example.org", name="Bob")
    rows = read_csv(streamed(staff_client.get(reverse("admin:petitions_signature_export") + "?q=bob")))
    assert [row[1] for row in rows[1:]] == ["bob@example.org"]


def test_export_with_a_filter_the_list_does_not_know_goes_back_to_the_list(staff_client, action):
    response = staff_client.get(reverse("admin:petitions_signature_export") + "?password__startswith=a")
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_export_cannot_run_a_formula_in_a_spreadsheet(staff_client, action):
    make_signature(action, "ana@example.org", name='=HYPERLINK("http://evil.example","click")')
    make_signature(action, "bob@example.org", name="@SUM(1+1)")
    rows = read_csv(streamed(staff_client.get(reverse("admin:petitions_signature_export"))))
    names = sorted(row[0] for row in rows[1:])
    assert names == ['\'=HYPERLINK("http://evil.example","click")', "'@SUM(1+1)"]


def test_export_as_an_admin_action_of_the_selection(staff_client, action):
    chosen = make_signature(action, "ana@example.org")
    make_signature(action, "bob@example.org")
    response = staff_client.post(reverse("admin:petitions_signature_changelist"), {"action": "export_csv", "_selected_action": [chosen.pk]})
    assert response["Content-Disposition"].startswith('attachment; filename="signatures-')
    rows = read_csv(streamed(response))
    assert [row[1] for row in rows[1:]] == ["ana@example.org"]


def test_export_headers_follow_the_staff_language(staff_client, action):
    make_signature(action, "ana@example.org")
    body = streamed(staff_client.get(reverse("admin:petitions_signature_export"), HTTP_ACCEPT_LANGUAGE="fr"))
    assert read_csv(body)[0][0] == "Nom"
    assert read_csv(body)[1][2] == "Espagne"


def insert_signatures(action, count):
    """`count` confirmed signatures in one statement: a recursive CTE works on SQLite and PostgreSQL alike.

    Far faster than the ORM for 100,000 rows (bulk_create spends most of its
    time preparing each value), which keeps the test short.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)
            INSERT INTO petitions_signature
                (action_id, name, email, mailbox, country, comment, comment_approved, contact_consent, show_name, language, created_at, confirmed_at, flagged)
            SELECT %s, 'Fatima Lopez-Ibrahim ' || i, 'fatima.lopez.ibrahim.' || i || '@example.org', 'fatima.lopez.ibrahim.' || i || '@example.org',
                   'ES', '', FALSE, TRUE, FALSE, 'en', %s, %s, FALSE
            FROM n
            """,
            [count, action.pk, now, now],
        )


def test_export_streams_100000_signatures_in_little_memory(staff_client, action):
    insert_signatures(action, 100_000)
    url = reverse("admin:petitions_signature_export") + f"?action__id__exact={action.pk}"
    tracemalloc.start()
    try:
        response = staff_client.get(url)
        assert response.streaming, "a StreamingHttpResponse, not a body built in memory"
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        response.close()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == 100_001
    # The CSV is about 11 MB; the rows as Python objects would take several
    # times that. Streaming holds one chunk of 2,000 rows at a time.
    assert size > 10_000_000
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert peak * 4 < size, f"peak {peak / 1e6:.1f} MB for {size / 1e6:.1f} MB of CSV: the rows were held in memory"


# The delivery pack ------------------------------------------------------------------------


@pytest.fixture
def signed(action):
    make_signature(action, "zoe@example.org", name="Zoë Martin", country="FR")
    make_signature(action, "eloise@example.org", name="Éloïse Durand", country="FR")
    make_signature(action, "ana@example.org", name="Ana López", country="ES")
    make_signature(action, "fatima@example.org", name="فاطمة الزهراء", country="MA", language="ar")
    make_signature(action, "waiting@example.org", name="Not Confirmed", country="ES", confirmed=False)
    make_signature(make_action("other"), "other@example.org", name="Other Action", country="ES")
    action.paper_signatures = 25
    action.save()
    return action


def pack_url(action, **query):
    return reverse("admin:petitions_action_delivery_pack", args=[action.pk]) + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def test_the_pack_page_offers_languages_and_formats(staff_client, signed):
    Signature.objects.filter(name="Ana López").update(flagged=True)
    response = staff_client.get(reverse("admin:petitions_action_delivery_pack", args=[signed.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="language"' in html and 'value="ar"' in html and 'value="pdf"' in html
    assert "It lists 4 confirmed signatures." in html
    assert "1 of them is flagged for review" in html


def test_the_csv_pack_groups_names_by_country_in_its_language_without_emails(staff_client, signed):
    response = staff_client.get(pack_url(signed, language="fr", format="csv"))
    assert response.status_code == 200
    assert_private_download(response, f"delivery-pack-end-impunity-fr-{timezone.localdate().isoformat()}.csv")
    body = response.content.decode("utf-8")
    assert "@" not in body
    rows = read_csv(body)
    header = dict(row for row in rows if len(row) == 2 and rows.index(row) < rows.index([]))
    assert "Mettre fin à l’impunité" in header.values()
    assert "Le Premier ministre du Kosovo" in header.values()
    assert "29" in header.values(), "the total: 4 confirmed online and 25 on paper"
    names = rows[rows.index([]) + 2 :]
    assert names == [
        ["Espagne", "Ana López"],
        ["France", "Éloïse Durand"],
        ["France", "Zoë Martin"],
        ["Maroc", "فاطمة الزهراء"],
    ]


def test_the_pack_counts_unconfirmed_signatures_when_the_action_does(signed):
    signed.count_unconfirmed = True
    signed.save()
    pack = build_pack(signed, "en")
    assert pack.online == 5 and pack.total == 30
    assert ("Spain", ["Ana López", "Not Confirmed"]) in pack.groups
    assert "Not Confirmed" in pack_csv(pack)


def test_the_pdf_pack_is_a_pdf_with_names_and_countries_and_no_emails(staff_client, signed):
    response = staff_client.get(pack_url(signed, language="en", format="pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_private_download(response, f"delivery-pack-end-impunity-en-{timezone.localdate().isoformat()}.pdf")
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    expected_text = ["End impunity", "The Prime Minister of Kosovo", "Bring the traffickers to justice.", "Total signatures: 29"]
    expected_text += ["Spain (1)", "France (2)", "Morocco (1)", "Ana López", "Éloïse Durand", "Zoë Martin"]
    for expected in expected_text:
        assert expected in text, expected
    assert "فاطمة" in text, "Arabic names come out as text, shaped by HarfBuzz"
    assert "@" not in text and "Not Confirmed" not in text and "Other Action" not in text
    assert reader.metadata.title == "End impunity"


def test_the_arabic_pdf_pack_names_countries_in_arabic(staff_client, signed):
    response = staff_client.get(pack_url(signed, language="ar", format="pdf"))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "إنهاء الإفلات من العقاب" in text
    assert "أسبانيا" in text and "المغرب" in text
    assert "Ana López" in text


def test_the_pack_needs_a_known_language_and_format(staff_client, signed):
    response = staff_client.get(pack_url(signed, language="de", format="exe"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
