"""The takedown feed API over a real SQLite store, real accounts and a real ledger:
entry rule, partner scoping, cursor stability, CSV safety, acknowledgements."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_accounts import make_accounts, sign_in
from web_factories import populate, web_detection, web_listing

from index.base import AlertFilter
from index.sqlite import SqliteStore
from outreach.feeds import FeedPolicy
from outreach.ledger import FeedLedger
from outreach.service import Feeds
from web.app import create_app
from web.feeds_api import attach_outreach


def _pairs() -> list[Any]:
    # Odd n: bazaar (pat's platform), even n: wildfeed. Scores 0.55 .. 0.95.
    out = []
    for n in range(1, 9):
        extra = {"seller_id": "=cmd|' /C calc'!A0"} if n == 1 else {}
        item = web_listing(n, **extra)
        out.append((item, web_detection(item, 0.5 + n * 0.05)))
    return out


@pytest.fixture()
def parts(tmp_path: Path) -> Iterator[tuple[Any, Any, FeedLedger]]:
    store = SqliteStore(tmp_path / "w.db")
    store.init()
    populate(store, _pairs())
    accounts = make_accounts(tmp_path)
    ledger = FeedLedger(tmp_path / "feeds.db")
    yield store, accounts, ledger
    ledger.close()
    accounts.close()
    store.close()


def _client(parts: Any, auto: tuple[str, ...] = ()) -> TestClient:
    store, accounts, ledger = parts
    app = create_app(store, accounts=accounts)
    attach_outreach(app, Feeds(store, ledger, FeedPolicy(0.8, auto)))
    return TestClient(app)


def _confirm(store: Any, key: str) -> None:
    alert = next(a for a in store.iter_alerts(AlertFilter()) if a.listing_key == key)
    store.set_alert_state(alert.id, "confirmed", actor="ana", expected_version=alert.version)


def test_only_confirmed_alerts_enter_unless_the_source_is_automatic(parts: Any) -> None:
    store = parts[0]
    with _client(parts) as client:
        sign_in(client, "ana")
        assert client.get("/api/v1/feeds/takedown").json()["items"] == []
        _confirm(store, "bazaar:L3")
        items = client.get("/api/v1/feeds/takedown").json()["items"]
        assert [i["listing_id"] for i in items] == ["L3"]
        assert items[0]["entered_via"] == "confirmed"
    with _client(parts, auto=("wildfeed",)) as client:
        sign_in(client, "ana")
        items = client.get("/api/v1/feeds/takedown").json()["items"]
        # wildfeed alerts scoring >= 0.8: n = 6, 8 (0.8, 0.9); bazaar stays confirmed-only.
        assert sorted(i["listing_id"] for i in items) == ["L3", "L6", "L8"]


def test_an_item_carries_what_a_platform_needs(parts: Any) -> None:
    store = parts[0]
    _confirm(store, "bazaar:L5")
    with _client(parts) as client:
        sign_in(client, "pat")
        body = client.get("/api/v1/feeds/takedown").json()
    assert body["version"] == "1"
    (item,) = body["items"]
    assert item["platform"] == "bazaar" and item["listing_url"] == "https://bazaar.example/item/5"
    assert item["seller_id"] == "seller2" and item["commodity"] == "ivory"
    assert item["species"] == ["Loxodonta africana"] and item["cites_appendix"] == "I"
    assert item["evidence_sha256"] == f"{5:064x}"
    assert [r["matched"] for r in item["reasons"]] == ["white"]
    assert item["first_seen_at"] and item["last_seen_at"]
    assert item["removal"] == {
        "observed_removed_at": None, "partner_status": None, "partner_reason": None,
        "partner_at": None, "checked_at": None, "check_outcome": None,
        "check_http_status": None, "comeback_at": None,
    }  # fmt: skip


def test_a_partner_sees_only_its_own_platform(parts: Any) -> None:
    store = parts[0]
    for key in ("bazaar:L1", "wildfeed:L2", "bazaar:L3", "wildfeed:L4"):
        _confirm(store, key)
    with _client(parts) as client:
        sign_in(client, "pat")
        items = client.get("/api/v1/feeds/takedown").json()["items"]
        assert {i["platform"] for i in items} == {"bazaar"}
        assert client.get("/api/v1/feeds/takedown?source=wildfeed").json()["items"] == []
        wild = next(e for e in parts[2].page(None, 0, 100) if e.source == "wildfeed")
        refused = client.post(
            f"/api/v1/feeds/takedown/{wild.item_id}/ack", json={"status": "removed"}
        )
        assert refused.status_code == 404


def test_cursor_paging_is_stable_while_items_enter(parts: Any) -> None:
    store = parts[0]
    for key in ("bazaar:L1", "wildfeed:L2", "bazaar:L3"):
        _confirm(store, key)
    with _client(parts) as client:
        sign_in(client, "ana")
        first = client.get("/api/v1/feeds/takedown?limit=2").json()
        assert len(first["items"]) == 2
        # An old alert (L8, scored highest, created first) is confirmed between pages.
        _confirm(store, "wildfeed:L8")
        rest = client.get(f"/api/v1/feeds/takedown?limit=2&cursor={first['next_cursor']}").json()
        again = client.get(f"/api/v1/feeds/takedown?cursor={rest['next_cursor']}").json()
        seen = [i["id"] for i in first["items"] + rest["items"] + again["items"]]
        assert len(seen) == len(set(seen)) == 4
        assert rest["items"][-1]["listing_id"] == "L8"
        bad = client.get("/api/v1/feeds/takedown?cursor=v2.1")
        assert bad.status_code == 422 and bad.json()["error"] == "bad_request"


def test_csv_export_is_formula_safe(parts: Any) -> None:
    _confirm(parts[0], "bazaar:L1")
    with _client(parts) as client:
        sign_in(client, "pat")
        response = client.get("/api/v1/feeds/takedown.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1 and rows[0]["platform"] == "bazaar"
    assert rows[0]["listing_url"] == "https://bazaar.example/item/1"
    assert not any(v.startswith(("=", "+", "@")) for v in rows[0].values())


def test_acknowledgements_are_logged_and_checked(parts: Any) -> None:
    _confirm(parts[0], "bazaar:L3")
    with _client(parts) as client:
        sign_in(client, "pat")
        (item,) = client.get("/api/v1/feeds/takedown").json()["items"]
        url = f"/api/v1/feeds/takedown/{item['id']}/ack"
        assert client.post(url, json={"status": "rejected"}).status_code == 422
        assert client.post(url, json={"status": "gone"}).status_code == 422
        assert client.post(url, json={"status": "received"}).status_code == 200
        done = client.post(url, json={"status": "removed", "reason": "seller banned"})
        assert done.status_code == 200 and done.json()["actor"] == "pat"
        (item,) = client.get("/api/v1/feeds/takedown").json()["items"]
        assert item["removal"]["partner_status"] == "removed"
        assert item["removal"]["observed_removed_at"] is None  # the partner's word only
    with _client(parts) as client:
        sign_in(client, "ana")
        log = client.get("/api/v1/feeds/acks").json()["items"]
        assert [(a["status"], a["actor"]) for a in log] == [("removed", "pat"), ("received", "pat")]
        assert client.post(url, json={"status": "removed"}).status_code == 403  # desk: no
    with _client(parts) as client:
        sign_in(client, "cam")
        assert client.get("/api/v1/feeds/takedown").status_code == 403


def test_every_acknowledgement_is_in_the_alerts_audit_log(parts: Any) -> None:
    store = parts[0]
    _confirm(store, "bazaar:L5")
    with _client(parts) as client:
        sign_in(client, "pat")
        (item,) = client.get("/api/v1/feeds/takedown").json()["items"]
        url = f"/api/v1/feeds/takedown/{item['id']}/ack"
        assert client.post(url, json={"status": "received"}).status_code == 200
        assert client.post(url, json={"status": "removed", "reason": "gone"}).status_code == 200
    history = store.alert_history(item["id"])
    notes = [(h.actor, h.action, h.note) for h in history if h.action == "partner_ack"]
    assert notes == [("pat", "partner_ack", "received"), ("pat", "partner_ack", "removed: gone")]
    # Notes keep the state and move the version on, like an assignment.
    assert history[-1].from_state == history[-1].to_state == "confirmed"
    assert store.get_alert(item["id"]).version == 4  # created 1, confirmed 2, two notes
    with _client(parts) as client:
        sign_in(client, "ana")
        page = client.get(f"/alerts/{item['id']}").text
        assert "partner_ack" in page and "removed: gone" in page
