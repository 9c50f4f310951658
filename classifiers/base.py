"""The classifier stage's contract: ``TextDoc`` in, ``Detection`` out.

Design notes
------------
* A classifier sees only what a listing *says* (``TextDoc``), never the crawler's or the
  store's objects, so the same code serves the pipeline, the ``classify`` command and
  training.
* ``classify`` takes a batch: learned models are only fast when they see many texts at
  once, and lexicon matchers don't mind.
* Every ``Detection`` explains itself. ``reasons`` lists the matched terms (with spans
  into the *original* text), the code words, the context rules that fired and the model's
  contribution: an investigator must see why an alert exists.
* ``priority`` (0–100, ``classifiers.priority``) is a separate, explained ranking of how
  much a hit matters (CITES appendix, commodity, quantity, value, intent), distinct from
  the probability ``score`` that thresholds use. Optional: detections stored before it
  existed load with ``None``.
* ``get_name()`` is a stable key that ends up in stored documents; ``version`` changes
  whenever the model or lexicon changes, so stored detections say what produced them.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

LABEL_WILDLIFE = "wildlife"
LABEL_CLEAN = "clean"
INTENTS = ("sell", "buy", "other")

# Reason kinds, shown to investigators.
REASON_TERM = "term"
REASON_CODE_WORD = "code_word"
REASON_CONTEXT = "context"
REASON_MODEL = "model"
REASON_IMAGE = "image"


@dataclass(frozen=True, slots=True)
class TextDoc:
    """The text a classifier reads. ``id`` is echoed back in the ``Detection``."""

    id: str
    text: str
    title: str = ""
    lang: str | None = None
    source: str | None = None

    @property
    def full_text(self) -> str:
        """Title and body joined the way spans are counted (title, newline, text)."""
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence for (or against) a detection.

    ``span`` is ``(start, end)`` into ``TextDoc.full_text`` when the reason points at text.
    ``weight`` is its signed contribution (negative for context rules that argue "not an
    offer").
    """

    kind: str
    detail: str
    weight: float = 0.0
    span: tuple[int, int] | None = None
    matched: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["span"] = list(self.span) if self.span else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reason:
        span = data.get("span")
        return cls(
            kind=str(data["kind"]),
            detail=str(data.get("detail", "")),
            weight=float(data.get("weight", 0.0)),
            span=(int(span[0]), int(span[1])) if span else None,
            matched=data.get("matched"),
        )


@dataclass(frozen=True, slots=True)
class Detection:
    """What a classifier concluded about one ``TextDoc``."""

    id: str
    score: float
    label: str
    commodity: str | None = None
    species: tuple[str, ...] = ()
    cites_appendix: str | None = None
    intent: str = "other"
    lang: str | None = None
    reasons: tuple[Reason, ...] = ()
    model: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    priority: float | None = None
    priority_reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score must be in [0, 1], got {self.score}")
        if self.priority is not None and not 0.0 <= self.priority <= 100.0:
            raise ValueError(f"priority must be in [0, 100], got {self.priority}")
        if self.intent not in INTENTS:
            raise ValueError(f"intent must be one of {INTENTS}, not {self.intent!r}")

    @property
    def is_hit(self) -> bool:
        return self.label == LABEL_WILDLIFE

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": round(self.score, 6),
            "label": self.label,
            "commodity": self.commodity,
            "species": list(self.species),
            "cites_appendix": self.cites_appendix,
            "intent": self.intent,
            "lang": self.lang,
            "reasons": [r.to_dict() for r in self.reasons],
            "model": self.model,
            "extra": self.extra,
            "priority": self.priority,
            "priority_reasons": list(self.priority_reasons),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Detection:
        return cls(
            id=str(data["id"]),
            score=float(data["score"]),
            label=str(data["label"]),
            commodity=data.get("commodity"),
            species=tuple(data.get("species") or ()),
            cites_appendix=data.get("cites_appendix"),
            intent=str(data.get("intent") or "other"),
            lang=data.get("lang"),
            reasons=tuple(Reason.from_dict(r) for r in data.get("reasons") or ()),
            model=str(data.get("model", "")),
            extra=dict(data.get("extra") or {}),
            priority=None if data.get("priority") is None else float(data["priority"]),
            priority_reasons=tuple(str(r) for r in data.get("priority_reasons") or ()),
        )


class Classifier(ABC):
    """A text classifier. Subclasses set ``name`` (class-wide) and ``version`` and implement
    ``classify``.

    ``version`` is per instance: it names the data the instance was built from (a lexicon
    hash, a model folder), so two instances with different data say so. A class whose
    version never varies may set it as a class attribute.

    ``classify`` must return exactly one ``Detection`` per input, in input order, and must
    not raise for odd text (empty, huge, mixed scripts): hostile input is the normal case.
    It must be safe to call from several threads at once on one instance (the scheduler
    shares one detector): no per-call state may live on the instance.
    """

    name: ClassVar[str]
    version: str

    @classmethod
    def get_name(cls) -> str:
        return cls.name

    @property
    def model_tag(self) -> str:
        return f"{self.name}@{self.version}"

    @abstractmethod
    def classify(self, docs: Sequence[TextDoc]) -> list[Detection]:
        """Classify a batch of documents."""


@dataclass(frozen=True, slots=True)
class Folded:
    """Text as the classifiers read it (``classifiers.normalize``), for search.

    ``text``: lower-cased, full-width/look-alike/leetspeak/spaced letters/emoji folded,
    accents kept; ``plain``: the same with accents stripped, character for character;
    ``starts``/``ends``: for each character, the span of the original it came from.
    """

    text: str
    plain: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if end <= start or start >= len(self.starts):
            return (0, 0)
        return self.starts[start], self.ends[end - 1]


def fold(text: str, *, han: bool = True) -> Folded:
    """Fold ``text`` the way every classifier reads it, so search reads queries and
    listings alike (the stores index ``fold(...).text``/``.plain``). ``han=False`` leaves
    Traditional Chinese characters as written (the fold before they were folded)."""
    from classifiers.normalize import normalize  # the contract exposes it, not its module

    n = normalize(text, han=han)
    return Folded(n.text, n.plain, tuple(n.starts), tuple(n.ends))


def fold_forms(text: str) -> tuple[str, str]:
    """``(fold(text).text, fold(text).plain)``, exactly, without the map back to the
    original (what a store indexes; about half the work of ``fold``)."""
    return _normalize_text()(text)


@functools.cache
def _normalize_text() -> Callable[[str], tuple[str, str]]:
    """``classifiers.normalize.normalize_text``, imported once (an import statement in
    ``fold_forms`` cost a tenth of folding a short title, at every call)."""
    from classifiers.normalize import normalize_text

    return normalize_text
