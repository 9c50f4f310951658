"""The image stage's contract, beside the text one (``classifiers/base.py``).

Design notes
------------
* An image is known by the SHA-256 of its bytes, the address the evidence store already
  gives it (``crawlers/evidence.py``). Everything derived here (hashes, concept scores,
  embeddings, thumbnails) is keyed by that digest, so a photo reposted by ten sellers is
  decoded, hashed and scored once.
* ``ImageSignals`` is what the rest of the system sees of one image: its perceptual hashes
  (PDQ with its quality, pHash), wildlife-concept scores from the encoder, and — when the
  bytes could not be read — a recorded ``error`` instead of an exception. A hostile or
  broken image never stops its listing from being processed (the listing simply has one
  image less to go on).
* ``ImageEncoder`` turns decoded RGB arrays into embeddings and ImageNet class
  probabilities; concept scores and trainable heads are computed from those outside the
  encoder, so a different backbone drops in by configuration. ``get_name()`` and
  ``version`` end up in stored records, as for text classifiers.
* Matching against banks of known-bad hashes follows trust-and-safety conventions (PDQ,
  Hamming distance <= 31, quality >= 50): see ``bank.py`` and ``pdq_index.py``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

# Error codes recorded in ImageSignals.error (prefix before the first ':').
ERROR_EMPTY = "empty"
ERROR_TOO_BIG = "too_big"
ERROR_NOT_IMAGE = "not_image"
ERROR_BOMB = "decompression_bomb"
ERROR_TRUNCATED = "truncated"
ERROR_CORRUPT = "corrupt"


@dataclass(frozen=True, slots=True)
class BankMatch:
    """One hit of an image's PDQ hash against a hash-bank entry."""

    entry_id: str
    distance: int
    labels: tuple[str, ...] = ()
    commodity: str | None = None
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.entry_id,
            "distance": self.distance,
            "labels": list(self.labels),
            "commodity": self.commodity,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class ImageSignals:
    """What was learnt from one image. ``error`` set means nothing else could be."""

    sha256: str
    width: int = 0
    height: int = 0
    format: str | None = None
    pdq: str | None = None
    quality: int | None = None
    phash: str | None = None
    concepts: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "width": self.width,
            "height": self.height,
            "format": self.format,
            "pdq": self.pdq,
            "quality": self.quality,
            "phash": self.phash,
            "concepts": {k: round(v, 6) for k, v in self.concepts.items()},
            "notes": list(self.notes),
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class EncoderOutput:
    """``embeddings``: ``(n, dim)`` float32, L2-normalised; ``probs``: ``(n, classes)``."""

    embeddings: np.ndarray
    probs: np.ndarray


class ImageEncoder(ABC):
    """Decoded RGB images (``uint8`` arrays ``(H, W, 3)``) in, embeddings and class
    probabilities out. One row per input, in input order; weights load lazily, offline."""

    name: ClassVar[str]
    version: ClassVar[str]
    dim: ClassVar[int]
    class_names: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def get_name(cls) -> str:
        return cls.name

    @property
    def model_tag(self) -> str:
        return f"{self.name}@{self.version}"

    @abstractmethod
    def encode(self, images: Sequence[np.ndarray], batch_size: int = 16) -> EncoderOutput:
        """Encode a batch of RGB images of any size."""
