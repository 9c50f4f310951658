"""The image stage of the pipeline: a listing's captured images → signals → fused verdict.

For each batch of freshly classified listings: read every image from the evidence store
by its SHA-256 (``Listing.image_sha256``), analyse each distinct image once (safe decode,
PDQ/pHash, concepts when an encoder is configured), match the PDQ hashes against the
bank, record what was learnt in the image catalog, and fuse text and image evidence into
one detection per listing (``classifiers/fuse.py``).

Failure behaviour: an image that is missing from the evidence store or cannot be decoded
becomes a recorded error on that image (and an explained reason on the detection); the
listing keeps its text verdict and every other image. "Could not read it" never turns
into "nothing there".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from classifiers.base import Detection
from classifiers.fuse import FusionPolicy, ImageEvidence, fuse
from classifiers.image.analyze import ImageAnalyzer
from classifiers.image.bank import HashBank
from classifiers.image.base import BankMatch, ImageSignals
from classifiers.image.catalog import ImageCatalog
from classifiers.image.head import ImageHead
from common.clock import utc_now
from crawlers.base import Listing
from crawlers.evidence import EvidenceError, EvidenceStore

log = logging.getLogger(__name__)


@dataclass
class ImageStage:
    analyzer: ImageAnalyzer
    bank: HashBank
    evidence: EvidenceStore
    catalog: ImageCatalog
    policy: FusionPolicy
    head: ImageHead | None = None
    concept_commodity: dict[str, str | None] | None = None

    def close(self) -> None:
        self.bank.close()
        self.catalog.close()

    def fuse(self, listings: Sequence[Listing], detections: Sequence[Detection]) -> list[Detection]:
        """One fused detection per listing, in order."""
        signals, head_p = self._analyse(listings)
        usable = [s for s in signals.values() if s.pdq is not None and s.quality is not None]
        found = self.bank.match_many([(s.pdq or "", s.quality or 0) for s in usable])
        matches: dict[str, tuple[BankMatch, ...]] = {
            s.sha256: tuple(m) for s, m in zip(usable, found, strict=True)
        }
        out, seen = [], []
        for listing, detection in zip(listings, detections, strict=True):
            shown = [signals[s] for s in dict.fromkeys(listing.image_sha256)]
            seen.append((listing.key, shown))
            evidence = [
                ImageEvidence(s, matches.get(s.sha256, ()), head_p.get(s.sha256)) for s in shown
            ]
            fused = fuse(detection, evidence, self.policy, self.concept_commodity)
            out.append(_with_photos(fused, shown))
        self.catalog.record_many(seen, utc_now())
        return out

    def _analyse(
        self, listings: Sequence[Listing]
    ) -> tuple[dict[str, ImageSignals], dict[str, float]]:
        shas = list(dict.fromkeys(s for x in listings for s in x.image_sha256))
        signals: dict[str, ImageSignals] = {}
        readable: list[tuple[str, bytes]] = []
        for sha in shas:
            try:
                readable.append((sha, self.evidence.read(sha)))
            except (OSError, ValueError, EvidenceError) as exc:
                signals[sha] = ImageSignals(sha256=sha, error=f"evidence: {exc}"[:300])
        analysis = self.analyzer.analyze([data for _, data in readable])
        for (sha, _), sig in zip(readable, analysis.signals, strict=True):
            signals[sha] = sig
        head_p: dict[str, float] = {}
        if self.head is not None and analysis.embeddings:
            keys = list(analysis.embeddings)
            probs = self.head.predict(np.stack([analysis.embeddings[k] for k in keys]))
            head_p = {k: float(p) for k, p in zip(keys, probs, strict=True)}
        return signals, head_p


def _with_photos(detection: Detection, signals: Sequence[ImageSignals]) -> Detection:
    photos = [
        {"sha256": s.sha256, "pdq": s.pdq, "quality": s.quality}
        for s in signals
        if s.pdq is not None and s.quality is not None
    ]
    return replace(detection, extra={**detection.extra, "photos": photos}) if photos else detection
