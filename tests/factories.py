"""Builders for test data, shared by every test module."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from campaign.models import Campaign, Section
from stories.models import Fact, Report, Story

CAMPAIGN_SLUG = "stop-violence-against-women"
STORY_SLUG = "kosovo-trafficked-women-and-girls"
REPORT_SLUG = "so-does-that-mean-i-have-rights"
KOSOVO_PATH = f"/campaigns/{CAMPAIGN_SLUG}/stories/{STORY_SLUG}/"
REPORT_PATH = f"/campaigns/{CAMPAIGN_SLUG}/resources/{REPORT_SLUG}/"
LANGUAGES = ("en", "ar", "fr", "es")


def make_campaign(slug="test-campaign", **fields):
    fields = {"title_en": "Test campaign", "intro_en": "Intro.", "status": Campaign.Status.PUBLISHED, **fields}
    return Campaign.objects.create(slug=slug, **fields)


def make_section(campaign, slug, kind=Section.Kind.PAGE, **fields):
    fields = {"title_en": slug.title(), "status": Section.Status.PUBLISHED, **fields}
    return Section.objects.create(campaign=campaign, slug=slug, kind=kind, **fields)


def make_story(campaign, slug, facts=0, **fields):
    fields = {"title_en": f"Story {slug}", "lead_en": "Lead.", "body_en": "Body.", "status": Story.Status.PUBLISHED, **fields}
    story = Story.objects.create(campaign=campaign, slug=slug, **fields)
    Fact.objects.bulk_create(Fact(story=story, text_en=f"Fact {n}", sort_order=n) for n in range(facts))
    return story


def make_report(campaign, slug, **fields):
    fields = {"title_en": f"Report {slug}", "summary_en": "Summary.", "status": Report.Status.PUBLISHED, **fields}
    return Report.objects.create(campaign=campaign, slug=slug, **fields)


def image_upload(name="photo.jpg", size=(2000, 1200), image_format="JPEG", color=(200, 30, 30)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, image_format)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}[image_format]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def pdf_upload(name="report.pdf", size=2048):
    body = b"%PDF-1.4\n" + b"0" * (size - 9)
    return SimpleUploadedFile(name, body, content_type="application/pdf")
