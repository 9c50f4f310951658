"""Removal verification against a real loopback site whose listings answer what the test
says (200, 404, 410, 500, a redirect, a hang-up), through the real prober
(``wildtrace.recheck``: egress policy, pinned address), a real SQLite store and ledger.

What must hold: "could not read it" is never "removed"; only 404/410 marks a listing
removed; a listing online again after the partner said "removed" (or after a check found
it gone) is flagged once, in the feed item, the ack log page and the alert's audit log;
evidence is never rewritten; the transparency counts follow."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from factories import make_detection, make_listing
from fastapi.testclient import TestClient
from web_accounts import make_accounts, sign_in

from alerts.rules import ThresholdRule, apply_rules
from crawlers.egress import EgressPolicy
from index.base import AlertFilter
from index.sqlite import SqliteStore
from outreach.feeds import FeedPolicy
from outreach.ledger import FeedLedger
from outreach.rechecks import recheck_due
from outreach.service import Feeds
from web.app import create_app
from web.feeds_api import attach_outreach
from wildtrace.recheck import ProfileProber


class Site:
    """A listing site on 127.0.0.1: ``status[path]`` is what each path answers."""

    def __init__(self) -> None:
        self.status: dict[str, int] = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits.append(self.path)
                code = site.status.get(self.path, 200)
                if code == 0:  # hang up without an answer
                    self.connection.close()
                    return
                self.send_response(code)
                if code in (301, 302):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    site = Site()
    listings = [make_listing(source="bazaar", listing_id=str(n), url=f"{site.base}/item/{n}",
                             evidence_sha256=f"{n:064x}") for n in range(1, 6)]  # fmt: skip
    store = SqliteStore(tmp_path / "w.db")
    store.init()
    store.upsert_listings(listings)
    pairs = [(item, make_detection(item)) for item in listings]
    store.put_detections((item.content_hash, det) for item, det in pairs)
    store.upsert_alerts(apply_rules([ThresholdRule(0.5)], pairs))
    for alert in store.iter_alerts(AlertFilter()):
        store.set_alert_state(alert.id, "confirmed", actor="ana", expected_version=alert.version)
    ledger = FeedLedger(tmp_path / "feeds.db")
    feeds = Feeds(store, ledger, FeedPolicy(0.8))
    feeds.page(None, None, 100)  # the items enter the feed
    policy = EgressPolicy.for_site(site.base, allow_private=True)
    prober = ProfileProber({"bazaar": policy}, "wildtrace-test", 2.0)
    ids = {e.item_id: e for e in ledger.page(None, 0, 100)}
    by_n = {int(store.get_alert(i).listing_key.split(":")[1]): i for i in ids}  # type: ignore[union-attr]
    yield {"site": site, "store": store, "ledger": ledger, "feeds": feeds, "prober": prober,
           "by_n": by_n, "tmp": tmp_path}  # fmt: skip
    ledger.close()
    store.close()
    site.stop()


def _after(hours: int) -> str:
    """A check time ``hours`` after the real clock (acknowledgements are stamped with it)."""
    return (datetime.now(UTC) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _run(w: dict[str, Any], now: str) -> dict[str, int]:
    return recheck_due(w["store"], w["ledger"], w["prober"], now=now, older_than=now, limit=100)


def test_only_404_or_410_is_removed_and_unreadable_changes_nothing(world: dict[str, Any]) -> None:
    site, store = world["site"], world["store"]
    site.status.update({"/item/1": 404, "/item/2": 410, "/item/3": 500, "/item/4": 302,
                        "/item/5": 0})  # fmt: skip
    counts = _run(world, "2026-12-01T00:00:00.000000Z")
    assert counts == {"online": 0, "gone": 2, "unreadable": 3, "comeback": 0, "skipped": 0}
    removed = {n: store.get_listing(f"bazaar:{n}").removed_at for n in range(1, 6)}
    assert removed == {1: "2026-12-01T00:00:00.000000Z", 2: "2026-12-01T00:00:00.000000Z",
                       3: None, 4: None, 5: None}  # fmt: skip
    checks = world["ledger"].checks()
    outcome = {n: checks[world["by_n"][n]][-1] for n in range(1, 6)}
    statuses = (outcome[3].http_status, outcome[4].http_status, outcome[5].http_status)
    assert statuses == (500, 302, None)
    history = store.alert_history(world["by_n"][1])
    assert history[-1].action == "recheck" and "removal verified" in history[-1].note
    assert not any(h.action == "recheck" for h in store.alert_history(world["by_n"][3]))
    assert sorted(set(site.hits)) == [f"/item/{n}" for n in range(1, 6)]


def test_a_listing_back_after_the_partner_said_removed_is_flagged_once(
    world: dict[str, Any], tmp_path: Path
) -> None:
    store, feeds, by_n = world["store"], world["feeds"], world["by_n"]
    before = store.listing_versions("bazaar:1")
    # The partner's claim carries the real clock's time, so the checks come after it.
    feeds.acknowledge(by_n[1], ("bazaar",), "pat", "removed", "seller banned")
    first_check = _after(1)
    assert _run(world, first_check)["comeback"] == 1  # still answers 200
    assert _run(world, _after(2))["comeback"] == 0  # flagged once
    notes = [h for h in store.alert_history(by_n[1]) if h.action == "recheck"]
    assert len(notes) == 1 and "back online" in notes[0].note
    assert store.listing_versions("bazaar:1") == before  # evidence untouched
    item = next(i for i in feeds.page(None, None, 100)["items"] if i["id"] == by_n[1])
    assert item["removal"]["comeback_at"] == first_check
    assert item["removal"]["partner_status"] == "removed"
    # Gone, then back again: a new comeback (the claim is the newer "gone" check).
    world["site"].status["/item/1"] = 404
    assert _run(world, _after(3))["gone"] == 1
    item = next(i for i in feeds.page(None, None, 100)["items"] if i["id"] == by_n[1])
    assert item["removal"]["comeback_at"] is None
    world["site"].status["/item/1"] = 200
    assert _run(world, _after(4))["comeback"] == 1
    (row,) = feeds.report()
    assert (row.came_back, row.partner_removed, row.verified_removed) == (1, 1, 0)
    # The partner and the investigator both see it.
    accounts = make_accounts(tmp_path)
    app = create_app(store, accounts=accounts)
    attach_outreach(app, feeds)
    with TestClient(app) as client:
        sign_in(client, "pat")
        assert "Back online after removal" in client.get("/feed").text
    with TestClient(app) as client:
        sign_in(client, "ana")
        page = client.get("/feeds/acks").text
        assert "Back online after removal" in page and f"/alerts/{by_n[1]}" in page
        assert "back online" in client.get(f"/alerts/{by_n[1]}").text
    accounts.close()


def test_due_items_are_bounded_and_never_checked_first(world: dict[str, Any]) -> None:
    w = world
    first = recheck_due(w["store"], w["ledger"], w["prober"], now="2026-12-01T00:00:00Z",
                        older_than="2026-12-01T00:00:00Z", limit=2)  # fmt: skip
    assert sum(first.values()) == 2
    second = recheck_due(w["store"], w["ledger"], w["prober"], now="2026-12-01T00:01:00Z",
                         older_than="2026-12-01T00:00:00Z", limit=10)  # fmt: skip
    assert sum(second.values()) == 3  # the three never checked; the two checked are not due
    assert len(w["ledger"].checks()) == 5


def test_the_prober_obeys_the_egress_policy(world: dict[str, Any]) -> None:
    public_only = EgressPolicy.for_site(world["site"].base)  # no allow_private
    prober = ProfileProber({"bazaar": public_only}, "t", 2.0)
    probe = prober("bazaar", world["site"].base + "/item/1")
    assert probe.outcome == "unreadable" and "not public" in probe.detail
    other = world["prober"]("bazaar", "http://127.0.0.2:9/x")
    assert other.outcome == "unreadable" and "not this source's" in other.detail
    assert world["prober"]("nosuch", "http://x/").outcome == "unreadable"
    assert world["site"].hits == []
