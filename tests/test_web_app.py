"""The web app's pages against a real ``SqliteStore`` in a temporary directory.

Routes go through ``TestClient`` (the real ASGI app, in process). The JSON API, exports
and the real server are in ``test_web_api.py``; the rendering helpers in
``test_web_render.py``.
"""

from __future__ import annotations

import re

import pytest
from factories import make_alert, make_listing
from fastapi.testclient import TestClient
from web_factories import (
    hostile_listing,
    hrefs,
    populate,
    standard_pairs,
    web_detection,
    web_listing,
)

from alerts.base import alert_id_for
from classifiers.base import LABEL_WILDLIFE, Detection, Reason, TextDoc
from index.sqlite import SqliteStore

# -- pages -----------------------------------------------------------------------------


def test_queue_lists_alerts_by_score_with_counts_sellers_and_pages(
    sqlite_store: SqliteStore, client: TestClient
) -> None:
    populate(sqlite_store, standard_pairs(12))
    page1 = client.get("/")
    assert page1.status_code == 200
    html = page1.text
    assert html.count('<tr class="state-new"') == 5
    scores = [float(s) for s in re.findall(r'<td class="num">([0-9.]+)</td>', html)]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(0.78, abs=0.01)
    assert 'new <span class="count">12</span>' in html
    assert "Page 1 of 3" in html
    assert 'rel="next" href="?page=2"' in html
    # seller11 has listings 2, 5, 8, 11 -> 4 alerts; the count is shown next to it.
    assert '>seller2</a> <span class="count" title="alerts by this seller">4</span>' in html
    last = client.get("/", params={"page": 3}).text
    assert last.count('<tr class="state-new"') == 2
    assert 'rel="prev"' in last


def test_queue_filters_by_state_source_commodity_and_seller(
    sqlite_store: SqliteStore, client: TestClient
) -> None:
    alerts = populate(sqlite_store, standard_pairs(12))
    sqlite_store.set_alert_state(alerts[0].id, "escalated", actor="ana", expected_version=1)
    html = client.get("/", params={"state": "escalated"}).text
    assert html.count("<tr class=") == 1
    assert alerts[0].title in html
    html = client.get("/", params={"source": "bazaar", "commodity": "pangolin"}).text
    assert html.count("<tr class=") == 5
    assert "(6)" in html
    html = client.get("/", params={"seller": "seller0"}).text
    assert "(4)" in html
    assert client.get("/", params={"state": "bogus"}).status_code == 422


def test_detail_shows_listing_detection_reasons_versions_and_history(
    sqlite_store: SqliteStore, client: TestClient
) -> None:
    item = web_listing(1, text="a real tusk, white as snow")
    (alert,) = populate(sqlite_store, [(item, web_detection(item, 0.9))])
    changed = web_listing(
        1, text="a real tusk, white as snow, price drop", fetched_at="2024-05-02T00:00:00.000000Z"
    )
    populate(sqlite_store, [(changed, web_detection(changed, 0.9))])
    sqlite_store.mark_removed([item.key], "2024-05-03T00:00:00Z")
    sqlite_store.set_alert_state(
        alert.id, "triaged", actor="ana", expected_version=1, note="looks real"
    )
    html = client.get(f"/alerts/{alert.id}").text
    assert '<a href="https://bazaar.example/item/1" rel="noopener noreferrer nofollow">' in html
    assert '<mark title="reason 2">tusk</mark>' in html
    assert '<mark title="reason 1">white</mark>' in html
    assert "Loxodonta africana" in html
    assert "lexicon@1" in html
    assert "code_word: white" in html
    assert item.content_hash in html
    assert changed.content_hash in html
    assert "2024-05-02T00:00:00.000000Z" in html
    assert "2024-05-03T00:00:00Z" in html
    assert f"{1:064x}" in html
    assert "ana" in html
    assert "looks real" in html
    assert 'name="expected_version" value="2"' in html
    # Images not captured as evidence are named, never loaded from the live site.
    assert "not captured" in html
    assert '<code class="unsafe-url">https://bazaar.example/img/1.jpg' in html
    assert client.get("/alerts/nope").status_code == 404


def test_hostile_listing_is_escaped_and_never_linked(
    sqlite_store: SqliteStore, client: TestClient
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
    (alert,) = populate(sqlite_store, [(bad, det)])
    pages = [
        client.get("/"),
        client.get(f"/alerts/{alert.id}"),
        client.get("/search", params={"q": "tusk"}),
    ]
    for response in pages:
        html = response.text.replace('<script src="/static/desk.js" defer></script>', "")
        assert response.status_code == 200
        assert "<script" not in html
        assert "<img" not in html
        assert "<b>" not in html
        assert "<i>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert not any(h.lower().startswith(("javascript:", "data:")) for h in hrefs(html))
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    detail = pages[1].text
    assert '<mark title="reason 1">&lt;script&gt;alert(3)&lt;/sc</mark>' in detail
    assert '<code class="unsafe-url">javascript:alert(document.cookie)</code>' in detail
    assert '<code class="unsafe-url">https://ok.example/a.jpg</code>' in detail
    assert "https://ok.example/a.jpg" not in hrefs(detail)  # the live site is never linked
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in detail


def test_state_form_changes_state_and_reports_conflicts(
    sqlite_store: SqliteStore, client: TestClient
) -> None:
    (alert,) = populate(sqlite_store, standard_pairs(1))
    url = f"/alerts/{alert.id}/state"
    form = {"state": "escalated", "actor": "ana", "expected_version": "1", "note": "seller network"}
    done = client.post(url, data=form, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/alerts/{alert.id}"
    current = sqlite_store.get_alert(alert.id)
    assert current is not None
    assert (current.state, current.version) == ("escalated", 2)
    assert [h.note for h in sqlite_store.alert_history(alert.id)][-1] == "seller network"
    stale = client.post(url, data={**form, "state": "dismissed", "reason": "duplicate"})
    assert stale.status_code == 409
    assert "Someone changed this alert" in stale.text
    assert "seller network</textarea>" in stale.text  # the typed note is kept
    assert sqlite_store.get_alert(alert.id).state == "escalated"  # type: ignore[union-attr]
    assert client.post(url, data={**form, "state": "gone"}).status_code == 422
    # The actor is the signed-in account, whatever a form says; a forged token is refused.
    forged = client.post(
        url,
        data={**form, "expected_version": "2", "csrf_token": "forged"},
        headers={"X-CSRF-Token": ""},
    )
    assert forged.status_code == 403
    assert client.post("/alerts/nope/state", data=form).status_code == 404
    cross = client.post(
        url, data={**form, "expected_version": "2"}, headers={"origin": "http://evil.example"}
    )
    assert cross.status_code == 403
    assert sqlite_store.get_alert(alert.id).version == 2  # type: ignore[union-attr]


def test_search_page_shows_hits_facets_and_highlights(
    sqlite_store: SqliteStore, client: TestClient
) -> None:
    populate(sqlite_store, standard_pairs(6))
    html = client.get("/search", params={"q": "bangle"}).text
    assert "6 listings" in html
    assert "<mark>bangle</mark>" in html
    assert 'href="?q=bangle&amp;source=bazaar">bazaar</a> <span class="count">3</span>' in html
    narrowed = client.get("/search", params={"q": "bangle", "source": "bazaar"}).text
    assert "3 listings" in narrowed
    assert f'href="/alerts/{alert_id_for("bazaar:L1")}"' in narrowed


def test_static_css_is_served_and_pages_load_nothing_external(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert "text/css" in css.headers["content-type"]
    assert "@import" not in css.text
    assert "url(" not in css.text
    html = client.get("/").text
    assert '<link rel="stylesheet" href="/static/style.css">' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert client.get("/docs").status_code == 404


def test_queue_puts_the_highest_priority_first_and_shows_it(
    sqlite_store: SqliteStore, client: TestClient
) -> None:
    listings = [make_listing(listing_id=str(i)) for i in range(3)]
    sqlite_store.upsert_alerts(
        [
            make_alert(listings[0], score=0.99, priority=35.0),
            make_alert(listings[1], score=0.70, priority=88.0),
            make_alert(listings[2], score=0.95, priority=60.0),
        ]
    )
    html = client.get("/").text
    shown = [float(p) for p in re.findall(r'<td class="num priority">([0-9.]+)</td>', html)]
    assert shown == [88.0, 60.0, 35.0]
    assert ">Priority</th>" in html
