"""The training embedding cache: vectors persist across runs, only unseen texts are
encoded, and a cached vector is the one the encoder gave."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from classifiers.text.encoder_cache import CachedEncoder
from classifiers.text.encoders import TextEncoder


class _CountingEncoder(TextEncoder):
    """A deterministic 8-d encoder (bytes of the text's SHA-256) that counts its inputs."""

    name, dim = "counting", 8

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        self.seen += texts
        rows = [list(hashlib.sha256(t.encode()).digest()[:8]) for t in texts]
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim)


def test_only_unseen_texts_are_encoded_and_vectors_persist(tmp_path: Path) -> None:
    inner = _CountingEncoder()
    cache = CachedEncoder(inner, tmp_path)
    first = cache.encode(["ivory bangle", "tiger balm", "ivory bangle"])
    assert sorted(inner.seen) == ["ivory bangle", "tiger balm"]
    again = CachedEncoder(_CountingEncoder(), tmp_path)  # a new run reads the file
    second = again.encode(["tiger balm", "象牙", "ivory bangle"])
    assert isinstance(again.inner, _CountingEncoder) and again.inner.seen == ["象牙"]
    np.testing.assert_array_equal(second[0], first[1])
    np.testing.assert_array_equal(second[2], first[0])
    np.testing.assert_array_equal(second[1], _CountingEncoder().encode(["象牙"])[0])
    assert cache.encode([]).shape == (0, 8)
