"""The text detector's jobs behind ``wildtrace train-text`` and ``eval-text``.

``train_text`` reproduces the shipped model (or trains one into another folder), with
the encoder-free first stage and the cascade bounds unless told not to; ``eval_text``
scores a detector on a corpus split. Both print one line per result for people.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from classifiers.base import Classifier
from wildtrace.config import Settings


def train_text(
    settings: Settings,
    *,
    encoder: str,
    out: str | None,
    cascade: bool,
    feedback_files: list[str],
    corpus: str | None,
    fixed_c: float | None = None,
    fixed_intent_emphasis: float = 4.0,
    embed_cache: str | None = None,
) -> None:
    """``fixed_c`` skips the hyper-parameter search (the earlier choices, for a loaded
    machine; recorded in meta.json); ``embed_cache`` reuses cached training embeddings."""
    from classifiers.text.learned import SHIPPED_DIR
    from classifiers.text.lexicon_detector import LexiconDetector
    from classifiers.train.data import load_corpora, load_corpus
    from classifiers.train.feedback import load_feedback

    rows = load_corpus(corpus) if corpus else load_corpora()
    feedback = load_feedback(feedback_files) if feedback_files else []
    lexicon = LexiconDetector()
    queue = settings.classifier.queue_threshold
    extra: dict[str, Any] = {
        "thresholds": {"queue": queue, "takedown": settings.classifier.takedown_threshold},
        "feedback_rows": len(feedback),
        "lexicon_version": lexicon.version,
    }
    grids: dict[str, tuple[float, ...]] = {}
    if fixed_c is not None:
        grids = {"c_grid": (fixed_c,), "intent_emphasis": (fixed_intent_emphasis,)}
        extra["fixed_hyperparameters"] = {"C": fixed_c, "intent_emphasis": fixed_intent_emphasis}
    folder = Path(out or SHIPPED_DIR)
    encoders = [encoder]
    if encoder != "none" and cascade:
        encoders.append("none")  # the cascade's first stage, in folder/stage1
    for name in encoders:
        target = folder if name == encoder else folder / "stage1"
        _train_one(name, target, rows, lexicon, feedback, extra, grids, embed_cache)
    if len(encoders) == 2:
        _attach_cascade(folder, rows, lexicon, queue)
    elif encoder != "none" and (folder / "stage1").is_dir():
        print(f"note: {folder / 'stage1'} is not used without a cascade", file=sys.stderr)


def _train_one(
    name: str,
    target: Path,
    rows: Any,
    lexicon: Any,
    feedback: Any,
    extra: dict[str, Any],
    grids: dict[str, tuple[float, ...]],
    embed_cache: str | None,
) -> None:
    from classifiers.text.encoder_cache import CachedEncoder
    from classifiers.text.encoders import TextEncoder, make_encoder
    from classifiers.train.train import save_model, train_model

    encoder: TextEncoder | None = None if name == "none" else make_encoder(name)
    if encoder is not None and embed_cache:
        encoder = CachedEncoder(encoder, embed_cache)
    model = train_model(rows, encoder, lexicon, extra_train=feedback, **grids)  # type: ignore[arg-type]
    where = save_model(model, target, extra)
    dev = model.meta["dev"]
    cv = model.meta["intent_selection"].get("grouped_cv_acc", float("nan"))  # nan: fixed grid
    print(
        f"trained {name} model → {where}: dev F1 {dev['f1_at_0']:.4f}, "
        f"dev ECE {dev['ece_uncalibrated']:.4f} → {dev['ece_calibrated']:.4f} calibrated, "
        f"intent grouped-CV {cv:.4f}, {len(feedback)} feedback rows"
    )


def _attach_cascade(folder: Path, rows: Any, lexicon: Any, queue: float) -> None:
    from classifiers.train.cascade import attach_cascade

    cfg = attach_cascade(folder, rows, lexicon, queue)
    print(
        f"cascade: stage 1 decides p < {cfg['clean_below']} or p ≥ {cfg['wildlife_from']}; "
        f"dev exits {cfg['dev_exit']['all']:.3f} (clean {cfg['dev_exit']['clean']:.3f}, "
        f"wildlife {cfg['dev_exit']['wildlife']:.3f}); dev F1 "
        f"{cfg['dev_cascade']['f1']:.4f} vs full {cfg['dev_full']['f1']:.4f}"
    )


def eval_text(
    detector: Classifier, *, split: str, corpus: str | None, json_path: str | None
) -> None:
    from classifiers.train.data import load_corpora, load_corpus, select
    from classifiers.train.evaluate import evaluate
    from classifiers.train.metrics import format_report

    rows = select(load_corpus(corpus) if corpus else load_corpora(), split)
    report = evaluate(detector, rows, f"{detector.model_tag} on split {split!r}")
    print(format_report(report))
    if json_path:
        Path(json_path).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
