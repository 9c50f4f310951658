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
def client(sqlite_store: SqliteStore) -> Iterator[TestClient]:
    """The web app (page size 5) around ``sqlite_store``, through its ASGI interface."""
    with TestClient(create_app(sqlite_store, page_size=5, title="wt-test")) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def lexicon_detector() -> LexiconDetector:
    return LexiconDetector()


@pytest.fixture(scope="session")
def learned_detector(lexicon_detector: LexiconDetector) -> LearnedDetector:
    return LearnedDetector(lexicon=lexicon_detector)
