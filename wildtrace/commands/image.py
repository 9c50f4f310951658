"""``wildtrace train-image`` and ``wildtrace eval-image``.

* ``train-image --feedback FILE [--output DIR]`` trains the image head
  (``classifiers/image/head.py``) on the encoder's embeddings of triaged images. Each
  JSON line names an image by ``"image": PATH`` or ``"sha256": HEX`` (read from the
  evidence store), or all of a listing's images by ``"image_sha256": [HEX, ...]`` (what
  ``wildtrace export-feedback`` writes), and a ``"label"`` (``wildlife``/``clean``); a bad
  line or unreadable image is reported with its line number and skipped (the whole line:
  a listing's label is not split across its readable images only).
* ``eval-image [--images N]`` prints the hash-robustness table
  (``classifiers/image/robustness.py``) at the configured threshold and quality.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.image import robustness
from classifiers.image.decode import ImageDecodeError, decode_image
from classifiers.image.head import LABELS, HeadError, train_head
from crawlers.evidence import EvidenceError, EvidenceStore
from wildtrace.config import Settings
from wildtrace.imaging import build_encoder, decode_limits, head_dir


def _example_bytes(item: dict[str, Any], evidence: EvidenceStore) -> list[bytes]:
    if isinstance(item.get("image"), str):
        return [Path(item["image"]).read_bytes()]
    if isinstance(item.get("sha256"), str):
        return [evidence.read(item["sha256"])]
    shas = item.get("image_sha256")
    if isinstance(shas, list) and shas and all(isinstance(s, str) for s in shas):
        return [evidence.read(s) for s in shas]  # an export-feedback line: every image
    raise ValueError('needs "image" (a path), "sha256" or a non-empty "image_sha256" list')


def read_feedback(path: str, settings: Settings) -> tuple[list[np.ndarray], list[int]]:
    """Decoded RGB arrays and 0/1 labels; bad lines are reported on stderr."""
    evidence = EvidenceStore(settings.data_dir / "evidence")
    arrays: list[np.ndarray] = []
    labels: list[int] = []
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or item.get("label") not in LABELS:
                    raise ValueError(f"label must be one of {LABELS}")
                decoded = [
                    decode_image(data, decode_limits(settings)).array()
                    for data in _example_bytes(item, evidence)
                ]
                arrays += decoded
                labels += [LABELS.index(item["label"])] * len(decoded)
            except (ValueError, OSError, EvidenceError, ImageDecodeError) as exc:
                print(f"{path}:{lineno}: skipped: {exc}", file=sys.stderr)
    return arrays, labels


def _train(args: argparse.Namespace, settings: Settings) -> int:
    encoder = build_encoder(settings)
    if encoder is None:
        print("train-image: [image] encoder is 'none'; nothing to train on", file=sys.stderr)
        return 2
    arrays, labels = read_feedback(args.feedback, settings)
    try:
        head = train_head(encoder.encode(arrays).embeddings, np.array(labels), encoder.model_tag)
    except HeadError as exc:
        print(f"train-image: {exc}", file=sys.stderr)
        return 1
    out = Path(args.output) if args.output else head_dir(settings)
    head.save(out)
    counts = np.bincount(np.array(labels), minlength=2)
    print(
        f"trained image head on {len(labels)} images "
        f"(clean {counts[0]}, wildlife {counts[1]}) -> {out}",
        file=sys.stderr,
    )
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    report = robustness.run(
        args.images, settings.image.pdq_max_distance, settings.image.pdq_min_quality
    )
    print(report.table())
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    train = sub.add_parser("train-image", help="train the image head from triage feedback")
    train.add_argument("--feedback", required=True, help="JSONL: {label, image|sha256} per line")
    train.add_argument("--output", help="folder for head.npz/head.json (default: image.head_dir)")
    train.set_defaults(handler=_train)
    ev = sub.add_parser("eval-image", help="print the PDQ robustness table")
    ev.add_argument("--images", type=int, default=200, help="distinct test images (default 200)")
    ev.set_defaults(handler=_eval)
