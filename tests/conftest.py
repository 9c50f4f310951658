"""Fixtures shared by the whole suite: stores on every backend.

Record builders (``make_listing``, ``make_detection``, ``make_alert``) and the backend
list live in ``factories``; this module turns them into fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import STORE_BACKENDS, StoreFactory, make_sqlite_store
from fastapi.testclient import TestClient
from web_accounts import make_accounts, sign_in

from accounts.sqlite import SqliteAccounts
from classifiers.text.learned import LearnedDetector
from classifiers.text.lexicon_detector import LexiconDetector
from index.base import Store
from index.sqlite import SqliteStore
from web.app import create_app


@pytest.fixture(params=STORE_BACKENDS, ids=[name for name, _ in STORE_BACKENDS])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, initialised store; the test runs once per backend."""
    factory: StoreFactory = request.param[1]
    backend = factory(tmp_path)
    yield backend
    backend.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    """A fresh SQLite store (tests of one backend, and the web app's)."""
    db = make_sqlite_store(tmp_path)
    yield db
    db.close()


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[SqliteAccounts]:
    """One account per role (``web_accounts.USERS``), real argon2id hashes."""
    acc = make_accounts(tmp_path)
    yield acc
    acc.close()


@pytest.fixture
def client(sqlite_store: SqliteStore, accounts: SqliteAccounts) -> Iterator[TestClient]:
    """The web app (page size 5) around ``sqlite_store``, through its ASGI interface,
    signed in as the investigator ``ana`` (her CSRF token is the client's
    ``X-CSRF-Token`` header)."""
    app = create_app(sqlite_store, accounts=accounts, page_size=5, title="wt-test")
    with TestClient(app) as test_client:
        sign_in(test_client, "ana")
        yield test_client


@pytest.fixture(scope="session")
def lexicon_detector() -> LexiconDetector:
    return LexiconDetector()


@pytest.fixture(scope="session")
def learned_detector(lexicon_detector: LexiconDetector) -> LearnedDetector:
    return LearnedDetector(lexicon=lexicon_detector)
