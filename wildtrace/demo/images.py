"""Small deterministic PNG "photos" for the demo listings, drawn with Pillow.

Each picture kind has a shape and a palette: wildlife kinds look alike within a
commodity (cream tusk crescents and bangles for ivory, overlapping brown scales for
pangolin, stripes for big cats, vials for bear bile...) so an image model or a
perceptual-hash bank has something to learn and match; ordinary kinds are other
shapes (phones, dresses, cars, cats...). Some hard negatives deliberately look close
(faux tiger-print throws, resin figurines, fish maw of other species). A per-image
seed jitters position, size, background and adds speckle, so no two photos are
byte-identical. Bytes are cached; drawing one takes about a millisecond.
"""

from __future__ import annotations

import io
import random
import zlib
from collections.abc import Callable
from functools import lru_cache

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 160, 120
Color = tuple[int, int, int]
Painter = Callable[[ImageDraw.ImageDraw, random.Random, int, int], None]


def _jit(rng: random.Random, color: Color, amount: int = 18) -> Color:
    r, g, b = (max(0, min(255, c + rng.randint(-amount, amount))) for c in color)
    return (r, g, b)


def _ivory(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    cream = _jit(rng, (236, 224, 190))
    d.arc((x - 50, y - 40, x + 60, y + 50), 200, 340, fill=cream, width=14)  # tusk
    d.ellipse((x - 25, y + 5, x + 15, y + 40), outline=_jit(rng, (225, 208, 160)), width=7)


def _rhino_horn(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    d.polygon([(x - 30, y + 35), (x + 30, y + 35), (x + 5, y - 45)], fill=_jit(rng, (70, 62, 55)))
    d.ellipse((x + 30, y + 20, x + 55, y + 38), fill=_jit(rng, (110, 100, 90)))  # powder heap


def _pangolin(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    for row in range(4):
        for col in range(5):
            cx, cy = x - 45 + col * 20 + (row % 2) * 10, y - 35 + row * 18
            d.pieslice(
                (cx - 12, cy - 12, cx + 12, cy + 12),
                0,
                180,
                fill=_jit(rng, (140, 100, 60)),
                outline=(60, 40, 20),
            )


def _big_cat(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    d.rectangle((x - 55, y - 35, x + 55, y + 35), fill=_jit(rng, (222, 128, 38)))
    for i in range(-50, 55, 16):
        d.line((x + i, y - 35, x + i + rng.randint(-8, 8), y + 35), fill=(25, 20, 15), width=5)


def _stripes(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    d.rounded_rectangle((x - 50, y - 30, x + 50, y + 30), 12, fill=_jit(rng, (235, 160, 80)))
    for i in range(-45, 50, 22):
        d.line((x + i, y - 30, x + i + 10, y + 30), fill=(60, 40, 30), width=3)


def _bear_bile(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    for i in range(4):
        vx = x - 45 + i * 25
        d.rectangle((vx, y - 25, vx + 14, y + 30), outline=(200, 200, 210), width=2)
        d.rectangle((vx + 2, y, vx + 12, y + 28), fill=_jit(rng, (170, 160, 40)))


def _hornbill(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    d.rounded_rectangle((x - 35, y - 25, x + 35, y + 25), 10, fill=_jit(rng, (190, 40, 30)))
    d.rounded_rectangle(
        (x - 35, y - 25, x + 35, y + 25), 10, outline=_jit(rng, (235, 200, 60)), width=6
    )


def _turtle_shell(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    d.ellipse((x - 50, y - 35, x + 50, y + 35), fill=_jit(rng, (200, 140, 50)))
    for _ in range(9):
        bx, by = x + rng.randint(-40, 30), y + rng.randint(-28, 20)
        d.ellipse((bx, by, bx + rng.randint(8, 16), by + rng.randint(6, 12)), fill=(90, 45, 20))


def _maw(base: Color) -> Painter:
    def paint(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
        d.ellipse((x - 55, y - 25, x + 55, y + 25), fill=_jit(rng, base))
        for i in range(-40, 45, 12):
            d.line((x + i, y - 18, x + i, y + 18), fill=_jit(rng, (150, 110, 40)), width=1)

    return paint


def _shahtoosh(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    d.rectangle((x - 55, y - 35, x + 55, y + 35), fill=_jit(rng, (210, 190, 160)))
    for i in range(-55, 56, 6):
        d.line((x + i, y - 35, x + i + 20, y + 35), fill=_jit(rng, (190, 170, 140)), width=1)


def _primate(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    d.ellipse((x - 35, y - 35, x + 35, y + 35), fill=_jit(rng, (150, 110, 70)))
    for ex in (x - 15, x + 15):
        d.ellipse((ex - 11, y - 15, ex + 11, y + 7), fill=(30, 20, 10))
        d.ellipse((ex - 3, y - 8, ex + 3, y - 2), fill=(240, 240, 240))


def _cat(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    fur = _jit(rng, (120, 90, 60))
    d.polygon([(x - 30, y - 20), (x - 22, y - 45), (x - 8, y - 28)], fill=fur)
    d.polygon([(x + 30, y - 20), (x + 22, y - 45), (x + 8, y - 28)], fill=fur)
    d.ellipse((x - 32, y - 32, x + 32, y + 30), fill=fur)
    for ex in (x - 12, x + 12):
        d.ellipse((ex - 5, y - 10, ex + 5, y - 2), fill=(90, 160, 60))


def _bird(body: Color, tail: Color) -> Painter:
    def paint(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
        d.ellipse((x - 25, y - 35, x + 20, y + 25), fill=_jit(rng, body))
        d.polygon([(x - 5, y + 20), (x + 15, y + 20), (x + 5, y + 45)], fill=_jit(rng, tail))
        d.ellipse((x + 5, y - 25, x + 12, y - 18), fill=(20, 20, 20))

    return paint


def _tortoise(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    d.pieslice((x - 50, y - 35, x + 50, y + 45), 180, 360, fill=_jit(rng, (50, 40, 25)))
    for cx in (x - 28, x, x + 28):
        for k in range(6):
            d.line(
                (cx, y - 12, cx + (k - 3) * 6, y - 12 + (3 - abs(k - 3)) * 5 - 8),
                fill=(230, 200, 60),
                width=2,
            )


def _block(fill: Color, box: tuple[int, int, int, int], radius: int = 6) -> Painter:
    def paint(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
        x0, y0, x1, y1 = box
        d.rounded_rectangle((x + x0, y + y0, x + x1, y + y1), radius, fill=_jit(rng, fill))

    return paint


def _dress(color: Color) -> Painter:
    def paint(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
        d.polygon(
            [(x - 12, y - 40), (x + 12, y - 40), (x + 35, y + 40), (x - 35, y + 40)],
            fill=_jit(rng, color),
        )

    return paint


def _car(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    d.rounded_rectangle((x - 55, y - 10, x + 55, y + 20), 8, fill=_jit(rng, (40, 70, 140)))
    d.rounded_rectangle((x - 30, y - 30, x + 25, y - 5), 8, fill=_jit(rng, (60, 90, 160)))
    for wx in (x - 32, x + 32):
        d.ellipse((wx - 12, y + 10, wx + 12, y + 34), fill=(20, 20, 20))


def _news(d: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int) -> None:
    d.rectangle((x - 55, y - 40, x + 55, y + 40), fill=(245, 245, 240))
    d.rectangle((x - 48, y - 34, x + 48, y - 22), fill=(30, 30, 30))
    for row in range(-14, 36, 8):
        d.line((x - 48, y + row, x + rng.randint(10, 48), y + row), fill=(120, 120, 120), width=2)


PAINTERS: dict[str, Painter] = {
    "ivory": _ivory,
    "rhino_horn": _rhino_horn,
    "pangolin": _pangolin,
    "big_cat": _big_cat,
    "bear_bile": _bear_bile,
    "hornbill_casque": _hornbill,
    "turtle_shell": _turtle_shell,
    "totoaba_maw": _maw((225, 185, 100)),
    "shahtoosh": _shahtoosh,
    "live_primate": _primate,
    "live_bird": _bird((140, 140, 145), (200, 30, 30)),
    "live_reptile": _tortoise,
    "stripes": _stripes,
    "fishmaw": _maw((235, 215, 170)),
    "figurine": _block((238, 228, 200), (-18, -40, 18, 40), 14),
    "beads": _block((200, 170, 120), (-45, -8, 45, 8), 8),
    "dress": _dress((238, 230, 205)),
    "paint": _block((230, 225, 205), (-30, -35, 30, 35), 4),
    "soap": _block((240, 232, 210), (-40, -20, 40, 20), 10),
    "bowl": _block((250, 250, 252), (-50, -10, 50, 25), 20),
    "glasses": _block((120, 70, 30), (-55, -12, 55, 12), 12),
    "cat": _cat,
    "budgie": _bird((90, 190, 80), (60, 120, 200)),
    "gecko": _block((230, 200, 80), (-55, -10, 55, 10), 10),
    "horn": _block((60, 50, 45), (-50, -8, 50, 8), 8),
    "antler": _block((150, 120, 90), (-50, -5, 50, 5), 3),
    "chew": _block((235, 225, 205), (-45, -10, 45, 10), 10),
    "bottle": _block((30, 120, 60), (-12, -45, 12, 45), 6),
    "shoe": _block((30, 30, 30), (-50, -5, 40, 20), 10),
    "phone": _block((20, 20, 25), (-22, -42, 22, 42), 8),
    "laptop": _block((170, 170, 175), (-50, -30, 50, 25), 4),
    "chair": _block((140, 95, 60), (-30, -40, 30, 40), 4),
    "book": _block((150, 30, 40), (-30, -40, 30, 40), 2),
    "car": _car,
    "food": _block((230, 150, 60), (-40, -30, 40, 30), 30),
    "news": _news,
}


@lru_cache(maxsize=4096)
def render_png(kind: str, seed: str) -> bytes:
    """A 160x120 PNG of picture ``kind``; the same ``(kind, seed)`` gives the same bytes.
    ``photo:<commodity>`` kinds are reposts of known photos and ``own:<kind>`` a seller's
    own photo (``photos.py``) instead."""
    if kind.startswith("photo:"):
        from wildtrace.demo.photos import render_photo  # photos.py draws with PAINTERS

        return render_photo(kind, seed)
    if kind.startswith("own:"):
        from wildtrace.demo.photos import own_photo_png

        return own_photo_png(kind, seed)
    rng = random.Random(zlib.crc32(f"{kind}|{seed}".encode()))
    background = _jit(rng, (200, 200, 195), 45)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    for _ in range(40):  # speckle: camera noise stand-in, keeps photos distinct
        px, py = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        draw.point((px, py), fill=_jit(rng, background, 30))
    painter = PAINTERS.get(kind, PAINTERS["food"])
    painter(draw, rng, WIDTH // 2 + rng.randint(-12, 12), HEIGHT // 2 + rng.randint(-8, 8))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
