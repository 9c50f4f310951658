"""``wildtrace transparency [--since DATE] [--until DATE] [--out DIR]``: the per-platform
transparency report (``outreach.transparency``) as ``transparency.html`` and
``transparency.csv`` in DIR (default ``<data_dir>/reports``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from outreach.ledger import FeedLedger
from outreach.transparency import report, to_csv, to_html
from wildtrace.components import store_session
from wildtrace.config import Settings


def _handle(args: argparse.Namespace, settings: Settings) -> int:
    out = Path(args.out) if args.out else settings.data_dir / "reports"
    out.mkdir(parents=True, exist_ok=True)
    ledger = FeedLedger(settings.data_dir / "feeds.db")
    try:
        with store_session(settings) as store:
            rows = report(store, ledger, args.since or "", args.until or "9999")
    finally:
        ledger.close()
    period = f"{args.since or 'start'} to {args.until or 'now'}"
    (out / "transparency.csv").write_text(to_csv(rows), encoding="utf-8")
    (out / "transparency.html").write_text(to_html(rows, period), encoding="utf-8")
    for row in rows:
        print(
            f"{row.platform}: sent {row.sent}, acknowledged {row.acknowledged}, verified "
            f"removed {row.verified_removed}, still online {row.still_online}"
        )
    print(f"wrote {out / 'transparency.html'} and {out / 'transparency.csv'}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("transparency", help="per-platform takedown transparency report")
    parser.add_argument("--since", help="first day (YYYY-MM-DD), inclusive")
    parser.add_argument("--until", help="last day (YYYY-MM-DD), exclusive")
    parser.add_argument("--out", help="output folder (default: <data_dir>/reports)")
    parser.set_defaults(handler=_handle)
