"""Accounts for the web tests: one user per role, and signing a client (or a browser page) in.

Everything is real: an argon2-hashed ``SqliteAccounts`` file in the test's directory,
the login form with its double-submit token, the session cookie the app sets.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from accounts.sqlite import SqliteAccounts

PASSWORD = "a long test password"
# username -> (role, display name, bound sources)
USERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "root": ("admin", "Rita Admin", ()),
    "ana": ("investigator", "Ana Investigator", ()),
    "pat": ("partner", "Pat Partner", ("bazaar",)),
    "cam": ("campaigner", "Cam Campaigner", ()),
}
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


# Real argon2id, with cheaper parameters than production so the suite stays quick.
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def make_accounts(directory: Path) -> SqliteAccounts:
    accounts = SqliteAccounts(directory / "accounts.db", hasher=CHEAP)
    for name, (role, display, sources) in USERS.items():
        accounts.add_user(name, PASSWORD, role, display_name=display, sources=sources)
    return accounts


def csrf_token(client: TestClient, path: str = "/account") -> str:
    found = TOKEN_RE.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign ``client`` in through the login form; return the session's CSRF token, which
    is also set as the client's ``X-CSRF-Token`` header for JSON posts."""
    form = TOKEN_RE.search(client.get("/login").text)
    assert form
    done = client.post(
        "/login",
        data={"csrf_token": form.group(1), "username": username, "password": password},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    token = csrf_token(client)
    client.headers["X-CSRF-Token"] = token
    return token


def sign_in_page(page: Any, username: str, then_url: str, password: str = PASSWORD) -> None:
    """Sign in through the login form a browser ``page`` shows (Playwright), and wait until
    the app sends it on to ``then_url``."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(then_url)
