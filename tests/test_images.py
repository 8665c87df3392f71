"""Uploaded images are checked by Pillow, re-encoded and resized."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from campaign.images import validate_upload
from campaign.models import Image
from tests.assertions import assert_refused
from tests.factories import image_upload

pytestmark = pytest.mark.django_db


def test_upload_is_reencoded_and_resized():
    image = Image(title="Map", alt_text_en="Map of Kosovo", file=image_upload(size=(2000, 1200)))
    image.full_clean()
    image.save()
    assert image.file.name.endswith(".jpg")
    assert [r["width"] for r in image.renditions] == [480, 960, 1600]
    for rendition in image.renditions:
        with image.file.storage.open(rendition["name"]) as stored, PILImage.open(stored) as picture:
            assert picture.format == "WEBP"
            assert picture.width == rendition["width"]
    assert "480w" in image.srcset and "1600w" in image.srcset


def test_small_image_is_never_enlarged():
    image = Image.objects.create(title="Small", alt_text_en="A small picture", file=image_upload(size=(300, 200)))
    assert [r["width"] for r in image.renditions] == [300]


def test_metadata_is_stripped():
    picture = PILImage.new("RGB", (640, 480), (0, 0, 0))
    exif = PILImage.Exif()
    exif[0x010E] = "secret location note"  # ImageDescription
    import io

    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("exif.jpg", buffer.getvalue(), content_type="image/jpeg")
    image = Image.objects.create(title="Exif", alt_text_en="Black", file=upload)
    with image.file.open("rb") as stored:
        assert b"secret location note" not in stored.read()


@pytest.mark.parametrize(
    "upload,code",
    [
        (SimpleUploadedFile("fake.jpg", b"<script>alert(1)</script>", content_type="image/jpeg"), "image_invalid"),
        (image_upload("anim.gif", image_format="GIF"), "image_invalid"),
    ],
)
def test_bad_uploads_are_refused_with_a_code(upload, code):
    assert_refused(validate_upload, upload, code)


def test_too_many_pixels_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    assert_refused(validate_upload, image_upload(size=(1200, 1000)), "image_too_many_pixels")


def test_alt_text_is_required_in_the_admin(staff_client):
    response = staff_client.post(reverse("admin:campaign_image_add"), {"title": "No alt", "file": image_upload()})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Image.objects.count() == 0


def test_admin_upload_shows_a_translated_error(staff_client):
    bad = SimpleUploadedFile("fake.png", b"not a picture", content_type="image/png")
    response = staff_client.post(
        reverse("admin:campaign_image_add"), {"title": "Bad", "alt_text_en": "x", "file": bad}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    assert Image.objects.count() == 0


def test_story_image_is_served_responsively_with_its_alt_text(client):
    from tests.factories import make_campaign, make_story

    image = Image.objects.create(title="Map", alt_text_en="Map of Kosovo", alt_text_fr="Carte du Kosovo", file=image_upload(size=(1200, 800)))
    story = make_story(make_campaign(), "with-image", image=image)
    html = client.get(story.get_absolute_url().replace("/en/", "/fr/", 1)).content.decode()
    assert 'alt="Carte du Kosovo"' in html
    assert 'srcset="/media/images/renditions/' in html and "960w" in html
    assert f'width="{image.renditions[-1]["width"]}" height="{image.renditions[-1]["height"]}"' in html
    rendition = client.get("/media/" + image.renditions[0]["name"])
    assert rendition.status_code == 200
    assert rendition["Content-Type"] == "image/webp"
