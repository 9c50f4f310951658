"""Evaluation metrics and their text report: P/R/F1 overall and per group, hard-negative
false-positive rate, intent and commodity accuracy, and calibration (ECE + reliability
table). Plain Python over lists so every figure is easy to check by hand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from classifiers.train.data import Row

HARD_KINDS = (
    "colour_material",
    "brand_place",
    "faux",
    "lookalike_animal",
    "other_species",
    "news",
    "awareness",
)


def prf(truth: Sequence[bool], pred: Sequence[bool]) -> dict[str, float]:
    tp = sum(t and p for t, p in zip(truth, pred, strict=True))
    fp = sum(p and not t for t, p in zip(truth, pred, strict=True))
    fn = sum(t and not p for t, p in zip(truth, pred, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": precision, "r": recall, "f1": f1, "n": len(truth), "pos": tp + fn}


def by_group(
    rows: Sequence[Row], pred: Sequence[bool], key: Callable[[Row], str | None]
) -> dict[str, dict[str, float]]:
    """P/R/F1 per group; rows whose key is None are left out."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        k = key(row)
        if k is not None:
            groups[k].append(i)
    return {
        k: prf([rows[i]["label"] == "wildlife" for i in idx], [pred[i] for i in idx])
        for k, idx in sorted(groups.items())
    }


def commodity_recall(rows: Sequence[Row], pred: Sequence[bool]) -> dict[str, dict[str, float]]:
    """Per commodity: recall of the positives, precision counted over predicted commodity
    (set by the caller in ``pred_commodity``) is not meaningful for clean rows, so the
    per-commodity F1 uses recall plus commodity-assignment precision."""
    return by_group(rows, pred, lambda r: r.get("commodity"))


def hard_negative_fpr(rows: Sequence[Row], pred: Sequence[bool]) -> dict[str, float]:
    """False-positive rate over all hard negatives and per kind (``all`` key)."""
    out: dict[str, float] = {}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, p in zip(rows, pred, strict=True):
        kind = row.get("negative_kind")
        if row["label"] == "clean" and kind in HARD_KINDS:
            for k in (kind, "all"):
                counts[k][0] += int(p)
                counts[k][1] += 1
    for k, (fp, n) in sorted(counts.items()):
        out[k] = fp / n if n else 0.0
        out[f"{k}_n"] = n
    return out


def accuracy(truth: Sequence[Any], pred: Sequence[Any]) -> float:
    return sum(t == p for t, p in zip(truth, pred, strict=True)) / len(truth) if truth else 0.0


def reliability(
    probs: Sequence[float], truth: Sequence[bool], bins: int = 10
) -> tuple[float, list[dict[str, float]]]:
    """Expected calibration error and the binned table (equal-width bins)."""
    table = []
    ece = 0.0
    n = len(probs)
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, p in enumerate(probs) if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if not idx:
            continue
        mean_p = float(sum(probs[i] for i in idx) / len(idx))
        frac = float(sum(truth[i] for i in idx) / len(idx))
        ece += len(idx) / n * abs(mean_p - frac)
        table.append({"lo": lo, "hi": hi, "n": len(idx), "mean_p": mean_p, "frac_pos": frac})
    return float(ece), table


def _fmt_prf(name: str, m: dict[str, float]) -> str:
    return f"  {name:<16} P={m['p']:.3f} R={m['r']:.3f} F1={m['f1']:.3f}  (n={int(m['n'])})"


def format_report(report: dict[str, Any]) -> str:
    """The human-readable text ``wildtrace eval-text`` prints."""
    lines = [
        f"{report['title']}  [{report['n']} examples]",
        "overall:",
        _fmt_prf("model", report["overall"]),
        _fmt_prf("keyword baseline", report["baseline"]["overall"]),
    ]
    if "held_out" in report:
        lines.append(_fmt_prf("held-out templ.", report["held_out"]))
    lines.append("per language (model | keyword baseline F1):")
    for lang, m in report["per_lang"].items():
        base = report["baseline"]["per_lang"][lang]["f1"]
        lines.append(_fmt_prf(lang, m) + f" | baseline F1={base:.3f}")
    lines.append("per commodity (recall of positives; commodity-label accuracy):")
    for com, m in report["per_commodity"].items():
        acc = report["commodity_acc"].get(com, 0.0)
        lines.append(f"  {com:<16} R={m['r']:.3f}  label-acc={acc:.3f}  (n={int(m['n'])})")
    fpr, bfpr = report["hard_negative_fpr"], report["baseline"]["hard_negative_fpr"]
    lines.append(
        f"hard-negative FPR: model {fpr.get('all', 0):.3f} | baseline "
        f"{bfpr.get('all', 0):.3f}  (n={int(fpr.get('all_n', 0))})"
    )
    for kind in HARD_KINDS:
        if kind in fpr:
            lines.append(f"  {kind:<16} model {fpr[kind]:.3f} | baseline {bfpr[kind]:.3f}")
    lines.append(f"intent accuracy on positives: {report['intent_acc']:.3f}")
    per_lang = " ".join(f"{k} {v:.2f}" for k, v in report.get("intent_acc_per_lang", {}).items())
    errors = ", ".join(f"{k} {v}" for k, v in report.get("intent_confusion", {}).items())
    lines.append(f"  per language: {per_lang}")
    lines.append(f"  errors (truth→predicted): {errors or 'none'}")
    if "stage1_exit" in report:
        ex = report["stage1_exit"]
        lines.append(
            f"cascade: stage 1 decided {ex['all']:.3f} of listings "
            f"(clean {ex['clean']:.3f}, wildlife {ex['wildlife']:.3f})"
        )
    lines.append(f"calibration: ECE={report['ece']:.4f}  (10 equal-width bins)")
    lines.append("  bin          n   mean score  frac wildlife")
    for b in report["reliability"]:
        lines.append(
            f"  [{b['lo']:.1f},{b['hi']:.1f})  {int(b['n']):>4}   {b['mean_p']:.3f}"
            f"       {b['frac_pos']:.3f}"
        )
    return "\n".join(lines)
