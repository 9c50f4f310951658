"""An on-disk cache of sentence-encoder vectors, for training runs only.

Why: ``train-text`` encodes every corpus row with the USE encoder, the slowest step on
the project's shared 2-core machines (tens of minutes for ~17k rows under load). Rows
rarely change between training runs, so vectors are kept in ``<dir>/<encoder>.npz``
keyed by the SHA-256 of the exact text the encoder saw (the *normalised* text): a changed
normaliser or row simply misses and is encoded again. Inference never uses the cache.

The vector of a text can differ from a fresh one in the last float32 digits (the encoder
pads per batch); training does not depend on that. ``python -m
classifiers.text.encoder_cache --dir var/embed-cache CORPUS.jsonl ...`` fills the cache
ahead of a training run, saving after every chunk so it can be stopped at any time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from classifiers.text.encoders import TextEncoder, make_encoder

CHUNK = 256


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class CachedEncoder(TextEncoder):
    """Wraps ``inner``; vectors of texts seen before come from ``directory``."""

    def __init__(self, inner: TextEncoder, directory: str | Path) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.path = Path(directory) / f"{inner.name.replace(':', '_').replace('/', '_')}.npz"
        self._vectors: dict[str, np.ndarray] = {}
        if self.path.is_file():
            with np.load(self.path) as data:
                keys = [str(k) for k in data["keys"]]
                self._vectors = dict(zip(keys, data["vectors"], strict=True))

    def __len__(self) -> int:
        return len(self._vectors)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        keys = [_key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True)
                          if k not in self._vectors}.items())  # fmt: skip
        for start in range(0, len(missing), CHUNK):
            part = missing[start : start + CHUNK]
            vectors = self.inner.encode([t for _, t in part], batch_size)
            self._vectors.update({k: v for (k, _), v in zip(part, vectors, strict=True)})
            self.save()
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(sorted(self._vectors))
        vectors = np.stack([self._vectors[k] for k in keys]) if len(keys) else np.zeros((0, 0))
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=vectors.astype(np.float32))
        tmp.replace(self.path)


def main(argv: list[str] | None = None) -> int:
    from classifiers.text.features import normalized_texts
    from classifiers.train.data import load_corpus, to_docs

    parser = argparse.ArgumentParser(description="fill the training embedding cache")
    parser.add_argument("--dir", type=Path, default=Path("var/embed-cache"))
    parser.add_argument("--encoder", default="use")
    parser.add_argument("corpora", nargs="+", type=Path)
    args = parser.parse_args(argv)
    cache = CachedEncoder(make_encoder(args.encoder), args.dir)
    before = len(cache)
    for corpus in args.corpora:
        cache.encode(normalized_texts(to_docs(load_corpus(corpus))))
    print(json.dumps({"cache": str(cache.path), "before": before, "after": len(cache)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
