"""The takedown feed's own ledger: which alerts entered the feed, in what order, and what
partners said about them (acknowledgements), in a small SQLite file next to the accounts.

Design notes
------------
* ``feed`` gives every item a sequence number when it *enters* the feed (``seq``,
  autoincrement, never reused). Cursors are sequence numbers, so a client paging with
  a cursor never misses or repeats an item however many enter meanwhile: a newly
  confirmed old alert gets a new, higher ``seq`` and is read on the next poll.
* ``acks`` is append-only: every acknowledgement is a row (who, when, what, why) and is
  never edited; it *is* the acknowledgement audit log. The latest row per item is the
  partner's current answer.
* ``rechecks`` is append-only too: every re-check of a feed item's listing (what was
  requested when, what answered), written by ``outreach.rechecks``.
* A separate file, not the listing store: the feed must keep its order and
  acknowledgements whatever the listing store backend is, and must be transactional.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from outreach.base import (
    ACK_REJECTED,
    ACK_STATUSES,
    MAX_REASON_CHARS,
    Ack,
    AckError,
    Check,
    FeedEntry,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feed (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    via TEXT NOT NULL,
    entered_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feed_source ON feed(source, seq);
CREATE TABLE IF NOT EXISTS acks (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id TEXT NOT NULL,
    source TEXT NOT NULL,
    actor TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS acks_item ON acks(item_id, n);
CREATE TABLE IF NOT EXISTS rechecks (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id TEXT NOT NULL,
    source TEXT NOT NULL,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    http_status INTEGER,
    detail TEXT NOT NULL,
    comeback INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rechecks_item ON rechecks(item_id, n);
"""
_CHECK_FIELDS = "item_id, source, at, outcome, http_status, detail, comeback"


def check_ack(status: str, reason: str) -> str:
    """The cleaned reason, or ``AckError``: a rejection names why."""
    if status not in ACK_STATUSES:
        raise AckError(f"status must be one of {', '.join(ACK_STATUSES)}, not {status!r}")
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_CHARS:
        raise AckError(f"reason is longer than {MAX_REASON_CHARS} characters")
    if status == ACK_REJECTED and not reason:
        raise AckError("a rejection needs a reason")
    return reason


class FeedLedger:
    """Feed order and acknowledgements (see the module notes)."""

    def __init__(self, path: str | Path) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def enter(self, entries: Iterable[tuple[str, str, str]], at: str) -> int:
        """Add ``(item_id, source, via)`` items not in the feed yet; return how many."""
        with self._lock:
            before = self._db.total_changes
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR IGNORE INTO feed(item_id, source, via, entered_at) VALUES (?,?,?,?)",
                [(i, s, v, at) for i, s, v in entries],
            )
            self._db.execute("COMMIT")
            return self._db.total_changes - before

    def page(self, sources: Iterable[str] | None, after: int, limit: int) -> list[FeedEntry]:
        """Up to ``limit`` entries after sequence number ``after`` (of ``sources``)."""
        sql = "SELECT seq, item_id, source, via, entered_at FROM feed WHERE seq > ?"
        args: list[Any] = [after]
        if sources is not None:
            names = sorted(set(sources))
            sql += f" AND source IN ({','.join('?' * len(names))})"
            args += names
        sql += " ORDER BY seq LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, [*args, limit]).fetchall()
        return [FeedEntry(*row) for row in rows]

    def entry(self, item_id: str) -> FeedEntry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT seq, item_id, source, via, entered_at FROM feed WHERE item_id = ?",
                (item_id,),
            ).fetchone()
        return FeedEntry(*row) if row else None

    def acknowledge(self, item_id: str, actor: str, status: str, reason: str, at: str) -> Ack:
        """Append an acknowledgement of a feed item (``AckError`` if it is not one)."""
        reason = check_ack(status, reason)
        entry = self.entry(item_id)
        if entry is None:
            raise AckError(f"no feed item {item_id!r}")
        ack = Ack(item_id, entry.source, actor, status, reason, at)
        with self._lock:
            self._db.execute(
                "INSERT INTO acks(item_id, source, actor, status, reason, at) VALUES (?,?,?,?,?,?)",
                (ack.item_id, ack.source, ack.actor, ack.status, ack.reason, ack.at),
            )
        return ack

    def latest_acks(self, item_ids: Iterable[str]) -> dict[str, Ack]:
        ids = list(dict.fromkeys(item_ids))
        if not ids:
            return {}
        with self._lock:
            rows = self._db.execute(
                "SELECT item_id, source, actor, status, reason, at FROM acks "
                f"WHERE item_id IN ({','.join('?' * len(ids))}) ORDER BY n",
                ids,
            ).fetchall()
        return {row[0]: Ack(*row) for row in rows}  # later rows win

    def acks(self, sources: Iterable[str] | None = None, limit: int = 500) -> list[Ack]:
        """The acknowledgement log, newest first."""
        sql = "SELECT item_id, source, actor, status, reason, at FROM acks"
        args: list[Any] = []
        if sources is not None:
            names = sorted(set(sources))
            sql += f" WHERE source IN ({','.join('?' * len(names))})"
            args += names
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY n DESC LIMIT ?", [*args, limit]).fetchall()
        return [Ack(*row) for row in rows]

    def record_check(self, check: Check) -> None:
        with self._lock:
            self._db.execute(
                f"INSERT INTO rechecks({_CHECK_FIELDS}) VALUES (?,?,?,?,?,?,?)",
                (check.item_id, check.source, check.at, check.outcome, check.http_status,
                 check.detail, int(check.comeback)),
            )  # fmt: skip

    def checks(self, item_ids: Iterable[str] | None = None) -> dict[str, list[Check]]:
        """Every re-check of these items (all items: ``None``), oldest first per item."""
        sql, args = f"SELECT {_CHECK_FIELDS} FROM rechecks", []
        if item_ids is not None:
            args = list(dict.fromkeys(item_ids))
            if not args:
                return {}
            sql += f" WHERE item_id IN ({','.join('?' * len(args))})"
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY n", args).fetchall()
        out: dict[str, list[Check]] = {}
        for row in rows:
            check = Check(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]))
            out.setdefault(row[0], []).append(check)
        return out

    def close(self) -> None:
        self._db.close()
