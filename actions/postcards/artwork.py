"""Postcard designs: uploads checked and re-encoded as every picture is, with their own limits.

campaign/images.py decodes every pixel (refusing anything that is not a whole
JPEG, PNG or WebP picture, and decompression bombs) and writes a fresh file
without metadata. Designs are smaller than other images (5 MB, 12
megapixels: settings.POSTCARD_DESIGN_MAX_*), and each gets two copies made
from it: the artwork a card is drawn on, and a thumbnail for the gallery.
"""

import hashlib
import io
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageOps

from campaign import images

# Every card is drawn on the design cropped to this size (3:2).
ARTWORK_SIZE = (960, 640)
THUMBNAIL_SIZE = (480, 320)
# Uploads up to this size are remembered, by their hash, with the files made from them.
MEMO_MAX_BYTES = 1024 * 1024
MEMO_SIZE = 8
_memo = OrderedDict()


def validate_design_upload(uploaded):
    images.validate_upload(uploaded, max_bytes=settings.POSTCARD_DESIGN_MAX_BYTES, max_pixels=settings.POSTCARD_DESIGN_MAX_PIXELS)


def reencode_design(uploaded):
    """(the upload written out afresh, its artwork, its thumbnail) as ContentFiles under one new random name.

    The same bytes always give the same files, so a small upload seen before
    in this process (the seed's drawings, loaded again by every test that
    seeds) is not worked through again.
    """
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    key = hashlib.sha256(data).digest() if len(data) <= MEMO_MAX_BYTES else None
    files = _memo.get(key) if key else None
    if files is None:
        stored = images.reencode(uploaded, max_pixels=settings.POSTCARD_DESIGN_MAX_PIXELS)
        # The copies are made from the decoded pixels, not from the stored file, which may be a JPEG.
        artwork, thumbnail = derived_copies(images.decode(uploaded, max_pixels=settings.POSTCARD_DESIGN_MAX_PIXELS))
        files = (stored.read(), stored.name.rsplit(".", 1)[-1], artwork, thumbnail)
        if key:
            _memo[key] = files
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
    original, extension, artwork, thumbnail = files
    name = uuid.uuid4().hex
    return ContentFile(original, name=f"{name}.{extension}"), ContentFile(artwork, name=f"{name}.png"), ContentFile(thumbnail, name=f"{name}.webp")


def derived_copies(picture):
    """(artwork PNG, thumbnail WebP) as bytes, cropped from the middle of the design's pixels."""
    flat = flatten(picture)
    artwork = flat if flat.size == ARTWORK_SIZE else ImageOps.fit(flat, ARTWORK_SIZE, PILImage.Resampling.LANCZOS)
    thumbnail = artwork.resize(THUMBNAIL_SIZE, PILImage.Resampling.LANCZOS)
    return encode(artwork, "PNG", compress_level=3), encode(thumbnail, "WEBP", quality=80, method=4)


def flatten(picture):
    """RGB; a transparent design is laid on white, the colour of the card."""
    if picture.mode in ("RGBA", "LA", "P"):
        rgba = picture.convert("RGBA")
        background = PILImage.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return picture.convert("RGB")


def encode(picture, image_format, **options):
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()
