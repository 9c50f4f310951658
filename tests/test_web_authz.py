"""The authorisation matrix: every role (and the anonymous) × every route of the app,
HTML and API, against the expected allow/deny. A route added without a row here fails
``test_every_route_is_in_the_matrix``, so nothing becomes reachable by accident. The app
is built with a seller graph holding the listing's network, so the network pages and
downloads are walked with a real network id, not a 404."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from factories import make_detection, make_listing
from fastapi.testclient import TestClient
from web_accounts import USERS, make_accounts, sign_in

from accounts.sqlite import SqliteAccounts
from alerts.base import alert_id_for
from alerts.networks.graph import NetworkGraph
from classifiers.entities import EntityExtractor
from index.sqlite import SqliteStore
from index.sqlite_graph import SqliteGraphStorage
from web.app import create_app
from wildtrace.networks import Networks, link_listings

LISTING = make_listing(
    listing_id="1", title="Carved ivory bangle", text="WhatsApp +62 812 5550 7788", lang_hint="id"
)
ALERT = alert_id_for(LISTING.key)
SHA = "0" * 64
# (method, path template, who may: "desk" | "any" (signed in) | "public")
MATRIX: list[tuple[str, str, str]] = [
    ("GET", "/healthz", "public"),
    # The OpenAPI description: the API's shape only, no data (FastAPI serves it unauthenticated).
    ("GET", "/api/openapi.json", "public"),
    ("GET", "/login", "public"),
    ("POST", "/login", "public"),
    ("POST", "/logout", "any"),
    ("GET", "/account", "any"),
    ("GET", "/api/me", "any"),
    ("GET", "/", "desk"),
    ("GET", "/search", "desk"),
    ("GET", "/dashboard", "desk"),
    ("GET", "/alerts/{alert_id}", "desk"),
    ("POST", "/alerts/{alert_id}/state", "desk"),
    ("POST", "/alerts/bulk", "desk"),
    ("POST", "/alerts/{alert_id}/assign", "desk"),
    ("GET", "/listings/{key:path}", "desk"),
    ("POST", "/listings/{key:path}/alert", "desk"),
    ("GET", "/sellers/{source}/{seller_id:path}", "desk"),
    ("GET", "/contacts/{key:path}", "desk"),
    ("GET", "/evidence/{sha}", "desk"),
    ("GET", "/evidence/{sha}/raw", "desk"),
    ("GET", "/evidence/{sha}/frame", "desk"),
    ("GET", "/api/alerts", "desk"),
    ("GET", "/api/alerts.csv", "desk"),
    ("GET", "/api/alerts.jsonl", "desk"),
    ("GET", "/api/alerts/{alert_id}", "desk"),
    ("POST", "/api/alerts/{alert_id}/state", "desk"),
    ("GET", "/api/search", "desk"),
    ("GET", "/api/histogram", "desk"),
    ("GET", "/api/stats", "desk"),
    # Issue 9: takedown feeds (partner: own sources; desk: all), acknowledgements
    # (partners only), audiences (campaigners and the desk), webhooks (admins).
    ("GET", "/api/v1/feeds/takedown", "feed"),
    ("GET", "/api/v1/feeds/takedown.csv", "feed"),
    ("POST", "/api/v1/feeds/takedown/{item_id}/ack", "partner"),
    ("GET", "/api/v1/feeds/acks", "feed"),
    ("GET", "/feed", "feed"),
    ("POST", "/feed/{item_id}/ack", "partner"),
    ("GET", "/feeds/acks", "feed"),
    ("GET", "/api/v1/audiences", "audience"),
    ("GET", "/api/v1/audiences.csv", "audience"),
    ("GET", "/audiences", "audience"),
    ("POST", "/api/v1/admin/webhooks", "admin"),
    ("GET", "/api/v1/admin/webhooks/dead-letters", "admin"),
    ("POST", "/api/v1/admin/webhooks/dead-letters/{delivery_id}/replay", "admin"),
    ("GET", "/admin/dead-letters", "admin"),
    ("POST", "/admin/dead-letters/{delivery_id}/replay", "admin"),
    # Issue 9, second round: API docs (public, like the description), transparency CSV,
    # saved searches (desk, own only), digests (any signed-in account; the role decides
    # which kind), hashed contact lists (audience readers, when an admin enabled them).
    ("GET", "/api/docs", "public"),
    ("GET", "/openapi.json", "public"),
    ("GET", "/dashboard/transparency.csv", "desk"),
    ("POST", "/search/save", "desk"),
    ("GET", "/saved-searches", "desk"),
    ("POST", "/saved-searches/run", "desk"),
    ("POST", "/saved-searches/{search_id}/delete", "desk"),
    ("GET", "/api/v1/saved-searches", "desk"),
    ("POST", "/digests/subscribe", "any"),
    ("POST", "/digests/unsubscribe", "any"),
    ("GET", "/audiences/contacts", "audience"),
    ("POST", "/audiences/contacts.csv", "audience"),
    ("GET", "/networks", "desk"),
    ("GET", "/networks/lookup", "desk"),
    ("GET", "/networks/{network_id}", "desk"),
    ("GET", "/networks/{network_id}/export.{fmt}", "desk"),
]
FILL = {
    "{alert_id}": ALERT,
    "{key:path}": LISTING.key,
    "{source}": "bazaar",
    "{seller_id:path}": LISTING.seller_id or "x",
    "{sha}": SHA,
    "{item_id}": ALERT,
    "{delivery_id}": "1",
    "{search_id}": "1",
    "{fmt}": "stix",
}
ROLES = {"anonymous": None, **{name: USERS[name][0] for name in USERS}}


def concrete(path: str, network_id: str) -> str:
    for hole, value in {**FILL, "{network_id}": network_id}.items():
        path = path.replace(hole, value)
    return path


@dataclass
class Parts:
    """What the matrix's app is built around: the store, the accounts, the seller graph
    and the network id of the one listing."""

    store: SqliteStore
    accounts: SqliteAccounts
    graph: SqliteGraphStorage
    network_id: str

    def app(self) -> Any:
        return create_app(self.store, accounts=self.accounts, networks=self.graph)


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Parts]:
    tmp: Path = tmp_path_factory.mktemp("authz")
    store = SqliteStore(tmp / "wildtrace.db")
    store.init()
    store.upsert_listings([LISTING])
    conn = sqlite3.connect(tmp / "graph.db", isolation_level=None, check_same_thread=False)
    graph = SqliteGraphStorage(conn)
    networks = Networks(NetworkGraph(graph), graph, EntityExtractor(), graph.transaction,
                        conn.close)  # fmt: skip
    (detection,) = link_listings(networks, [LISTING], [make_detection(LISTING, lang="id")])
    store.put_detections([(LISTING.content_hash, detection)])
    accounts = make_accounts(tmp)
    yield Parts(store, accounts, graph, str(detection.extra["network"]))
    accounts.close()
    conn.close()
    store.close()


def _walk(routes: list[Any]) -> Iterator[Any]:
    """Every route, inside included routers too (newer FastAPI keeps them nested)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _walk(inner.routes)
        else:
            yield route


def test_every_route_is_in_the_matrix(parts: Parts) -> None:
    app = parts.app()
    routes = {
        (method, route.path)
        for route in _walk(app.routes)
        for method in getattr(route, "methods", None) or ()
        if method != "HEAD"
    }
    assert routes == {(m, p) for m, p, _ in MATRIX}


def allowed(rule: str, role: str | None) -> bool:
    if rule == "public":
        return True
    if rule == "any":
        return role is not None
    if rule == "feed":
        return role in ("admin", "investigator", "partner")
    if rule == "partner":
        return role == "partner"
    if rule == "audience":
        return role in ("admin", "investigator", "campaigner")
    if rule == "admin":
        return role == "admin"
    return role in ("admin", "investigator")


@pytest.mark.parametrize("who", list(ROLES))
def test_matrix(parts: Parts, who: str) -> None:
    app = parts.app()
    role = ROLES[who]
    with TestClient(app) as client:
        if role is not None:
            sign_in(client, who)
        failures = []
        for method, template, rule in MATRIX:
            if template in ("/logout", "/login") and method == "POST":
                continue  # signing in/out is exercised by sign_in and the browser test
            path = concrete(template, parts.network_id)
            response = client.request(
                method,
                path,
                follow_redirects=False,
                **(
                    {"json": {"state": "triaged", "expected_version": 1}}
                    if path.startswith("/api/") and method == "POST"
                    else {"data": {"csrf_token": "wrong"}}
                    if method == "POST"
                    else {}
                ),
            )
            status = response.status_code
            if allowed(rule, role):
                # Allowed: never refused for who you are (a bad body may still be a 4xx).
                ok = status not in (401, 403) or (method == "POST" and "CSRF" in response.text)
            elif role is None:
                ok = (
                    (status == 401)
                    if path.startswith("/api/")
                    else (status == 303 and response.headers["location"].startswith("/login?next="))
                )
            else:
                ok = status == 403
            if not ok:
                failures.append(f"{who} {method} {path} -> {status}")
        assert failures == []


def test_api_refusals_have_the_json_error_shape(parts: Parts) -> None:
    app = parts.app()
    with TestClient(app) as client:
        anonymous = client.get("/api/alerts")
        assert anonymous.status_code == 401 and anonymous.json()["error"] == "unauthenticated"
        sign_in(client, "pat")
        partner = client.get("/api/alerts")
        assert partner.status_code == 403 and partner.json()["error"] == "forbidden"
        page = client.get("/")
        assert page.status_code == 403 and "<title>403" in page.text  # an HTML page


def test_tokens_and_disabled_accounts(parts: Parts) -> None:
    accounts = parts.accounts
    app = parts.app()
    token = accounts.new_token("ana", "matrix")
    with TestClient(app) as client:
        auth = {"authorization": f"Bearer {token}"}
        assert client.get("/api/alerts", headers=auth).status_code == 200
        assert (
            client.get("/api/alerts", headers={"authorization": "Bearer wt_nope"}).status_code
            == 401
        )
        # A bearer token needs no CSRF token; the actor is the token's account.
        moved = client.post(
            f"/api/alerts/{ALERT}/state",
            headers=auth,
            json={"state": "triaged", "expected_version": 1, "note": "by token"},
        )
        assert moved.status_code in (200, 404, 409)
        accounts.set_disabled("ana", True)
        try:
            assert client.get("/api/alerts", headers=auth).status_code == 401
        finally:
            accounts.set_disabled("ana", False)
