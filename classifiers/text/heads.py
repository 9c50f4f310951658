"""Linear heads stored as plain arrays (``.npz`` + JSON), evaluated with numpy.

Trained with scikit-learn's ``LogisticRegression`` but shipped as weights only: loading a
model never runs pickled code. A binary head has one output (sigmoid); a multiclass head
one per class (softmax). ``Platt`` rescales the binary logit so the score is a calibrated
probability (fitted on dev).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


def _sigmoid(z: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))
    return out


@dataclass
class LinearHead:
    weights: np.ndarray  # (n_features, n_outputs)
    bias: np.ndarray  # (n_outputs,)
    classes: list[str]

    @classmethod
    def from_sklearn(cls, model: Any, classes: list[str] | None = None) -> LinearHead:
        names = classes or [str(c) for c in model.classes_]
        return cls(
            np.asarray(model.coef_.T, dtype=np.float32),
            np.asarray(model.intercept_, dtype=np.float32),
            names,
        )

    def logits(self, x: Any) -> np.ndarray:
        out: np.ndarray = np.asarray(x @ self.weights) + self.bias
        return out

    def proba(self, x: Any) -> np.ndarray:
        """``(n, n_classes)`` probabilities (binary heads give both columns)."""
        z = self.logits(x)
        if z.shape[1] == 1:
            p = _sigmoid(z[:, 0])
            return np.stack([1 - p, p], axis=1)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        out: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return out

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_w": self.weights.astype(np.float16), f"{prefix}_b": self.bias}

    @classmethod
    def from_arrays(cls, arrays: Any, prefix: str, classes: list[str]) -> LinearHead:
        return cls(
            np.asarray(arrays[f"{prefix}_w"], dtype=np.float32),
            np.asarray(arrays[f"{prefix}_b"], dtype=np.float32),
            classes,
        )


@dataclass
class Platt:
    """``p = sigmoid(a * logit + b)``, fitted on held-out (dev) logits."""

    a: float = 1.0
    b: float = 0.0

    @classmethod
    def fit(cls, logits: np.ndarray, truth: np.ndarray) -> Platt:
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=1e4, max_iter=1000).fit(logits.reshape(-1, 1), truth)
        return cls(float(lr.coef_[0, 0]), float(lr.intercept_[0]))

    def __call__(self, logits: np.ndarray) -> np.ndarray:
        return _sigmoid(self.a * np.asarray(logits) + self.b)
