"""``wildtrace index init|status|reindex|replay``: look after the configured store.

* ``init`` creates tables (SQLite) or templates, indices and write aliases
  (Elasticsearch). Idempotent.
* ``status`` prints one JSON object: record counts, and for Elasticsearch the cluster,
  each alias with its concrete index, document count and template version, and the
  outage spool (queued operations and records, refused ones, last error). Exit 1 when
  the cluster is unreachable or operations are still spooled.
* ``reindex`` (Elasticsearch) copies indices into new ones built from the current
  templates and swaps the aliases atomically. Pause ingestion while it runs.
* ``replay`` (Elasticsearch) sends spooled writes now instead of at the next write.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from index.es_bulk import Unavailable
from index.es_mappings import INDEX_NAMES
from wildtrace import pipeline
from wildtrace.config import Settings


def _es_only(settings: Settings, what: str) -> bool:
    if settings.store.backend != "elasticsearch":
        print(f"wildtrace index {what}: only for store.backend = elasticsearch", file=sys.stderr)
        return False
    return True


def _print(data: Any) -> None:
    print(json.dumps(data, indent=2, sort_keys=True, default=str))


def _init(args: argparse.Namespace, settings: Settings) -> int:
    store = pipeline.open_store(settings)
    try:
        if settings.store.backend == "elasticsearch":
            status = store.status()  # type: ignore[attr-defined]
            _print(status)
            return 0 if status["reachable"] else 1
        _print({"backend": settings.store.backend, "counts": store.counts()})
        return 0
    finally:
        store.close()


def _status(args: argparse.Namespace, settings: Settings) -> int:
    store = pipeline.open_store(settings)
    try:
        if settings.store.backend != "elasticsearch":
            _print({"backend": settings.store.backend, "counts": store.counts()})
            return 0
        status: dict[str, Any] = store.status()  # type: ignore[attr-defined]
        if status["reachable"]:
            status["counts"] = store.counts()
        _print(status)
        return 0 if status["reachable"] and not status["spool"]["operations"] else 1
    finally:
        store.close()


def _reindex(args: argparse.Namespace, settings: Settings) -> int:
    if not _es_only(settings, "reindex"):
        return 2
    store = pipeline.open_store(settings)
    try:
        names = args.index or list(INDEX_NAMES)
        _print(store.reindex(names, delete_old=args.delete_old))  # type: ignore[attr-defined]
        return 0
    finally:
        store.close()


def _replay(args: argparse.Namespace, settings: Settings) -> int:
    if not _es_only(settings, "replay"):
        return 2
    store = pipeline.open_store(settings)
    try:
        error = None
        try:
            done = store.replay()  # type: ignore[attr-defined]
        except Unavailable as exc:  # the cluster is (still) down: the spool is kept
            done, error = 0, str(exc)[:500]
        ops, records = store.spool.pending()  # type: ignore[attr-defined]
        out = {"replayed": done, "still_spooled": {"operations": ops, "records": records}}
        _print({**out, "error": error} if error else out)
        return 0 if not ops else 1
    finally:
        store.close()


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("index", help="create, inspect and reindex the store")
    actions = parser.add_subparsers(dest="index_command", required=True)
    actions.add_parser("init", help="create tables / templates, indices, aliases").set_defaults(
        handler=_init
    )
    actions.add_parser("status", help="counts, indices, spool (JSON)").set_defaults(handler=_status)
    reindex = actions.add_parser("reindex", help="rebuild ES indices from current templates")
    reindex.add_argument("--index", action="append", choices=INDEX_NAMES, help="repeatable")
    reindex.add_argument("--delete-old", action="store_true", help="drop the old indices")
    reindex.set_defaults(handler=_reindex)
    actions.add_parser("replay", help="send spooled ES writes now").set_defaults(handler=_replay)
