"""The search half of the ``Store`` contract on every backend (the ``store`` fixture of
``conftest.py``): text in several scripts, filters, facets, highlights, paging, counts."""

from __future__ import annotations

import pytest
from factories import (
    at,
    make_alert,
    make_detection,
    make_listing,
)

from index.base import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    SearchQuery,
    SearchResult,
    Store,
)


def keys(result: SearchResult) -> set[str]:
    return {hit.stored.listing.key for hit in result.hits}


# -- search ------------------------------------------------------------------------------


@pytest.fixture
def corpus(store: Store) -> Store:
    """Five listings in four languages; four classified."""
    rows = [
        (make_listing(listing_id="en", title="Carved ivory bangle"), 0.9, "ivory", "sell", "en"),
        (
            make_listing(
                source="tradepost", listing_id="fr", title="Défense d'éléphant sculptée",
                text="Pièce ancienne", lang_hint="fr", seller_id="seller-2",
            ),
            0.7, "ivory", "sell", None,
        ),
        (
            make_listing(listing_id="zh", title="出售老象牙手镯", text="微信联系", lang_hint="zh"),
            0.8, "ivory", "buy", "zh",
        ),
        (
            make_listing(listing_id="th", title="ขายงาช้างแท้ ราคาถูก", text="", lang_hint="th",
                         kind="post"),
            0.6, "pangolin", "sell", "th",
        ),
        (make_listing(listing_id="plain", title="Ivory-coloured dress", lang_hint=None), None,
         None, None, None),
    ]  # fmt: skip
    store.upsert_listings([row[0] for row in rows])
    store.put_detections(
        (lst.content_hash, make_detection(lst, score=s, commodity=c, intent=i, lang=lang))
        for lst, s, c, i, lang in rows
        if s is not None
    )
    return store


def test_search_text_in_several_scripts(corpus: Store) -> None:
    def found(text: str) -> set[str]:
        return {k.split(":")[1] for k in keys(corpus.search(SearchQuery(text=text)))}

    assert found("bangle") == {"en"}
    assert found("IVORY") == {"en", "plain"}
    assert found("ivory bangle") == {"en"}  # terms are ANDed
    assert found("elephant sculptee") == {"fr"}  # accents are ignored
    assert found("éléphant") == {"fr"}
    assert found("象牙手镯") == {"zh"}  # Chinese: substring, no word breaks
    assert found("象牙") == {"zh"}  # even two characters
    assert found("งาช้าง") == {"th"}  # Thai: substring
    assert found("Curios") == {"en", "fr", "zh", "th", "plain"}  # seller name
    assert found("rhino") == set()


def test_search_sees_only_the_latest_version(store: Store) -> None:
    store.upsert_listings([make_listing(title="出售老象牙手镯", text="tusk")])
    store.upsert_listings([make_listing(title="Carved bangle", text="", fetched_at=at(1))])
    assert store.search(SearchQuery(text="象牙手镯")).total == 0
    assert store.search(SearchQuery(text="tusk")).total == 0
    assert store.search(SearchQuery(text="bangle")).total == 1
    store.upsert_listings([make_listing(title="收购象牙手镯", text="", fetched_at=at(2))])
    assert store.search(SearchQuery(text="象牙手镯")).total == 1
    assert store.search(SearchQuery(text="bangle")).total == 0


def test_search_finds_chinese_in_either_script(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Traditional and Simplified characters are one class; listings indexed before the
    fold existed (simulated: indexed with it switched off) stay findable as written."""
    import classifiers.normalize
    from index import query_terms

    def found(text: str) -> set[str]:
        return {k.split(":")[1] for k in keys(store.search(SearchQuery(text=text)))}

    with monkeypatch.context() as before_the_fold:
        before_the_fold.setattr(classifiers.normalize, "fold_han", lambda text: text)
        query_terms._fold_name.cache_clear()
        store.upsert_listings([make_listing(listing_id="old", title="舊象牙手鐲 出售")])
        store.index_pending()  # indexed while the fold was off
    query_terms._fold_name.cache_clear()
    store.upsert_listings(
        [
            make_listing(listing_id="hant", title="出售象牙手鐲，犀牛角"),
            make_listing(listing_id="hans", title="出售象牙手镯，犀牛角"),
        ]
    )
    assert found("象牙手镯") == {"hant", "hans"}
    assert found("象牙手鐲") == {"hant", "hans", "old"}  # "old" by its unfolded reading
    assert found('"出售象牙手鐲"') == {"hant", "hans"}
    (hit,) = store.search(SearchQuery(text="舊象牙")).hits
    assert any(f"{HIGHLIGHT_START}舊象牙{HIGHLIGHT_END}" in h for h in hit.highlights)


def test_search_highlights_mark_the_match(corpus: Store) -> None:
    (hit,) = corpus.search(SearchQuery(text="bangle")).hits
    assert any(f"{HIGHLIGHT_START}bangle{HIGHLIGHT_END}" in h.lower() for h in hit.highlights)
    assert hit.detection is not None
    assert hit.detection.score == 0.9


def test_search_filters(corpus: Store) -> None:
    def found(**filters: object) -> set[str]:
        result = corpus.search(SearchQuery(**filters))  # type: ignore[arg-type]
        assert result.total == len(result.hits)
        return {k.split(":")[1] for k in keys(result)}

    assert found() == {"en", "fr", "zh", "th", "plain"}
    assert found(source="tradepost") == {"fr"}
    assert found(commodity="ivory") == {"en", "fr", "zh"}
    assert found(intent="buy") == {"zh"}
    assert found(lang="fr") == {"fr"}  # no detected language: the crawler's hint
    assert found(kind="post") == {"th"}
    assert found(seller_id="seller-2") == {"fr"}
    assert found(min_score=0.75) == {"en", "zh"}
    assert found(text="ivory", commodity="ivory") == {"en"}
    corpus.mark_removed(["bazaar:en"], at(5))
    assert found(commodity="ivory", include_removed=False) == {"fr", "zh"}
    assert found(commodity="ivory") == {"en", "fr", "zh"}


def test_search_facets_count_the_filtered_set(corpus: Store) -> None:
    result = corpus.search(SearchQuery())
    assert result.facets == {
        "source": {"bazaar": 4, "tradepost": 1},
        "commodity": {"ivory": 3, "pangolin": 1},
        "intent": {"sell": 3, "buy": 1},
        "lang": {"en": 1, "fr": 1, "zh": 1, "th": 1},
        "kind": {"listing": 4, "post": 1},
    }
    narrowed = corpus.search(SearchQuery(commodity="ivory", facets=("source", "intent")))
    assert narrowed.total == 3
    assert narrowed.facets == {
        "source": {"bazaar": 2, "tradepost": 1},
        "intent": {"sell": 2, "buy": 1},
    }


def test_search_orders_by_score_and_pages(store: Store) -> None:
    listings = [make_listing(listing_id=f"{i:02d}", fetched_at=at(i)) for i in range(25)]
    store.upsert_listings(listings)
    store.put_detections(
        (lst.content_hash, make_detection(lst, score=i / 100)) for i, lst in enumerate(listings)
    )
    pages = [store.search(SearchQuery(limit=10, offset=o, facets=())) for o in (0, 10, 20)]
    assert [p.total for p in pages] == [25, 25, 25]
    assert [len(p.hits) for p in pages] == [10, 10, 5]
    order = [h.stored.listing.listing_id for p in pages for h in p.hits]
    assert order == [f"{i:02d}" for i in reversed(range(25))]
    text_pages = [
        store.search(SearchQuery(text="bangle", limit=7, offset=o)) for o in (0, 7, 14, 21)
    ]
    assert {p.total for p in text_pages} == {25}
    text_keys = [h.stored.listing.key for p in text_pages for h in p.hits]
    assert sorted(text_keys) == sorted(lst.key for lst in listings)


def test_counts(corpus: Store) -> None:
    corpus.upsert_listings([make_listing(listing_id="en", title="Carved ivory", fetched_at=at(1))])
    corpus.mark_removed(["bazaar:plain"], at(2))
    corpus.upsert_alerts([make_alert(make_listing(listing_id="en"))])
    assert corpus.counts() == {
        "listings": 5,
        "versions": 6,
        "detections": 4,
        "alerts": 1,
        "removed": 1,
    }


def test_index_pending_makes_every_stored_listing_searchable_by_its_latest_text(
    store: Store,
) -> None:
    """Near-real-time text search, the same on every backend: whatever ``index_lag`` was
    after the upserts, ``index_pending`` takes it to 0 and the latest text is found (a
    changed listing by its new text only)."""
    store.upsert_listings([make_listing(listing_id=str(n), title=f"okapi hide {n}")
                           for n in range(3)])  # fmt: skip
    store.upsert_listings([make_listing(listing_id="0", title="zebra hide", fetched_at=at(2))])
    lag = store.index_lag()
    assert lag in (0, 3)  # SQLite queues the three listings (one changed twice): 3
    assert store.index_pending() == lag
    assert store.index_lag() == 0
    assert keys(store.search(SearchQuery(text="okapi"))) == {"bazaar:1", "bazaar:2"}
    assert keys(store.search(SearchQuery(text="zebra"))) == {"bazaar:0"}
    assert store.index_pending() == 0  # nothing left
