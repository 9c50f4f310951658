"""``wildtrace serve``: only the web app (alert queue, search, JSON API) over the store.

Useful next to a separate ``wildtrace run`` process, or to browse a copied database.
Host and port come from ``[web]`` settings; ``--host``/``--port`` override them.

Stopping: uvicorn shuts down gracefully on SIGINT/SIGTERM and then re-raises the signal
with the previous handlers back in place. Both are turned into ``KeyboardInterrupt`` and
swallowed here (``_signals.until_stopped``) so the store is closed and the command exits 0
either way.
"""

from __future__ import annotations

import argparse

from wildtrace import service
from wildtrace.commands._signals import until_stopped
from wildtrace.config import Settings


def _handle(args: argparse.Namespace, settings: Settings) -> int:
    host = args.host or settings.web.host
    port = settings.web.port if args.port is None else args.port
    with until_stopped():
        service.serve(settings, host, port)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="serve the alert queue, search and JSON API")
    parser.add_argument("--host", help="address to bind (default: settings web.host)")
    parser.add_argument("--port", type=int, help="port to bind (default: settings web.port)")
    parser.set_defaults(handler=_handle)
