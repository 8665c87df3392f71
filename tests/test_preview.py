"""Staff see drafts before visitors do; visitors never see them."""

import pytest

from stories.models import Story

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def draft():
    story = Story.objects.get()
    story.status = Story.Status.DRAFT
    story.title_en = "Draft title"
    story.save()
    return story


def test_staff_can_preview_a_draft(staff_client, draft):
    response = staff_client.get(draft.get_preview_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft title" in html
    assert 'class="preview-banner"' in html
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_visitors_cannot_preview(client, draft):
    response = client.get(draft.get_preview_url())
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_preview_of_unknown_kind_is_404(staff_client):
    assert staff_client.get("/en/preview/auth.user/1/").status_code == 404


def test_a_draft_campaign_hides_its_stories_sections_and_reports(client):
    from campaign.models import Campaign
    from tests.factories import KOSOVO_PATH, REPORT_PATH

    Campaign.objects.update(status=Campaign.Status.DRAFT)
    for path in ("/en/campaigns/stop-violence-against-women/", "/en/campaigns/stop-violence-against-women/act-now/", f"/en{KOSOVO_PATH}", f"/en{REPORT_PATH}"):
        assert client.get(path).status_code == 404, path
    assert "kosovo" not in client.get("/sitemap.xml").content.decode()
