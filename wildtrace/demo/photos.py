"""Known trafficking photos and their reposts, for the demo's image-only listings.

The story the demo tells: a partner organisation has shared a PDQ hash bank of photos
from earlier trafficking cases (``data/partner_bank.csv``, made by ``partner_bank_rows``
and imported by ``wildtrace run`` when the demo runs). Sellers keep reposting those
photos with no keyword at all in the text — re-encoded, resized, slightly cropped,
brightened — under different names and on different platforms.

Trader rings have photos of their own: every account of a ring reposts the ring's photo
of a commodity (``photo:<commodity>:<ring>``), so the photo ties the ring's accounts
together across sources even where an account advertises no contact — the seller graph's
shared-photo link. Other image-only posts (one-off traders) repost one of the partner's two
case photos of the commodity (``photo:<commodity>``). The partner bank holds both: the
case photos and each ring's photos (the rings are known from earlier cases).

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
OWN = "own:"


@lru_cache(maxsize=128)
def known_photo(commodity: str, variant: int | str) -> Image.Image:
    """The original of a known photo (RGB, 480 x 360): a case photo (``variant`` 0 or 1)
    or a ring's own (``"ring:<key>"``)."""
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


def repost_png(commodity: str, seed: str, ring: str | None = None) -> bytes:
    """One repost of one of the commodity's case photos (or of ``ring``'s photo of it),
    edited as sellers do."""
    rng = random.Random(f"wildtrace-demo:repost:{commodity}:{seed}")
    variant = rng.randrange(VARIANTS)
    image = known_photo(commodity, f"ring:{ring}" if ring else variant)
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


def own_photo_png(kind: str, seed: str) -> bytes:
    """A seller's own photo of its goods (``own:<kind>``, planted posts with text): the
    painter's object over a photo-like background drawn from ``seed``, so no two listings'
    photos are alike — as two traders' photos of two different horns are not. (The flat
    drawings of the first demo were near-duplicates to PDQ across unrelated sellers.)"""
    kind = kind.removeprefix(OWN)
    rng = random.Random(f"wildtrace-demo:own:{kind}:{seed}")
    image = scene(zlib.crc32(f"own:{kind}:{seed}".encode()), WIDTH, HEIGHT)
    layer = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    painter = PAINTERS.get(kind, PAINTERS["food"])
    painter(ImageDraw.Draw(layer), rng, WIDTH // 2 + rng.randint(-12, 12), HEIGHT // 2)
    image.paste(layer, (0, 0), layer)
    return _png(image)


def photo_kind(commodity: str, ring: str | None) -> str:
    """The image kind of an image-only post: a ring's own photo, else a case photo."""
    return f"{PREFIX}{commodity}:{ring}" if ring else f"{PREFIX}{commodity}"


def render_photo(kind: str, seed: str) -> bytes:
    commodity, _, ring = kind.removeprefix(PREFIX).partition(":")
    return repost_png(commodity, seed, ring or None)


def partner_bank_rows() -> list[dict[str, str]]:
    """The partner's bank: PDQ of every case photo (also of commodities no listing shows),
    then of every ring's photo of each commodity it trades."""
    from wildtrace.demo.templates import load_world

    commodities = sorted(c for c in PAINTERS if c in COMMODITY_PAINTERS)
    rows = [
        _bank_row(commodity, variant, f"partner-{commodity}-{variant + 1}", "case-photo")
        for commodity in commodities
        for variant in range(VARIANTS)
    ]
    for ring in load_world()["rings"]:
        for commodity in sorted(c for c in ring["commodities"] if c in COMMODITY_PAINTERS):
            key = ring["key"]
            rows.append(_bank_row(commodity, f"ring:{key}", f"partner-{commodity}-{key}",
                                  f"case-photo;ring:{key}"))  # fmt: skip
    return rows


def _bank_row(commodity: str, variant: int | str, entry_id: str, label: str) -> dict[str, str]:
    from classifiers.image.decode import decode_image
    from classifiers.image.hashes import pdq_hash

    pdq, quality = pdq_hash(decode_image(_png(known_photo(commodity, variant))).image)
    return {
        "pdq": pdq,
        "quality": str(quality),
        "labels": f"{commodity};{label}",
        "commodity": commodity,
        "source": "demo-partner",
        "id": entry_id,
    }


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
