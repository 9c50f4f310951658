"""The breadth round's figures in one run: per language and per style on the test split,
live-animal recall on the test split and the challenge sets, and the hand-written set for
the new languages.

``python -m classifiers.train.breadth_report [--detector learned|lexicon] [--json FILE]``

* **test split** (base + breadth test rows): F1 and hard-negative FPR per language tag,
  recall per posting style (``style``; base rows count as ``base``), live-animal recall
  (rows whose commodity is a ``live_*`` group);
* **challenge sets** (``models/challenge*/``): aggregate figures only — F1, hard-negative
  FPR, live-animal recall. Nobody looks at their rows; nothing is tuned on them;
* **newlang** (``models/newlang/``): F1 per language and overall, FPR over its hard
  negatives (every clean row except ``ordinary`` goods) and over all clean rows,
  live-animal recall. Aggregates only, as its README asks.

Hard negatives on our own splits are the ``HARD_KINDS`` of :mod:`classifiers.train.metrics`.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from classifiers.base import Classifier
from classifiers.train.data import MODELS_DIR, Row, lang_tag, load_corpora, load_corpus, select
from classifiers.train.evaluate import detect
from classifiers.train.metrics import HARD_KINDS, prf

LIVE = ("live_primate", "live_bird", "live_reptile", "live_mammal", "live_amphibian")


def _fpr(rows: Sequence[Row], pred: Sequence[bool], hard: Callable[[Row], bool]) -> dict[str, Any]:
    idx = [i for i, r in enumerate(rows) if r["label"] == "clean" and hard(r)]
    return {"fpr": sum(pred[i] for i in idx) / len(idx) if idx else 0.0, "n": len(idx)}


def _recall(
    rows: Sequence[Row], pred: Sequence[bool], keep: Callable[[Row], bool]
) -> dict[str, Any]:
    idx = [i for i, r in enumerate(rows) if r["label"] == "wildlife" and keep(r)]
    return {"recall": sum(pred[i] for i in idx) / len(idx) if idx else 0.0, "n": len(idx)}


def _by(rows: Sequence[Row], key: Callable[[Row], str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        out[key(r)].append(i)
    return dict(sorted(out.items()))


def summarise(
    rows: Sequence[Row], pred: Sequence[bool], hard: Callable[[Row], bool]
) -> dict[str, Any]:
    truth = [r["label"] == "wildlife" for r in rows]
    return {
        "n": len(rows),
        "overall": prf(truth, pred),
        "hard_negative": _fpr(rows, pred, hard),
        "all_clean": _fpr(rows, pred, lambda r: True),
        "live_animals": _recall(rows, pred, lambda r: r.get("commodity") in LIVE),
    }


def per_group(rows: Sequence[Row], pred: Sequence[bool], key: Callable[[Row], str],
              hard: Callable[[Row], bool]) -> dict[str, Any]:  # fmt: skip
    out = {}
    for name, idx in _by(rows, key).items():
        part = [rows[i] for i in idx]
        out[name] = summarise(part, [pred[i] for i in idx], hard)
    return out


def report(detector: Classifier) -> dict[str, Any]:
    def ours(r: Row) -> bool:
        return r.get("negative_kind") in HARD_KINDS

    def theirs(r: Row) -> bool:
        return r.get("negative_kind") != "ordinary"

    out: dict[str, Any] = {"model": detector.model_tag}
    test = select(load_corpora(), "test")
    pred = [d.is_hit for d in detect(detector, test)]
    out["test"] = summarise(test, pred, ours)
    out["test_per_lang"] = per_group(test, pred, lang_tag, ours)
    out["test_per_style"] = per_group(test, pred, lambda r: str(r.get("style") or "base"), ours)
    for name in ("challenge", "challenge2"):
        path = MODELS_DIR / name / f"{name}.jsonl"
        if path.is_file():
            rows = load_corpus(path)
            out[name] = summarise(rows, [d.is_hit for d in detect(detector, rows)], ours)
    newlang = MODELS_DIR / "newlang" / "newlang.jsonl"
    if newlang.is_file():
        rows = load_corpus(newlang)
        pred = [d.is_hit for d in detect(detector, rows)]
        out["newlang"] = summarise(rows, pred, theirs)
        out["newlang_per_lang"] = per_group(rows, pred, lambda r: str(r["lang"]), theirs)
    return out


def _line(name: str, s: dict[str, Any]) -> str:
    o, h, live = s["overall"], s["hard_negative"], s["live_animals"]
    return (f"{name:14} n={s['n']:5} F1={o['f1']:.3f} P={o['p']:.3f} R={o['r']:.3f} "
            f"hardFPR={h['fpr']:.3f} (n={h['n']}) "
            f"live R={live['recall']:.3f} (n={live['n']})")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--detector", choices=("learned", "lexicon"), default="learned")
    parser.add_argument("--model-dir", help="trained model folder (default: the shipped one)")
    parser.add_argument("--threshold", type=float, default=0.5, help="the queue threshold")
    parser.add_argument("--no-cascade", action="store_true", help="stage 2 on every listing")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    detector: Classifier
    if args.detector == "lexicon":
        from classifiers.text.lexicon_detector import LexiconDetector

        detector = LexiconDetector()
    else:
        from classifiers.text.learned import LearnedDetector

        detector = LearnedDetector(
            args.model_dir, threshold=args.threshold, cascade=not args.no_cascade
        )
    rep = report(detector)
    for section in ("test", "challenge", "challenge2", "newlang"):
        if section in rep:
            print(_line(section, rep[section]))
    for section in ("test_per_lang", "test_per_style", "newlang_per_lang"):
        print(f"-- {section}")
        for name, s in rep.get(section, {}).items():
            print(_line(name, s))
    if args.json:
        args.json.write_text(json.dumps(rep, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
