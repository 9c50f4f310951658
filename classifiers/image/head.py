"""A trainable head on image embeddings: wildlife vs clean, learnt from triage decisions.

No wildlife photographs can be fetched where this project is built, so no head ships:
one is trained by each deployment from its own investigators' decisions
(``wildtrace train-image --feedback FILE``). Feedback lines are JSON objects
``{"label": "wildlife"|"clean", "image": PATH}`` or ``{"label", "sha256": HEX}`` (the
image then comes from the evidence store); anything else is reported with its line
number and skipped.

The head is an L2-regularised logistic regression with balanced class weights on the
encoder's L2-normalised embeddings. Saved as arrays, never pickles: ``head.npz``
(``coef``, ``intercept``) plus ``head.json`` (encoder tag, counts, when); a head trained
on another encoder's embeddings is refused at load time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

LABELS = ("clean", "wildlife")


class HeadError(ValueError):
    """A head cannot be trained or loaded (too few examples, wrong encoder, bad files)."""


@dataclass(frozen=True)
class ImageHead:
    coef: np.ndarray  # (dim,)
    intercept: float
    encoder: str
    examples: int = 0

    def predict(self, embeddings: np.ndarray) -> np.ndarray:
        """Probability of ``wildlife`` per row."""
        z = np.asarray(embeddings, dtype=np.float64) @ self.coef + self.intercept
        prob: np.ndarray = (1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))).astype(np.float32)
        return prob

    def save(self, folder: str | Path) -> None:
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        np.savez(
            out / "head.npz",
            coef=self.coef.astype(np.float32),
            intercept=np.float32(self.intercept),
        )
        meta = {
            "encoder": self.encoder,
            "examples": self.examples,
            "labels": list(LABELS),
            "trained_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        }
        (out / "head.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: str | Path, encoder: str) -> ImageHead:
        folder = Path(folder)
        try:
            meta = json.loads((folder / "head.json").read_text(encoding="utf-8"))
            with np.load(folder / "head.npz", allow_pickle=False) as data:
                coef, intercept = data["coef"], float(data["intercept"])
        except (OSError, ValueError, KeyError) as exc:
            raise HeadError(f"{folder}: cannot load image head: {exc}") from exc
        if meta.get("encoder") != encoder:
            raise HeadError(
                f"{folder}: head was trained on {meta.get('encoder')!r}, not {encoder!r}"
            )
        return cls(coef.astype(np.float64), intercept, encoder, int(meta.get("examples", 0)))


def train_head(
    embeddings: np.ndarray, labels: np.ndarray, encoder: str, c: float = 1.0
) -> ImageHead:
    """Fit on ``(n, dim)`` embeddings and 0/1 labels (1 = wildlife)."""
    from sklearn.linear_model import LogisticRegression

    labels = np.asarray(labels, dtype=np.int64)
    counts = np.bincount(labels, minlength=2)
    if counts.min() < 2:
        raise HeadError(
            f"need at least 2 examples of each label, got clean={counts[0]}, wildlife={counts[1]}"
        )
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit(embeddings, labels)
    return ImageHead(
        model.coef_[0].astype(np.float64), float(model.intercept_[0]), encoder, len(labels)
    )
