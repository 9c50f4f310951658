"""Who wants to be told what: digest subscriptions (partners: new feed items; campaigners:
the audience table) and investigators' saved searches (alert rules), with their matches.

Design notes
------------
* One small SQLite file beside the feed ledger (``feeds.db``): rows are few and must be
  transactional whatever the listing store is.
* A subscription keeps a cursor (the feed sequence number already mailed); it moves only
  after the message was handed over, so a failed send is retried next run (at least
  once; the digest says which items, so a repeat is recognisable).
* A saved search is the search page's filters plus a score threshold, owned by one
  account (only its owner sees, runs or deletes it). ``matches`` is the notification
  list: ``UNIQUE(search_id, alert_id)`` makes running a search twice harmless; a match is
  ``notified`` once the owner's e-mail (if any) was handed over.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from outreach.base import DIGEST_KINDS, SEARCH_FIELDS, Match, SavedSearch, Subscription

MAX_SEARCHES_PER_USER = 50

_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    username TEXT NOT NULL, kind TEXT NOT NULL, email TEXT NOT NULL,
    cursor INTEGER NOT NULL DEFAULT 0, last_sent_at TEXT, created_at TEXT NOT NULL,
    PRIMARY KEY (username, kind)
);
CREATE TABLE IF NOT EXISTS saved_searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL, name TEXT NOT NULL,
    params TEXT NOT NULL, min_score REAL NOT NULL, email TEXT NOT NULL DEFAULT '',
    since TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS search_matches (
    search_id INTEGER NOT NULL, alert_id TEXT NOT NULL, title TEXT NOT NULL,
    score REAL NOT NULL, at TEXT NOT NULL, notified INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (search_id, alert_id)
);
"""


class Subscriptions:
    def __init__(self, path: str | Path) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def subscribe(self, username: str, kind: str, email: str, cursor: int, at: str) -> None:
        if kind not in DIGEST_KINDS:
            raise ValueError(f"kind must be one of {', '.join(DIGEST_KINDS)}")
        self._rows(
            "INSERT INTO subscriptions(username, kind, email, cursor, created_at) "
            "VALUES (?,?,?,?,?) ON CONFLICT(username, kind) DO UPDATE SET email = excluded.email",
            (username, kind, email, cursor, at),
        )

    def unsubscribe(self, username: str, kind: str) -> None:
        self._rows("DELETE FROM subscriptions WHERE username = ? AND kind = ?", (username, kind))

    def subscriptions(self, username: str | None = None) -> list[Subscription]:
        sql = "SELECT username, kind, email, cursor, last_sent_at FROM subscriptions"
        if username is None:
            return [Subscription(*r) for r in self._rows(sql + " ORDER BY username, kind")]
        rows = self._rows(sql + " WHERE username = ? ORDER BY kind", (username,))
        return [Subscription(*r) for r in rows]

    def sent(self, username: str, kind: str, cursor: int, at: str) -> None:
        self._rows(
            "UPDATE subscriptions SET cursor = MAX(cursor, ?), last_sent_at = ? "
            "WHERE username = ? AND kind = ?",
            (cursor, at, username, kind),
        )

    def save_search(
        self, username: str, name: str, params: dict[str, str], min_score: float,
        email: str, at: str,
    ) -> int:  # fmt: skip
        """Save a search; its matches are alerts created from ``at`` on."""
        if len(self.searches(username)) >= MAX_SEARCHES_PER_USER:
            raise ValueError(f"at most {MAX_SEARCHES_PER_USER} saved searches per account")
        kept = {k: v for k, v in params.items() if k in SEARCH_FIELDS and v}
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO saved_searches(username, name, params, min_score, email, since, "
                "created_at) VALUES (?,?,?,?,?,?,?)",
                (username, name, json.dumps(kept, sort_keys=True), min_score, email, at, at),
            )
        return int(cur.lastrowid or 0)

    def searches(self, username: str | None = None) -> list[SavedSearch]:
        sql = "SELECT id, username, name, params, min_score, email, since FROM saved_searches"
        rows = (
            self._rows(sql + " ORDER BY id")
            if username is None
            else self._rows(sql + " WHERE username = ? ORDER BY id", (username,))
        )
        return [SavedSearch(r[0], r[1], r[2], json.loads(r[3]), *r[4:]) for r in rows]

    def delete_search(self, username: str, search_id: int) -> bool:
        with self._lock:
            cur = self._db.execute(
                "DELETE FROM saved_searches WHERE id = ? AND username = ?", (search_id, username)
            )
            if cur.rowcount:
                self._db.execute("DELETE FROM search_matches WHERE search_id = ?", (search_id,))
        return cur.rowcount == 1

    def add_matches(self, search_id: int, found: list[tuple[str, str, float]], at: str) -> int:
        """Record ``(alert_id, title, score)`` matches not recorded yet; how many new."""
        with self._lock:
            before = self._db.total_changes
            self._db.executemany(
                "INSERT OR IGNORE INTO search_matches(search_id, alert_id, title, score, at) "
                "VALUES (?,?,?,?,?)",
                [(search_id, a, t[:300], s, at) for a, t, s in found],
            )
            return self._db.total_changes - before

    def matches(self, search_id: int, *, unnotified: bool = False) -> list[Match]:
        sql = "SELECT search_id, alert_id, title, score, at, notified FROM search_matches "
        sql += "WHERE search_id = ?" + (" AND notified = 0" if unnotified else "")
        rows = self._rows(sql + " ORDER BY at DESC, score DESC", (search_id,))
        return [Match(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    def mark_notified(self, search_id: int, alert_ids: list[str]) -> None:
        with self._lock:
            self._db.executemany(
                "UPDATE search_matches SET notified = 1 WHERE search_id = ? AND alert_id = ?",
                [(search_id, a) for a in alert_ids],
            )

    def close(self) -> None:
        self._db.close()
