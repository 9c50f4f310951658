"""Accounts in a small SQLite file (``<data_dir>/accounts.db``): see ``accounts.base``.

One connection guarded by a lock: the web app calls in from several threads, and account
operations are rare and short. Times in the tables are Unix seconds (expiry arithmetic)
except ``created_at``, which is shown to people (ISO UTC).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import time
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from accounts.base import (
    FAILURE_WINDOW_S,
    MAX_FAILURES,
    SESSION_TTL_S,
    TOKEN_PREFIX,
    AccountError,
    Session,
    TooManyAttempts,
    User,
    check_password,
    check_role,
    check_username,
)
from common.clock import utc_now

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, role TEXT NOT NULL, display_name TEXT NOT NULL,
    sources TEXT NOT NULL DEFAULT '', password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users(username),
    csrf_token TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users(username),
    label TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at);
"""


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class SqliteAccounts:
    """``accounts.base.Accounts`` over one SQLite file."""

    def __init__(self, path: str | Path, *, hasher: PasswordHasher | None = None) -> None:
        """``hasher``: argon2id with ``argon2-cffi``'s defaults (RFC 9106's low-memory
        profile) unless given; tests pass cheaper, still real, parameters."""
        self.path = Path(path)
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(SCHEMA)
        self._now = time.time

    # -- users ---------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        password: str,
        role: str,
        *,
        display_name: str = "",
        sources: tuple[str, ...] = (),
    ) -> User:
        check_username(username)
        check_password(password)
        check_role(role, sources)
        digest = self._hasher.hash(password)
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO users (username, role, display_name, sources, password_hash,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        username,
                        role,
                        display_name.strip()[:100] or username,
                        ",".join(sources),
                        digest,
                        utc_now(),
                    ),
                )
            except sqlite3.IntegrityError:
                raise AccountError(f"user {username!r} exists already") from None
        user = self.get_user(username)
        assert user is not None
        return user

    def _row_user(self, row: tuple[object, ...]) -> User:
        name, role, display, sources, disabled, created = row
        return User(
            username=str(name),
            role=str(role),
            display_name=str(display),
            sources=tuple(s for s in str(sources).split(",") if s),
            disabled=bool(disabled),
            created_at=str(created),
        )

    _USER_COLUMNS = "username, role, display_name, sources, disabled, created_at"

    def get_user(self, username: str) -> User | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {self._USER_COLUMNS} FROM users WHERE username = ?", (username,)
            ).fetchone()
        return self._row_user(row) if row else None

    def list_users(self) -> list[User]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {self._USER_COLUMNS} FROM users ORDER BY username"
            ).fetchall()
        return [self._row_user(r) for r in rows]

    def count_users(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM users").fetchone()[0])

    def set_disabled(self, username: str, disabled: bool) -> User:
        with self._lock:
            cur = self._db.execute(
                "UPDATE users SET disabled = ? WHERE username = ?", (int(disabled), username)
            )
            if cur.rowcount == 0:
                raise AccountError(f"no user {username!r}")
            if disabled:  # a disabled account's sessions and tokens stop working now
                self._db.execute("DELETE FROM sessions WHERE username = ?", (username,))
        user = self.get_user(username)
        assert user is not None
        return user

    # -- login and sessions ----------------------------------------------------------

    def _failures(self, keys: tuple[str, ...]) -> int:
        since = self._now() - FAILURE_WINDOW_S
        self._db.execute("DELETE FROM login_failures WHERE at < ?", (since,))
        return max(
            int(
                self._db.execute(
                    "SELECT count(*) FROM login_failures WHERE key = ? AND at >= ?", (k, since)
                ).fetchone()[0]
            )
            for k in keys
        )

    def login(self, username: str, password: str, client: str) -> Session | None:
        keys = (f"user:{username.lower()[:64]}", f"client:{client[:64]}")
        with self._lock:
            if self._failures(keys) >= MAX_FAILURES:
                raise TooManyAttempts("too many failed logins; wait and try again")
            row = self._db.execute(
                "SELECT password_hash, disabled FROM users WHERE username = ?", (username,)
            ).fetchone()
        ok = self._verify(row[0] if row else self._dummy_hash(), password[:2048])
        if not ok or row is None or row[1]:
            with self._lock:
                self._db.executemany(
                    "INSERT INTO login_failures (key, at) VALUES (?, ?)",
                    [(k, self._now()) for k in keys],
                )
            return None
        return self._new_session(username)

    def _dummy_hash(self) -> str:
        """A hash to verify against when the user does not exist, so a wrong name costs
        the same time as a wrong password (no user enumeration by timing)."""
        if self._dummy is None:
            self._dummy = self._hasher.hash(secrets.token_urlsafe(16))
        return self._dummy

    def _verify(self, digest: str, password: str) -> bool:
        try:
            return self._hasher.verify(digest, password)
        except (VerificationError, InvalidHashError):
            return False

    def _new_session(self, username: str) -> Session:
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        expires = self._now() + SESSION_TTL_S
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE expires_at < ?", (self._now(),))
            self._db.execute(
                "INSERT INTO sessions (id_hash, username, csrf_token, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (_sha(session_id), username, csrf, expires),
            )
        session = self.session(session_id)
        assert session is not None
        return session

    def session(self, session_id: str) -> Session | None:
        if not session_id or len(session_id) > 200:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT username, csrf_token, expires_at FROM sessions WHERE id_hash = ?",
                (_sha(session_id),),
            ).fetchone()
        if row is None or row[2] < self._now():
            return None
        user = self.get_user(row[0])
        if user is None or user.disabled:
            return None
        return Session(user, session_id, row[1], row[2])

    def logout(self, session_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE id_hash = ?", (_sha(session_id),))

    # -- API tokens ------------------------------------------------------------------

    def new_token(self, username: str, label: str) -> str:
        if self.get_user(username) is None:
            raise AccountError(f"no user {username!r}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._lock:
            self._db.execute(
                "INSERT INTO tokens (token_hash, username, label, created_at) VALUES (?,?,?,?)",
                (_sha(token), username, label.strip()[:100], utc_now()),
            )
        return token

    def token_user(self, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT username FROM tokens WHERE token_hash = ?", (_sha(token),)
            ).fetchone()
        user = self.get_user(row[0]) if row else None
        return user if user is not None and not user.disabled else None

    def close(self) -> None:
        with self._lock:
            self._db.close()
