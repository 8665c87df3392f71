"""Checking, re-encoding and resizing uploaded pictures with Pillow.

Every upload is decoded and written out again, so that what we serve is a
picture we made: no hidden payload, no EXIF location data, a known format.
"""

import io
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
RENDITION_WIDTHS = (480, 960, 1600)


def _open(fileobj):
    fileobj.seek(0)
    return PILImage.open(fileobj, formats=ACCEPTED_FORMATS)


def validate_upload(uploaded):
    if uploaded.size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            _("This image is larger than %(limit)s MB."),
            code="image_too_large",
            params={"limit": settings.IMAGE_MAX_BYTES // (1024 * 1024)},
        )
    try:
        with _open(uploaded) as picture:
            width, height = picture.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("This image has too many pixels; upload one of at most %(limit)s megapixels."),
                    code="image_too_many_pixels",
                    params={"limit": settings.IMAGE_MAX_PIXELS // 1_000_000},
                )
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as error:
        raise ValidationError(
            _("Upload a JPEG, PNG or WebP image. This file is not one, or it is damaged."),
            code="image_invalid",
        ) from error
    finally:
        uploaded.seek(0)


def reencode(uploaded):
    """Decode the upload and write it out afresh, upright and without metadata."""
    with _open(uploaded) as picture:
        source_format = picture.format
        picture = ImageOps.exif_transpose(picture)
        has_alpha = picture.mode in ("RGBA", "LA", "P") and source_format == "PNG"
        picture = picture.convert("RGBA" if has_alpha else "RGB")
        buffer = io.BytesIO()
        if has_alpha:
            picture.save(buffer, "PNG", optimize=True)
            extension = "png"
        else:
            picture.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
            extension = "jpg"
    stem = PurePath(uploaded.name).stem[:60] or "image"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{extension}")


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
