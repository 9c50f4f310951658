"""The ``wildtrace`` command line. Each sub-command lives in ``wildtrace/commands/<name>.py``
and exposes ``register(subparsers)``; this module only assembles them."""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import sys
from collections.abc import Sequence

from wildtrace import __version__
from wildtrace.config import ConfigError, load_settings

COMMAND_MODULES = (
    "wildtrace.commands.bank",
    "wildtrace.commands.config",
    "wildtrace.commands.demo_sites",
    "wildtrace.commands.evidence",
    "wildtrace.commands.extract",
    "wildtrace.commands.feedback",
    "wildtrace.commands.image",
    "wildtrace.commands.index",
    "wildtrace.commands.networks",
    "wildtrace.commands.outreach",
    "wildtrace.commands.run",
    "wildtrace.commands.serve",
    "wildtrace.commands.text",
    "wildtrace.commands.transparency",
    "wildtrace.commands.users",
    "wildtrace.commands.webhooks",
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
    try:
        result: int = args.handler(args, settings)
    except ConfigError as exc:  # found when a command checks what it needs (preflight)
        print(f"wildtrace: configuration error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        print(f"wildtrace: address already in use: {exc.strerror} "
              "(another wildtrace, or change the port setting)", file=sys.stderr)  # fmt: skip
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
