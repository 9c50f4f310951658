"""``wildtrace classify``, ``train-text`` and ``eval-text``: the text detector's commands.

* ``classify --input IN.jsonl --output OUT.jsonl`` follows the JSONL contract in
  ``classifiers/jsonl.py`` (``-`` = stdin/stdout; bad lines reported with their number and
  skipped; exit 1 only when no line could be read).
* ``train-text`` reproduces the shipped model in ``models/text/`` (or ``--out``), optionally
  folding in triage feedback (``--feedback FILE``).
* ``eval-text`` prints P/R/F1 overall, per language and per commodity, the hard-negative
  false-positive rate, intent accuracy and calibration, beside the plain keyword baseline.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from classifiers.base import Classifier
from wildtrace import pipeline
from wildtrace.config import Settings

ENCODER_CHOICES = ("use", "minilm", "none")


def make_detector(
    kind: str, settings: Settings, model_dir: str | None = None, cascade: bool = True
) -> Classifier:
    """The configured text detector, with this command's overrides."""
    return pipeline.make_classifier(
        kind,
        model_dir=model_dir or settings.classifier.model_dir,
        threshold=settings.classifier.queue_threshold,
        cascade=cascade and settings.classifier.cascade,
    )


@contextlib.contextmanager
def _open(path: str, mode: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdin if "r" in mode else sys.stdout
        return
    with open(path, mode, encoding="utf-8", errors="replace", newline="") as fh:
        yield fh


def _classify(args: argparse.Namespace, settings: Settings) -> int:
    from classifiers.jsonl import classify_stream

    detector = make_detector(
        args.detector or settings.classifier.kind, settings, args.model_dir, not args.no_cascade
    )
    try:
        with _open(args.input, "r") as inp, _open(args.output, "w") as out:
            counts = classify_stream(
                detector, inp, out, sys.stderr, args.batch_size or settings.classifier.batch_size
            )
    except OSError as exc:
        print(f"wildtrace classify: {exc}", file=sys.stderr)
        return 2
    print(
        f"classify: {counts.read} read, {counts.skipped} skipped, {counts.written} written",
        file=sys.stderr,
    )
    return 0 if counts.read else 1


def _train(args: argparse.Namespace, settings: Settings) -> int:
    from classifiers.text.encoders import make_encoder
    from classifiers.text.learned import SHIPPED_DIR
    from classifiers.text.lexicon_detector import LexiconDetector
    from classifiers.train.cascade import attach_cascade
    from classifiers.train.data import load_corpora, load_corpus
    from classifiers.train.feedback import load_feedback
    from classifiers.train.intent import EMPHASIS_GRID
    from classifiers.train.train import C_GRID, save_model, train_model

    rows = load_corpus(args.corpus) if args.corpus else load_corpora()
    feedback = load_feedback(args.feedback) if args.feedback else []
    lexicon = LexiconDetector()
    queue = settings.classifier.queue_threshold
    extra: dict[str, Any] = {
        "thresholds": {"queue": queue, "takedown": settings.classifier.takedown_threshold},
        "feedback_rows": len(feedback),
        "lexicon_version": lexicon.version,
    }
    c_grid: tuple[float, ...] = C_GRID
    emphasis: tuple[float, ...] = EMPHASIS_GRID
    if args.fixed_c is not None:  # a loaded machine: the search's earlier choices, no search
        c_grid, emphasis = (args.fixed_c,), (args.fixed_intent_emphasis,)
        extra["fixed_hyperparameters"] = {
            "C": args.fixed_c, "intent_emphasis": args.fixed_intent_emphasis
        }  # fmt: skip
    out = Path(args.out or SHIPPED_DIR)
    encoders = [args.encoder]
    if args.encoder != "none" and not args.no_cascade:
        encoders.append("none")  # the cascade's first stage, in out/stage1
    for name in encoders:
        encoder = None if name == "none" else make_encoder(name)
        if encoder is not None and args.embed_cache:
            from classifiers.text.encoder_cache import CachedEncoder

            encoder = CachedEncoder(encoder, args.embed_cache)
        model = train_model(
            rows, encoder, lexicon, extra_train=feedback, c_grid=c_grid, intent_emphasis=emphasis
        )
        where = save_model(model, out if name == args.encoder else out / "stage1", extra)
        dev = model.meta["dev"]
        cv = model.meta["intent_selection"].get("grouped_cv_acc", float("nan"))  # nan: fixed
        print(
            f"trained {name} model → {where}: dev F1 {dev['f1_at_0']:.4f}, "
            f"dev ECE {dev['ece_uncalibrated']:.4f} → {dev['ece_calibrated']:.4f} calibrated, "
            f"intent grouped-CV {cv:.4f}, "
            f"{len(feedback)} feedback rows"
        )
    if len(encoders) == 2:
        cfg = attach_cascade(out, rows, lexicon, queue)
        print(
            f"cascade: stage 1 decides p < {cfg['clean_below']} or p ≥ {cfg['wildlife_from']}; "
            f"dev exits {cfg['dev_exit']['all']:.3f} (clean {cfg['dev_exit']['clean']:.3f}, "
            f"wildlife {cfg['dev_exit']['wildlife']:.3f}); dev F1 "
            f"{cfg['dev_cascade']['f1']:.4f} vs full {cfg['dev_full']['f1']:.4f}"
        )
    else:
        stale = out / "stage1"
        if args.encoder != "none" and stale.is_dir():
            print(f"note: {stale} is not used without a cascade", file=sys.stderr)
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from classifiers.train.data import load_corpora, load_corpus, select
    from classifiers.train.evaluate import evaluate
    from classifiers.train.metrics import format_report

    rows = select(load_corpus(args.corpus) if args.corpus else load_corpora(), args.split)
    detector = make_detector(args.detector, settings, args.model_dir, not args.no_cascade)
    report = evaluate(detector, rows, f"{detector.model_tag} on split {args.split!r}")
    print(format_report(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("classify", help="classify listings in a JSONL file (see docs)")
    p.add_argument("--input", required=True, help="input JSONL, or - for stdin")
    p.add_argument("--output", required=True, help="output JSONL, or - for stdout")
    p.add_argument(
        "--detector",
        choices=("learned", "lexicon"),
        help="text detector (default: classifier.kind)",
    )
    p.add_argument("--model-dir", help="trained model folder (default: the shipped one)")
    p.add_argument("--batch-size", type=int, help="listings per batch")
    p.add_argument(
        "--no-cascade", action="store_true", help="learned: run the encoder model on every listing"
    )
    p.set_defaults(handler=_classify)

    t = sub.add_parser("train-text", help="train the learned text detector")
    t.add_argument(
        "--encoder",
        choices=ENCODER_CHOICES,
        default="use",
        help="sentence encoder (default: use, the shipped choice)",
    )
    t.add_argument("--out", help="output folder (default: models/text)")
    t.add_argument(
        "--no-cascade",
        action="store_true",
        help="do not train the encoder-free first stage (out/stage1) and cascade bounds",
    )
    t.add_argument(
        "--feedback",
        action="append",
        default=[],
        help="exported triage feedback JSONL to fold in (repeatable)",
    )
    t.add_argument("--corpus", help="labelled corpus JSONL (default: the shipped ones)")
    t.add_argument(
        "--fixed-c",
        type=float,
        help="skip the hyper-parameter search: this C for every head (100 was the earlier choice)",
    )
    t.add_argument(
        "--fixed-intent-emphasis",
        type=float,
        default=4.0,
        help="with --fixed-c: the intent head's lexicon emphasis (default 4, the earlier choice)",
    )
    t.add_argument(
        "--embed-cache",
        help="folder of cached training embeddings (python -m classifiers.text.encoder_cache)",
    )
    t.set_defaults(handler=_train)

    e = sub.add_parser("eval-text", help="evaluate a text detector on a corpus split")
    e.add_argument("--split", default="test", help="train, dev, test, or a set's own split name")
    e.add_argument("--detector", choices=("learned", "lexicon"), default="learned")
    e.add_argument("--model-dir", help="trained model folder (default: the shipped one)")
    e.add_argument("--corpus", help="labelled corpus JSONL (default: the shipped ones)")
    e.add_argument("--json", help="also write the full report as JSON here")
    e.add_argument(
        "--no-cascade", action="store_true", help="learned: run the encoder model on every listing"
    )
    e.set_defaults(handler=_eval)
