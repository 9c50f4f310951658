"""How the learned detector combines the model's outputs with the lexicon's reading.

Design notes
------------
The model is better at the grey zone (unseen phrasings, look-alikes, ordinary goods in a
sales style); the lexicon is better at the explicit: a named product with a price and a
contact, a "for sale" or a "WTB". Round two let the model silently overrule the explicit
("genuine ivory tusk 2kg for sale" 0.20; an appended "script" dropped it to 0.012). The
rules below make the combination monotone in the lexicon's evidence and make every
disagreement visible:

* **Score floor.** A lexicon hit (``score >= trust``) *with trade context* (an intent
  cue, a contact, price or payment signal) and *no contrary context* (no context rule
  fired, no term cancelled, no negated claim, no news/awareness framing) sets a floor:
  ``score = max(model, lexicon score)``. More lexicon evidence raises the lexicon score
  and can add trade context, so it never lowers the fused score; only contrary evidence
  (a context rule, listed in ``reasons`` with its span) removes the floor.
* **Visible overrides.** When the fused score is below a lexicon hit's score, the model
  reason says why: "lowered by context" naming the rules that fired, or, when nothing in
  the lexicon argues against the hit (it lacked trade context), an explicit
  "model override".
* **Intent.** An explicit cue of one kind (sell or buy, and not the other) outside a
  news/awareness framing decides intent; the model's intent head decides only when the
  cues are absent or conflict. A listing judged wildlife is never ``other``; with no cue
  at all the intent head chooses between sell and buy. The same holds for a listing the
  lexicon alone reads as an offer (its own hit) without news/awareness framing, even when
  the fused score misses the queue: ``other`` means reporting, and needs its words.
* **Buying needs buyer's words.** Sellers often post only the product, a price and a
  contact; people who want to buy say so ("WTB", "looking for", 求购, "cần mua", "je
  cherche", "how much?"), in every language of the corpus. So when no buy cue of any
  weight matched and no news/awareness framing is present, the model's ``buy`` needs
  ``p(buy) >= BUY_UNCUED``; below it the listing is read as ``sell``. This is asymmetric
  on purpose: an offer without a sell cue is the common case, a request without a buy cue
  the rare one (the issue's "plain offers with no cue at all come out buy").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from classifiers.base import LABEL_CLEAN, REASON_MODEL, Detection, Reason
from classifiers.text.evidence import LexiconView

TRUST = 0.5  # a lexicon hit at its own threshold (scoring.json) can set the floor
BUY_UNCUED = 0.9  # p(buy) the model needs to call a listing with no buy cue a request
OVERRIDE = "model override"
_EMPTY = Detection(id="", score=0.0, label=LABEL_CLEAN)


@dataclass(frozen=True, slots=True)
class Fused:
    """The combined verdict for one document."""

    score: float
    intent: str
    floored: bool  # the lexicon floor decided the score
    note: str  # appended to the model reason ("" when the model and lexicon agree)


def floor(view: LexiconView, trust: float = TRUST) -> float | None:
    """The lexicon score the fused score may not fall below, or None (see module doc)."""
    lex = view.detection.score
    if lex < trust or not view.trade_context or view.contrary:
        return None
    return lex


def fuse_intent(
    view: LexiconView,
    probs: np.ndarray,
    classes: Sequence[str],
    hit: bool,
    buyer_words: bool = True,
) -> str:
    """Intent from explicit cues first, the model's head otherwise (see module doc).
    ``buyer_words=False`` skips the "buying needs buyer's words" rule (the model alone)."""
    explicit = view.explicit_intent
    if explicit is not None:
        return explicit
    ranked = [classes[int(j)] for j in np.argsort(-probs)]
    # "other" is the news/awareness class: it needs reporting framing when the lexicon
    # itself reads the listing as an offer or request (a hit of its own), not only when
    # the fused score is a hit — a missed offer keeps the intent its words show.
    lexicon_offer = view.detection.score >= TRUST and not view.reporting
    if hit or lexicon_offer:
        ranked = [c for c in ranked if c != "other"] or ranked
    uncued_buy = buyer_words and not view.buy_words and not view.reporting
    if ranked[0] == "buy" and uncued_buy and "sell" in classes:
        if float(probs[list(classes).index("buy")]) < BUY_UNCUED:
            return "sell"
    return ranked[0]


def fuse(
    view: LexiconView,
    model_p: float,
    intent_probs: np.ndarray,
    intent_classes: Sequence[str],
    threshold: float,
) -> Fused:
    """Score and intent of one document from the model's outputs and the lexicon's view."""
    lex = view.detection.score
    bound = floor(view)
    score = model_p if bound is None else max(model_p, bound)
    floored = bound is not None and bound > model_p
    hit = score >= threshold
    intent = fuse_intent(view, intent_probs, intent_classes, hit)
    note = ""
    if floored:
        note = (
            f"lexicon floor: explicit hit with trade context and no contrary context "
            f"(lexicon {lex:.3f} > model {model_p:.3f})"
        )
    elif lex >= TRUST and score < lex:
        if view.contrary:
            note = f"lowered by context: {', '.join(view.contrary)}"
        else:
            note = f"{OVERRIDE}: model {model_p:.3f} < lexicon {lex:.3f} (no trade context)"
    return Fused(score, intent, floored, note)


def unfused(
    model_p: float, intent_probs: np.ndarray, intent_classes: Sequence[str], threshold: float
) -> Fused:
    """The model alone (``LearnedDetector(fusion=False)``), for comparisons."""
    hit = model_p >= threshold
    intent = fuse_intent(LexiconView(_EMPTY), intent_probs, intent_classes, hit, False)
    return Fused(model_p, intent, False, "")


def model_reason(detail: str, fused: Fused, lexicon_score: float) -> Reason:
    """The one ``model`` reason of a learned detection, with the fusion note if any."""
    text = f"{detail}, score {fused.score:.3f}, lexicon-only score {lexicon_score:.3f}"
    if fused.note:
        text += f"; {fused.note}"
    return Reason(kind=REASON_MODEL, detail=text, weight=round(fused.score - lexicon_score, 4))
