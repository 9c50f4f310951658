"""The queue's own filters, badges and sorting (``web/queue.py``) through the real app
over a real SQLite store, signed in as an investigator."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import at, make_alert, make_detection, make_listing
from fastapi.testclient import TestClient
from web_accounts import make_accounts, sign_in

from index.sqlite import SqliteStore
from web.app import create_app

# listing id -> (score, detected language, alert created at, priority)
ROWS = {
    "a": (0.95, "en", "2026-11-01T10:00:00Z", 20.0),
    "b": (0.80, "vi", "2026-11-10T10:00:00Z", 70.0),
    "c": (0.60, "vi", "2026-11-20T10:00:00Z", 70.0),
    "d": (0.99, "zh", "2026-11-25T10:00:00Z", 10.0),
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = SqliteStore(tmp_path / "w.db")
    store.init()
    listings = {k: make_listing(listing_id=k, title=f"item {k}", fetched_at=at(0)) for k in ROWS}
    store.upsert_listings(listings.values())
    store.put_detections(
        (lst.content_hash, make_detection(lst, score=ROWS[k][0], lang=ROWS[k][1]))
        for k, lst in listings.items()
    )
    store.upsert_alerts(
        make_alert(
            lst,
            score=ROWS[k][0],
            created_at=ROWS[k][2],
            updated_at=ROWS[k][2],
            priority=ROWS[k][3],
        )
        for k, lst in listings.items()
    )
    # "a" is triaged, then its listing changes; "b" is removed.
    alert_a = make_alert(listings["a"])
    store.set_alert_state(alert_a.id, "triaged", actor="ana", expected_version=1)
    store.upsert_listings(
        [
            make_listing(
                listing_id="a", title="item a, now cheaper", fetched_at="2099-01-01T00:00:00Z"
            )
        ]
    )
    store.mark_removed([listings["b"].key], at(5))
    accounts = make_accounts(tmp_path)
    with TestClient(create_app(store, accounts=accounts)) as test_client:
        sign_in(test_client, "ana")
        yield test_client
    accounts.close()
    store.close()


def titles(client: TestClient, **params: str) -> list[str]:
    page = client.get("/", params=params)
    assert page.status_code == 200, page.text
    # Titles are scraped text, shown in a <bdi> island (``web.render.bdi``).
    pattern = r'<th scope="row" class="title"><a href="/alerts/\w+"><bdi>([^<]+)</bdi></a>'
    return re.findall(pattern, page.text)


def test_default_order_is_priority_then_score(client: TestClient) -> None:
    assert titles(client) == ["item b", "item c", "item a", "item d"]
    # A desk filter makes the page scan the store's answer: the order stays the store's.
    assert titles(client, since="2026-11-01") == ["item b", "item c", "item a", "item d"]


def test_filters(client: TestClient) -> None:
    assert titles(client, lang="vi") == ["item b", "item c"]
    assert titles(client, min_score="0.7", max_score="0.9") == ["item b"]
    assert titles(client, since="2026-11-10", until="2026-11-20") == ["item b", "item c"]
    assert titles(client, flag="removed") == ["item b"]
    assert titles(client, flag="changed") == ["item a"]
    assert titles(client, state="triaged") == ["item a"]


def test_sorting(client: TestClient) -> None:
    assert titles(client, sort="score") == ["item d", "item a", "item b", "item c"]
    assert titles(client, sort="newest") == ["item d", "item c", "item b", "item a"]
    assert titles(client, sort="oldest") == ["item a", "item b", "item c", "item d"]


def test_badges(client: TestClient) -> None:
    html = client.get("/").text
    assert html.count('class="badge removed"') == 1
    assert html.count('class="badge changed"') == 1


@pytest.mark.parametrize(
    "params",
    [
        {"min_score": "x"},
        {"max_score": "2"},
        {"since": "yesterday"},
        {"flag": "odd"},
        {"sort": "price"},
        {"group": "seller"},
        {"page": "abc"},
    ],
)
def test_bad_filters_get_an_html_page(client: TestClient, params: dict[str, str]) -> None:
    page = client.get("/", params=params)
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html") and "<title>422" in page.text


def test_assign_by_form_then_filter_by_assignee(client: TestClient) -> None:
    page = client.get("/")
    alert_id = re.search(r'href="/alerts/(\w+)"><bdi>item a<', page.text)
    assert alert_id
    url = f"/alerts/{alert_id.group(1)}"
    version = re.search(r'name="expected_version" value="(\d+)"', client.get(url).text)
    assert version
    done = client.post(
        url + "/assign",
        data={"assignee": "ana", "expected_version": version.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    detail = client.get(url).text
    assert '<dd id="alert-assignee">ana</dd>' in detail
    assert "assigned to ana" in detail.split("Audit history")[1]
    assert titles(client, assignee="me") == ["item a"]
    assert titles(client, assignee="ana") == ["item a"]
    assert titles(client, assignee="none") == ["item b", "item c", "item d"]
    # Only desk accounts take alerts; a stale version is a conflict page.
    partner = client.post(url + "/assign", data={"assignee": "pat", "expected_version": "9"})
    assert partner.status_code == 422
    stale = client.post(url + "/assign", data={"assignee": "root", "expected_version": "1"})
    assert stale.status_code == 409


def test_group_by_network_orders_networks_by_their_best_alert() -> None:
    """``web.queue.group_by_network`` over rows in queue order: the network of the first
    row first, the order inside a network kept, alerts without a network last."""
    from factories import make_alert, make_listing

    from web.queue import QueueRow, group_by_network

    def row(n: int, network: str | None, seller: str) -> QueueRow:
        listing = make_listing(listing_id=str(n), seller_id=seller)
        return QueueRow(make_alert(listing, network=network), None, None, None, False)

    rows = [row(1, "Nb", "x"), row(2, None, "y"), row(3, "Na", "z"), row(4, "Nb", "w"),
            row(5, "Na", "z")]  # fmt: skip
    ordered, groups = group_by_network(rows)
    assert [r.alert.listing_key for r in ordered] == [
        "bazaar:1", "bazaar:4", "bazaar:3", "bazaar:5", "bazaar:2"]  # fmt: skip
    assert list(groups) == ["Nb", "Na", None]
    assert (groups["Na"].alerts, groups["Na"].sellers, groups["Na"].sources) == (2, 1, ("bazaar",))
