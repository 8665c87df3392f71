"""The seed's postcard designs, drawn with Pillow from simple shapes in the campaign's yellow and black.

Drawn at twice the size and scaled down, so that curves come out smooth,
and handed to the design model as an upload, like any other picture.
"""

import io
import math
from functools import cache

from PIL import Image as PILImage
from PIL import ImageDraw

from .artwork import ARTWORK_SIZE

YELLOW = (255, 255, 0)
BLACK = (0, 0, 0)
SCALE = 2
WIDTH, HEIGHT = ARTWORK_SIZE[0] * SCALE, ARTWORK_SIZE[1] * SCALE


def _canvas(background):
    picture = PILImage.new("RGB", (WIDTH, HEIGHT), background)
    return picture, ImageDraw.Draw(picture)


def _png(picture):
    buffer = io.BytesIO()
    picture.resize(ARTWORK_SIZE, PILImage.Resampling.LANCZOS).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def s(*values):
    """Coordinates given at the design's own size (960 × 640), scaled for drawing."""
    return [value * SCALE for value in values]


def _polygon(draw, points, fill):
    draw.polygon([value * SCALE for point in points for value in point], fill=fill)


def _ellipse_points(cx, cy, rx, ry, degrees=0, steps=90):
    """An ellipse turned by `degrees` (Pillow only draws upright ones)."""
    turn = math.radians(degrees)
    points = []
    for step in range(steps):
        t = 2 * math.pi * step / steps
        x, y = rx * math.cos(t), ry * math.sin(t)
        points.append((cx + x * math.cos(turn) - y * math.sin(turn), cy + x * math.sin(turn) + y * math.cos(turn)))
    return points


def candle():
    """A lit candle on black, its flame circled by rings of light."""
    picture, draw = _canvas(BLACK)
    cx, flame_y = 480, 190
    for radius, width in ((250, 3), (195, 5), (140, 8)):
        draw.ellipse(s(cx - radius, flame_y - radius, cx + radius, flame_y + radius), outline=YELLOW, width=width * SCALE)
    draw.ellipse(s(cx - 96, flame_y - 96, cx + 96, flame_y + 96), fill=BLACK)
    # The flame: a drop, pointed at the top and round at the bottom, with a dark heart.
    flame = []
    for step in range(120):
        t = 2 * math.pi * step / 120
        flame.append((cx + 42 * math.sin(t) * math.sin(t / 2), flame_y - 70 * math.cos(t)))
    _polygon(draw, flame, YELLOW)
    heart = [(cx + 0.45 * (x - cx), flame_y + 30 + 0.45 * (y - flame_y)) for x, y in flame]
    _polygon(draw, heart, BLACK)
    # The wick and the candle.
    draw.rectangle(s(cx - 3, flame_y + 60, cx + 3, flame_y + 96), fill=YELLOW)
    draw.rectangle(s(cx - 72, flame_y + 110, cx + 72, 600), fill=YELLOW)
    draw.ellipse(s(cx - 72, flame_y + 94, cx + 72, flame_y + 126), fill=YELLOW)
    draw.rectangle(s(0, 600, 960, 640), fill=YELLOW)
    return _png(picture)


def broken_chain():
    """A black chain on yellow, its middle link broken open."""
    picture, draw = _canvas(YELLOW)
    y, half_width, half_height, thickness = 320, 80, 50, 20

    def bar(start, end):
        # A link seen edge on, passing through the holes of its neighbours.
        draw.rounded_rectangle(s(start, y - 14, end, y + 14), radius=14 * SCALE, fill=BLACK)

    for x in (130, 330, 630, 830):
        box = s(x - half_width, y - half_height, x + half_width, y + half_height)
        draw.rounded_rectangle(box, radius=half_height * SCALE, outline=BLACK, width=thickness * SCALE)
    for start, end in ((-20, 80), (170, 290), (370, 420), (540, 590), (670, 790), (880, 980)):
        bar(start, end)
    # The middle link, broken in two and pulled apart.
    for x, start, end in ((444, 90, 270), (516, 270, 90)):
        draw.arc(s(x - 60, y - half_height, x + 60, y + half_height), start=start, end=end, fill=BLACK, width=thickness * SCALE)
    # Sparks where it broke.
    for dx, dy in ((0, -1), (-0.5, -0.87), (0.5, -0.87), (0, 1), (-0.5, 0.87), (0.5, 0.87)):
        draw.line(s(480 + dx * 90, y + dy * 90, 480 + dx * 150, y + dy * 150), fill=BLACK, width=8 * SCALE)
    draw.rectangle(s(0, 600, 960, 640), fill=BLACK)
    return _png(picture)


def dove():
    """A yellow dove in flight on black, carrying a sprig of olive leaves."""
    picture, draw = _canvas(BLACK)
    # The tail, a fan of three feathers behind the body.
    _polygon(draw, [(360, 370), (200, 330), (230, 375), (180, 410), (240, 415), (215, 460), (380, 400)], YELLOW)
    # The far wing, behind the body.
    _polygon(draw, [(450, 320), (300, 190), (350, 205), (330, 150), (390, 180), (470, 300)], YELLOW)
    _polygon(draw, _ellipse_points(470, 345, 150, 62, degrees=-18), YELLOW)
    draw.ellipse(s(560, 230, 660, 330), fill=YELLOW)  # head
    _polygon(draw, [(652, 262), (710, 280), (650, 298)], YELLOW)  # beak
    draw.ellipse(s(616, 260, 632, 276), fill=BLACK)  # eye
    # The near wing, raised, its feathers spread.
    _polygon(draw, [(420, 340), (360, 170), (400, 180), (400, 100), (450, 140), (470, 50), (510, 120), (550, 60), (560, 170), (560, 310)], YELLOW)
    # A sprig of olive leaves in the beak.
    draw.line(s(700, 284, 800, 340), fill=YELLOW, width=5 * SCALE)
    for x, y, degrees in ((730, 285, -30), (752, 330, 40), (780, 310, -30), (805, 352, 40), (818, 333, 0)):
        _polygon(draw, _ellipse_points(x, y, 20, 9, degrees=degrees, steps=30), YELLOW)
    draw.rectangle(s(0, 600, 960, 640), fill=YELLOW)
    return _png(picture)


@cache
def drawing(name):
    """The PNG bytes of one of the seed's designs (drawn once per process)."""
    return {"candle": candle, "broken-chain": broken_chain, "dove": dove}[name]()
