"""Checking, re-encoding and resizing uploaded pictures with Pillow.

Every upload is decoded and written out again, so that what we serve is a
picture we made: no hidden payload, no metadata (EXIF location, XMP, ICC
profile, comments, text chunks), a known format and a name we chose.
"""

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
RENDITION_WIDTHS = (480, 960, 1600)

# The pixel mode an ICC profile's colour space describes.
_PROFILE_MODES = {"RGB": "RGB", "GRAY": "L", "CMYK": "CMYK"}


def _open(fileobj):
    fileobj.seek(0)
    return PILImage.open(fileobj, formats=ACCEPTED_FORMATS)


def _too_many_pixels(max_pixels):
    return ValidationError(
        _("This image has too many pixels; upload one of at most %(limit)s megapixels."),
        code="image_too_many_pixels",
        params={"limit": max_pixels // 1_000_000},
    )


def validate_upload(uploaded, *, max_bytes=None, max_pixels=None):
    """Refuse anything reencode() could not store.

    The limits default to IMAGE_MAX_BYTES and IMAGE_MAX_PIXELS; other kinds of
    upload (postcard designs) pass their own.
    """
    max_bytes = settings.IMAGE_MAX_BYTES if max_bytes is None else max_bytes
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("This image is larger than %(limit)s MB."),
            code="image_too_large",
            params={"limit": max_bytes // (1024 * 1024)},
        )
    # Everything reencode() will do, so that whatever passes here can be stored.
    _decode(uploaded, max_pixels)


def _decode(uploaded, max_pixels=None):
    """Decode every pixel of the upload; return them upright, in sRGB, with nothing else from the file.

    Raises a ValidationError for anything that is not a whole JPEG, PNG or WebP
    picture of at most `max_pixels` (default IMAGE_MAX_PIXELS).
    """
    max_pixels = settings.IMAGE_MAX_PIXELS if max_pixels is None else max_pixels
    try:
        # Pillow only warns about a decompression bomb below twice its limit;
        # such a file is refused as firmly as the larger ones it raises for.
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with _open(uploaded) as picture:
                # Checked before anything is decompressed, so a small file cannot fill the memory.
                width, height = picture.size
                if width * height > max_pixels:
                    raise _too_many_pixels(max_pixels)
                picture.verify()
            # verify() only checks the structure (for JPEG it decodes nothing) and
            # leaves the image unusable: open it again and decode it whole, which
            # is what finds a truncated or corrupt picture.
            with _open(uploaded) as picture:
                picture.load()
                return _pixels_only(picture)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
        raise _too_many_pixels(max_pixels) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, ImageCms.PyCMSError) as error:
        raise ValidationError(
            _("Upload a JPEG, PNG or WebP image. This file is not one, or it is damaged."),
            code="image_invalid",
        ) from error
    finally:
        uploaded.seek(0)


def _pixels_only(picture):
    """A new RGB (or RGBA, for a transparent PNG) image holding only the decoded pixels.

    The orientation and colour profile are applied to the pixels first, since
    neither is kept. Copying into a fresh image, rather than deleting known
    keys, leaves Pillow nothing to write back on save (it writes
    ``info["comment"]`` into a JPEG, for example).
    """
    keeps_alpha = picture.format == "PNG" and picture.mode in ("RGBA", "LA", "P")
    icc_profile = picture.info.get("icc_profile")
    upright = ImageOps.exif_transpose(picture)
    rgb = _to_srgb(upright, icc_profile) if icc_profile else upright.convert("RGB")
    if keeps_alpha:
        rgb.putalpha(upright.convert("RGBA").getchannel("A"))
    clean = PILImage.new(rgb.mode, rgb.size)
    clean.paste(rgb)
    return clean


def _to_srgb(picture, icc_profile):
    """Convert the pixels from the colour space their ICC profile describes to sRGB, the web's default."""
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
    mode = _PROFILE_MODES.get(source.profile.xcolor_space.strip())
    if mode is None:
        raise ImageCms.PyCMSError(f"unsupported ICC colour space {source.profile.xcolor_space!r}")
    return ImageCms.profileToProfile(picture.convert(mode), source, ImageCms.createProfile("sRGB"), outputMode="RGB")


def decode(uploaded, *, max_pixels=None):
    """The upload's pixels only, checked as validate_upload() checks them, for callers that write their own files."""
    return _decode(uploaded, max_pixels)


def reencode(uploaded, *, max_pixels=None):
    """Write the upload out afresh, upright, in sRGB, without metadata and under a random name."""
    picture = _decode(uploaded, max_pixels)
    buffer = io.BytesIO()
    if picture.mode == "RGBA":
        picture.save(buffer, "PNG", optimize=True)
        extension = "png"
    else:
        picture.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
        extension = "jpg"
    # The uploader's file name can say who or where the picture is of; it is never published.
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


def make_renditions(field_file, image_id):
    """Write WebP copies at standard widths, never wider than the original."""
    renditions = []
    with field_file.open("rb") as stored, PILImage.open(stored) as original:
        original.load()
        widths = [w for w in RENDITION_WIDTHS if w < original.width] + [min(original.width, RENDITION_WIDTHS[-1])]
        for width in sorted(set(widths)):
            height = max(1, round(original.height * width / original.width))
            resized = original.copy()
            resized.thumbnail((width, height), PILImage.Resampling.LANCZOS)
            buffer = io.BytesIO()
            resized.save(buffer, "WEBP", quality=80, method=6)
            name = default_storage.save(f"images/renditions/{image_id}/{width}.webp", ContentFile(buffer.getvalue()))
            renditions.append({"width": resized.width, "height": resized.height, "name": name})
    return renditions


def rendition_url(name):
    return default_storage.url(name)
