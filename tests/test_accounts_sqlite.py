"""Accounts in their SQLite file: hashes at rest, sessions, tokens, rate limiting, and
the ``wildtrace users`` command (a real process on a temporary data dir)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_accounts import CHEAP

from accounts.base import MAX_FAILURES, AccountError, TooManyAttempts
from accounts.sqlite import SqliteAccounts

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[SqliteAccounts]:
    acc = SqliteAccounts(tmp_path / "accounts.db", hasher=CHEAP)
    acc.add_user("ana", PASSWORD, "investigator", display_name="Ana")
    yield acc
    acc.close()


def test_no_secret_is_stored_in_the_clear(accounts: SqliteAccounts, tmp_path: Path) -> None:
    session = accounts.login("ana", PASSWORD, "127.0.0.1")
    assert session is not None
    token = accounts.new_token("ana", "ci")
    raw = (tmp_path / "accounts.db").read_bytes()
    for secret in (PASSWORD, session.session_id, token):
        assert secret.encode() not in raw
    with sqlite3.connect(tmp_path / "accounts.db") as db:
        (digest,) = db.execute("SELECT password_hash FROM users").fetchone()
    assert digest.startswith("$argon2id$")


def test_login_sessions_and_logout(accounts: SqliteAccounts) -> None:
    assert accounts.login("ana", "wrong password!", "c1") is None
    assert accounts.login("nobody", PASSWORD, "c1") is None
    session = accounts.login("ana", PASSWORD, "c1")
    assert session is not None and session.user.username == "ana" and session.csrf_token
    again = accounts.session(session.session_id)
    assert again is not None and again.csrf_token == session.csrf_token
    assert accounts.session("forged") is None
    accounts.logout(session.session_id)
    assert accounts.session(session.session_id) is None


def test_rate_limit_per_name_and_per_client(accounts: SqliteAccounts) -> None:
    for _ in range(MAX_FAILURES):
        assert accounts.login("ana", "wrong password!", "10.0.0.1") is None
    with pytest.raises(TooManyAttempts):
        accounts.login("ana", PASSWORD, "10.0.0.2")  # the name is locked, from anywhere
    accounts.add_user("bob", PASSWORD, "investigator")
    with pytest.raises(TooManyAttempts):
        accounts.login("bob", PASSWORD, "10.0.0.1")  # and so is the client address
    assert accounts.login("bob", PASSWORD, "10.0.0.3") is not None


def test_disabling_ends_sessions_and_tokens(accounts: SqliteAccounts) -> None:
    session = accounts.login("ana", PASSWORD, "c")
    token = accounts.new_token("ana", "x")
    assert session is not None and accounts.token_user(token) is not None
    accounts.set_disabled("ana", True)
    assert accounts.session(session.session_id) is None
    assert accounts.token_user(token) is None
    assert accounts.login("ana", PASSWORD, "c") is None


@pytest.mark.parametrize(
    ("name", "password", "role", "sources"),
    [
        ("Ana Upper", PASSWORD, "investigator", ()),
        ("ok", "short", "investigator", ()),
        ("ok", PASSWORD, "superuser", ()),
        ("ok", PASSWORD, "partner", ()),  # a partner is bound to a source
        ("ok", PASSWORD, "investigator", ("bazaar",)),
        ("ana", PASSWORD, "investigator", ()),  # exists
    ],
)
def test_bad_accounts_are_refused(
    accounts: SqliteAccounts, name: str, password: str, role: str, sources: tuple[str, ...]
) -> None:
    with pytest.raises(AccountError):
        accounts.add_user(name, password, role, sources=sources)


def _users(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WILDTRACE_DATA_DIR": str(tmp_path)}
    env.pop("WILDTRACE_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "wildtrace.cli", "users", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_users_command(tmp_path: Path) -> None:
    add = _users(
        tmp_path,
        "add",
        "pat",
        "--role",
        "partner",
        "--sources",
        "bazaar,wildfeed",
        "--display-name",
        "Pat P",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert add.returncode == 0, add.stderr
    listed = _users(tmp_path, "list").stdout
    assert "pat\tpartner\tactive\tPat P sources=bazaar,wildfeed" in listed
    token = _users(tmp_path, "token", "pat").stdout.strip()
    assert token.startswith("wt_") and len(token) > 40
    assert _users(tmp_path, "disable", "pat").returncode == 0
    assert "pat\tpartner\tdisabled" in _users(tmp_path, "list").stdout
    bad = _users(tmp_path, "add", "xy", "--password-stdin", stdin="short\n")
    assert bad.returncode == 2 and "password" in bad.stderr
    acc = SqliteAccounts(tmp_path / "accounts.db")
    try:
        assert acc.token_user(token) is None  # disabled
    finally:
        acc.close()
