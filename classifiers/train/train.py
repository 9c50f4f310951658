"""Train the learned text detector: features → three linear heads → Platt calibration.

Steps (``train_model``):

1. rows: the corpus's ``train`` split plus any feedback rows; ``dev`` for choosing and
   calibrating; ``test`` is never touched here;
2. features (``classifiers.text.features``): encoder embedding ⊕ lexicon features ⊕
   hashed character n-grams of the normalised text;
3. label head: logistic regression, ``C`` chosen by dev F1 at the queue threshold;
   commodity head (multinomial, positives only) and intent head (all rows);
4. Platt scaling of the label logit on dev, so scores are probabilities; dev ECE before
   and after is recorded;
5. artefacts: ``heads.npz`` (arrays only) + ``meta.json`` (spec, classes, calibration,
   thresholds, dev metrics, training-data hash).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from classifiers.base import LABEL_WILDLIFE
from classifiers.text.encoders import TextEncoder
from classifiers.text.features import FeatureSpec, Featurizer, LexiconFeatures, normalized_texts
from classifiers.text.heads import LinearHead, Platt
from classifiers.train.data import Row, rows_hash, select, to_docs
from classifiers.train.intent import EMPHASIS_GRID, best_intent_head
from classifiers.train.metrics import prf, reliability

log = logging.getLogger(__name__)
C_GRID = (10.0, 100.0, 1000.0)
MODEL_VERSION = "2"
INTENT_PREFIXES = ("intent:", "lead:", "decided:")


@dataclass
class TrainedModel:
    spec: FeatureSpec
    label: LinearHead
    commodity: LinearHead
    intent: LinearHead
    platt: Platt
    meta: dict[str, Any]


def _fit_lr(x: Any, y: Sequence[str], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000).fit(x, list(y))


def _best_head(
    x_tr: Any, y_tr: Sequence[str], x_dev: Any, y_dev: Sequence[str], c_grid: Sequence[float]
) -> tuple[LinearHead, float]:
    """Multiclass head with the ``C`` that maximises dev accuracy."""
    best: tuple[float, float, LinearHead] | None = None
    for c in c_grid:
        head = LinearHead.from_sklearn(_fit_lr(x_tr, y_tr, c))
        pred = [head.classes[i] for i in np.argmax(head.logits(x_dev), axis=1)]
        acc = float(np.mean([p == t for p, t in zip(pred, y_dev, strict=True)])) if y_dev else 0
        if best is None or acc > best[0]:
            best = (acc, c, head)
    assert best is not None
    return best[2], best[1]


class FeatureCache:
    """Computes each block once per row set, so comparing configurations is cheap."""

    def __init__(self, encoder: TextEncoder | None, lexicon: LexiconFeatures | None) -> None:
        self.encoder, self.lexicon = encoder, lexicon
        self.names = list(lexicon.feature_names()) if lexicon is not None else []

    def featurizer(
        self, char_features: int, lex_weight: float = 1.0, char_ngrams: tuple[int, int] = (1, 3)
    ) -> Featurizer:
        spec = FeatureSpec(
            encoder=self.encoder.name if self.encoder is not None else None,
            encoder_dim=self.encoder.dim if self.encoder is not None else 0,
            lexicon_names=self.names,
            char_features=char_features,
            lex_weight=lex_weight,
            char_ngrams=char_ngrams,
        )
        return Featurizer(spec, self.encoder, self.lexicon)


def _intent_blind(spec: FeatureSpec) -> sparse.csr_matrix:
    """Diagonal 0/1 matrix that hides the intent columns from the label head.

    Whether a listing is a wildlife offer must not hinge on recognising its sales phrase:
    once the lexicon's intent cues covered every training template, a label head that
    could read them learned "no recognised cue ⇒ clean" (dev recall 0.000 with the intent
    columns neutralised) and missed whole unseen templates. Trained on zeroed columns, the
    L2-regularised head gives them weight exactly 0, so inference needs no mask."""
    keep = np.ones(spec.dim, dtype=np.float32)
    for i, name in enumerate(spec.lexicon_names):
        if name.startswith(INTENT_PREFIXES):
            keep[spec.encoder_dim + i] = 0.0
    return sparse.diags(keep, format="csr")


def _label_truth(rows: Sequence[Row]) -> np.ndarray:
    return np.array([r["label"] == LABEL_WILDLIFE for r in rows])


def _best_label_head(
    x_tr: Any, y_tr: np.ndarray, x_dev: Any, y_dev: np.ndarray, c_grid: Sequence[float]
) -> tuple[float, float, LinearHead]:
    """The label head of best dev F1 over ``c_grid``: ``(dev F1, C, head)``."""
    best: tuple[float, float, LinearHead] | None = None
    for c in c_grid:
        head = LinearHead.from_sklearn(
            _fit_lr(x_tr, ["clean" if not t else "wildlife" for t in y_tr], c)
        )
        f1 = prf(list(y_dev), list(head.logits(x_dev)[:, 0] > 0))["f1"]
        log.info("label head C=%g: dev F1 %.4f", c, f1)
        if best is None or f1 > best[0]:
            best = (f1, c, head)
    if best is None:
        raise ValueError("c_grid is empty")
    return best


def _dev_meta(
    dev_f1: float, dev_logit: np.ndarray, platt: Platt, y_dev: np.ndarray
) -> dict[str, Any]:
    """Dev F1 and calibration error before and after Platt scaling, with the table."""
    ece_raw, _ = reliability(list(Platt()(dev_logit)), list(y_dev))
    ece_cal, table = reliability(list(platt(dev_logit)), list(y_dev))
    return {
        "f1_at_0": dev_f1,
        "ece_uncalibrated": ece_raw,
        "ece_calibrated": ece_cal,
        "reliability": table,
    }


def _fit_features(feat: Featurizer, train: Sequence[Row], dev: Sequence[Row]) -> tuple[Any, Any]:
    """Fit the lexicon block's scaling on ``train``; the train and dev feature matrices."""
    tr_docs, dev_docs = to_docs(train), to_docs(dev)
    lex_tr = feat.lexicon_block(tr_docs)
    if feat.spec.lexicon_names:
        feat.fit_lexicon_scaling(lex_tr)
    x_tr = feat.transform(tr_docs, lex=lex_tr, texts=normalized_texts(tr_docs))
    return x_tr, feat.transform(dev_docs)


def _commodity_head(
    x_tr: Any, train: Sequence[Row], x_dev: Any, dev: Sequence[Row], c_grid: Sequence[float]
) -> tuple[LinearHead, float]:
    """The commodity head, fitted and chosen on wildlife rows that name a commodity."""
    pos = [i for i, r in enumerate(train) if r["label"] == LABEL_WILDLIFE and r.get("commodity")]
    dev_pos = [i for i, r in enumerate(dev) if r["label"] == LABEL_WILDLIFE and r.get("commodity")]
    return _best_head(
        x_tr[pos],
        [train[i]["commodity"] for i in pos],
        x_dev[dev_pos],
        [dev[i]["commodity"] for i in dev_pos],
        c_grid,
    )


def _shape_meta(
    spec: FeatureSpec, commodity: LinearHead, intent: LinearHead, platt: Platt
) -> dict[str, Any]:
    """What a loader needs to rebuild the heads: version, feature spec, classes, calibration."""
    return {
        "version": MODEL_VERSION,
        "spec": spec.to_dict(),
        "label_classes": ["clean", "wildlife"],
        "commodity_classes": commodity.classes,
        "intent_classes": intent.classes,
        "platt": {"a": platt.a, "b": platt.b},
    }


def train_model(
    rows: Sequence[Row],
    encoder: TextEncoder | None,
    lexicon: LexiconFeatures | None,
    *,
    char_features: int = 2**16,
    c_grid: Sequence[float] = C_GRID,
    char_ngrams: tuple[int, int] = (2, 5),
    lex_weight: float = 2.0,
    extra_train: Sequence[Row] = (),
    intent_emphasis: Sequence[float] = EMPHASIS_GRID,
) -> TrainedModel:
    """Fit all heads on ``train`` (+ ``extra_train``), choose and calibrate on ``dev``.

    ``c_grid``/``intent_emphasis`` of one value each fix the hyper-parameters (no search)."""
    started = time.perf_counter()
    train = select(rows, "train") + list(extra_train)
    dev = select(rows, "dev")
    feat = FeatureCache(encoder, lexicon).featurizer(char_features, lex_weight, char_ngrams)
    x_tr, x_dev = _fit_features(feat, train, dev)
    y_tr, y_dev = _label_truth(train), _label_truth(dev)
    blind = _intent_blind(feat.spec)
    x_blind = x_tr @ blind

    dev_f1, c_label, label = _best_label_head(x_blind, y_tr, x_dev, y_dev, c_grid)
    label.weights = blind @ label.weights  # exactly 0 already; made explicit
    dev_logit = label.logits(x_dev)[:, 0]
    platt = Platt.fit(dev_logit, y_dev)

    commodity, c_com = _commodity_head(x_tr, train, x_dev, dev, c_grid)
    # Intent is learned on every row (negatives teach "other" for news) but chosen by
    # accuracy on positives of templates the head never saw (see ``intent.py``).
    lex_cols = slice(feat.spec.encoder_dim, feat.spec.encoder_dim + len(feat.spec.lexicon_names))
    intent, intent_choice = best_intent_head(
        x_tr, train, x_dev, dev, lex_cols, c_grid, intent_emphasis
    )
    meta = {
        **_shape_meta(feat.spec, commodity, intent, platt),
        "label_C": c_label,
        "commodity_C": c_com,
        "intent_C": intent_choice["C"],
        "intent_selection": intent_choice,
        "dev": _dev_meta(dev_f1, dev_logit, platt, y_dev),
        "train_rows": len(train),
        "dev_rows": len(dev),
        "train_data_sha256": rows_hash(train),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    return TrainedModel(feat.spec, label, commodity, intent, platt, meta)


def save_model(
    model: TrainedModel, out_dir: str | Path, extra_meta: dict[str, Any] | None = None
) -> Path:
    """Write ``heads.npz`` (no pickles) and ``meta.json``; returns the directory."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {
        **model.label.to_arrays("label"),
        **model.commodity.to_arrays("commodity"),
        **model.intent.to_arrays("intent"),
    }
    np.savez_compressed(out / "heads.npz", **arrays)
    meta = {**model.meta, "spec": model.spec.to_dict(), **(extra_meta or {})}
    (out / "meta.json").write_text(
        json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return out
