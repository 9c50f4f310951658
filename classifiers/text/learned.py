"""``LearnedDetector``: lexicon evidence + sentence encoder → calibrated probability.

Design
------
* Inputs are the ``FeatureSpec`` blocks (encoder embedding of the normalised text, the
  lexicon's features, hashed character n-grams); three linear heads give the label logit,
  the commodity and the intent. The label logit is Platt-calibrated on dev, so ``score``
  is a probability and the queue / takedown thresholds in settings mean what they say.
* **Cascade.** The encoder is the expensive part (~440 listings/s on two cores), and most
  marketplace listings are ordinary goods without a wildlife word. The shipped folder
  therefore holds a second, encoder-free model (``stage1/``: lexicon features + character
  n-grams, trained and calibrated the same way). Stage 1 scores every listing; a listing
  whose stage-1 probability is below ``clean_below`` or at least ``wildlife_from`` exits
  with stage 1's outputs, and only the uncertain band goes through the encoder model. The
  two thresholds are chosen on dev (``classifiers.train.cascade``) so that the cascade's
  dev F1, hard-negative FPR and intent accuracy stay within half a point of the full
  model's; they live in ``meta.json`` under ``cascade``. ``cascade=False`` runs the full
  model on everything.
* Artefacts are ``heads.npz`` (arrays only, never pickles) + ``meta.json`` per stage; the
  encoder is named in the spec and loaded from its installed package, offline.
* Explanations: the lexicon's reasons (terms with spans, code words, context rules) are
  kept, and one ``model`` reason states which stage decided and the model probability
  beside the lexicon-only score, so an investigator sees what the model added or overruled.
* Intent: the intent head's, except that a hit is never ``other`` (that class means
  news/awareness, which are not offers): a listing judged to be a wildlife offer or
  request with no recognised sales phrase gets the likelier of sell/buy.
* Commodity: the lexicon's when it matched terms of the commodity the model also favours
  or when the model is unsure; otherwise the model's. Species and CITES appendix always
  come from the lexicon's commodity table.
* Staleness: the model's features are the lexicon's, so a model trained with another
  lexicon version is logged (WARNING, once per model folder and version pair).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from classifiers.base import (
    LABEL_CLEAN,
    LABEL_WILDLIFE,
    Classifier,
    Detection,
    TextDoc,
)
from classifiers.priority import with_priority
from classifiers.text.encoders import TextEncoder
from classifiers.text.evidence import LexiconBatch, LexiconEvidence, LexiconView
from classifiers.text.features import normalized_texts
from classifiers.text.fusion import fuse, model_reason, unfused
from classifiers.text.lexicon_detector import LexiconDetector
from classifiers.text.model import HeadSet, Prediction

log = logging.getLogger(__name__)
SHIPPED_DIR = Path(__file__).resolve().parents[2] / "models" / "text"
_WARNED: set[tuple[str, str, str]] = set()


def commodity_info(commodity: str) -> tuple[tuple[str, ...], str | None]:
    """Species and CITES appendix of a commodity group, from the lexicon's table."""
    from classifiers.lexicon.loader import default_lexicon

    entry = default_lexicon().commodities.get(commodity)
    return (entry.species, entry.cites) if entry else ((), None)


def shipped_lexicon() -> LexiconDetector:
    """The lexicon detector over the shipped lexicon (what the shipped model was trained on)."""
    return LexiconDetector()


_lexicon = shipped_lexicon  # old private name, still used by wildtrace.commands.text


def check_lexicon_version(heads: HeadSet, lexicon: LexiconEvidence) -> bool:
    """True when ``heads`` was trained with ``lexicon``; logs a WARNING (once) otherwise."""
    trained = str(heads.meta.get("lexicon_version", ""))
    loaded = lexicon.version
    if trained == loaded:
        return True
    key = (str(heads.directory), trained, loaded)
    if key not in _WARNED:
        _WARNED.add(key)
        log.warning(
            "text model in %s was trained with lexicon %s but lexicon %s is loaded: "
            "its features have changed, retrain with `wildtrace train-text`",
            heads.directory,
            trained or "(unknown)",
            loaded or "(unknown)",
        )
    return False


class LearnedDetector(Classifier):
    """The trained text detector (see module docstring)."""

    name = "learned"

    def __init__(
        self,
        model_dir: str | Path | None = None,
        encoder: TextEncoder | None = None,
        lexicon: LexiconEvidence | None = None,
        threshold: float | None = None,
        cascade: bool = True,
        fusion: bool = True,
    ) -> None:
        self.model_dir = Path(model_dir) if model_dir else SHIPPED_DIR
        self.fusion = fusion  # False: the model alone (for comparisons; see fusion.py)
        self.lexicon: LexiconEvidence = lexicon if lexicon is not None else shipped_lexicon()
        self.full = HeadSet(self.model_dir, self.lexicon, encoder)
        self.meta = self.full.meta
        self.featurizer = self.full.featurizer
        self.stage1: HeadSet | None = None
        self.bounds = (0.0, 1.0)
        cfg = self.meta.get("cascade")
        if cascade and cfg:
            self.stage1 = HeadSet(self.model_dir / cfg["stage1"], self.lexicon)
            self.bounds = (float(cfg["clean_below"]), float(cfg["wildlife_from"]))
            for attr in ("commodity", "intent"):
                if getattr(self.stage1, attr).classes != getattr(self.full, attr).classes:
                    raise ValueError(f"cascade stages disagree on {attr} classes")
        for heads in (self.full, self.stage1):
            if heads is not None:
                check_lexicon_version(heads, self.lexicon)
        self.threshold = float(
            threshold
            if threshold is not None
            else self.meta.get("thresholds", {}).get("queue", 0.5)
        )
        self.version = f"{self.meta.get('version', '1')}-{self.full.spec.encoder or 'none'}"
        self.version += "+stage1" if self.stage1 else ""

    def scores(
        self, docs: Sequence[TextDoc]
    ) -> tuple[Prediction, np.ndarray, np.ndarray, LexiconBatch]:
        """Outputs for a batch: the merged prediction, the deciding stage per document
        (1 or 2), stage 1's probability (NaN without a cascade), and the lexicon's own
        reading of the batch. Everything is local to this call (thread-safe)."""
        batch = self.lexicon.evaluate(docs)
        lex = np.asarray(batch.features, dtype=np.float32)
        texts = normalized_texts(docs)
        n = len(docs)
        p1 = np.full(n, np.nan)
        if self.stage1 is None:
            return self.full.predict(docs, lex, texts), np.full(n, 2), p1, batch
        first = self.stage1.predict(docs, lex, texts)
        p1 = first.prob
        unsure = np.flatnonzero((p1 >= self.bounds[0]) & (p1 < self.bounds[1]))
        stage = np.ones(n, dtype=int)
        if unsure.size:
            second = self.full.predict(
                [docs[int(i)] for i in unsure], lex[unsure], [texts[int(i)] for i in unsure]
            )
            first.prob[unsure] = second.prob
            first.commodity[unsure] = second.commodity
            first.intent[unsure] = second.intent
            stage[unsure] = 2
        return first, stage, p1, batch

    def classify(self, docs: Sequence[TextDoc]) -> list[Detection]:
        if not docs:
            return []
        pred, stage, p1, batch = self.scores(docs)
        return [
            self._detection(doc, pred, i, int(stage[i]), float(p1[i]), batch.views[i])
            for i, doc in enumerate(docs)
        ]

    def _commodity(self, com_p: np.ndarray, lex: Detection) -> str:
        model_choice = self.full.commodity.classes[int(np.argmax(com_p))]
        if lex.commodity and (lex.commodity == model_choice or float(np.max(com_p)) < 0.6):
            return lex.commodity
        return model_choice

    def _stage_detail(self, stage: int, p1: float) -> str:
        if self.stage1 is None:
            return f"{self.name} model ({self.full.encoder_name})"
        lo, hi = self.bounds
        if stage == 1:
            why = "confidently clean" if p1 < lo else "confidently wildlife"
            return f"{self.name} cascade stage 1 (no encoder) decided, {why}"
        return (
            f"{self.name} cascade stage 2 ({self.full.encoder_name}) decided: stage-1 "
            f"p={p1:.3f} was in the uncertain band [{lo:.3f}, {hi:.3f})"
        )

    def _detection(
        self, doc: TextDoc, pred: Prediction, i: int, stage: int, p1: float, view: LexiconView
    ) -> Detection:
        lex = view.detection
        model_p = float(pred.prob[i])
        classes = self.full.intent.classes
        fused = (
            fuse(view, model_p, pred.intent[i], classes, self.threshold)
            if self.fusion
            else unfused(model_p, pred.intent[i], classes, self.threshold)
        )
        hit = fused.score >= self.threshold
        commodity = None
        if hit:
            commodity = lex.commodity if fused.floored else None
            commodity = commodity or self._commodity(pred.commodity[i], lex)
        species: tuple[str, ...] = ()
        appendix = None
        if commodity:
            species, appendix = commodity_info(commodity)
            if lex.commodity == commodity and lex.species:
                species, appendix = lex.species, lex.cites_appendix or appendix
        detail = f"{self._stage_detail(stage, p1)}: model p(wildlife)={model_p:.3f}"
        det = Detection(
            id=doc.id,
            score=fused.score,
            label=LABEL_WILDLIFE if hit else LABEL_CLEAN,
            commodity=commodity,
            species=tuple(species),
            cites_appendix=appendix,
            intent=fused.intent,
            lang=doc.lang or lex.lang,
            reasons=(*lex.reasons, model_reason(detail, fused, lex.score)),
            model=self.model_tag,
            extra={
                "lexicon_score": round(lex.score, 6),
                "model_score": round(model_p, 6),
                **({"stage": stage} if self.stage1 else {}),
            },
        )
        return with_priority(det, doc.full_text)
