"""Bulk writes and error classification for the Elasticsearch store.

Design notes
------------
* Every write goes through ``bulk``: ``helpers.streaming_bulk`` in ``chunk_size`` chunks,
  with per-item retries and exponential backoff on 429 and 502/503/504 (the client itself
  also retries whole requests on those statuses and on timeouts).
* Errors fall in two classes. An *outage* (connection refused or reset, timeout, 429/5xx
  after the retries, a cluster block such as a read-only index) raises ``Unavailable``:
  the caller spools the operation and replays it later. A *rejection* (any other 4xx: a
  document the mapping refuses) raises ``Rejected``: replaying would fail again, so it
  must not block the spool.
* ``create`` actions that hit 409 ("document already exists") count as done: that is
  how create-only indices (versions, audit) make replays exactly-once in effect.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import elastic_transport
from elasticsearch import ApiError, Elasticsearch, helpers

RETRY_STATUSES = (429, 502, 503, 504)


class Unavailable(RuntimeError):
    """The cluster is unreachable or refuses writes for now (spool and retry later)."""


class Rejected(RuntimeError):
    """The cluster refused documents for good (bad request, mapping conflict)."""


def _outage_status(status: int, error: Any) -> bool:
    return status == 429 or status >= 500 or (status == 403 and "cluster_block" in str(error))


def classify(exc: Exception) -> Exception:
    """Map a client exception to ``Unavailable`` or ``Rejected`` (or return it as is)."""
    if isinstance(exc, Unavailable | Rejected):
        return exc
    if isinstance(exc, ApiError):
        if _outage_status(exc.meta.status, exc):
            return Unavailable(f"HTTP {exc.meta.status}: {exc.message}")
        return Rejected(f"HTTP {exc.meta.status}: {str(exc)[:500]}")
    if isinstance(exc, elastic_transport.TransportError):
        return Unavailable(f"{type(exc).__name__}: {exc}")
    return exc


@contextmanager
def outage_guard() -> Iterator[None]:
    """Re-raise client errors as ``Unavailable``/``Rejected``."""
    try:
        yield
    except (ApiError, elastic_transport.TransportError) as exc:
        raise classify(exc) from exc


def bulk(client: Elasticsearch, actions: Iterable[dict[str, Any]], chunk_size: int) -> int:
    """Send ``actions``; return how many succeeded (409 on ``create`` counts as success)."""
    ok = 0
    failures: list[dict[str, Any]] = []
    with outage_guard():
        for success, item in helpers.streaming_bulk(
            client,
            actions,
            chunk_size=chunk_size,
            max_retries=4,
            initial_backoff=0.2,
            max_backoff=5.0,
            retry_on_status=RETRY_STATUSES,
            raise_on_error=False,
            raise_on_exception=True,
            yield_ok=True,
        ):
            if success:
                ok += 1
                continue
            op, result = next(iter(item.items()))
            if op == "create" and result.get("status") == 409:
                ok += 1
            else:
                failures.append(result)
    if failures:
        first = failures[0]
        detail = (
            f"{len(failures)} bulk items failed, first: {first.get('status')} {first.get('error')}"
        )
        if any(_outage_status(int(f.get("status", 500)), f.get("error")) for f in failures):
            raise Unavailable(detail)
        raise Rejected(detail[:2000])
    return ok
