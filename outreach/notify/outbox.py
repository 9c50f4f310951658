"""Webhook channels and the delivery outbox: retries with backoff, dead letters, replay.

Design notes
------------
* One channel per partner (``channels``): URL, dry-run flag, the feed sequence number
  already queued (``after_seq``), and the signing secret unless the environment has one
  (``WILDTRACE_WEBHOOK_SECRET_<PARTNER>``, read at send time, never stored). A generated
  secret is returned once by ``add_channel``; it must be stored to sign with.
* ``deliveries`` holds one row per (partner, item): ``UNIQUE`` makes enqueueing
  idempotent. A row is ``pending`` → ``delivered`` (2xx) or, after
  ``max_attempts`` failures, ``dead``. A dry-run channel's rows end ``dry_run``: the
  signed request is built and recorded, nothing is sent.
* Exactly once after recovery: a row is *claimed* (``pending`` → ``sending``) in one
  UPDATE before the request, so two dispatchers never send the same row; ``replay`` only
  moves ``dead`` rows back to ``pending``; a ``delivered`` row is never sent again. The
  receiver also gets the delivery id (``X-Wildtrace-Delivery``) to drop duplicates of its
  own making.
* Backoff: ``backoff_s * 2**(attempts-1)``, times 1 to 1.5 (jitter, so many failing
  channels do not retry in lockstep). Time is passed in (``now``), so tests run the
  schedule without sleeping.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from outreach.base import BlockedTarget, Delivery
from outreach.notify.signing import DELIVERY_HEADER, SIGNATURE_HEADER, new_secret, sign
from outreach.notify.ssrf import Resolver, check_target, system_resolver
from outreach.notify.transport import SendError, post

SECRET_ENV_PREFIX = "WILDTRACE_WEBHOOK_SECRET_"
Sender = Callable[..., int]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS channels (
    partner TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT, dry_run INTEGER NOT NULL,
    after_seq INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, partner TEXT NOT NULL, item_id TEXT NOT NULL,
    payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL, last_error TEXT NOT NULL DEFAULT '', delivered_at REAL,
    UNIQUE(partner, item_id)
);
"""
DELIVERY_FIELDS = "id, partner, item_id, status, attempts, next_at, last_error, delivered_at"


def env_secret(partner: str) -> str | None:
    name = SECRET_ENV_PREFIX + partner.upper().replace("-", "_").replace(".", "_")
    return os.environ.get(name) or None


class Outbox:
    def __init__(
        self,
        path: str | Path,
        *,
        max_attempts: int = 3,
        backoff_s: float = 30.0,
        timeout_s: float = 10.0,
        allow_private: Sequence[str] = (),
        resolve: Resolver = system_resolver,
        send: Sender = post,
        rng: random.Random | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self.max_attempts, self.backoff_s, self.timeout_s = max_attempts, backoff_s, timeout_s
        self.allow_private = tuple(allow_private)
        self._resolve, self._send = resolve, send
        self._rng = rng or random.Random()

    def add_channel(self, partner: str, url: str, *, dry_run: bool = False, at: str) -> str | None:
        """Register (or replace) a partner's webhook. Returns a generated secret, shown
        once, or ``None`` when the environment supplies it. ``BlockedTarget`` if the URL
        fails the SSRF guard now (it is checked again before every request)."""
        check_target(url, self.allow_private, self._resolve)
        secret = None if env_secret(partner) else new_secret()
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO channels(partner, url, secret, dry_run, after_seq, "
                "created_at) VALUES (?,?,?,?,COALESCE((SELECT after_seq FROM channels "
                "WHERE partner = ?), 0),?)",
                (partner, url, secret, int(dry_run), partner, at),
            )
        return secret

    def channels(self) -> list[tuple[str, str, bool, int]]:
        """``(partner, url, dry_run, after_seq)`` of every channel."""
        with self._lock:
            rows = self._db.execute(
                "SELECT partner, url, dry_run, after_seq FROM channels ORDER BY partner"
            ).fetchall()
        return [(p, u, bool(d), s) for p, u, d, s in rows]

    def enqueue(self, partner: str, items: list[dict[str, Any]], now: float) -> int:
        """Queue feed items (each with ``id`` and ``seq``) for a partner; once each."""
        if not items:
            return 0
        with self._lock:
            before = self._db.total_changes
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR IGNORE INTO deliveries(partner, item_id, payload, status, next_at) "
                "VALUES (?,?,?,'pending',?)",
                [(partner, i["id"], json.dumps(i, sort_keys=True), now) for i in items],
            )
            added = self._db.total_changes - before
            self._db.execute(
                "UPDATE channels SET after_seq = MAX(after_seq, ?) WHERE partner = ?",
                (max(int(i["seq"]) for i in items), partner),
            )
            self._db.execute("COMMIT")
        return added

    def _claim(self, now: float) -> list[tuple[int, str, str, str, int]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, partner, item_id, payload, attempts FROM deliveries "
                "WHERE status = 'pending' AND next_at <= ? ORDER BY id",
                (now,),
            ).fetchall()
            claimed = []
            for row in rows:
                cur = self._db.execute(
                    "UPDATE deliveries SET status = 'sending' WHERE id = ? AND status = 'pending'",
                    (row[0],),
                )
                if cur.rowcount == 1:
                    claimed.append(row)
        return claimed

    def deliver_due(self, now: float, at_unix: int | None = None) -> dict[str, int]:
        """Attempt every due delivery once; return counts per outcome. ``now`` is the
        schedule's clock; signatures carry the wall clock (``at_unix``) receivers check."""
        counts = {"delivered": 0, "retry": 0, "dead": 0, "dry_run": 0}
        for row_id, partner, _item, payload, attempts in self._claim(now):
            outcome, detail = self._attempt(row_id, partner, payload, at_unix or int(time.time()))
            counts[self._settle(row_id, attempts, outcome, detail, now)] += 1
        return counts

    def _channel(self, partner: str) -> tuple[str, str | None, bool] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT url, secret, dry_run FROM channels WHERE partner = ?", (partner,)
            ).fetchone()
        return (row[0], env_secret(partner) or row[1], bool(row[2])) if row else None

    def _attempt(self, row_id: int, partner: str, payload: str, ts: int) -> tuple[str, str]:
        channel = self._channel(partner)
        if channel is None:
            return "fail", "no webhook channel for this partner"
        url, secret, dry_run = channel
        if not secret:
            return "fail", "no webhook secret for this partner"
        body = payload.encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(secret, ts, body),
            DELIVERY_HEADER: str(row_id),
        }
        try:
            target = check_target(url, self.allow_private, self._resolve)
            if dry_run:
                return "dry_run", f"dry run: would POST {len(body)} bytes to {url}"
            status = self._send(target, body, headers, self.timeout_s)
        except (BlockedTarget, SendError) as exc:
            return "fail", str(exc)[:500]
        return ("ok", "") if 200 <= status < 300 else ("fail", f"HTTP {status}")

    def _settle(self, row_id: int, attempts: int, outcome: str, detail: str, now: float) -> str:
        attempts += 1
        if outcome in ("ok", "dry_run"):
            status, next_at = ("delivered" if outcome == "ok" else "dry_run"), now
        elif attempts >= self.max_attempts:
            status, next_at = "dead", now
        else:
            status = "pending"
            next_at = now + self.backoff_s * 2 ** (attempts - 1) * (1 + self._rng.random() / 2)
        with self._lock:
            self._db.execute(
                "UPDATE deliveries SET status = ?, attempts = ?, next_at = ?, last_error = ?, "
                "delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END "
                "WHERE id = ?",
                (status, attempts, next_at, detail, status, now, row_id),
            )
        return {"pending": "retry"}.get(status, status)

    def deliveries(self, status: str | None = None) -> list[Delivery]:
        sql = f"SELECT {DELIVERY_FIELDS} FROM deliveries"
        args: tuple[Any, ...] = ()
        if status is not None:
            sql, args = sql + " WHERE status = ?", (status,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY id", args).fetchall()
        return [Delivery(*row) for row in rows]

    def replay(self, delivery_id: int, now: float) -> bool:
        """Move a dead letter back to the queue (attempts reset); ``False`` if it is not
        dead (a delivered item is never sent again)."""
        with self._lock:
            cur = self._db.execute(
                "UPDATE deliveries SET status = 'pending', attempts = 0, next_at = ? "
                "WHERE id = ? AND status = 'dead'",
                (now, delivery_id),
            )
        return cur.rowcount == 1

    def close(self) -> None:
        self._db.close()
