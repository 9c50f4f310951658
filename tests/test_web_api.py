"""The web app's JSON API, exports and the real uvicorn server (127.0.0.1, port 0, over
HTTP with httpx), against a real ``SqliteStore``."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest
from fastapi.testclient import TestClient
from web_factories import populate, standard_pairs, web_detection, web_listing

from accounts.sqlite import SqliteAccounts
from index.sqlite import SqliteStore
from web.app import create_app
from web.server import start_in_thread

# -- JSON API and exports ------------------------------------------------------------


def test_api_lists_filters_and_pages_alerts(sqlite_store: SqliteStore, client: TestClient) -> None:
    populate(sqlite_store, standard_pairs(12))
    body = client.get("/api/alerts", params={"limit": 4, "offset": 2}).json()
    assert body["total"] == 12
    assert len(body["items"]) == 4
    assert body["items"][0]["score"] >= body["items"][-1]["score"]
    pangolin = client.get("/api/alerts", params={"commodity": "pangolin"}).json()
    assert pangolin["total"] == 6
    assert {a["commodity"] for a in pangolin["items"]} == {"pangolin"}
    assert client.get("/api/alerts", params={"min_score": 0.7}).json()["total"] == 4
    assert client.get("/api/alerts", params={"state": "nope"}).status_code == 422
    assert client.get("/api/alerts", params={"limit": 10_000}).status_code == 422


def test_api_alert_detail_and_state_changes(sqlite_store: SqliteStore, client: TestClient) -> None:
    (alert,) = populate(sqlite_store, standard_pairs(1))
    body = client.get(f"/api/alerts/{alert.id}").json()
    assert body["alert"]["id"] == alert.id
    assert body["listing"]["key"] == "wildfeed:L0"
    assert body["detection"]["commodity"] == "ivory"
    assert [h["action"] for h in body["history"]] == ["created"]
    assert body["versions"][0]["content_hash"] == body["listing"]["content_hash"]
    url = f"/api/alerts/{alert.id}/state"
    change = {"state": "confirmed", "actor": "ana", "expected_version": 1, "note": "n"}
    ok = client.post(url, json=change)
    assert ok.status_code == 200
    assert ok.json()["state"] == "confirmed"
    assert ok.json()["version"] == 2
    conflict = client.post(url, json=change)
    assert conflict.status_code == 409
    assert conflict.json()["alert"]["version"] == 2
    assert client.post(url, json={**change, "state": "bogus"}).status_code == 422
    assert client.post(url, json={"state": "new"}).status_code == 422
    assert client.post("/api/alerts/none/state", json=change).status_code == 404
    # CSRF: a cross-site fetch is refused; a "simple" text/plain post is not parsed as JSON.
    retry = {**change, "expected_version": 2, "state": "dismissed"}
    cross = client.post(url, json=retry, headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403
    plain = client.post(url, content=json.dumps(retry), headers={"content-type": "text/plain"})
    assert plain.status_code == 422
    assert sqlite_store.get_alert(alert.id).state == "confirmed"  # type: ignore[union-attr]
    assert client.get("/api/alerts/none").status_code == 404
    history = client.get(f"/api/alerts/{alert.id}").json()["history"]
    assert [(h["from_state"], h["to_state"], h["actor"]) for h in history][-1] == (
        "new",
        "confirmed",
        "ana",
    )


def test_api_search_stats_and_health(sqlite_store: SqliteStore, client: TestClient) -> None:
    populate(sqlite_store, standard_pairs(6))
    found = client.get("/api/search", params={"q": "bangle", "source": "wildfeed"}).json()
    assert found["total"] == 3
    assert {i["listing"]["source"] for i in found["items"]} == {"wildfeed"}
    assert found["facets"]["commodity"] == {"ivory": 3}
    stats = client.get("/api/stats").json()
    assert stats["counts"]["listings"] == 6
    assert stats["alerts_by_state"]["new"] == 6
    assert client.get("/healthz").json() == {"status": "ok"}


def test_api_histogram_counts_filtered_listings_per_interval(
    sqlite_store: SqliteStore, client: TestClient
) -> None:
    pairs = standard_pairs(6)
    days = ["2024-05-01T10:00:00.000000Z", "2024-05-01T23:59:59.000000Z", "2024-05-03T00:00:00Z"]
    sqlite_store.upsert_listings(
        [web_listing(n, fetched_at=days[n % 3]) for n in range(6)]
    )  # first seen on those days
    sqlite_store.put_detections([(item.content_hash, det) for item, det in pairs])
    got = client.get("/api/histogram", params={"interval": "day"}).json()
    assert got == {
        "field": "first_seen_at",
        "interval": "day",
        "buckets": [
            {"start": "2024-05-01T00:00:00Z", "count": 4},
            {"start": "2024-05-03T00:00:00Z", "count": 2},
        ],
    }
    ivory = client.get("/api/histogram", params={"commodity": "ivory", "q": "bangle"}).json()
    assert ivory["buckets"] == [
        {"start": "2024-05-01T00:00:00Z", "count": 2},  # listings 0 and 4
        {"start": "2024-05-03T00:00:00Z", "count": 1},  # listing 2
    ]
    monthly = client.get("/api/histogram", params={"interval": "month", "source": "wildfeed"})
    assert monthly.json()["buckets"] == [{"start": "2024-05-01T00:00:00Z", "count": 3}]
    assert client.get("/api/histogram", params={"field": "removed_at"}).json()["buckets"] == []
    for bad in ({"field": "fetched_at"}, {"interval": "minute"}, {"source": "x" * 300}):
        refused = client.get("/api/histogram", params=bad)
        assert refused.status_code == 422, bad


def test_exports_neutralise_hostile_cells(sqlite_store: SqliteStore, client: TestClient) -> None:
    bad = web_listing(5, title='=HYPERLINK("http://evil.example","x")', seller_id="@SUM(1+1)")
    populate(sqlite_store, [*standard_pairs(3), (bad, web_detection(bad, 0.95))])
    response = client.get("/api/alerts.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 4
    assert rows[0]["title"] == "'" + bad.title
    assert rows[0]["seller_id"] == "'@SUM(1+1)"
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())
    jsonl = client.get("/api/alerts.jsonl", params={"commodity": "ivory"})
    lines = jsonl.text.splitlines()
    assert len(lines) == 3
    assert "\\u003c" not in lines[0]
    assert '"title":"=HYPERLINK' in lines[0]


# -- the real server -----------------------------------------------------------------


def test_real_uvicorn_server_in_a_thread_on_port_zero(
    sqlite_store: SqliteStore, accounts: SqliteAccounts
) -> None:
    populate(sqlite_store, standard_pairs(3))
    token = accounts.new_token("ana", "test")
    handle = start_in_thread(create_app(sqlite_store, accounts=accounts), "127.0.0.1", 0)
    try:
        assert handle.port > 0
        assert handle.url == f"http://127.0.0.1:{handle.port}"
        auth = {"authorization": f"Bearer {token}"}
        with httpx.Client(base_url=handle.url, timeout=10, headers=auth) as http:
            page = http.get("/")
            assert page.status_code == 200
            assert "carved bangle 2" in page.text
            assert page.headers["content-security-policy"].startswith("default-src 'self'")
            assert http.get("/api/alerts").json()["total"] == 3
    finally:
        handle.stop()
    assert not handle.thread.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(handle.url + "/healthz", timeout=2)


def test_stats_search_page_and_dashboard_show_how_far_text_indexing_lags(
    sqlite_store: SqliteStore, client: TestClient
) -> None:
    """Listings the pipeline (another store, as in another process) stored but has not
    indexed yet are counted on ``/api/stats``, the search page and the dashboard."""
    populate(sqlite_store, standard_pairs(3))
    sqlite_store.index_pending()
    writer = SqliteStore(sqlite_store.path)
    writer.init()
    writer.upsert_listings([web_listing(n) for n in range(3, 5)])
    note = "2 stored listings not yet searchable by text"
    assert client.get("/api/stats").json()["index_lag"] == 2
    assert note in client.get("/search", params={"q": "bangle"}).text
    assert note in client.get("/dashboard").text
    before = client.get("/api/search", params={"q": "bangle"}).json()["total"]
    writer.close()  # indexes what it stored
    assert client.get("/api/stats").json()["index_lag"] == 0
    assert "not yet searchable" not in client.get("/search", params={"q": "bangle"}).text
    assert client.get("/api/search", params={"q": "bangle"}).json()["total"] == before + 2
