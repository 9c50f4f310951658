"""One trained model folder (``heads.npz`` + ``meta.json``) loaded for inference.

A ``HeadSet`` is what ``wildtrace train-text`` writes: a ``FeatureSpec`` (how inputs are
built), three linear heads (label, commodity, intent) and the Platt calibration of the
label logit. ``LearnedDetector`` holds one (the full model) or two (the cascade's cheap
first stage beside it); both run on the same lexicon features and normalised texts,
computed once per batch by the detector.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.base import TextDoc
from classifiers.text.encoders import TextEncoder, make_encoder
from classifiers.text.features import FeatureSpec, Featurizer, LexiconFeatures
from classifiers.text.heads import LinearHead, Platt


@dataclass
class Prediction:
    """Per-document outputs of one ``HeadSet`` for a batch."""

    prob: np.ndarray  # (n,) calibrated p(wildlife)
    commodity: np.ndarray  # (n, n_commodities)
    intent: np.ndarray  # (n, n_intents)


class HeadSet:
    """A loaded model folder (see module docstring)."""

    def __init__(
        self,
        directory: str | Path,
        lexicon: LexiconFeatures,
        encoder: TextEncoder | None = None,
    ) -> None:
        self.directory = Path(directory)
        meta_path = self.directory / "meta.json"
        if not meta_path.is_file():
            raise FileNotFoundError(f"no trained text model in {self.directory} (meta.json)")
        self.meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        self.spec = FeatureSpec.from_dict(self.meta["spec"])
        with np.load(self.directory / "heads.npz", allow_pickle=False) as arrays:
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
        self.featurizer = Featurizer(self.spec, encoder, lexicon)

    @property
    def encoder_name(self) -> str:
        return self.spec.encoder or "no encoder"

    def predict(self, docs: Sequence[TextDoc], lex: np.ndarray, texts: Sequence[str]) -> Prediction:
        """Outputs for ``docs`` given their lexicon features and normalised texts."""
        x = self.featurizer.transform(docs, lex=lex, texts=texts)
        prob = self.platt(self.label.logits(x)[:, 0])
        return Prediction(np.clip(prob, 0.0, 1.0), self.commodity.proba(x), self.intent.proba(x))
