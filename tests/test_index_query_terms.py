"""Search reads text the way the classifiers do (``index/query_terms.py``), on every
backend in ``store_factories.STORE_BACKENDS``: width, look-alike letters, spacing,
leetspeak, emoji concepts, accents (ignored when none are typed, respected when typed:
``hổ`` must not find ``Hồ``), quoted phrases and ``OR``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import STORE_BACKENDS, StoreFactory, make_listing

from index.base import HIGHLIGHT_END, HIGHLIGHT_START, SearchQuery, Store
from index.query_terms import FIELD_FOLDED, FIELD_PLAIN, parse

LISTINGS = {
    "dotted": ("Genuine R.H.I.N.O horn, whole piece", ""),
    "wide": ("ＲＨＩＮＯ ｈｏｒｎ cup", ""),
    "emoji": ("Carved 🦏 cup", "ask me"),
    "leet": ("rh1n0 h0rn powder", ""),
    "cyrillic": ("Old іvоry bangle", ""),  # Cyrillic і and о
    "zh": ("出售 象 牙 手镯", "微信联系"),
    "tiger": ("Cao hổ cốt nguyên chất", "xương hổ"),  # tiger-bone glue
    "lake": ("Ảnh đẹp Hồ Gươm", "tranh phong cảnh"),  # a lake, nothing to do with tigers
    "fr": ("Défense d'éléphant sculptée", ""),
    "phrase": ("horn of a rhino", "not a rhino horn"),
    "tusk": ("Mammoth tusk pendant", ""),
    "zwsp": ("pangolin\u200b scales", ""),
}


@pytest.fixture(params=STORE_BACKENDS, ids=[name for name, _ in STORE_BACKENDS])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    factory: StoreFactory = request.param[1]
    backend = factory(tmp_path)
    backend.upsert_listings(
        [make_listing(listing_id=k, title=t, text=x) for k, (t, x) in LISTINGS.items()]
    )
    yield backend
    backend.close()


def found(store: Store, text: str) -> set[str]:
    result = store.search(SearchQuery(text=text, limit=100))
    return {hit.stored.listing.listing_id for hit in result.hits}


RHINO = {"dotted", "wide", "emoji", "leet", "phrase"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rhino", RHINO),  # every obfuscation in the listings folds to the word
        ("r.h.i.n.o", RHINO),  # the query is folded too
        ("R H I N O", RHINO),
        ("ＲＨＩＮＯ", RHINO),  # full width
        ("🦏", RHINO),  # emoji concept
        ("rh1n0", RHINO),  # leetspeak
        ("ivory", {"cyrillic"}),  # look-alike letters in the listing
        ("іvоry", {"cyrillic"}),  # … and in the query
        ("象牙", {"zh"}),  # CJK spacing removed in the listing
        ("象 牙", {"zh"}),  # … and in the query
        ("pangolin scales", {"zwsp"}),  # invisible characters dropped
    ],
)
def test_folding(store: Store, query: str, expected: set[str]) -> None:
    assert found(store, query) == expected


def test_accents_ignored_when_not_typed_respected_when_typed(store: Store) -> None:
    assert found(store, "hổ") == {"tiger"}  # tiger, not the lake
    assert found(store, "Hồ") == {"lake"}
    assert found(store, "ho") == {"tiger", "lake"}  # typed without accents: both
    assert found(store, "elephant sculptee") == {"fr"}
    assert found(store, "éléphant") == {"fr"}
    assert found(store, "élephant") == set()  # half the accents typed are still meant


def test_phrases_and_or(store: Store) -> None:
    assert found(store, '"rhino horn"') == {"dotted", "wide", "leet", "phrase"}
    assert "emoji" not in found(store, '"rhino horn"')  # words apart are not the phrase
    assert found(store, '"horn rhino"') == set()
    assert found(store, "ivory OR tusk") == {"cyrillic", "tusk"}
    assert found(store, "tusk | ivory") == {"cyrillic", "tusk"}
    assert found(store, "bangle ivory OR tusk") == {"cyrillic"}  # OR binds tighter than AND
    assert found(store, '"cao hổ" OR 象牙') == {"tiger", "zh"}
    assert found(store, "ivory or tusk") == set()  # lower-case "or" is a word


def test_highlights_point_at_what_the_seller_wrote(store: Store) -> None:
    hits = store.search(SearchQuery(text="rhino", limit=100)).hits
    title = {h.stored.listing.listing_id: h.highlights for h in hits}
    assert f"{HIGHLIGHT_START}R.H.I.N.O{HIGHLIGHT_END}" in title["dotted"][0]
    assert f"{HIGHLIGHT_START}ＲＨＩＮＯ{HIGHLIGHT_END}" in title["wide"][0]
    assert f"{HIGHLIGHT_START}🦏{HIGHLIGHT_END}" in title["emoji"][0]


def test_parse_reads_queries_as_documented() -> None:
    assert parse("") == []
    assert parse("*** ---") == []
    (clause,) = parse("hổ")
    assert clause[0].field == FIELD_FOLDED and clause[0].text == "hổ"
    (clause,) = parse("HO")
    assert clause[0].field == FIELD_PLAIN and clause[0].text == "ho"
    clauses = parse('carved "rhino horn" OR 象牙 tusk')
    assert [[i.text for i in c] for c in clauses] == [["carved"], ["rhino horn", "象牙"], ["tusk"]]
    assert [i.substring for i in clauses[1]] == [False, True]
    assert len(parse("ab " * 100)) == 16  # capped
