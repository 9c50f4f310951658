"""``index.sqlite_facets``: the facet counts kept by triggers agree with counting the rows
themselves, after every kind of write the store makes (new listings, new versions, new
and replaced verdicts, removals, un-removals), and on a database migrated from v6."""

from __future__ import annotations

import random
import re
import sqlite3
from pathlib import Path

from factories import at, make_detection, make_listing

from crawlers.base import Listing
from index import sqlite_search
from index.base import FACET_FIELDS, SearchQuery
from index.sqlite import SqliteStore
from index.sqlite_schema import MIGRATIONS

SOURCES = ("bazaar", "tradepost", "wildfeed")
COMMODITIES = ("ivory", "pangolin", None)
LANGS = ("en", "vi", None)

QUERIES = [
    SearchQuery(),
    SearchQuery(include_removed=True),
    SearchQuery(source="tradepost"),
    SearchQuery(source="bazaar", lang="vi", include_removed=True),
    SearchQuery(commodity="ivory", intent="sell"),
    SearchQuery(kind="post", facets=("source", "lang")),
    SearchQuery(lang="en", facets=()),
]


def _counted(path: Path, query: SearchQuery) -> tuple[int, dict[str, dict[str, int]]]:
    """Total and facets by grouping the matching rows by their columns (the pre-v7 way)."""
    sql = sqlite_search.build(query)
    names = tuple(dict.fromkeys(query.facets))
    columns = "".join(f"nullif(l.{n}, ''), " for n in names)
    group = f" GROUP BY {', '.join(str(i) for i in range(1, len(names) + 1))}" if names else ""
    conn = sqlite3.connect(path)
    rows = conn.execute(
        f"SELECT {columns}count(*) FROM {sql.from_sql} WHERE {sql.where_sql}{group}", sql.params
    ).fetchall()
    conn.close()
    if not query.facets:
        return int(rows[0][0]), {}
    return sqlite_search.facet_counts(rows, tuple(query.facets))


# Counted from each listing's facet key (v10) rather than the kept counts.
KEYED = [
    SearchQuery(text="bangle"),
    SearchQuery(text="bangle", source="bazaar", facets=("lang", "kind")),
    SearchQuery(text="carved OR bangle", min_score=0.5, include_removed=True),
    SearchQuery(seller_id="seller-1"),
]


def _check(store: SqliteStore, path: Path) -> None:
    for query in QUERIES:
        assert (
            sqlite_search.count_sql(query, sqlite_search.build(query))[0].find("listing_facets") > 0
        ), "a query without text or score filter is answered from the kept counts"
        result = store.search(query)
        assert (result.total, result.facets) == _counted(path, query), query
    for query in KEYED:
        result = store.search(query)
        assert (result.total, result.facets) == _counted(path, query), query
    conn = sqlite3.connect(path)
    wrong = conn.execute(
        "SELECT count(*) FROM listings l LEFT JOIN listing_facets f ON f.rowid = l.facet "
        "WHERE f.rowid IS NULL OR f.removed != (l.removed_at IS NOT NULL) OR "
        + " OR ".join(f"f.{c} != ifnull(l.{c}, '')" for c in FACET_FIELDS)
    ).fetchone()[0]
    conn.close()
    assert wrong == 0, "every listing's facet key names its combination"


def _listing(rnd: random.Random, i: int, minute: int) -> Listing:
    return make_listing(
        source=rnd.choice(SOURCES),
        listing_id=str(i),
        fetched_at=at(minute),
        price=float(rnd.randrange(10, 90)),
        kind=rnd.choice(("listing", "post")),
        lang_hint=rnd.choice(LANGS),
    )


def test_kept_counts_match_the_rows_after_every_kind_of_write(tmp_path: Path) -> None:
    rnd = random.Random(5)
    path = tmp_path / "wildtrace.db"
    store = SqliteStore(path)
    store.init()
    listings = {i: _listing(rnd, i, 0) for i in range(60)}
    store.upsert_listings(listings.values())
    _check(store, path)
    for minute in range(1, 7):
        # Verdicts, some replaced (re-classified), with commodities, intents, languages.
        picked = rnd.sample(sorted(listings), 25)
        store.put_detections(
            (listings[i].content_hash, make_detection(
                listings[i], commodity=rnd.choice(COMMODITIES), lang=rnd.choice(LANGS),
                intent=rnd.choice(("sell", "buy", "other")), score=rnd.random(),
            ))
            for i in picked
        )  # fmt: skip
        # New versions (new price: the verdict columns go back to unclassified).
        for i in rnd.sample(sorted(listings), 10):
            edit = {"price": float(minute), "fetched_at": at(minute), "content_hash": ""}
            listings[i] = make_listing(**{**listings[i].to_dict(), **edit})
        store.upsert_listings(listings.values())
        store.mark_removed([listings[i].key for i in rnd.sample(sorted(listings), 8)], at(minute))
        _check(store, path)
    store.close()


def test_a_v6_database_gets_counts_of_the_listings_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "wildtrace.db"
    store = SqliteStore(path)
    store.init()
    rnd = random.Random(9)
    store.upsert_listings(_listing(rnd, i, 0) for i in range(40))
    store.mark_removed([f"bazaar:{i}" for i in range(40)], at(5))
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    for op in ("ai", "ad", "au"):  # back to how v6 was
        conn.execute(f"DROP TRIGGER IF EXISTS listing_facets_{op}")  # "ai": gone in v11
    conn.execute("DROP TABLE listing_facets")
    conn.execute("DROP INDEX listings_facets")  # v8 (v10's)
    conn.execute("ALTER TABLE listings DROP COLUMN facet")  # v10
    conn.execute("DROP TABLE listings_cjkgram")  # v9, and what it dropped back
    conn.execute("CREATE INDEX listing_versions_hash ON listing_versions(key, content_hash)")
    for statement in MIGRATIONS[2]:
        if isinstance(statement, str) and re.match(r"CREATE TRIGGER \w+_a[iu] ", statement):
            conn.execute(statement)
    conn.execute("DROP TABLE text_pending")  # v13
    conn.execute("DELETE FROM schema_version WHERE version >= 7")
    conn.close()
    reopened = SqliteStore(path)
    reopened.init()
    try:
        _check(reopened, path)
        assert (
            sum(reopened.search(SearchQuery(include_removed=True)).facets["source"].values()) == 40
        )
        assert set(reopened.search(SearchQuery()).facets) == set(FACET_FIELDS)
    finally:
        reopened.close()


def test_a_v10_database_loses_its_insert_trigger_and_still_counts_new_listings(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wildtrace.db"
    store = SqliteStore(path)
    store.init()
    rnd = random.Random(11)
    first = [_listing(rnd, i, 0) for i in range(30)]
    store.upsert_listings(first)
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    name = "CREATE TRIGGER listing_facets_ai "
    trigger = next(s for s in MIGRATIONS[9] if isinstance(s, str) and s.startswith(name))
    conn.execute(trigger)  # back to how v10 was
    conn.execute("DROP TABLE text_pending")  # v13
    conn.execute("DELETE FROM schema_version WHERE version >= 11")
    conn.close()
    reopened = SqliteStore(path)
    reopened.init()
    try:
        conn = sqlite3.connect(path)
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        conn.close()
        assert "listing_facets_ai" not in names and "listing_facets_au" in names
        second = [_listing(rnd, i, 1) for i in range(20, 60)]
        assert reopened.upsert_listings(second).new > 20
        _check(reopened, path)
        keys = {x.key for x in first + second}
        assert reopened.search(SearchQuery(include_removed=True)).total == len(keys)
    finally:
        reopened.close()
