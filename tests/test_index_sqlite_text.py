"""The SQLite store's text indexes (``index.sqlite_text``): one- and two-character items of
scripts without spaces find exactly the rows an ``instr`` scan finds (the pre-v9 way),
after inserts, edits and a migration from a v8 file; every FTS5 index stays consistent."""

from __future__ import annotations

import json
import random
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

from factories import at, make_listing
from normalize_corpus import corpus

from crawlers.base import Listing
from index import sqlite_text as text_ops
from index.base import SearchQuery
from index.query_terms import FIELD_PLAIN, parse
from index.sqlite import SqliteStore
from index.sqlite_listings import _text
from index.sqlite_schema import MIGRATIONS, run_step, schema_version

CJK_TEXT = ("出售老象牙手镯", "穿山甲鳞片 犀牛角杯", "งาช้างแท้ ราคาถูก", "ນໍ້າມັນ ງາຊ້າງ",
            "ভাল", "象牙a1 iphone12象", "ăn vảy tê tê 象", "ゾウの牙 ぞうげ", "상아 팔찌",
            "ពោះ ស្រមោច", "ဆင်စွယ်", "㊀象 ⼀牙", "abc象牙def")  # fmt: skip


def _listings(seed: int, n: int) -> list[Listing]:
    rnd = random.Random(seed)
    # Lone surrogates cannot be stored (nor hashed); everything else of the corpus can.
    texts = [re.sub("[\ud800-\udfff]", "", t) for t in corpus(n, seed=seed)]
    return [
        make_listing(
            listing_id=str(i),
            title=rnd.choice(CJK_TEXT) + " " + texts[i][:60],
            text=texts[i][60:300] + " " + rnd.choice(CJK_TEXT),
            seller_name=rnd.choice(("杨芳", "Old Curios", "สมชาย", None)),
        )
        for i in range(n)
    ]


def _items(path: Path, rnd: random.Random, count: int) -> list[str]:
    """Short queries: pieces of the stored folded text, plus a few fixed ones."""
    conn = sqlite3.connect(path)
    folded = [r[0] for r in conn.execute("SELECT folded || plain FROM listing_text WHERE cjk")]
    conn.close()
    out = ["象牙", "象", "牙", "งา", "c象", "牙d", "e象", "ể象", "一", "상아", "ゾウ"]
    while len(out) < count:
        text = rnd.choice(folded)
        at_ = rnd.randrange(len(text))
        out.append(text[at_ : at_ + rnd.choice((1, 2))])
    return out


def _scan(path: Path, query: str) -> set[str] | None:
    """The keys an ``instr`` scan finds for ``query`` (``None``: not a short CJK item)."""
    clauses = parse(query)
    if len(clauses) != 1 or len(clauses[0]) != 1:
        return None
    item = clauses[0][0]
    if not item.substring or len(item.text) >= 3:
        return None
    column = "iif(plain = '', folded, plain)" if item.field == FIELD_PLAIN else "folded"
    conn = sqlite3.connect(path)
    sql = (
        "SELECT l.key FROM listing_text t JOIN listings l ON l.id = t.id "
        f"WHERE t.cjk AND instr({column}, ?)"
    )
    found = {r[0] for r in conn.execute(sql, (item.text,))}
    conn.close()
    return found


def _check(path: Path, store: SqliteStore, seed: int) -> int:
    checked = 0
    for query in _items(path, random.Random(seed), 150):
        expected = _scan(path, query)
        if expected is None:
            continue
        result = store.search(SearchQuery(text=query, limit=1000, facets=()))
        assert {h.stored.listing.key for h in result.hits} == expected, ascii(query)
        assert result.total == len(expected)
        checked += 1
    conn = sqlite3.connect(path)
    # rank 1: also compare with the content table — only where every row is indexed.
    for table, rank in (("listings_fold", 1), ("listings_foldtri", 0), ("listings_cjkgram", 0)):
        try:
            conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', {rank})")
        except sqlite3.DatabaseError as exc:
            raise AssertionError(f"{table}: {exc}") from exc
    conn.close()
    return checked


def test_short_items_find_what_a_scan_finds_after_inserts_and_edits(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    store = SqliteStore(path)
    store.init()
    listings = _listings(3, 120)
    store.upsert_listings(listings)
    assert _check(path, store, 1) > 30
    rnd = random.Random(4)
    edited = [
        replace(x, title=rnd.choice(CJK_TEXT), fetched_at=at(5), content_hash="")
        for x in rnd.sample(listings, 40)
    ]
    store.upsert_listings(edited)  # replaced text: old terms out, new in
    assert _check(path, store, 2) > 30
    store.close()


def _v8_file(path: Path, listings: list[Listing]) -> None:
    """A file as schema v8 wrote it: its triggers index the text rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for number, statements in enumerate(MIGRATIONS[:8], start=1):
        for statement in statements:
            run_step(conn, statement)
        conn.execute("INSERT INTO schema_version(version) VALUES (?)", (number,))
    for n, x in enumerate(listings, start=1):
        conn.execute(
            "INSERT INTO listings(id, key, source, listing_id, version, content_hash, "
            "first_seen_at, last_seen_at, kind) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
            (n, x.key, x.source, x.listing_id, x.content_hash, x.fetched_at, x.fetched_at, x.kind),
        )
        conn.execute(
            "INSERT INTO listing_versions(key, version, content_hash, fetched_at, data) "
            "VALUES (?, 1, ?, ?, ?)",
            (x.key, x.content_hash, x.fetched_at, json.dumps(x.to_dict())),
        )
        conn.execute(
            "INSERT INTO listing_text(id, cjk, title, text, seller, folded, plain) "
            "VALUES (?, ?, '', '', '', ?, ?)",
            (n, *_text(x)),
        )
    conn.close()


def test_a_v8_file_migrates_and_its_short_items_are_indexed(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    listings = _listings(8, 80)
    _v8_file(path, listings)
    store = SqliteStore(path)
    store.init()
    conn = sqlite3.connect(path, isolation_level=None)
    assert schema_version(conn) == len(MIGRATIONS) == 12
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert "listings_fold_ai" not in triggers and "listings_fold_ad" in triggers
    conn.close()
    assert _check(path, store, 3) > 30
    store.close()


HALF_WIDTH = make_listing(listing_id="hw", title="ｿﾞｳｹﾞ ﾌﾞﾚｽﾚｯﾄ", text="old stock", seller_name="x")


def _found(store: SqliteStore, query: str) -> set[str]:
    return {h.stored.listing.key for h in store.search(SearchQuery(text=query, limit=100)).hits}


def test_half_width_katakana_is_found_by_its_kana(tmp_path: Path) -> None:
    """Fold widens half-width katakana, so the indexed text holds kana the original did not:
    the row must be in the substring indexes (since v12 the flag is read from the fold)."""
    store = SqliteStore(tmp_path / "w.db")
    store.init()
    store.upsert_listings([HALF_WIDTH, make_listing(listing_id="other", title="レス 象")])
    assert _found(store, "レスレット") == {HALF_WIDTH.key}  # three characters or more: trigrams
    assert _found(store, "ﾌﾞﾚｽ") == {HALF_WIDTH.key}  # typed half-width: folded the same
    assert _found(store, "ゾウゲ") == {HALF_WIDTH.key}  # voiced marks compose with their kana
    assert _found(store, "レス") == {HALF_WIDTH.key, "bazaar:other"}  # two: grams
    store.close()


def test_a_v11_file_migrates_to_v12_and_keeps_its_data(tmp_path: Path) -> None:
    """v12 drops two unused indexes and flags and indexes rows whose folded text (not the
    original) is in a script without spaces; everything stored before stays searchable."""
    path = tmp_path / "v11.db"
    store = SqliteStore(path)
    store.init()
    listings = [*_listings(12, 60), HALF_WIDTH]
    store.upsert_listings(listings)
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)  # back to how v11 wrote the file
    row = conn.execute(
        "SELECT t.id, t.folded, t.plain FROM listing_text t JOIN listings l ON l.id = t.id "
        "WHERE l.key = ?",
        (HALF_WIDTH.key,),
    ).fetchone()
    conn.execute(text_ops._DELETE["listings_foldtri"], row)
    conn.execute(text_ops._DELETE["listings_cjkgram"], (row[0], *text_ops.grams(*row[1:])))
    conn.execute("UPDATE listing_text SET cjk = 0 WHERE id = ?", (row[0],))
    conn.execute("CREATE INDEX alerts_queue ON alerts(state, score DESC)")
    conn.execute("CREATE INDEX listing_text_cjk ON listing_text(cjk) WHERE cjk")
    conn.execute("DELETE FROM schema_version WHERE version >= 12")
    conn.close()
    reopened = SqliteStore(path)
    reopened.init()
    conn = sqlite3.connect(path)
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert schema_version(conn) == 12 and not {"alerts_queue", "listing_text_cjk"} & indexes
    conn.close()
    assert _found(reopened, "レスレット") == {HALF_WIDTH.key} == _found(reopened, "ﾌﾞﾚｽ")
    assert _found(reopened, "ﾚｽ") == {HALF_WIDTH.key}
    assert reopened.counts()["listings"] == len(listings)
    assert all(reopened.get_listing(x.key).listing == x for x in listings)  # type: ignore[union-attr]
    assert _check(path, reopened, 5) > 30  # short items as a scan finds them; indexes intact
    assert _found(reopened, "old stock") >= {HALF_WIDTH.key}
    reopened.close()
