"""``wildtrace run``: the main job (``wildtrace.service``).

``--once`` crawls every enabled source once, processes everything and prints one JSON
summary as the last line of stdout. Without it, the demo sites (when enabled), the web
app and the scheduler run until interrupted; a first crawl of every source runs at once
so the queue fills while you watch.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from wildtrace import service
from wildtrace.config import Settings


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _handle(args: argparse.Namespace, settings: Settings) -> int:
    if args.no_demo:
        settings = replace(settings, demo=replace(settings.demo, enabled=False))
    sources = args.sources.split(",") if args.sources else None
    if args.once:
        summary = service.run_once(settings, sources, _progress)
        print(json.dumps(summary["line"]), flush=True)
    else:
        service.run_forever(settings, sources, args.config, _progress)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("run", help="crawl, classify, store and alert (the main job)")
    parser.add_argument("--once", action="store_true", help="crawl every source once and exit")
    parser.add_argument("--no-demo", action="store_true", help="do not start the demo sites")
    parser.add_argument("--sources", help="comma-separated profile names (default: all enabled)")
    parser.set_defaults(handler=_handle)
