"""Choosing the cascade's exit thresholds on dev.

The cascade (``classifiers.text.learned``) lets the encoder-free stage 1 decide a listing
when its calibrated probability is below ``clean_below`` or at least ``wildlife_from``;
everything in between goes through the encoder model. Because stage 1 is calibrated, a
listing exits only when stage 1 is at least ``1 - clean_below`` (or ``wildlife_from``)
sure, so the search is limited to confident bounds (``LOW_GRID`` ≤ 0.1, ``HIGH_GRID``
≥ 0.9) and never rests on dev's near-separability alone.

Among the bounds whose cascade keeps dev F1, hard-negative FPR and intent accuracy (on
positives) within ``tol`` of the full model's, the chosen pair maximises the share of
listings that exit early *under marketplace traffic* (``CLEAN_SHARE`` clean listings,
the rest wildlife; dev's own 50/50 mix would overstate the value of positive exits);
ties go to the wider uncertain band.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.text.features import normalized_texts
from classifiers.text.model import HeadSet, Prediction
from classifiers.train.data import Row, select, to_docs
from classifiers.train.metrics import accuracy, hard_negative_fpr, prf

LOW_GRID = (0.0, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1)
HIGH_GRID = (1.01, 0.999, 0.995, 0.99, 0.98, 0.97, 0.95, 0.9)
CLEAN_SHARE = 0.88
TOLERANCE = 0.005


def predict_rows(heads: HeadSet, rows: Sequence[Row], lexicon: Any) -> Prediction:
    docs = to_docs(rows)
    lex = np.asarray(lexicon.features(docs), dtype=np.float32)
    return heads.predict(docs, lex, normalized_texts(docs))


def _figures(
    rows: Sequence[Row], prob: np.ndarray, intent: Sequence[str], threshold: float
) -> dict[str, float]:
    truth = [r["label"] == "wildlife" for r in rows]
    pred = [bool(p >= threshold) for p in prob]
    pos = [i for i, t in enumerate(truth) if t]
    return {
        "f1": prf(truth, pred)["f1"],
        "hard_negative_fpr": hard_negative_fpr(rows, pred).get("all", 0.0),
        "intent_acc": accuracy([rows[i]["intent"] for i in pos], [intent[i] for i in pos]),
    }


def choose_bounds(
    rows: Sequence[Row],
    first: Prediction,
    second: Prediction,
    intent_classes: Sequence[str],
    threshold: float,
    tol: float = TOLERANCE,
) -> dict[str, Any]:
    """The cascade config (see module docstring), with the dev figures behind it."""
    clean = np.array([r["label"] != "wildlife" for r in rows])
    names = np.asarray(intent_classes)
    int1, int2 = names[first.intent.argmax(1)], names[second.intent.argmax(1)]
    full = _figures(rows, second.prob, list(int2), threshold)
    best: tuple[tuple[float, float], dict[str, Any]] | None = None
    for lo in LOW_GRID:
        for hi in HIGH_GRID:
            exit_ = (first.prob < lo) | (first.prob >= hi)
            prob = np.where(exit_, first.prob, second.prob)
            got = _figures(rows, prob, list(np.where(exit_, int1, int2)), threshold)
            if (
                got["f1"] < full["f1"] - tol
                or got["hard_negative_fpr"] > full["hard_negative_fpr"] + tol
                or got["intent_acc"] < full["intent_acc"] - tol
            ):
                continue
            traffic_exit = (
                CLEAN_SHARE * exit_[clean].mean() + (1 - CLEAN_SHARE) * exit_[~clean].mean()
            )
            key = (round(float(traffic_exit), 3), hi - lo)
            if best is None or key > best[0]:
                cfg = {"clean_below": lo, "wildlife_from": hi, "dev_cascade": got}
                cfg["dev_exit"] = {
                    "all": float(exit_.mean()),
                    "clean": float(exit_[clean].mean()),
                    "wildlife": float(exit_[~clean].mean()),
                    "traffic_weighted": float(traffic_exit),
                }
                best = (key, cfg)
    if best is None:  # (0, 1.01) always qualifies: it is the full model
        raise AssertionError("no cascade bounds qualified")
    return {**best[1], "dev_full": full, "tolerance": tol}


def attach_cascade(
    out_dir: str | Path, rows: Sequence[Row], lexicon: Any, threshold: float, stage1: str = "stage1"
) -> dict[str, Any]:
    """Choose the bounds for the models in ``out_dir`` and ``out_dir/stage1`` on the dev
    rows, and record them in ``out_dir/meta.json`` under ``cascade``."""
    out = Path(out_dir)
    full, first = HeadSet(out, lexicon), HeadSet(out / stage1, lexicon)
    dev = select(rows, "dev")
    cfg = {
        "stage1": stage1,
        **choose_bounds(
            dev,
            predict_rows(first, dev, lexicon),
            predict_rows(full, dev, lexicon),
            full.intent.classes,
            threshold,
        ),
    }
    meta = {**full.meta, "cascade": cfg}
    (out / "meta.json").write_text(
        json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return cfg
