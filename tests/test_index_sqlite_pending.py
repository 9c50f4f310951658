"""Text indexing off the SQLite store's write path (``index.sqlite_pending``): an upsert
queues, ``index_pending`` indexes; nothing is lost to a crash in between, other readers see
the lag, and after indexing the text and the search results are exactly those of indexing
in the upsert (the pre-v13 way)."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from factories import at, make_listing

from crawlers.base import Listing
from index.base import SearchQuery
from index.sqlite import SqliteStore
from index.sqlite_pending import CHUNK, text_row
from index.sqlite_schema import MIGRATIONS, schema_version

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ("okapi", "hide", "typed",
           "ivory", "象牙", "象", "牙", "ゾウ", "ho", "hổ", "tê tê", '"carved ivory"', "curios",
           "rhino OR pangolin", "éléphant", "elephant", "ｿﾞｳ", "ゲ")  # fmt: skip
TITLES = ("Carved ivory bangle", "出售老象牙手镯", "hổ cốt cao", "tê tê vảy", "ｿﾞｳｹﾞ ﾌﾞﾚｽﾚｯﾄ",
          "Défense d'éléphant", "r.h.i.n.o horn cup", "pangolin scales 穿山甲",
          "plain vase", "okapi\x00 hide", "a \\u0000 typed as text")  # fmt: skip


def _open(path: Path) -> SqliteStore:
    store = SqliteStore(path)
    store.init()
    return store


def _found(store: SqliteStore, text: str) -> set[str]:
    return {h.stored.listing.key for h in store.search(SearchQuery(text=text, limit=500)).hits}


def _history(seed: int, n: int) -> list[list[Listing]]:
    """Batches: new listings, then changes (some twice, some back: A→B→A), re-sightings."""
    rnd = random.Random(seed)
    first = [make_listing(listing_id=str(i), title=rnd.choice(TITLES), text=rnd.choice(TITLES),
                          seller_name=rnd.choice(("Old Curios", "杨芳", None)))
             for i in range(n)]  # fmt: skip
    changed = [replace(x, title=rnd.choice(TITLES), fetched_at=at(2), content_hash="")
               for x in rnd.sample(first, n // 3)]  # fmt: skip
    again = [replace(x, text=rnd.choice(TITLES), fetched_at=at(3), content_hash="")
             for x in rnd.sample(changed, len(changed) // 2)]  # fmt: skip
    back = [replace(x, fetched_at=at(4)) for x in first[: n // 10]]  # A→B→A and unchanged
    return [first, changed, again, back]


def test_other_readers_see_the_lag_until_the_text_is_indexed(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    writer, reader = _open(path), _open(path)
    writer.upsert_listings([make_listing(listing_id=str(n), title="okapi hide") for n in range(5)])
    assert reader.index_lag() == 5 == writer.status().detail["index_lag"]
    assert _found(reader, "okapi") == set()  # not searchable by text yet ...
    assert reader.search(SearchQuery(source="bazaar")).total == 5  # ... but stored
    assert reader.get_listing("bazaar:3") is not None
    assert reader.index_pending(limit=2) == 2 and reader.index_lag() == 3
    assert len(_found(reader, "okapi")) == 2
    assert reader.index_pending() == 3 and writer.index_lag() == 0
    assert len(_found(reader, "okapi")) == 5
    writer.close()
    reader.close()


def test_a_store_finds_its_own_writes_and_indexes_them_when_closed(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    store = _open(path)
    store.upsert_listings([make_listing(listing_id="1", title="okapi hide")])
    assert store.index_lag() == 1
    assert _found(store, "okapi") == {"bazaar:1"}  # read-your-writes: indexed first
    assert store.index_lag() == 0
    store.upsert_listings([make_listing(listing_id="2", title="okapi skull")])
    store.close()  # indexes what it left pending
    reopened = _open(path)
    assert reopened.index_lag() == 0 and _found(reopened, "skull") == {"bazaar:2"}
    reopened.close()


_KILLED_AFTER_UPSERT = """
import os, signal, sys
sys.path[:0] = [sys.argv[2], sys.argv[2] + "/tests"]
from factories import make_listing
from index.sqlite import SqliteStore
store = SqliteStore(sys.argv[1])
store.init()
store.upsert_listings([make_listing(listing_id=str(n), title="okapi hide") for n in range(300)])
os.kill(os.getpid(), signal.SIGKILL)  # before any indexing
"""


def test_a_crash_between_the_write_and_the_indexing_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    _open(path).close()
    command = [sys.executable, "-c", _KILLED_AFTER_UPSERT, str(path), str(ROOT)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, env=env, check=False, timeout=120)
    assert done.returncode == -9
    store = _open(path)
    assert store.counts()["listings"] == 300 and store.index_lag() == 300  # durable queue
    assert _found(store, "okapi") == set()
    assert store.index_pending() == 300  # resumes
    assert len(_found(store, "okapi")) == 300 and store.index_lag() == 0
    store.close()


def test_after_indexing_text_and_results_are_those_of_indexing_at_once(tmp_path: Path) -> None:
    """One store indexes after every upsert (as before v13), the other once after all of
    them (changes queued twice, A→B→A, more than one ``CHUNK``): the same indexed text —
    the fold of each listing's latest version — and the same hits for every query."""
    history = _history(7, CHUNK + 300)
    eager, late = _open(tmp_path / "eager.db"), _open(tmp_path / "late.db")
    late_reader = _open(tmp_path / "late.db")  # never wrote: never catches up by itself
    for batch in history:
        eager.upsert_listings(batch)
        eager.index_pending()
        late.upsert_listings(batch)
    assert late_reader.index_lag() == CHUNK + 300
    assert late_reader.index_pending() == CHUNK + 300
    for query in QUERIES:
        expected = _found(eager, query)
        assert _found(late_reader, query) == expected, query
    assert sum(len(_found(eager, q)) for q in QUERIES) > 1000
    conn = sqlite3.connect(tmp_path / "late.db")
    for key, folded, plain, cjk in conn.execute(
        "SELECT l.key, t.folded, t.plain, t.cjk FROM listing_text t JOIN listings l USING (id)"
    ):
        latest = late_reader.get_listing(key)
        assert latest is not None
        x = latest.listing
        assert (bool(cjk), folded, plain) == text_row(0, x.title, x.text, x.seller_name)[1:]
    assert conn.execute("SELECT count(*) FROM listing_text").fetchone()[0] == CHUNK + 300
    for table in ("listings_fold", "listings_foldtri", "listings_cjkgram"):
        rank = 1 if table == "listings_fold" else 0  # rank 1: compared with the content
        conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', {rank})")
    conn.close()
    for store in (eager, late, late_reader):
        store.close()


def test_a_v12_file_migrates_to_v13_with_nothing_pending(tmp_path: Path) -> None:
    path = tmp_path / "v12.db"
    store = _open(path)
    store.upsert_listings([make_listing(listing_id=str(n), title="okapi hide") for n in range(9)])
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)  # back to how v12 left the file
    conn.execute("DROP TABLE text_pending")
    conn.execute("DELETE FROM schema_version WHERE version >= 13")
    conn.close()
    reopened = _open(path)
    conn = sqlite3.connect(path)
    assert schema_version(conn) == len(MIGRATIONS) == 13
    conn.close()
    assert reopened.index_lag() == 0 and reopened.counts()["listings"] == 9
    other = _open(path)
    assert len(_found(other, "okapi")) == 9  # indexed before: still found
    reopened.upsert_listings([make_listing(listing_id="new", title="okapi skull")])
    assert other.index_lag() == 1 and _found(other, "skull") == set()
    assert other.index_pending() == 1 and _found(other, "skull") == {"bazaar:new"}
    reopened.close()
    other.close()


def test_a_new_version_with_the_same_words_leaves_the_text_indexes_untouched(
    tmp_path: Path,
) -> None:
    """A price edit is a new version, queued and indexed again; its folded text is the
    same, so no FTS5 terms are deleted or written (the index data stays byte for byte)."""
    path = tmp_path / "w.db"
    store = _open(path)
    listings = [make_listing(listing_id=str(n), title=f"okapi hide {n}") for n in range(20)]
    store.upsert_listings(listings)
    store.index_pending()

    def fts_data() -> list[tuple[object, ...]]:
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT * FROM listings_fold_data ORDER BY id").fetchall()

    before = fts_data()
    repriced = [replace(x, price=99.0, fetched_at=at(2), content_hash="") for x in listings]
    assert store.upsert_listings(repriced).changed == 20
    assert store.index_lag() == 20 and store.index_pending() == 20
    assert fts_data() == before
    retitled = [replace(repriced[0], title="zebra hide", fetched_at=at(3), content_hash="")]
    store.upsert_listings(retitled)
    store.index_pending()
    assert fts_data() != before
    assert _found(store, "zebra") == {"bazaar:0"} and "bazaar:0" not in _found(store, "okapi")
    assert len(_found(store, "okapi")) == 19
    store.close()


def test_text_at_hand_is_used_only_while_its_version_is_the_latest(tmp_path: Path) -> None:
    """The writer keeps the text it stored for its indexing step; when another process
    stored a newer version meanwhile, the newer one is indexed, read from the file."""
    path = tmp_path / "w.db"
    first, other = _open(path), _open(path)
    first.upsert_listings([make_listing(listing_id="1", title="okapi hide"),
                           make_listing(listing_id="2", title="okapi skull")])  # fmt: skip
    other.upsert_listings([make_listing(listing_id="1", title="zebra hide", fetched_at=at(2))])
    assert first.index_pending() == 2
    assert _found(other, "okapi") == {"bazaar:2"}
    assert _found(other, "zebra") == {"bazaar:1"}
    for store in (first, other):
        store.close()
