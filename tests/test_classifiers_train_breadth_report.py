"""The breadth report's arithmetic: F1, hard-negative FPR and live-animal recall per group."""

from __future__ import annotations

from classifiers.train.breadth_report import per_group, summarise


def test_summary_counts_hard_negatives_and_live_animals_separately() -> None:
    rows = [
        {"label": "wildlife", "commodity": "live_bird", "lang": "ar"},
        {"label": "wildlife", "commodity": "ivory", "lang": "ar"},
        {"label": "wildlife", "commodity": "live_reptile", "lang": "ko"},
        {"label": "clean", "negative_kind": "faux", "lang": "ar"},
        {"label": "clean", "negative_kind": "generic", "lang": "ko"},
    ]
    pred = [True, True, False, False, True]

    def hard(r: dict[str, object]) -> bool:
        return r.get("negative_kind") == "faux"

    s = summarise(rows, pred, hard)
    assert s["overall"]["p"] == 2 / 3 and s["overall"]["r"] == 2 / 3
    assert s["hard_negative"] == {"fpr": 0.0, "n": 1}
    assert s["all_clean"] == {"fpr": 0.5, "n": 2}
    assert s["live_animals"] == {"recall": 0.5, "n": 2}
    groups = per_group(rows, pred, lambda r: str(r["lang"]), hard)
    assert groups["ar"]["overall"]["f1"] == 1.0 and groups["ko"]["overall"]["f1"] == 0.0
