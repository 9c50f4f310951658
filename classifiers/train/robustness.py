"""Robustness of a detector to neutral edits of plain offers (generated, not hand-picked).

``python -m classifiers.train.robustness [--detector learned|lexicon]`` classifies every
generated plain offer/request (``classifiers.train.probes``) and each of its neutral edits,
and prints how many bases were missed and what share of edits flipped label or intent
relative to their base. ``tests/test_classifiers_robustness.py`` asserts the share < 1 %.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from classifiers.base import Classifier, TextDoc
from classifiers.train.probes import Probe, neutral_edits, plain_offers


@dataclass
class Report:
    bases: int = 0
    base_misses: list[str] = field(default_factory=list)  # label or intent wrong
    edits: int = 0
    flips: list[tuple[str, str, str]] = field(default_factory=list)  # (id, edit, text)

    @property
    def flip_share(self) -> float:
        return len(self.flips) / self.edits if self.edits else 0.0

    def to_dict(self) -> dict[str, Any]:
        by_edit = Counter(edit.split(" ")[0] for _, edit, _ in self.flips)
        return {
            "bases": self.bases,
            "base_misses": len(self.base_misses),
            "edits": self.edits,
            "flips": len(self.flips),
            "flip_share": round(self.flip_share, 4),
            "flips_by_edit_kind": dict(sorted(by_edit.items())),
            "flip_examples": self.flips[:10],
        }


def measure(detector: Classifier, probes: list[Probe] | None = None, batch: int = 256) -> Report:
    """Classify bases and edits; an edit flips when its label or intent differs from its
    base's (bases the detector already gets wrong are counted apart, not as flips)."""
    probes = probes if probes is not None else list(plain_offers())
    report = Report(bases=len(probes))
    docs: list[TextDoc] = []
    owners: list[tuple[int, str]] = []
    for i, probe in enumerate(probes):
        docs.append(TextDoc(probe.id, probe.text))
        owners.append((i, ""))
        for edit, text in neutral_edits(probe):
            docs.append(TextDoc(f"{probe.id}:{edit}", text))
            owners.append((i, edit))
    dets = [d for k in range(0, len(docs), batch) for d in detector.classify(docs[k : k + batch])]
    base = {i: d for (i, edit), d in zip(owners, dets, strict=True) if not edit}
    wrong = {i for i, d in base.items() if not d.is_hit or d.intent != probes[i].intent}
    report.base_misses = sorted(probes[i].id for i in wrong)
    for (i, edit), det, doc in zip(owners, dets, docs, strict=True):
        if not edit or i in wrong:
            continue
        report.edits += 1
        if det.label != base[i].label or det.intent != base[i].intent:
            report.flips.append((probes[i].id, edit, doc.text))
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detector", choices=("learned", "lexicon"), default="learned")
    args = parser.parse_args(argv)
    if args.detector == "lexicon":
        from classifiers.text.lexicon_detector import LexiconDetector

        detector: Classifier = LexiconDetector()
    else:
        from classifiers.text.learned import LearnedDetector

        detector = LearnedDetector()
    print(json.dumps(measure(detector).to_dict(), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
