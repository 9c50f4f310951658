"""``wildtrace export-feedback``: triage decisions as labelled training examples
(``wildtrace.feedback``)."""

from __future__ import annotations

import argparse
import sys

from wildtrace.components import store_session
from wildtrace.config import Settings
from wildtrace.feedback import feedback_examples, write_examples


def _handle(args: argparse.Namespace, settings: Settings) -> int:
    with store_session(settings) as store:
        if args.output == "-":
            count = write_examples(feedback_examples(store), sys.stdout)
        else:
            with open(args.output, "w", encoding="utf-8") as out:
                count = write_examples(feedback_examples(store), out)
    print(f"exported {count} triage examples", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "export-feedback", help="confirmed/dismissed alerts as labelled training examples"
    )
    parser.add_argument("--output", default="-", help="JSONL file to write (- = stdout)")
    parser.set_defaults(handler=_handle)
