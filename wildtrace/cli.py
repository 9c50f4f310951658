"""The ``wildtrace`` command line. Each sub-command lives in ``wildtrace/commands/<name>.py``
and exposes ``register(subparsers)``; this module only assembles them."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from wildtrace import __version__
from wildtrace.config import ConfigError, load_settings

COMMAND_MODULES = (
    "wildtrace.commands.config",
    "wildtrace.commands.demo_sites",
    "wildtrace.commands.feedback",
    "wildtrace.commands.index",
    "wildtrace.commands.run",
    "wildtrace.commands.serve",
    "wildtrace.commands.text",
    "wildtrace.commands.worker",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wildtrace", description="Monitor online markets for illegal wildlife products."
    )
    parser.add_argument("--version", action="version", version=f"wildtrace {__version__}")
    parser.add_argument("--config", help="TOML settings file (default: $WILDTRACE_CONFIG)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # The Elasticsearch client logs every HTTP request at INFO, and each retry during an
    # outage as a WARNING with a full traceback; the store logs outages in one line itself.
    logging.getLogger("elastic_transport").setLevel(logging.WARNING)
    logging.getLogger("elastic_transport.transport").setLevel(logging.ERROR)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"wildtrace: configuration error: {exc}", file=sys.stderr)
        return 2
    result: int = args.handler(args, settings)
    return result


if __name__ == "__main__":
    sys.exit(main())
