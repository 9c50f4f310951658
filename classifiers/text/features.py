"""The learned detector's input: one sparse row per document, built from three blocks.

1. ``enc`` — the sentence encoder's embedding of the *normalised* text (so "r.h.i.n.o",
   "іvоry" and "🐘🦷" reach the encoder as words), L2-normalised;
2. ``lex`` — the lexicon's features (term weights per commodity, code words, context
   rules, intent cues), standardised with the training set's mean/scale;
3. ``char`` — hashed character 1–3-grams of the normalised text (``HashingVectorizer``:
   no vocabulary to store, works in every script, robust to spelling variants).

Any block can be switched off (``encoder=None``, ``char_features=0``, no lexicon), which is
how training compares "lexicon only", "encoder + lexicon" and so on. ``FeatureSpec`` is
plain JSON so the shipped model says exactly how its inputs were built.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from classifiers.base import TextDoc
from classifiers.normalize import normalize
from classifiers.text.encoders import TextEncoder
from classifiers.text.evidence import LexiconFeatures

MAX_TEXT = 20_000  # hostile input: nothing past this is read
__all__ = ["FeatureSpec", "Featurizer", "LexiconFeatures", "normalized_texts"]


@dataclass
class FeatureSpec:
    encoder: str | None = "use"
    encoder_dim: int = 0
    lexicon_names: list[str] = field(default_factory=list)
    lex_mean: list[float] = field(default_factory=list)
    lex_scale: list[float] = field(default_factory=list)
    lex_weight: float = 1.0
    char_features: int = 2**15
    char_ngrams: tuple[int, int] = (1, 3)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["char_ngrams"] = list(self.char_ngrams)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureSpec:
        data = dict(data)
        data["char_ngrams"] = tuple(data.get("char_ngrams", (1, 3)))
        return cls(**data)

    @property
    def dim(self) -> int:
        return self.encoder_dim + len(self.lexicon_names) + self.char_features

    def block_names(self) -> list[str]:
        """Column names, for the model card and for explaining a contribution."""
        enc = [f"enc:{i}" for i in range(self.encoder_dim)]
        return enc + [f"lex:{n}" for n in self.lexicon_names] + ["char"] * self.char_features


def normalized_texts(docs: Sequence[TextDoc]) -> list[str]:
    """What the encoder and the character n-grams read: normalised text without the Han
    fold (the encoder knows Traditional characters and Japanese kanji as written; the
    fold is for matching the lexicon)."""
    return [normalize(d.full_text[:MAX_TEXT], han=False).text for d in docs]


class Featurizer:
    """Builds the feature matrix for a batch of documents according to a ``FeatureSpec``."""

    def __init__(
        self, spec: FeatureSpec, encoder: TextEncoder | None, lexicon: LexiconFeatures | None
    ) -> None:
        if (spec.encoder is None) != (encoder is None):
            raise ValueError("the spec's encoder and the encoder passed in disagree")
        if spec.lexicon_names and lexicon is None:
            raise ValueError("the spec uses lexicon features but no lexicon was given")
        self.spec, self.encoder, self.lexicon = spec, encoder, lexicon
        self._hasher: Any = None
        self._lock = threading.Lock()  # the hasher is built once, even under threads

    def fit_lexicon_scaling(self, lex: np.ndarray) -> None:
        """Record the training set's mean/scale of the lexicon block."""
        scale = lex.std(axis=0)
        self.spec.lex_mean = lex.mean(axis=0).tolist()
        self.spec.lex_scale = np.where(scale > 1e-6, scale, 1.0).tolist()

    def lexicon_block(self, docs: Sequence[TextDoc]) -> np.ndarray:
        if not self.spec.lexicon_names or self.lexicon is None:
            return np.zeros((len(docs), 0), dtype=np.float32)
        return np.asarray(self.lexicon.features(docs), dtype=np.float32)

    def char_block(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if not self.spec.char_features:
            return sparse.csr_matrix((len(texts), 0), dtype=np.float32)
        with self._lock:
            if self._hasher is None:
                from sklearn.feature_extraction.text import HashingVectorizer

                self._hasher = HashingVectorizer(
                    analyzer="char_wb",
                    ngram_range=self.spec.char_ngrams,
                    n_features=self.spec.char_features,
                    alternate_sign=False,
                    norm="l2",
                    dtype=np.float32,
                )
        return self._hasher.transform(texts).tocsr()

    def transform(
        self,
        docs: Sequence[TextDoc],
        lex: np.ndarray | None = None,
        texts: Sequence[str] | None = None,
    ) -> sparse.csr_matrix:
        """Feature rows for ``docs``; pass ``lex``/``texts`` if already computed."""
        texts = list(texts) if texts is not None else normalized_texts(docs)
        blocks: list[Any] = []
        if self.encoder is not None:
            blocks.append(sparse.csr_matrix(self.encoder.encode(texts)))
        if self.spec.lexicon_names:
            lex = self.lexicon_block(docs) if lex is None else lex
            mean, scale = np.asarray(self.spec.lex_mean), np.asarray(self.spec.lex_scale)
            blocks.append(sparse.csr_matrix(((lex - mean) / scale) * self.spec.lex_weight))
        blocks.append(self.char_block(texts))
        return sparse.hstack(blocks, format="csr", dtype=np.float32)
