"""One image stage: bytes in, ``ImageSignals`` (and embeddings) out, never an exception.

``ImageAnalyzer.analyze`` decodes each image safely (``decode.py``), hashes it
(``hashes.py``) and, when an encoder is configured, scores wildlife concepts
(``concepts.py``) and keeps the embedding for trainable heads (``head.py``). An image
that cannot be decoded gets ``ImageSignals(error="code: detail")`` and no hashes; an
encoder failure is recorded in ``notes`` and the hashes are kept (a bank match does not
need the network). Identical bytes (same SHA-256) are analysed once per call.

Decoding and hashing run on ``workers`` threads (default 2, the project's core budget):
Pillow's decoders and resizes and numpy's arithmetic release the GIL, so two threads
keep two cores busy for most of an image's cost (``benchmarks/bench_image.py``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from classifiers.image.base import ImageEncoder, ImageSignals
from classifiers.image.concepts import Concept, concept_scores, load_concepts
from classifiers.image.decode import DecodedImage, DecodeLimits, ImageDecodeError, decode_image
from classifiers.image.hashes import hash_image
from classifiers.image.thumbnails import ThumbnailStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Analysis:
    signals: list[ImageSignals]
    embeddings: dict[str, np.ndarray]  # sha256 -> L2-normalised embedding


class ImageAnalyzer:
    def __init__(
        self,
        encoder: ImageEncoder | None = None,
        limits: DecodeLimits | None = None,
        concepts: tuple[Concept, ...] | None = None,
        thumbnails: ThumbnailStore | None = None,
        workers: int = 2,
    ) -> None:
        self.encoder = encoder
        self.workers = max(1, workers)
        self.thumbnails = thumbnails
        self.limits = limits or DecodeLimits()
        self.concepts = concepts if concepts is not None else load_concepts()

    def analyze(self, images: Sequence[bytes]) -> Analysis:
        """Signals per input, in input order (duplicates share one analysis)."""
        decoded: dict[str, DecodedImage] = {}
        digests = [hashlib.sha256(data).hexdigest() for data in images]
        todo = dict(zip(digests, images, strict=True))  # first of identical bytes
        if self.workers > 1 and len(todo) > 1:
            with ThreadPoolExecutor(self.workers) as pool:
                done = list(pool.map(lambda d: self._hash_one(d, todo[d], decoded), todo))
        else:
            done = [self._hash_one(d, data, decoded) for d, data in todo.items()]
        first = dict(zip(todo, done, strict=True))
        embeddings = self._encode(decoded, first)
        return Analysis([first[d] for d in digests], embeddings)

    def _hash_one(self, digest: str, data: bytes, decoded: dict[str, DecodedImage]) -> ImageSignals:
        try:
            image = decode_image(data, self.limits)
        except ImageDecodeError as exc:
            return ImageSignals(sha256=digest, error=str(exc)[:500])
        hashes = hash_image(image.image)
        decoded[digest] = image
        if self.thumbnails is not None:
            try:
                self.thumbnails.put(digest, image)
            except OSError as exc:  # a cache: losing one is not losing evidence
                log.warning("thumbnail for %s not written: %s", digest, exc)
        return ImageSignals(
            sha256=digest,
            width=image.width,
            height=image.height,
            format=image.format,
            pdq=hashes.pdq,
            quality=hashes.quality,
            phash=hashes.phash,
            notes=image.notes,
        )

    def _encode(
        self, decoded: dict[str, DecodedImage], signals: dict[str, ImageSignals]
    ) -> dict[str, np.ndarray]:
        if self.encoder is None or not decoded:
            return {}
        keys = list(decoded)
        try:
            out = self.encoder.encode([decoded[k].array() for k in keys])
        except (RuntimeError, ValueError, OSError) as exc:  # the hashes still stand
            log.warning("image encoder %s failed: %s", self.encoder.model_tag, exc)
            for k in keys:
                note = f"encoder failed: {exc}"[:300]
                signals[k] = replace(signals[k], notes=(*signals[k].notes, note))
            return {}
        scores = concept_scores(out.probs, self.concepts)
        for row, k in enumerate(keys):
            named = {c.name: float(scores[row, i]) for i, c in enumerate(self.concepts)}
            signals[k] = replace(signals[k], concepts=named)
        return {k: out.embeddings[row] for row, k in enumerate(keys)}
