"""``wildtrace index init|status|refresh|reindex|replay``: look after the configured store.

* ``init`` creates tables (SQLite) or templates, indices and write aliases
  (Elasticsearch). Idempotent.
* ``status`` prints one JSON object: record counts, and for Elasticsearch the cluster,
  each alias with its concrete index, document count and template version, and the
  outage spool (queued operations and records, refused ones, last error). Exit 1 when
  the cluster is unreachable or operations are still spooled.
* ``refresh`` makes every stored listing searchable by its text now
  (``Store.index_pending``: SQLite indexes the text still queued — e.g. after a run that
  was killed — Elasticsearch refreshes); prints how many were indexed and the lag left.
* ``reindex`` (Elasticsearch) copies indices into new ones built from the current
  templates and swaps the aliases atomically. Pause ingestion while it runs.
* ``replay`` (Elasticsearch) sends spooled writes now instead of at the next write.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from wildtrace.components import store_session
from wildtrace.config import Settings


def _es_only(settings: Settings, what: str) -> bool:
    if settings.store.backend != "elasticsearch":
        print(f"wildtrace index {what}: only for store.backend = elasticsearch", file=sys.stderr)
        return False
    return True


def _print(data: Any) -> None:
    print(json.dumps(data, indent=2, sort_keys=True, default=str))


def _init(args: argparse.Namespace, settings: Settings) -> int:
    with store_session(settings) as store:
        status = store.status()
        _print(status.detail)
        return 0 if status.reachable else 1


def _status(args: argparse.Namespace, settings: Settings) -> int:
    with store_session(settings) as store:
        status = store.status()
        detail = status.detail
        if status.reachable and "counts" not in detail:
            detail = {**detail, "counts": store.counts()}
        _print(detail)
        return 0 if status.healthy else 1


def _refresh(args: argparse.Namespace, settings: Settings) -> int:
    with store_session(settings) as store:
        indexed = store.index_pending()
        _print({"indexed": indexed, "index_lag": store.index_lag()})
        return 0


def _reindex(args: argparse.Namespace, settings: Settings) -> int:
    if not _es_only(settings, "reindex"):
        return 2
    with store_session(settings) as store:
        try:
            _print(store.reindex(args.index or (), delete_old=args.delete_old))
        except ValueError as exc:
            print(f"wildtrace index reindex: {exc}", file=sys.stderr)
            return 2
        return 0


def _replay(args: argparse.Namespace, settings: Settings) -> int:
    if not _es_only(settings, "replay"):
        return 2
    with store_session(settings) as store:
        result = store.replay()
    still = {"operations": result.operations, "records": result.records}
    out: dict[str, Any] = {"replayed": result.replayed, "still_spooled": still}
    _print({**out, "error": result.error} if result.error else out)
    return 0 if not result.operations else 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("index", help="create, inspect and reindex the store")
    actions = parser.add_subparsers(dest="index_command", required=True)
    actions.add_parser("init", help="create tables / templates, indices, aliases").set_defaults(
        handler=_init
    )
    actions.add_parser("status", help="counts, indices, spool (JSON)").set_defaults(handler=_status)
    actions.add_parser("refresh", help="make stored listings searchable by text now").set_defaults(
        handler=_refresh
    )
    reindex = actions.add_parser("reindex", help="rebuild ES indices from current templates")
    reindex.add_argument(
        "--index", action="append", help="listings, versions, detections, alerts or audit"
    )
    reindex.add_argument("--delete-old", action="store_true", help="drop the old indices")
    reindex.set_defaults(handler=_reindex)
    actions.add_parser("replay", help="send spooled ES writes now").set_defaults(handler=_replay)
