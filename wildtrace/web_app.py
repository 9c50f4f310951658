"""Building the web app around the configured store, accounts and evidence (used by
``wildtrace run`` and ``wildtrace serve``), and the first admin of a fresh data dir."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from fastapi import FastAPI

from accounts.base import ROLE_ADMIN
from accounts.sqlite import SqliteAccounts
from crawlers.evidence import EvidenceStore
from index.base import Store
from wildtrace.config import Settings

FIRST_ADMIN = "admin"


def open_accounts(settings: Settings) -> SqliteAccounts:
    """The accounts file: ``<data_dir>/accounts.db`` whatever the store backend is."""
    return SqliteAccounts(settings.data_dir / "accounts.db")


def ensure_first_admin(accounts: SqliteAccounts, say: Callable[[str], None]) -> str | None:
    """On a data dir without accounts: create ``admin`` with a random password, say how
    to sign in (the password is shown this once), and return the password."""
    if accounts.count_users():
        return None
    password = secrets.token_urlsafe(12)
    accounts.add_user(FIRST_ADMIN, password, ROLE_ADMIN, display_name="Administrator")
    say(
        f"first admin created: sign in as '{FIRST_ADMIN}' with password '{password}' "
        "(shown once; add accounts with `wildtrace users add NAME --role investigator`)"
    )
    return password


def build_web_app(settings: Settings, store: Store, accounts: SqliteAccounts) -> FastAPI:
    from web.app import create_app

    return create_app(
        store,
        accounts=accounts,
        evidence_reader=EvidenceStore(settings.data_dir / "evidence"),
        page_size=settings.web.page_size,
    )
