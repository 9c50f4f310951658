"""``wildtrace classify``, ``train-text`` and ``eval-text``: the text detector's commands.

* ``classify --input IN.jsonl --output OUT.jsonl`` follows the JSONL contract in
  ``classifiers/jsonl.py`` (``-`` = stdin/stdout; bad lines reported with their number and
  skipped; exit 1 only when no line could be read).
* ``train-text`` reproduces the shipped model in ``models/text/`` (or ``--out``), optionally
  folding in triage feedback (``--feedback FILE``); see ``wildtrace.text_jobs``.
* ``eval-text`` prints P/R/F1 overall, per language and per commodity, the hard-negative
  false-positive rate, intent accuracy and calibration, beside the plain keyword baseline.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from typing import IO

from wildtrace.components import build_classifier
from wildtrace.config import Settings
from wildtrace.text_jobs import eval_text, train_text

ENCODER_CHOICES = ("use", "minilm", "none")


@contextlib.contextmanager
def _open(path: str, mode: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdin if "r" in mode else sys.stdout
        return
    with open(path, mode, encoding="utf-8", errors="replace", newline="") as fh:
        yield fh


def _classify(args: argparse.Namespace, settings: Settings) -> int:
    from classifiers.jsonl import classify_stream

    detector = build_classifier(
        settings,
        kind=args.detector or "",
        model_dir=args.model_dir or "",
        cascade=not args.no_cascade,
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
    train_text(
        settings,
        encoder=args.encoder,
        out=args.out,
        cascade=not args.no_cascade,
        feedback_files=args.feedback,
        corpus=args.corpus,
        fixed_c=args.fixed_c,
        fixed_intent_emphasis=args.fixed_intent_emphasis,
        embed_cache=args.embed_cache,
    )
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    detector = build_classifier(
        settings, kind=args.detector, model_dir=args.model_dir or "", cascade=not args.no_cascade
    )
    eval_text(detector, split=args.split, corpus=args.corpus, json_path=args.json)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    _training_speed_args(t)
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


def _training_speed_args(t: argparse.ArgumentParser) -> None:
    """Options for training on a loaded machine: no search, cached embeddings."""
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
