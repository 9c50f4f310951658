"""Web hardening (issue 14): Host validation, body limits, paging overflow, JSON escaping,
bidirectional isolation of scraped text, a private data folder. The app as configured by
the composition root, over a real SQLite store."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from factories import make_alert, make_detection, make_listing
from fastapi.testclient import TestClient
from web_accounts import make_accounts, sign_in

from wildtrace import components
from wildtrace.config import Settings
from wildtrace.demo import loopback_settings

HOSTILE = "</script><script>alert(1)</script> & \u202eevil\u202c"


@pytest.fixture
def app_and_settings(tmp_path: Path) -> Iterator[tuple[TestClient, Settings]]:
    settings = loopback_settings(tmp_path / "var")
    accounts = make_accounts(tmp_path)
    store = components.open_store(settings)
    listing = make_listing(title=HOSTILE, seller_name=HOSTILE)
    store.upsert_listings([listing])
    store.put_detections([(listing.content_hash, make_detection(listing))])
    store.upsert_alerts([make_alert(listing)])
    client = TestClient(
        components.web_app(settings, store, accounts), base_url="http://127.0.0.1:8000"
    )
    sign_in(client, "ana")
    try:
        yield client, settings
    finally:
        store.close()
        accounts.close()


def test_a_foreign_host_header_is_refused(app_and_settings: tuple[TestClient, Settings]) -> None:
    client, _ = app_and_settings
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz", headers={"Host": "localhost:8000"}).status_code == 200
    refused = client.get("/api/alerts", headers={"Host": "rebind.attacker.example:8000"})
    assert refused.status_code == 400 and "ivory" not in refused.text


def test_configured_names_replace_the_defaults(tmp_path: Path) -> None:
    settings = loopback_settings(tmp_path)
    settings = replace(settings, web=replace(settings.web, allowed_hosts=["wildtrace.lab"]))
    accounts = make_accounts(tmp_path)
    with components.store_session(settings) as store:
        app = components.web_app(settings, store, accounts)
        client = TestClient(app, base_url="http://wildtrace.lab")
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz", headers={"Host": "127.0.0.1"}).status_code == 400
    accounts.close()


def test_an_oversized_body_is_refused_unread_and_not_echoed(
    app_and_settings: tuple[TestClient, Settings],
) -> None:
    client, settings = app_and_settings
    alert_id = client.get("/api/alerts").json()["items"][0]["id"]
    big = json.dumps({"state": "x" * 2_000_000, "actor": "a", "expected_version": 1})
    response = client.post(f"/api/alerts/{alert_id}/state", content=big,
                           headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 413 and len(response.content) < 200

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(40):
            yield b"x" * 10_000

    streamed = client.post(f"/api/alerts/{alert_id}/state", content=chunks())
    assert streamed.status_code == 413
    assert settings.web.max_body_bytes < 400_000


@pytest.mark.parametrize("path", ["/api/alerts", "/api/search"])
def test_an_offset_past_any_page_is_422_not_500(
    app_and_settings: tuple[TestClient, Settings], path: str
) -> None:
    client, _ = app_and_settings
    for offset in ("99999999999999999999999999", "10001"):
        response = client.get(path, params={"offset": offset})
        assert response.status_code == 422 and response.json()["error"] == "bad_request"


def test_json_escapes_markup_and_keeps_the_value(
    app_and_settings: tuple[TestClient, Settings],
) -> None:
    client, _ = app_and_settings
    response = client.get("/api/alerts")
    assert b"<" not in response.content and b">" not in response.content
    assert b"&" not in response.content
    assert response.json()["items"][0]["title"] == HOSTILE


def test_scraped_text_is_isolated_for_bidi(app_and_settings: tuple[TestClient, Settings]) -> None:
    client, _ = app_and_settings
    queue = client.get("/").text
    assert (
        "<bdi>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; \u202eevil\u202c</bdi>"
        in queue
    )
    alert_id = client.get("/api/alerts").json()["items"][0]["id"]
    detail = client.get(f"/alerts/{alert_id}").text
    assert detail.count("<bdi>") >= 2 and "<script>alert" not in detail


def test_data_folder_and_database_are_private(
    app_and_settings: tuple[TestClient, Settings],
) -> None:
    _, settings = app_and_settings
    assert stat.S_IMODE(settings.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(settings.sqlite_path.stat().st_mode) == 0o600
