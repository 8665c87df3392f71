"""Uploaded images are checked by Pillow, re-encoded and resized."""

import io
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageCms
from PIL.PngImagePlugin import PngInfo

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


def icc_profile(swap_red_and_green=False):
    """An sRGB ICC profile; swapped, it says the file's red channel holds green and the reverse."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    if swap_red_and_green:
        tag_count = struct.unpack(">I", data[128:132])[0]
        entries = {bytes(data[132 + 12 * n : 136 + 12 * n]): 132 + 12 * n for n in range(tag_count)}
        red, green = entries[b"rXYZ"], entries[b"gXYZ"]
        data[red + 4 : red + 12], data[green + 4 : green + 12] = data[green + 4 : green + 12], data[red + 4 : red + 12]
        data[84:100] = bytes(16)  # the profile ID is a checksum of the content; zero means "not computed"
    return bytes(data)


def jpeg_with_every_kind_of_metadata():
    exif = PILImage.Exif()
    exif[0x010E] = "secret exif note"  # ImageDescription
    exif[0x8825] = {2: (42.0, 39.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 480), (200, 30, 30)).save(
        buffer,
        "JPEG",
        exif=exif,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret xmp note</x:xmpmeta>',
        icc_profile=icc_profile(),
        comment=b"secret comment note",
    )
    return SimpleUploadedFile("exif.jpg", buffer.getvalue(), content_type="image/jpeg")


def png_with_every_kind_of_metadata():
    text = PngInfo()
    text.add_text("Comment", "secret text note")
    text.add_text("Author", "secret compressed note", zip=True)
    text.add_itxt("Description", "secret international note", lang="en")
    buffer = io.BytesIO()
    PILImage.new("RGBA", (640, 480), (200, 30, 30, 128)).save(buffer, "PNG", pnginfo=text, icc_profile=icc_profile())
    return SimpleUploadedFile("text.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize("upload", [jpeg_with_every_kind_of_metadata, png_with_every_kind_of_metadata])
def test_stored_original_keeps_no_metadata(upload):
    image = Image(title="Metadata", alt_text_en="A red picture", file=upload())
    image.full_clean()
    image.save()
    with image.file.open("rb") as stored:
        content = stored.read()
    assert b"secret" not in content
    with PILImage.open(io.BytesIO(content)) as picture:
        assert not {"exif", "xmp", "icc_profile", "comment", "Comment", "Author", "Description"} & set(picture.info)
        assert not picture.getexif()
        assert not getattr(picture, "text", {})
        assert picture.getpixel((0, 0))[:3] == pytest.approx((200, 30, 30), abs=3)


def test_colour_profile_is_applied_before_it_is_dropped():
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 64), (255, 0, 0)).save(buffer, "PNG", icc_profile=icc_profile(swap_red_and_green=True))
    image = Image.objects.create(title="Profile", alt_text_en="Green", file=SimpleUploadedFile("p.png", buffer.getvalue()))
    with image.file.open("rb") as stored, PILImage.open(stored) as picture:
        assert "icc_profile" not in picture.info
        assert picture.getpixel((32, 32)) == pytest.approx((0, 255, 0), abs=3)


def test_stored_name_is_generated_not_the_uploaders():
    image = Image.objects.create(title="Named", alt_text_en="A picture", file=image_upload("maria-at-the-shelter-in-pristina.jpg"))
    assert re.fullmatch(r"images/originals/[0-9a-f]{32}\.jpg", image.file.name)
    Image.objects.get().full_clean()  # the stored file passes again when staff edit the image


def truncated_jpeg():
    content = image_upload(size=(800, 600)).read()
    return SimpleUploadedFile("cut.jpg", content[: len(content) * 2 // 3], content_type="image/jpeg")


def test_truncated_jpeg_is_refused():
    assert_refused(validate_upload, truncated_jpeg(), "image_invalid")


def test_truncated_jpeg_gets_an_error_in_the_admin(staff_client):
    response = staff_client.post(reverse("admin:campaign_image_add"), {"title": "Cut", "alt_text_en": "x", "file": truncated_jpeg()})
    assert response.status_code == 200
    assert "This file is not one, or it is damaged." in response.content.decode()
    assert Image.objects.count() == 0


def png_header_claiming(width, height):
    """A tiny PNG that claims to be huge: decoding it would fill the memory."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused():
    bomb = SimpleUploadedFile("bomb.png", png_header_claiming(100_000, 100_000), content_type="image/png")
    assert_refused(validate_upload, bomb, "image_too_many_pixels")


def test_pillow_bomb_warning_is_refused_too(settings, monkeypatch):
    # Only Pillow's own limit stands in the way; above it (but below twice it) Pillow merely warns.
    settings.IMAGE_MAX_PIXELS = 10**9
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 100_000)
    assert_refused(validate_upload, image_upload(size=(400, 300)), "image_too_many_pixels")


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
