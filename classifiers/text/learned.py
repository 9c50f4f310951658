"""``LearnedDetector``: lexicon evidence + sentence encoder → calibrated probability.

Design
------
* Inputs are the ``FeatureSpec`` blocks (encoder embedding of the normalised text, the
  lexicon's features, hashed character n-grams); three linear heads give the label logit,
  the commodity and the intent. The label logit is Platt-calibrated on dev, so ``score``
  is a probability and the queue / takedown thresholds in settings mean what they say.
* Artefacts are ``heads.npz`` (arrays only, never pickles) + ``meta.json``; the encoder is
  named in the spec and loaded from its installed package, offline.
* Explanations: the lexicon's reasons (terms with spans, code words, context rules) are
  kept, and one ``model`` reason states the model probability beside the lexicon-only
  score, so an investigator sees what the model added or overruled.
* Commodity: the lexicon's when it matched terms of the commodity the model also favours
  or when the model is unsure; otherwise the model's. Species and CITES appendix always
  come from the lexicon's commodity table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.base import (
    LABEL_CLEAN,
    LABEL_WILDLIFE,
    REASON_MODEL,
    Classifier,
    Detection,
    Reason,
    TextDoc,
)
from classifiers.text.encoders import TextEncoder, make_encoder
from classifiers.text.features import FeatureSpec, Featurizer
from classifiers.text.heads import LinearHead, Platt

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "models" / "text"


def commodity_info(commodity: str) -> tuple[tuple[str, ...], str | None]:
    """Species and CITES appendix of a commodity group, from the lexicon's table."""
    from classifiers.lexicon.loader import default_lexicon

    entry = default_lexicon().commodities.get(commodity)
    return (entry.species, entry.cites) if entry else ((), None)


def _lexicon() -> Any:
    from classifiers.text.lexicon_detector import LexiconDetector

    return LexiconDetector()


class LearnedDetector(Classifier):
    """The trained text detector (see module docstring)."""

    name = "learned"
    version = "1"

    def __init__(
        self,
        model_dir: str | Path | None = None,
        encoder: TextEncoder | None = None,
        lexicon: Any = None,
        threshold: float | None = None,
    ) -> None:
        self.model_dir = Path(model_dir) if model_dir else SHIPPED_DIR
        meta_path = self.model_dir / "meta.json"
        if not meta_path.is_file():
            raise FileNotFoundError(f"no trained text model in {self.model_dir} (meta.json)")
        self.meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        self.spec = FeatureSpec.from_dict(self.meta["spec"])
        with np.load(self.model_dir / "heads.npz", allow_pickle=False) as arrays:
            self.label = LinearHead.from_arrays(arrays, "label", self.meta["label_classes"])
            self.commodity = LinearHead.from_arrays(
                arrays, "commodity", self.meta["commodity_classes"]
            )
            self.intent = LinearHead.from_arrays(arrays, "intent", self.meta["intent_classes"])
        self.platt = Platt(**self.meta["platt"])
        if encoder is None and self.spec.encoder:
            encoder = make_encoder(self.spec.encoder)
        if encoder is not None and encoder.name != self.spec.encoder:
            raise ValueError(f"model was trained with {self.spec.encoder}, not {encoder.name}")
        self.lexicon = lexicon if lexicon is not None else _lexicon()
        self.featurizer = Featurizer(self.spec, encoder, self.lexicon)
        self.threshold = float(
            threshold
            if threshold is not None
            else self.meta.get("thresholds", {}).get("queue", 0.5)
        )
        self.version = f"{self.meta.get('version', '1')}-{self.spec.encoder or 'none'}"

    def scores(
        self, docs: Sequence[TextDoc]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Detection]]:
        """Calibrated wildlife probability, commodity and intent probabilities, and the
        lexicon's own detections, for a batch."""
        lex_dets = self.lexicon.classify(docs)
        lex = np.asarray(self.lexicon.features(docs), dtype=np.float32)
        x = self.featurizer.transform(docs, lex=lex)
        prob = self.platt(self.label.logits(x)[:, 0])
        return prob, self.commodity.proba(x), self.intent.proba(x), lex_dets

    def classify(self, docs: Sequence[TextDoc]) -> list[Detection]:
        if not docs:
            return []
        prob, com_p, int_p, lex_dets = self.scores(docs)
        return [
            self._detection(doc, float(p), cp, ip, lex)
            for doc, p, cp, ip, lex in zip(docs, prob, com_p, int_p, lex_dets, strict=True)
        ]

    def _commodity(self, com_p: np.ndarray, lex: Detection) -> str:
        model_choice = self.commodity.classes[int(np.argmax(com_p))]
        if lex.commodity and (lex.commodity == model_choice or float(np.max(com_p)) < 0.6):
            return lex.commodity
        return model_choice

    def _detection(
        self, doc: TextDoc, p: float, com_p: np.ndarray, int_p: np.ndarray, lex: Detection
    ) -> Detection:
        p = min(1.0, max(0.0, p))
        hit = p >= self.threshold
        commodity = self._commodity(com_p, lex) if hit else None
        species: tuple[str, ...] = ()
        appendix = None
        if commodity:
            species, appendix = commodity_info(commodity)
            if lex.commodity == commodity and lex.species:
                species, appendix = lex.species, lex.cites_appendix or appendix
        model_reason = Reason(
            kind=REASON_MODEL,
            detail=(
                f"{self.name} model ({self.spec.encoder or 'no encoder'}): "
                f"p(wildlife)={p:.3f}, lexicon-only score {lex.score:.3f}"
            ),
            weight=round(p - lex.score, 4),
        )
        return Detection(
            id=doc.id,
            score=p,
            label=LABEL_WILDLIFE if hit else LABEL_CLEAN,
            commodity=commodity,
            species=tuple(species),
            cites_appendix=appendix,
            intent=self.intent.classes[int(np.argmax(int_p))],
            lang=doc.lang or lex.lang,
            reasons=(*lex.reasons, model_reason),
            model=self.model_tag,
            extra={"lexicon_score": round(lex.score, 6)},
        )
