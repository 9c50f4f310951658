"""SQLite-specific behaviour of ``SqliteStore``: schema, evidence triggers, threads,
hostile search input. The shared contract is in ``test_index_contract.py``."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from factories import at, make_alert, make_detection, make_listing

from alerts.base import STATE_TRIAGED, ConflictError
from index.base import SearchQuery
from index.sqlite import SqliteStore
from index.sqlite_schema import MIGRATIONS, run_step


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "wildtrace.db"


@pytest.fixture
def store(path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(path)
    s.init()
    yield s
    s.close()


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_init_is_idempotent_and_persistent(path: Path, store: SqliteStore) -> None:
    store.upsert_listings([make_listing()])
    store.init()
    store.close()
    reopened = SqliteStore(str(path))
    reopened.init()
    try:
        assert reopened.counts()["listings"] == 1
    finally:
        reopened.close()
    conn = raw(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_a_newer_schema_is_refused(path: Path, store: SqliteStore) -> None:
    raw(path).execute("INSERT INTO schema_version(version) VALUES (?)", (len(MIGRATIONS) + 1,))
    with pytest.raises(RuntimeError, match="newer"):
        store.init()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE listing_versions SET data = '{}'",
        "DELETE FROM listing_versions",
        "UPDATE alert_audit SET note = 'rewritten'",
        "DELETE FROM alert_audit",
    ],
)
def test_evidence_cannot_be_rewritten(path: Path, store: SqliteStore, statement: str) -> None:
    listing = make_listing()
    store.upsert_listings([listing])
    store.upsert_alerts([make_alert(listing)])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw(path).execute(statement)
    assert store.listing_versions(listing.key) == [listing]
    assert [h.action for h in store.alert_history(make_alert(listing).id)] == ["created"]


def test_detection_needs_a_captured_version_and_batches_are_atomic(store: SqliteStore) -> None:
    listing = make_listing()
    store.upsert_listings([listing])
    good = (listing.content_hash, make_detection(listing))
    bad = ("0" * 64, make_detection(listing, score=0.1))
    with pytest.raises(ValueError, match="never stored"):
        store.put_detections([good, bad])
    assert store.get_detection(listing.key) is None  # the good one was rolled back too
    assert store.counts()["detections"] == 0


def test_closed_store_refuses_work(store: SqliteStore) -> None:
    store.close()
    with pytest.raises((RuntimeError, sqlite3.ProgrammingError)):
        store.counts()


def test_threads_write_and_read_concurrently(store: SqliteStore) -> None:
    def crawl(worker: int) -> int:
        for round_ in range(5):
            batch = [
                make_listing(
                    listing_id=f"{worker}-{i}", text=f"round {round_}", fetched_at=at(round_)
                )
                for i in range(40)
            ]
            store.upsert_listings(batch)
            store.search(SearchQuery(text="round", limit=5))
        return worker

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sorted(pool.map(crawl, range(4))) == [0, 1, 2, 3]
    counts = store.counts()
    assert (counts["listings"], counts["versions"]) == (160, 800)
    assert store.search(SearchQuery(text="round", facets=())).total == 160


def test_only_one_of_racing_state_changes_wins(store: SqliteStore) -> None:
    alert = make_alert(make_listing())
    store.upsert_alerts([alert])
    barrier = threading.Barrier(6)

    def triage(actor: int) -> str:
        barrier.wait()
        try:
            store.set_alert_state(alert.id, STATE_TRIAGED, actor=f"a{actor}", expected_version=1)
        except ConflictError:
            return "conflict"
        return "won"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = sorted(pool.map(triage, range(6)))
    assert outcomes == ["conflict"] * 5 + ["won"]
    assert len(store.alert_history(alert.id)) == 2


HOSTILE = [
    '"',
    '""',
    "*",
    "ivory*",
    "NEAR(",
    "NEAR(ivory tiger, 2)",
    "OR",
    "ivory OR",
    "AND NOT",
    "title:ivory",
    "{title text}: ivory",
    "^ivory",
    "(ivory",
    "-ivory",
    "ivory\x00tusk",
    "ivory\ud800",
    "\u200b",
    "'; DROP TABLE listings; --",
    "象" * 5000,
    "ivory " * 2000,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_are_plain_text(store: SqliteStore, text: str) -> None:
    store.upsert_listings([make_listing(title="Carved ivory tusk")])
    result = store.search(SearchQuery(text=text))
    assert result.total == len(result.hits)
    assert store.counts()["listings"] == 1


def test_facet_names_are_checked(store: SqliteStore) -> None:
    store.upsert_listings([make_listing()])
    assert store.search(SearchQuery(facets=("kind", "kind"))).facets == {"kind": {"listing": 1}}
    with pytest.raises(ValueError, match="unknown facet"):
        store.search(SearchQuery(facets=("source", "title) FROM m; --")))


def test_fts_syntax_is_text_and_only_or_and_quotes_are_operators(store: SqliteStore) -> None:
    store.upsert_listings(
        [make_listing(listing_id="1", title="ivory"), make_listing(listing_id="2", title="tiger")]
    )
    assert store.search(SearchQuery(text="ivory OR tiger")).total == 2  # ours: alternatives
    assert store.search(SearchQuery(text="ivory or tiger")).total == 0  # lower-case: a word
    assert store.search(SearchQuery(text="ivory AND tiger")).total == 0  # "and" is a word
    assert store.search(SearchQuery(text="ivory*")).total == 1  # no prefix expansion needed
    assert store.search(SearchQuery(text="NEAR(ivory tiger)")).total == 0
    assert store.search(SearchQuery(text="***")).total == 0  # nothing searchable
    store.upsert_listings([make_listing(listing_id="3", title="ivory or tiger")])
    assert store.search(SearchQuery(text='"ivory or tiger"')).total == 1


def test_marker_characters_in_scraped_text_cannot_fake_highlights(store: SqliteStore) -> None:
    listing = make_listing(title="«fake» carved ivory")
    store.upsert_listings([listing])
    (hit,) = store.search(SearchQuery(text="ivory")).hits
    assert hit.highlights
    assert all("«fake»" not in h for h in hit.highlights)
    assert any("‹fake›" in h and "«ivory»" in h for h in hit.highlights)
    assert hit.stored.listing.title == "«fake» carved ivory"  # evidence kept as captured


def test_short_cjk_terms_are_highlighted_by_scan(store: SqliteStore) -> None:
    store.upsert_listings([make_listing(title="出售老象牙手镯", text="微信联系")])
    (hit,) = store.search(SearchQuery(text="象牙")).hits
    assert hit.highlights == ("出售老«象牙»手镯",)


def test_mixed_script_queries_and_index_integrity(path: Path, store: SqliteStore) -> None:
    store.upsert_listings(
        [
            make_listing(listing_id="1", title="ivory bangle 出售老象牙手镯"),
            make_listing(listing_id="2", title="ivory bangle"),
            make_listing(listing_id="3", title="出售老象牙手镯"),
        ]
    )
    for text in ("bangle 象牙手镯", "bangle 象牙", "象牙 象牙手镯 ivory"):
        assert [h.stored.listing.listing_id for h in store.search(SearchQuery(text=text)).hits] == [
            "1"
        ], text
    store.upsert_listings([make_listing(listing_id="1", title="ivory", fetched_at=at(1))])
    assert store.search(SearchQuery(text="bangle 象牙")).total == 0
    # The word index matches the latest text after inserts and edits (rank 1: compare the
    # index with the content table; raises "malformed" otherwise).
    check = "INSERT INTO listings_fold(listings_fold, rank) VALUES ('integrity-check', 1)"
    raw(path).execute(check)


@pytest.mark.parametrize("version", [2, 3, 4])
def test_alerts_stored_before_priorities_migrate_with_priority_zero(
    tmp_path: Path, version: int
) -> None:
    """A v2 database (before folded search and assignees) and a v3 one (before
    ``alerts.priority``, v4) and a v4 one (before ``alerts.network``, v5) open, migrate
    and list their old alerts."""
    db = tmp_path / "old.sqlite"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for number, statements in enumerate(MIGRATIONS[:version], start=1):
        for statement in statements:
            run_step(conn, statement)
        conn.execute("INSERT INTO schema_version(version) VALUES (?)", (number,))
    old = make_alert(make_listing(listing_id="old"), score=0.9)
    existing = {row[1] for row in conn.execute("PRAGMA table_info(alerts)")}
    assert ("priority" in existing) == (version >= 4) and ("assignee" in existing) == (version >= 3)
    assert "network" not in existing
    columns = [k for k in old.to_dict() if k in existing]
    conn.execute(
        f"INSERT INTO alerts({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [old.to_dict()[k] for k in columns],
    )
    conn.close()
    store = SqliteStore(db)
    store.init()
    try:
        stored = store.get_alert(old.id)
        assert stored is not None and stored.priority == 0.0 and stored.score == 0.9
        assert stored.assignee is None and stored.network is None
        assert raw(db).execute("SELECT max(version) FROM schema_version").fetchone()[0] == len(
            MIGRATIONS
        )
    finally:
        store.close()
