"""The web app against a real ``SqliteStore`` in a temporary directory.

Routes go through ``TestClient`` (the real ASGI app, in process); one test starts the
real uvicorn server on 127.0.0.1 port 0 and talks to it over HTTP with httpx.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from alerts.base import Alert, alert_id_for
from alerts.rules import ThresholdRule, apply_rules
from classifiers.base import LABEL_CLEAN, LABEL_WILDLIFE, Detection, Reason, TextDoc
from crawlers.base import Listing
from index.sqlite import SqliteStore
from web.app import create_app
from web.render import highlight, safe_href, snippet
from web.server import start_in_thread

XSS_TITLE = '<script>alert(1)</script> ivory "><img src=x onerror=alert(2)>'
XSS_TEXT = 'Genuine tusk <script>alert(3)</script> =HYPERLINK("http://evil") whatsapp me'
EVIL_URL = "javascript:alert(document.cookie)"
FETCHED = "2024-05-01T10:00:00.000000Z"


def make_listing(n: int, **overrides: object) -> Listing:
    data: dict[str, object] = {
        "source": "bazaar" if n % 2 else "wildfeed",
        "listing_id": f"L{n}",
        "url": f"https://bazaar.example/item/{n}",
        "title": f"carved bangle {n}",
        "text": f"old stock white material, piece {n}, no papers",
        "fetched_at": FETCHED,
        "price": 100.0 + n,
        "currency": "USD",
        "seller_id": f"seller{n % 3}",
        "images": (f"https://bazaar.example/img/{n}.jpg",),
        "evidence_sha256": f"{n:064x}",
    }
    data.update(overrides)
    return Listing(**data)  # type: ignore[arg-type]


def make_detection(item: Listing, score: float, *, commodity: str = "ivory") -> Detection:
    """A detection whose reasons point at real spans of the listing's full text."""
    full = TextDoc(id=item.key, title=item.title, text=item.text).full_text
    reasons = []
    for word, kind, weight in (("white", "code_word", 0.4), ("tusk", "term", 0.6)):
        at = full.find(word)
        if at >= 0:
            reasons.append(Reason(kind, f"{kind}: {word}", weight, (at, at + len(word)), word))
    label = LABEL_WILDLIFE if score >= 0.5 else LABEL_CLEAN
    return Detection(
        id=item.key,
        score=score,
        label=label,
        commodity=commodity,
        species=("Loxodonta africana",),
        cites_appendix="I",
        intent="sell",
        lang="en",
        reasons=tuple(reasons),
        model="lexicon@1",
    )


def populate(store: SqliteStore, pairs: list[tuple[Listing, Detection]]) -> list[Alert]:
    """Store listings and detections, and the alerts the threshold rule makes of them."""
    store.upsert_listings([item for item, _ in pairs])
    store.put_detections([(item.content_hash, det) for item, det in pairs])
    alerts = apply_rules([ThresholdRule(0.5)], pairs)
    store.upsert_alerts(alerts)
    return alerts


def standard_pairs(count: int = 12) -> list[tuple[Listing, Detection]]:
    pairs = []
    for n in range(count):
        item = make_listing(n)
        pairs.append(
            (item, make_detection(item, 0.5 + n / 40, commodity=("ivory", "pangolin")[n % 2]))
        )
    return pairs


def hostile_listing() -> Listing:
    return make_listing(
        99,
        title=XSS_TITLE,
        text=XSS_TEXT,
        url=EVIL_URL,
        seller_id='"><b>x</b>',
        images=("javascript:alert(4)", "https://ok.example/a.jpg"),
        seller_url="data:text/html,<script>alert(5)</script>",
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    db = SqliteStore(tmp_path / "wildtrace.db")
    db.init()
    yield db
    db.close()


@pytest.fixture
def client(store: SqliteStore) -> Iterator[TestClient]:
    with TestClient(create_app(store, page_size=5, title="wt-test")) as test_client:
        yield test_client


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


# -- pages -----------------------------------------------------------------------------


def test_queue_lists_alerts_by_score_with_counts_sellers_and_pages(
    store: SqliteStore, client: TestClient
) -> None:
    populate(store, standard_pairs(12))
    page1 = client.get("/")
    assert page1.status_code == 200
    html = page1.text
    assert html.count('<tr class="state-new">') == 5
    scores = [float(s) for s in re.findall(r'<td class="num">([0-9.]+)</td>', html)]
    assert scores == sorted(scores, reverse=True) and scores[0] == pytest.approx(0.78, abs=0.01)
    assert 'new <span class="count">12</span>' in html
    assert "Page 1 of 3" in html and 'rel="next" href="?page=2"' in html
    # seller11 has listings 2, 5, 8, 11 -> 4 alerts; the count is shown next to it.
    assert '>seller2</a> <span class="count">4</span>' in html
    last = client.get("/", params={"page": 3}).text
    assert last.count('<tr class="state-new">') == 2 and 'rel="prev"' in last


def test_queue_filters_by_state_source_commodity_and_seller(
    store: SqliteStore, client: TestClient
) -> None:
    alerts = populate(store, standard_pairs(12))
    store.set_alert_state(alerts[0].id, "escalated", actor="ana", expected_version=1)
    html = client.get("/", params={"state": "escalated"}).text
    assert html.count("<tr class=") == 1 and alerts[0].title in html
    html = client.get("/", params={"source": "bazaar", "commodity": "pangolin"}).text
    assert html.count("<tr class=") == 5 and "(6)" in html
    html = client.get("/", params={"seller": "seller0"}).text
    assert "(4)" in html
    assert client.get("/", params={"state": "bogus"}).status_code == 422


def test_detail_shows_listing_detection_reasons_versions_and_history(
    store: SqliteStore, client: TestClient
) -> None:
    item = make_listing(1, text="a real tusk, white as snow")
    (alert,) = populate(store, [(item, make_detection(item, 0.9))])
    changed = make_listing(
        1, text="a real tusk, white as snow, price drop", fetched_at="2024-05-02T00:00:00.000000Z"
    )
    populate(store, [(changed, make_detection(changed, 0.9))])
    store.mark_removed([item.key], "2024-05-03T00:00:00Z")
    store.set_alert_state(alert.id, "triaged", actor="ana", expected_version=1, note="looks real")
    html = client.get(f"/alerts/{alert.id}").text
    assert '<a href="https://bazaar.example/item/1" rel="noopener noreferrer nofollow">' in html
    assert (
        '<mark title="reason 2">tusk</mark>' in html
        and '<mark title="reason 1">white</mark>' in html
    )
    assert "Loxodonta africana" in html and "lexicon@1" in html and "code_word: white" in html
    assert item.content_hash in html and changed.content_hash in html
    assert "2024-05-02T00:00:00.000000Z" in html and "2024-05-03T00:00:00Z" in html
    assert f"{1:064x}" in html
    assert "ana" in html and "looks real" in html and 'name="expected_version" value="2"' in html
    assert "image 1" in html
    assert client.get("/alerts/nope").status_code == 404


def test_hostile_listing_is_escaped_and_never_linked(
    store: SqliteStore, client: TestClient
) -> None:
    bad = hostile_listing()
    full = TextDoc(id=bad.key, title=bad.title, text=bad.text).full_text
    at = full.index("<script>alert(3)")
    det = Detection(
        id=bad.key,
        score=0.9,
        label=LABEL_WILDLIFE,
        commodity="<i>ivory</i>",
        reasons=(Reason("term", "<b>tusk</b>", 0.5, (at, at + 20), "<script>"),),
    )
    (alert,) = populate(store, [(bad, det)])
    pages = [
        client.get("/"),
        client.get(f"/alerts/{alert.id}"),
        client.get("/search", params={"q": "tusk"}),
    ]
    for response in pages:
        html = response.text
        assert response.status_code == 200
        assert (
            "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
        )
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert not any(h.lower().startswith(("javascript:", "data:")) for h in hrefs(html))
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    detail = pages[1].text
    assert '<mark title="reason 1">&lt;script&gt;alert(3)&lt;/sc</mark>' in detail
    assert '<code class="unsafe-url">javascript:alert(document.cookie)</code>' in detail
    assert '<a class="image-link" href="https://ok.example/a.jpg"' in detail
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in detail


def test_state_form_changes_state_and_reports_conflicts(
    store: SqliteStore, client: TestClient
) -> None:
    (alert,) = populate(store, standard_pairs(1))
    url = f"/alerts/{alert.id}/state"
    form = {"state": "escalated", "actor": "ana", "expected_version": "1", "note": "seller network"}
    done = client.post(url, data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/alerts/{alert.id}"
    current = store.get_alert(alert.id)
    assert current is not None and (current.state, current.version) == ("escalated", 2)
    assert [h.note for h in store.alert_history(alert.id)][-1] == "seller network"
    stale = client.post(url, data={**form, "state": "dismissed"})
    assert stale.status_code == 409 and "Someone changed this alert" in stale.text
    assert store.get_alert(alert.id).state == "escalated"  # type: ignore[union-attr]
    assert client.post(url, data={**form, "state": "gone"}).status_code == 422
    assert client.post(url, data={**form, "actor": " "}).status_code == 422
    assert client.post("/alerts/nope/state", data=form).status_code == 404
    cross = client.post(
        url, data={**form, "expected_version": "2"}, headers={"origin": "http://evil.example"}
    )
    assert cross.status_code == 403 and store.get_alert(alert.id).version == 2  # type: ignore[union-attr]


def test_search_page_shows_hits_facets_and_highlights(
    store: SqliteStore, client: TestClient
) -> None:
    populate(store, standard_pairs(6))
    html = client.get("/search", params={"q": "bangle"}).text
    assert "6 listings" in html and "<mark>bangle</mark>" in html
    assert 'href="?q=bangle&amp;source=bazaar">bazaar</a> <span class="count">3</span>' in html
    narrowed = client.get("/search", params={"q": "bangle", "source": "bazaar"}).text
    assert "3 listings" in narrowed
    assert f'href="/alerts/{alert_id_for("bazaar:L1")}"' in narrowed


def test_static_css_is_served_and_pages_load_nothing_external(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert "@import" not in css.text and "url(" not in css.text
    html = client.get("/").text
    assert '<link rel="stylesheet" href="/static/style.css">' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert client.get("/docs").status_code == 404


# -- JSON API and exports ------------------------------------------------------------


def test_api_lists_filters_and_pages_alerts(store: SqliteStore, client: TestClient) -> None:
    populate(store, standard_pairs(12))
    body = client.get("/api/alerts", params={"limit": 4, "offset": 2}).json()
    assert body["total"] == 12 and len(body["items"]) == 4
    assert body["items"][0]["score"] >= body["items"][-1]["score"]
    pangolin = client.get("/api/alerts", params={"commodity": "pangolin"}).json()
    assert pangolin["total"] == 6 and {a["commodity"] for a in pangolin["items"]} == {"pangolin"}
    assert client.get("/api/alerts", params={"min_score": 0.7}).json()["total"] == 4
    assert client.get("/api/alerts", params={"state": "nope"}).status_code == 422
    assert client.get("/api/alerts", params={"limit": 10_000}).status_code == 422


def test_api_alert_detail_and_state_changes(store: SqliteStore, client: TestClient) -> None:
    (alert,) = populate(store, standard_pairs(1))
    body = client.get(f"/api/alerts/{alert.id}").json()
    assert body["alert"]["id"] == alert.id and body["listing"]["key"] == "wildfeed:L0"
    assert body["detection"]["commodity"] == "ivory"
    assert [h["action"] for h in body["history"]] == ["created"]
    assert body["versions"][0]["content_hash"] == body["listing"]["content_hash"]
    url = f"/api/alerts/{alert.id}/state"
    change = {"state": "confirmed", "actor": "ana", "expected_version": 1, "note": "n"}
    ok = client.post(url, json=change)
    assert ok.status_code == 200 and ok.json()["state"] == "confirmed" and ok.json()["version"] == 2
    conflict = client.post(url, json=change)
    assert conflict.status_code == 409 and conflict.json()["alert"]["version"] == 2
    assert client.post(url, json={**change, "state": "bogus"}).status_code == 422
    assert client.post(url, json={"state": "new"}).status_code == 422
    assert client.post("/api/alerts/none/state", json=change).status_code == 404
    # CSRF: a cross-site fetch is refused; a "simple" text/plain post is not parsed as JSON.
    retry = {**change, "expected_version": 2, "state": "dismissed"}
    cross = client.post(url, json=retry, headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403
    plain = client.post(url, content=json.dumps(retry), headers={"content-type": "text/plain"})
    assert plain.status_code == 422
    assert store.get_alert(alert.id).state == "confirmed"  # type: ignore[union-attr]
    assert client.get("/api/alerts/none").status_code == 404
    history = client.get(f"/api/alerts/{alert.id}").json()["history"]
    assert [(h["from_state"], h["to_state"], h["actor"]) for h in history][-1] == (
        "new",
        "confirmed",
        "ana",
    )


def test_api_search_stats_and_health(store: SqliteStore, client: TestClient) -> None:
    populate(store, standard_pairs(6))
    found = client.get("/api/search", params={"q": "bangle", "source": "wildfeed"}).json()
    assert found["total"] == 3 and {i["listing"]["source"] for i in found["items"]} == {"wildfeed"}
    assert found["facets"]["commodity"] == {"ivory": 3}
    stats = client.get("/api/stats").json()
    assert stats["counts"]["listings"] == 6 and stats["alerts_by_state"]["new"] == 6
    assert client.get("/healthz").json() == {"status": "ok"}


def test_api_histogram_counts_filtered_listings_per_interval(
    store: SqliteStore, client: TestClient
) -> None:
    pairs = standard_pairs(6)
    days = ["2024-05-01T10:00:00.000000Z", "2024-05-01T23:59:59.000000Z", "2024-05-03T00:00:00Z"]
    store.upsert_listings(
        [make_listing(n, fetched_at=days[n % 3]) for n in range(6)]
    )  # first seen on those days
    store.put_detections([(item.content_hash, det) for item, det in pairs])
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


def test_exports_neutralise_hostile_cells(store: SqliteStore, client: TestClient) -> None:
    bad = make_listing(5, title='=HYPERLINK("http://evil.example","x")', seller_id="@SUM(1+1)")
    populate(store, [*standard_pairs(3), (bad, make_detection(bad, 0.95))])
    response = client.get("/api/alerts.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 4
    assert rows[0]["title"] == "'" + bad.title and rows[0]["seller_id"] == "'@SUM(1+1)"
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())
    jsonl = client.get("/api/alerts.jsonl", params={"commodity": "ivory"})
    lines = jsonl.text.splitlines()
    assert len(lines) == 3 and "\\u003c" not in lines[0] and '"title":"=HYPERLINK' in lines[0]


# -- the real server -----------------------------------------------------------------


def test_real_uvicorn_server_in_a_thread_on_port_zero(store: SqliteStore) -> None:
    populate(store, standard_pairs(3))
    handle = start_in_thread(create_app(store), "127.0.0.1", 0)
    try:
        assert handle.port > 0 and handle.url == f"http://127.0.0.1:{handle.port}"
        with httpx.Client(base_url=handle.url, timeout=10) as http:
            page = http.get("/")
            assert page.status_code == 200 and "carved bangle 2" in page.text
            assert page.headers["content-security-policy"].startswith("default-src 'self'")
            assert http.get("/api/alerts").json()["total"] == 3
    finally:
        handle.stop()
    assert not handle.thread.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(handle.url + "/healthz", timeout=2)


# -- rendering helpers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:msgbox",
        "//evil.example/x",
        "/relative/path",
        "http://",
        "https://ok.example/\x00",
        "",
        None,
    ],
)
def test_safe_href_refuses_anything_but_absolute_http_urls(url: str | None) -> None:
    assert safe_href(url) is None


def test_safe_href_keeps_http_and_https_urls() -> None:
    for url in ("http://a.example/x?y=1", "HTTPS://b.example/", "https://[::1]:8080/p"):
        assert safe_href(url) == url


def test_highlight_escapes_then_marks_clipped_and_merged_spans() -> None:
    text = "<b>ivory</b> tusk"
    reasons = [
        Reason("term", "a", span=(3, 8)),
        Reason("term", "b", span=(5, 12)),  # overlaps the first: merged
        Reason("term", "c", span=(13, 99)),  # runs past the end: clipped
        Reason("term", "d", span=(50, 60)),  # outside the text: ignored
        Reason("model", "e"),
    ]
    assert str(highlight(text, reasons)) == (
        '&lt;b&gt;<mark title="reason 1, 2">ivory&lt;/b&gt;</mark> '
        '<mark title="reason 3">tusk</mark>'
    )


def test_snippet_marks_only_balanced_markers_and_escapes_the_rest() -> None:
    assert str(snippet("a «<i>x</i>» b » «")) == "a <mark>&lt;i&gt;x&lt;/i&gt;</mark> b » «"
