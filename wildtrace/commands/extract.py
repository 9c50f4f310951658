"""``wildtrace extract --input IN.jsonl --output OUT.jsonl``: entity mentions per listing;
``wildtrace eval-entities``: precision/recall on the project-written test set.

Follows the JSONL contract in ``classifiers/entities/jsonl.py`` (``-`` = stdin/stdout;
bad lines reported on stderr with their number and skipped; exit 1 only when no line
could be read, 2 when a file or the rate table cannot be opened).
"""

from __future__ import annotations

import argparse
import sys

from wildtrace.commands.text import _open
from wildtrace.config import Settings


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    from classifiers.entities.extractor import EntityExtractor
    from classifiers.entities.jsonl import extract_stream
    from classifiers.entities.money import load_rates

    try:
        rates = load_rates(settings.entities.rates_file or None)
    except (OSError, ValueError) as exc:
        print(f"wildtrace extract: rate table: {exc}", file=sys.stderr)
        return 2
    extractor = EntityExtractor(rates)
    try:
        with _open(args.input, "r") as inp, _open(args.output, "w") as out:
            counts = extract_stream(extractor, inp, out, sys.stderr)
    except OSError as exc:
        print(f"wildtrace extract: {exc}", file=sys.stderr)
        return 2
    print(
        f"extract: {counts.read} read, {counts.skipped} skipped, {counts.written} written",
        file=sys.stderr,
    )
    return 0 if counts.read else 1


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from classifiers.entities.extractor import EntityExtractor
    from classifiers.entities.money import load_rates
    from classifiers.entities.testset import report

    extractor = EntityExtractor(load_rates(settings.entities.rates_file or None))
    return report(args.set, args.errors, extractor)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "extract", help="extract phones, handles, payment details, wallets, prices (JSONL)"
    )
    p.add_argument("--input", required=True, help="input JSONL, or - for stdin")
    p.add_argument("--output", required=True, help="output JSONL, or - for stdout")
    p.set_defaults(handler=_extract)
    e = sub.add_parser("eval-entities", help="precision/recall of extraction per type and language")
    e.add_argument("--set", choices=("generated", "handwritten", "all", "blind"), default="all")
    e.add_argument("--errors", action="store_true", help="print each miss on stderr")
    e.set_defaults(handler=_eval)
