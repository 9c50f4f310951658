"""Known trafficking photos and their reposts, for the demo's image-only listings.

The story the demo tells: a partner organisation has shared a PDQ hash bank of photos
from earlier trafficking cases (``data/partner_bank.csv``, made by ``partner_bank_rows``
and imported by ``wildtrace run`` when the demo runs). Sellers keep reposting those
photos with no keyword at all in the text — re-encoded, resized, slightly cropped,
brightened — under different names and on different platforms.

A known photo is the demo painter's object for a commodity (``images.py``), drawn at
three times the demo size over a photo-like textured background
(``classifiers.image.synthetic``), so it has the structure a real photo has (a PDQ
quality well above 50), unlike the flat 160 x 120 drawings of ordinary listings. A
repost is one known photo with a per-listing edit drawn from the seed: JPEG quality
60–85, scale 0.7–1.0, a crop of at most 1 % a side, brightness 0.9–1.15. Every output
is deterministic in ``(commodity, seed)``.
"""

from __future__ import annotations

import io
import random
import zlib
from functools import lru_cache

from PIL import Image, ImageDraw, ImageEnhance

from classifiers.image.synthetic import scene
from wildtrace.demo.images import HEIGHT, PAINTERS, WIDTH

SCALE = 3
VARIANTS = 2  # known photos per commodity
PREFIX = "photo:"


@lru_cache(maxsize=64)
def known_photo(commodity: str, variant: int) -> Image.Image:
    """The original of a known photo (RGB, 480 x 360)."""
    rng = random.Random(f"wildtrace-demo:photo:{commodity}:{variant}")
    background = scene(zlib.crc32(f"{commodity}:{variant}".encode()), WIDTH * SCALE, HEIGHT * SCALE)
    layer = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    painter = PAINTERS.get(commodity, PAINTERS["food"])
    painter(ImageDraw.Draw(layer), rng, WIDTH // 2 + rng.randint(-15, 15), HEIGHT // 2)
    big = layer.resize(background.size, Image.Resampling.LANCZOS)
    background.paste(big, (0, 0), big)
    return background


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def repost_png(commodity: str, seed: str) -> bytes:
    """One repost of one of the commodity's known photos, edited as sellers do."""
    rng = random.Random(f"wildtrace-demo:repost:{commodity}:{seed}")
    image = known_photo(commodity, rng.randrange(VARIANTS))
    scale = rng.uniform(0.7, 1.0)
    image = image.resize((round(image.width * scale), round(image.height * scale)))
    dx, dy = (round(side * rng.uniform(0, 0.01)) for side in image.size)
    image = image.crop((dx, dy, image.width - dx, image.height - dy))
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.9, 1.15))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=rng.randint(60, 85))
    return _png(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


def is_photo_kind(kind: str) -> bool:
    return kind.startswith(PREFIX)


def render_photo(kind: str, seed: str) -> bytes:
    return repost_png(kind.removeprefix(PREFIX), seed)


def partner_bank_rows() -> list[dict[str, str]]:
    """The partner's bank: PDQ of every known photo (also of commodities no listing shows)."""
    from classifiers.image.decode import decode_image
    from classifiers.image.hashes import pdq_hash

    rows = []
    for commodity in sorted(c for c in PAINTERS if c in COMMODITY_PAINTERS):
        for variant in range(VARIANTS):
            pdq, quality = pdq_hash(decode_image(_png(known_photo(commodity, variant))).image)
            rows.append(
                {
                    "pdq": pdq,
                    "quality": str(quality),
                    "labels": f"{commodity};case-photo",
                    "commodity": commodity,
                    "source": "demo-partner",
                    "id": f"partner-{commodity}-{variant + 1}",
                }
            )
    return rows


COMMODITY_PAINTERS = (
    "ivory",
    "rhino_horn",
    "pangolin",
    "big_cat",
    "bear_bile",
    "hornbill_casque",
    "turtle_shell",
    "totoaba_maw",
    "shahtoosh",
    "live_primate",
    "live_bird",
    "live_reptile",
)
