"""Hash robustness: do edited copies still match their original, and distinct images not?

The table the issue asks for: for ``n`` distinct procedural images (``synthetic.py``),
each edit below is applied, the copy goes through the same decode-and-hash path as a
crawled image (``decode.py`` then ``hashes.py``), and it *matches* when its PDQ distance
to the original is within the configured threshold and both qualities pass. False
matches are counted over every pair of distinct originals.

Edits (what reposting does to a photo): resized to 50 % and to 150 %, re-encoded as
JPEG quality 60, brightened by 20 %, darkened by 20 %, and cropped by 1 % on each side
("lightly": PDQ is a global hash of a 64 x 64 luminance grid, so a crop shifts every
cell; 2 % and 4 % a side are reported too, to show where it stops holding).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageEnhance

from classifiers.image.decode import decode_image
from classifiers.image.hashes import ImageHashes, hash_image, pdq_to_bytes
from classifiers.image.pdq_index import popcount_distances
from classifiers.image.synthetic import scene


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _resize(scale: float) -> Callable[[Image.Image], bytes]:
    def edit(im: Image.Image) -> bytes:
        size = (round(im.width * scale), round(im.height * scale))
        return _png(im.resize(size, Image.Resampling.LANCZOS))

    return edit


def _crop(fraction: float) -> Callable[[Image.Image], bytes]:
    def edit(im: Image.Image) -> bytes:
        dx, dy = round(im.width * fraction), round(im.height * fraction)
        return _png(im.crop((dx, dy, im.width - dx, im.height - dy)))

    return edit


def _brightness(factor: float) -> Callable[[Image.Image], bytes]:
    return lambda im: _png(ImageEnhance.Brightness(im).enhance(factor))


EDITS: dict[str, Callable[[Image.Image], bytes]] = {
    "resized 50%": _resize(0.5),
    "resized 150%": _resize(1.5),
    "JPEG q60": lambda im: _jpeg(im, 60),
    "brightened 20%": _brightness(1.2),
    "darkened 20%": _brightness(0.8),
    "cropped 1% a side": _crop(0.01),
    "cropped 2% a side": _crop(0.02),
    "cropped 4% a side": _crop(0.04),
}


def hashes_of(data: bytes) -> ImageHashes:
    return hash_image(decode_image(data).image)


@dataclass(frozen=True, slots=True)
class EditResult:
    edit: str
    matched: int
    total: int
    median_distance: float
    max_distance: int

    @property
    def rate(self) -> float:
        return self.matched / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class RobustnessReport:
    images: int
    max_distance: int
    min_quality: int
    low_quality: int
    edits: tuple[EditResult, ...]
    pairs: int
    false_matches: int
    min_pair_distance: int

    @property
    def false_match_rate(self) -> float:
        return self.false_matches / self.pairs if self.pairs else 0.0

    def table(self) -> str:
        lines = [
            f"PDQ robustness on {self.images} procedural images "
            f"(match: distance <= {self.max_distance}, quality >= {self.min_quality}; "
            f"originals below the quality bar: {self.low_quality})",
            "",
            "| edit | matched | rate | median distance | max distance |",
            "|---|---|---|---|---|",
        ]
        for e in self.edits:
            lines.append(
                f"| {e.edit} | {e.matched}/{e.total} | {e.rate:.1%} "
                f"| {e.median_distance:.0f} | {e.max_distance} |"
            )
        lines += [
            "",
            f"distinct pairs: {self.pairs}, false matches: {self.false_matches} "
            f"({self.false_match_rate:.3%}), closest distinct pair: {self.min_pair_distance}",
        ]
        return "\n".join(lines)


def run(
    n: int = 200, max_distance: int = 31, min_quality: int = 50, edits: Sequence[str] = ()
) -> RobustnessReport:
    """The table for ``n`` images; ``edits`` limits it to some of ``EDITS`` (default all)."""
    originals = [scene(seed) for seed in range(n)]
    base = [hashes_of(_png(im)) for im in originals]
    results = []
    for name in edits or list(EDITS):
        edit = EDITS[name]
        distances, matched = [], 0
        for im, h in zip(originals, base, strict=True):
            copy = hashes_of(edit(im))
            d = (int(h.pdq, 16) ^ int(copy.pdq, 16)).bit_count()
            distances.append(d)
            ok = min(h.quality, copy.quality) >= min_quality
            matched += int(ok and d <= max_distance)
        results.append(
            EditResult(name, matched, n, float(np.median(distances)), int(max(distances)))
        )
    codes = pdq_to_bytes([h.pdq for h in base])
    false_matches, closest, pairs = 0, 256, 0
    for i in range(n - 1):
        dist = popcount_distances(codes[i + 1 :], codes[i])
        pairs += len(dist)
        false_matches += int((dist <= max_distance).sum())
        closest = min(closest, int(dist.min()))
    low = sum(h.quality < min_quality for h in base)
    return RobustnessReport(
        n, max_distance, min_quality, low, tuple(results), pairs, false_matches, closest
    )
