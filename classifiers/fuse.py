"""Fusion: one risk score per listing from its text verdict, its images' concepts and its
images' hash-bank matches, with every reason carried through to the alert.

Design notes
------------
* Each signal becomes a probability that the listing is a wildlife offer, and the
  signals are combined by noisy-OR, ``1 - prod(1 - p_i)``: any one strong signal is
  enough (a bank match alone raises an alert), weak ones add up, and a listing with no
  images scores exactly what its text scored.
* The text probability is the text model's own, Platt-calibrated on its dev split.
* A bank match is the strongest evidence there is: a trusted partner already judged that
  photo. Its probability falls with the PDQ distance, from ``bank_p_exact`` at distance 0
  to ``bank_p_edge`` at the threshold. These are stated priors, not fitted: PDQ's false
  matches between distinct images are rare (0 of 19,900 pairs of the project's test
  images at distance <= 31), so the residual doubt is whether the bank's owner was right.
* Concept scores (ImageNet probabilities re-grouped) are **uncalibrated** — no wildlife
  photographs exist here to calibrate them on — so they count for at most
  ``concept_cap`` (below the queue threshold): they can lift a borderline text verdict,
  never raise an alert alone. A head trained from triage (``image/head.py``) counts as
  a probability once it exists, also capped (``head_cap``) until measured.
* The fused ``Detection`` keeps the text detection's fields and reasons and appends one
  ``image`` reason per piece of image evidence, e.g. "image 2 matches bank entry K1 at
  distance 12 (labels: tiger, skin)". ``extra["fusion"]`` records each component.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from classifiers.base import LABEL_CLEAN, LABEL_WILDLIFE, REASON_IMAGE, Detection, Reason
from classifiers.image.base import BankMatch, ImageSignals

FUSION_TAG = "fuse@1"


@dataclass(frozen=True, slots=True)
class FusionPolicy:
    threshold: float = 0.5
    max_distance: int = 31
    bank_p_exact: float = 0.99
    bank_p_edge: float = 0.9
    concept_cap: float = 0.35
    concept_min: float = 0.2
    head_cap: float = 0.45


@dataclass(frozen=True, slots=True)
class ImageEvidence:
    """One image of a listing: its signals, bank matches and (optional) head probability."""

    signals: ImageSignals
    matches: tuple[BankMatch, ...] = ()
    head_p: float | None = None


def bank_probability(distance: int, policy: FusionPolicy) -> float:
    span = max(policy.max_distance, 1)
    frac = min(max(distance, 0), span) / span
    return policy.bank_p_exact + (policy.bank_p_edge - policy.bank_p_exact) * frac


def _noisy_or(ps: Sequence[float]) -> float:
    keep = 1.0
    for p in ps:
        keep *= 1.0 - min(max(p, 0.0), 1.0)
    return 1.0 - keep


def _image_reasons(
    n: int, ev: ImageEvidence, policy: FusionPolicy
) -> tuple[list[Reason], list[float], str | None]:
    reasons: list[Reason] = []
    ps: list[float] = []
    commodity: str | None = None
    if ev.matches:
        best = min(ev.matches, key=lambda m: m.distance)
        p = bank_probability(best.distance, policy)
        labels = f" (labels: {', '.join(best.labels)})" if best.labels else ""
        detail = f"image {n} matches bank entry {best.entry_id} at distance {best.distance}"
        reasons.append(Reason(REASON_IMAGE, detail + labels, round(p, 4), matched=best.source))
        ps.append(p)
        commodity = best.commodity
    if ev.signals.concepts:
        name, score = max(ev.signals.concepts.items(), key=lambda kv: kv[1])
        if score >= policy.concept_min:
            p = policy.concept_cap * score
            detail = f"image {n} looks like {name.replace('_', ' ')} (ImageNet {score:.2f})"
            reasons.append(Reason(REASON_IMAGE, detail, round(p, 4)))
            ps.append(p)
    if ev.head_p is not None and ev.head_p >= 0.5:
        p = policy.head_cap * ev.head_p
        reasons.append(Reason(REASON_IMAGE, f"image {n}: triage-trained head {ev.head_p:.2f}", p))
        ps.append(p)
    if ev.signals.error:
        reasons.append(Reason(REASON_IMAGE, f"image {n} unreadable: {ev.signals.error[:120]}"))
    return reasons, ps, commodity


def fuse(
    text: Detection,
    images: Sequence[ImageEvidence],
    policy: FusionPolicy | None = None,
    concept_commodity: dict[str, str | None] | None = None,
) -> Detection:
    """The listing's fused detection (``text`` unchanged when there are no images)."""
    policy = policy or FusionPolicy()
    if not images:
        return text
    reasons: list[Reason] = []
    image_ps: list[float] = []
    bank_commodity: str | None = None
    bank_ids = sorted({m.entry_id for ev in images for m in ev.matches})
    for n, ev in enumerate(images, start=1):
        r, ps, commodity = _image_reasons(n, ev, policy)
        reasons += r
        image_ps += ps
        bank_commodity = bank_commodity or commodity
    score = _noisy_or([text.score, *image_ps])
    commodity = text.commodity or bank_commodity or _concept_commodity(images, concept_commodity)
    label = LABEL_WILDLIFE if score >= policy.threshold else LABEL_CLEAN
    fusion = {
        "text": round(text.score, 6),
        "images": [round(p, 6) for p in image_ps],
        "bank": bank_ids,
        "model": FUSION_TAG,
    }
    return replace(
        text,
        score=score,
        label=label if image_ps else text.label,
        commodity=commodity if label == LABEL_WILDLIFE else text.commodity,
        reasons=(*text.reasons, *reasons),
        model=f"{text.model}+{FUSION_TAG}" if image_ps else text.model,
        extra={**text.extra, "fusion": fusion},
    )


def _concept_commodity(
    images: Sequence[ImageEvidence], mapping: dict[str, str | None] | None
) -> str | None:
    if not mapping:
        return None
    best: tuple[float, str | None] = (0.0, None)
    for ev in images:
        for name, score in ev.signals.concepts.items():
            if score > best[0] and mapping.get(name):
                best = (score, mapping[name])
    return best[1]
