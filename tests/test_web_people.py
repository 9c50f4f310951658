"""Contact identifiers from a detection's reasons (``web/people.py``) and the listings
that share one, over a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import STORE_BACKENDS, StoreFactory, make_listing

from classifiers.base import LABEL_WILDLIFE, Detection, Reason
from web.people import contact_key, contacts_of, listings_with_contact, seller_listings


@pytest.mark.parametrize(
    ("kind", "matched", "key"),
    [
        ("phone", "+44 7700 900123", "phone:700900123"),
        ("whatsapp", "WhatsApp +44 7700 900123", "phone:700900123"),
        ("phone", "07700 900123", "phone:700900123"),  # the same number, national form
        ("zalo", "zalo 0903 555 221", "phone:903555221"),
        ("whatsapp", "wa.me/6281355501234", "phone:355501234"),
        ("whatsapp", "WhatsApp", None),  # names the app, not a person
        ("phone", "12 34", None),  # too short to be a number
        ("telegram", "Telegram @mekong_herb", "telegram:mekong_herb"),
        ("wechat", "WeChat: seng_art88", "wechat:seng_art88"),
        ("wechat", "微信 wx123488", "wechat:wx123488"),
        ("line", "LINE: bkkamulet99", "line:bkkamulet99"),
        ("price", "$100", None),
    ],
)
def test_contact_keys(kind: str, matched: str, key: str | None) -> None:
    assert contact_key(kind, matched) == key


def _detection(key: str, *contacts: tuple[str, str]) -> Detection:
    reasons = [Reason("context", f"signal contact: {k}", 0.4, None, m) for k, m in contacts]
    reasons.append(Reason("context", "signal payment: usdt", 0.6, None, "USDT"))
    return Detection(id=key, score=0.9, label=LABEL_WILDLIFE, reasons=tuple(reasons))


def test_contacts_are_deduplicated_and_ignore_other_signals() -> None:
    det = _detection("k", ("whatsapp", "WhatsApp +44 7700 900123"), ("phone", "+44 7700 900123"))
    (only,) = contacts_of(det)
    assert only.key == "phone:700900123" and only.kind == "whatsapp"
    assert contacts_of(None) == []


@pytest.mark.parametrize("backend", STORE_BACKENDS, ids=[name for name, _ in STORE_BACKENDS])
def test_one_number_on_several_sources(tmp_path: Path, backend: tuple[str, StoreFactory]) -> None:
    store = backend[1](tmp_path)
    rows = [
        make_listing(source="bazaar", listing_id="1", seller_id="s1"),
        make_listing(source="tradepost", listing_id="2", seller_id="u9"),
        make_listing(source="wildfeed", listing_id="3", seller_id="@x"),
        make_listing(source="bazaar", listing_id="4", seller_id="s1"),
    ]
    store.upsert_listings(rows)
    contacts = {
        "1": ("whatsapp", "WhatsApp +44 7700 900123"),
        "2": ("phone", "07700 900123"),
        "3": ("phone", "+44 7700 900999"),  # another number
    }
    store.put_detections(
        (r.content_hash, _detection(r.key, contacts[r.listing_id]))
        for r in rows
        if r.listing_id in contacts
    )
    found = listings_with_contact(store, "phone:700900123")
    assert [h.stored.listing.key for h in found.hits] == ["bazaar:1", "tradepost:2"]
    assert not found.truncated
    capped = listings_with_contact(store, "phone:700900123", cap=1)
    assert capped.truncated  # says so when the scan stopped early
    seller = seller_listings(store, "bazaar", "s1")
    assert {h.stored.listing.listing_id for h in seller.hits} == {"1", "4"}  # alerted or not
    store.close()


def test_contacts_come_from_extracted_entities_and_the_graph(tmp_path: Path) -> None:
    """With entities in the detection, a contact is the seller graph's identifier key
    (the number in E.164 however it was written); the contact page reads the graph's
    sightings, and the store scan without a graph finds the same listings."""
    import sqlite3

    from fastapi.testclient import TestClient
    from web_accounts import make_accounts, sign_in

    from alerts.networks.graph import NetworkGraph
    from classifiers.entities import EntityExtractor
    from index.sqlite_graph import SqliteGraphStorage
    from web.app import create_app
    from wildtrace.networks import Networks, link_listings

    store = STORE_BACKENDS[0][1](tmp_path)  # SQLite
    conn = sqlite3.connect(tmp_path / "graph.db", isolation_level=None, check_same_thread=False)
    graph = SqliteGraphStorage(conn)
    networks = Networks(NetworkGraph(graph), graph, EntityExtractor(), graph.transaction,
                        conn.close)  # fmt: skip
    rows = [
        make_listing(
            source="bazaar",
            listing_id="1",
            seller_id="s1",
            lang_hint="id",
            text="gading, WhatsApp +62 812 5550 7788",
        ),  # fmt: skip
        make_listing(
            source="tradepost",
            listing_id="2",
            seller_id="u7",
            lang_hint="id",
            text="sisik asli, WA 0812-5550-7788",
        ),  # fmt: skip
        make_listing(
            source="bazaar",
            listing_id="3",
            seller_id="s2",
            lang_hint="id",
            text="kursi kayu, telp 0813 5550 1111",
        ),  # fmt: skip
    ]
    store.upsert_listings(rows)
    plain = [Detection(id=r.key, score=0.9, label=LABEL_WILDLIFE, model="t@1") for r in rows]
    dets = link_listings(networks, rows, plain)
    store.put_detections((r.content_hash, d) for r, d in zip(rows, dets, strict=True))
    key = "phone|+6281255507788"
    assert [c.key for c in contacts_of(dets[0])] == [key] == [c.key for c in contacts_of(dets[1])]
    assert contacts_of(dets[0])[0].kind == "whatsapp"
    by_graph = listings_with_contact(store, key, graph=graph)
    by_scan = listings_with_contact(store, key)
    want = ["bazaar:1", "tradepost:2"]
    assert [h.stored.listing.key for h in by_graph.hits] == want
    assert [h.stored.listing.key for h in by_scan.hits] == want
    accounts = make_accounts(tmp_path)
    with TestClient(create_app(store, accounts=accounts, networks=graph)) as client:
        sign_in(client, "ana")
        listing = client.get("/listings/bazaar:1").text
        assert '/contacts/phone%7C%2B6281255507788"' in listing
        page = client.get("/contacts/phone%7C%2B6281255507788")
        assert page.status_code == 200 and "2 listings on 2 sources" in page.text
    accounts.close()
    conn.close()
    store.close()
