"""Evaluate any ``Classifier`` on a corpus split, beside the plain keyword baseline.

The detector runs end to end (``classify`` on ``TextDoc`` batches), exactly as the
pipeline and the ``classify`` command run it, so the figures describe the shipped path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from classifiers.base import Classifier, Detection
from classifiers.train import baseline
from classifiers.train.data import Row, lang_tag, to_docs
from classifiers.train.metrics import accuracy, by_group, hard_negative_fpr, prf, reliability


def detect(classifier: Classifier, rows: Sequence[Row], batch_size: int = 256) -> list[Detection]:
    docs = to_docs(rows)
    out: list[Detection] = []
    for i in range(0, len(docs), batch_size):
        out.extend(classifier.classify(docs[i : i + batch_size]))
    return out


def _commodity_accuracy(rows: Sequence[Row], dets: Sequence[Detection]) -> dict[str, float]:
    """Per commodity: share of its positives given the right commodity (detected or not)."""
    out: dict[str, list[int]] = {}
    for row, det in zip(rows, dets, strict=True):
        if row["label"] == "wildlife" and row.get("commodity"):
            hits = out.setdefault(row["commodity"], [0, 0])
            hits[0] += int(det.commodity == row["commodity"])
            hits[1] += 1
    return {k: ok / n for k, (ok, n) in sorted(out.items())}


def _group(rows: Sequence[Row], idx: Sequence[int], key: Any) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i in idx:
        out.setdefault(key(rows[i]), []).append(i)
    return dict(sorted(out.items()))


def _intent_confusion(
    rows: Sequence[Row], dets: Sequence[Detection], positives: Sequence[int]
) -> dict[str, int]:
    """``"truth→predicted": count`` over positives, errors only."""
    out: dict[str, int] = {}
    for i in positives:
        if dets[i].intent != rows[i]["intent"]:
            key = f"{rows[i]['intent']}→{dets[i].intent}"
            out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


def _share(stages: Sequence[Any], truth: Sequence[bool], label: bool) -> float:
    picked = [s for s, t in zip(stages, truth, strict=True) if t == label]
    return picked.count(1) / len(picked) if picked else 0.0


def evaluate(
    classifier: Classifier, rows: Sequence[Row], title: str, threshold: float | None = None
) -> dict[str, Any]:
    """All figures ``eval-text`` prints, as a JSON-ready dict."""
    dets = detect(classifier, rows)
    truth = [r["label"] == "wildlife" for r in rows]
    pred = [d.score >= threshold if threshold is not None else d.is_hit for d in dets]
    base = baseline.predict([d.full_text for d in to_docs(rows)])
    positives = [i for i, t in enumerate(truth) if t]
    held = [i for i, r in enumerate(rows) if r.get("held_out")]
    ece, table = reliability([d.score for d in dets], truth)
    report: dict[str, Any] = {
        "title": title,
        "n": len(rows),
        "model": classifier.model_tag,
        "overall": prf(truth, pred),
        "per_lang": by_group(rows, pred, lang_tag),
        "per_commodity": by_group(rows, pred, lambda r: r.get("commodity")),
        "commodity_acc": _commodity_accuracy(rows, dets),
        "hard_negative_fpr": hard_negative_fpr(rows, pred),
        "intent_acc": accuracy(
            [rows[i]["intent"] for i in positives], [dets[i].intent for i in positives]
        ),
        "intent_confusion": _intent_confusion(rows, dets, positives),
        "intent_acc_per_lang": {
            k: accuracy([rows[i]["intent"] for i in idx], [dets[i].intent for i in idx])
            for k, idx in _group(rows, positives, lang_tag).items()
        },
        "ece": ece,
        "reliability": table,
        "baseline": {
            "overall": prf(truth, base),
            "per_lang": by_group(rows, base, lang_tag),
            "hard_negative_fpr": hard_negative_fpr(rows, base),
        },
    }
    stages = [d.extra.get("stage") for d in dets]
    if any(stages):  # the learned cascade says which stage decided each listing
        report["stage1_exit"] = {
            "all": stages.count(1) / len(stages),
            "clean": _share(stages, truth, False),
            "wildlife": _share(stages, truth, True),
        }
    if held:
        report["held_out"] = prf([truth[i] for i in held], [pred[i] for i in held])
    return report
