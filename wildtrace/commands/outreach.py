"""``wildtrace outreach recheck|digests``: the outreach jobs ``wildtrace run`` schedules,
run once (for cron, or to see what they do).

``recheck`` requests the listing of every takedown-feed item that is due
(``feeds.recheck_interval_minutes``, at most ``feeds.recheck_batch``) under its source's
egress policy and prints the outcomes (online, gone, unreadable, comeback). ``digests``
runs the saved searches on new alerts and sends every due e-mail digest (``[mail]``;
``dry-run`` writes them to ``<data_dir>/mail``).
"""

from __future__ import annotations

import argparse
import json

from wildtrace.config import Settings


def _handle(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "recheck":
        from wildtrace.recheck import recheck

        print(json.dumps(recheck(settings)))
    else:
        from wildtrace.outreach_wiring import run_digests

        print(json.dumps(run_digests(settings)))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("outreach", help="re-check removals, send digests (once)")
    parser.add_argument("action", choices=("recheck", "digests"))
    parser.set_defaults(handler=_handle)
