"""Wildlife concepts read off an ImageNet classifier (table: ``models/image/concepts.tsv``).

A concept (tiger, elephant, macaw, armadillo as the nearest class to pangolin ...) is a
set of ImageNet classes; its score is their summed softmax probability, so it stays a
probability in [0, 1]. The mapping is data, shipped with the package as a TSV, and each
concept names the lexicon commodity it supports (or none, for weak hints like a fur
coat). ImageNet-1k lacks several traded species outright — that is stated in the file
and in the model card, not papered over.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

CONCEPTS_TSV = Path(__file__).resolve().parents[2] / "models" / "image" / "concepts.tsv"


@dataclass(frozen=True, slots=True)
class Concept:
    name: str
    commodity: str | None
    classes: tuple[int, ...]
    class_names: tuple[str, ...]


def parse_concepts(text: str, origin: str = "concepts.tsv") -> tuple[Concept, ...]:
    out = []
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    for lineno, line in enumerate(rows[1:], start=2):
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{origin}: row {lineno}: expected 3 tab-separated columns")
        name, commodity, classes = parts
        pairs = [c.split(":", 1) for c in classes.split(";") if c]
        indices = tuple(int(i) for i, _ in pairs)
        if not indices or any(not 0 <= i < 1000 for i in indices):
            raise ValueError(f"{origin}: row {lineno}: class indices must be 0..999")
        out.append(Concept(name, commodity or None, indices, tuple(n for _, n in pairs)))
    return tuple(out)


@cache
def load_concepts(path: str = str(CONCEPTS_TSV)) -> tuple[Concept, ...]:
    return parse_concepts(Path(path).read_text(encoding="utf-8"), path)


def concept_scores(probs: np.ndarray, concepts: tuple[Concept, ...]) -> np.ndarray:
    """``(n, len(concepts))``: per image, each concept's summed class probability."""
    cols = [probs[:, list(c.classes)].sum(axis=1) for c in concepts]
    if not cols:
        return np.zeros((len(probs), 0), dtype=np.float32)
    scores: np.ndarray = np.clip(np.stack(cols, axis=1), 0.0, 1.0).astype(np.float32)
    return scores
