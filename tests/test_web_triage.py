"""Triage through the web app: the alert rules of ``alerts.base`` (transitions, actor,
dismissal reason) reach investigators as form errors and as the API's one error shape."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_factories import populate, standard_pairs

from index.sqlite import SqliteStore


def test_the_form_offers_only_allowed_states_and_the_dismissal_reasons(
    sqlite_store: SqliteStore, client: TestClient
) -> None:
    (alert,) = populate(sqlite_store, standard_pairs(1))
    html = client.get(f"/alerts/{alert.id}").text
    assert '<option value="new">' not in html  # the current state is not a change
    for state in ("triaged", "escalated", "confirmed", "dismissed"):
        assert f'<option value="{state}">' in html
    for reason in ("not_wildlife", "legal_product", "duplicate", "not_actionable"):
        assert f'<option value="{reason}">' in html


def test_dismissing_by_form_stores_the_reason(
    sqlite_store: SqliteStore, client: TestClient
) -> None:
    (alert,) = populate(sqlite_store, standard_pairs(1))
    url = f"/alerts/{alert.id}/state"
    form = {"state": "dismissed", "actor": "ana", "expected_version": "1", "note": "mine"}
    refused = client.post(url, data=form)
    assert refused.status_code == 422
    assert "dismissing needs a reason" in refused.text
    done = client.post(url, data={**form, "reason": "legal_product"}, follow_redirects=False)
    assert done.status_code == 303
    last = sqlite_store.alert_history(alert.id)[-1]
    assert (last.to_state, last.reason, last.note) == ("dismissed", "legal_product", "mine")
    history = client.get(f"/alerts/{alert.id}").text.split("Audit history")[1]
    assert "<td>legal product</td>" in history


def test_a_transition_the_rules_refuse_is_a_409_page(
    sqlite_store: SqliteStore, client: TestClient
) -> None:
    (alert,) = populate(sqlite_store, standard_pairs(1))
    sqlite_store.set_alert_state(alert.id, "confirmed", actor="ana", expected_version=1)
    form = {"state": "dismissed", "actor": "ben", "expected_version": "2", "reason": "duplicate"}
    page = client.post(f"/alerts/{alert.id}/state", data=form)
    assert page.status_code == 409
    assert "cannot go from confirmed to dismissed" in page.text


def test_api_errors_share_one_shape(sqlite_store: SqliteStore, client: TestClient) -> None:
    (alert,) = populate(sqlite_store, standard_pairs(1))
    url = f"/api/alerts/{alert.id}/state"
    good = {"state": "confirmed", "actor": "ana", "expected_version": 1}
    cases = {
        "missing fields": (client.post(url, json={"state": "new"}), 422, "bad_request"),
        "unknown state": (client.post(url, json={**good, "state": "x"}), 422, "bad_request"),
        "blank actor": (client.post(url, json={**good, "actor": "  "}), 422, "bad_request"),
        "no reason": (client.post(url, json={**good, "state": "dismissed"}), 422, "bad_request"),
        "unknown alert": (client.post("/api/alerts/x/state", json=good), 404, "not_found"),
        "bad filter": (client.get("/api/alerts", params={"state": "nope"}), 422, "bad_request"),
        "bad limit": (client.get("/api/alerts", params={"limit": "many"}), 422, "bad_request"),
        "no route": (client.get("/api/nothing-here"), 404, "not_found"),
    }
    for name, (response, status, kind) in cases.items():
        assert response.status_code == status, name
        body = response.json()
        assert set(body) == {"error", "detail"}, name
        assert body["error"] == kind, name
        assert isinstance(body["detail"], str) and body["detail"], name


def test_api_refused_transition_names_the_rule_and_returns_the_alert(
    sqlite_store: SqliteStore, client: TestClient
) -> None:
    (alert,) = populate(sqlite_store, standard_pairs(1))
    url = f"/api/alerts/{alert.id}/state"
    assert client.post(
        url, json={"state": "confirmed", "actor": "a", "expected_version": 1}
    ).is_success
    refused = client.post(
        url, json={"state": "dismissed", "actor": "b", "expected_version": 2, "reason": "duplicate"}
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["error"] == "bad_transition"
    assert body["alert"]["state"] == "confirmed"
    assert body["alert"]["version"] == 2
