"""What the lexicon hands the learned detector: one batch in, detections + features out.

Design notes
------------
* **Stateless.** The learned detector used to call ``lexicon.classify(docs)`` and then
  ``lexicon.features(docs)`` and rely on a memo the first call left behind, while one
  detector instance is shared by scheduler threads. Now one call, ``evaluate(docs)``,
  returns everything for that batch (``LexiconBatch``), so there is nothing to share
  between calls and nothing to race on.
* ``LexiconEvidence`` is the Protocol the learned detector depends on (the shipped
  ``LexiconDetector`` implements it); tests and experiments can hand in any object with
  the same shape.
* ``LexiconView`` carries, beside the lexicon's own ``Detection``, the few facts the
  fusion rules need (explicit intent cues, trade context, a negated claim, reporting
  context), so fusion never re-parses reasons' text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from classifiers.base import Detection, TextDoc


@dataclass(frozen=True, slots=True)
class LexiconView:
    """The lexicon's reading of one document.

    ``sell_cue``/``buy_cue``: an explicit intent cue of that kind matched (a leading buy
    cue counts as buy). ``buy_words``: any buy cue matched, explicit or weak ("how
    much", "còn không"), or a buy cue opened the post. ``trade_context``: an intent cue,
    or a contact / price / payment signal. ``reporting``: news or awareness context rules
    fired. ``negated``: an authenticity claim was negated ("not real ivory").
    ``contrary``: the context that argues against an offer, one short label each (rules
    that fired, terms a rule cancelled, negated claims), empty when nothing does.
    """

    detection: Detection
    sell_cue: bool = False
    buy_cue: bool = False
    buy_words: bool = False
    trade_context: bool = False
    reporting: bool = False
    negated: bool = False
    contrary: tuple[str, ...] = ()

    @property
    def explicit_intent(self) -> str | None:
        """``sell``/``buy`` when exactly one kind of explicit cue is present, else None."""
        if self.reporting or self.sell_cue == self.buy_cue:
            return None
        return "sell" if self.sell_cue else "buy"


@dataclass(frozen=True, slots=True)
class LexiconBatch:
    """``views[i]`` and ``features[i]`` describe ``docs[i]`` of one ``evaluate`` call."""

    views: tuple[LexiconView, ...]
    features: np.ndarray

    @property
    def detections(self) -> list[Detection]:
        return [v.detection for v in self.views]


class LexiconFeatures(Protocol):
    """What training needs from a lexicon: named numeric features per document."""

    def features(self, docs: Sequence[TextDoc]) -> np.ndarray: ...
    def feature_names(self) -> list[str]: ...


class LexiconEvidence(LexiconFeatures, Protocol):
    """What the learned detector needs from a lexicon (see module docstring)."""

    @property
    def version(self) -> str: ...

    def evaluate(self, docs: Sequence[TextDoc]) -> LexiconBatch: ...

    def classify(self, docs: Sequence[TextDoc]) -> list[Detection]: ...
