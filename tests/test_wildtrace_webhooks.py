"""``wildtrace webhooks``: from an investigator's confirmation to a signed delivery at a
real receiver on 127.0.0.1 (admin-allowed), through the real store, accounts, ledger."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import make_detection, make_listing
from test_outreach_notify_outbox import Receiver
from web_accounts import CHEAP

from accounts.sqlite import SqliteAccounts
from alerts.rules import ThresholdRule, apply_rules
from index.base import AlertFilter
from index.sqlite import SqliteStore
from wildtrace.cli import main
from wildtrace.config import load_settings
from wildtrace.outreach_wiring import build_outbox
from wildtrace.outreach_wiring import push_webhooks as push


def test_a_confirmed_alert_reaches_the_partners_webhook_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    receiver = Receiver()
    env = {
        "WILDTRACE_DATA_DIR": str(tmp_path),
        "WILDTRACE_FEEDS_WEBHOOK_ALLOW_PRIVATE": "127.0.0.1",
    }
    settings = load_settings(env=env)
    listings = [
        make_listing(source=s, listing_id=i) for s, i in (("bazaar", "1"), ("tradepost", "2"))
    ]
    pairs = [(item, make_detection(item)) for item in listings]
    store = SqliteStore(settings.sqlite_path)
    store.init()
    store.upsert_listings(listings)
    store.upsert_alerts(apply_rules([ThresholdRule(0.5)], pairs))
    accounts = SqliteAccounts(tmp_path / "accounts.db", hasher=CHEAP)
    accounts.add_user("pat", "a long partner password", "partner", sources=("bazaar",))
    accounts.close()
    outbox = build_outbox(settings)
    secret = outbox.add_channel("pat", receiver.url, at="2026-11-30T20:00:00Z")
    assert secret
    receiver.secret = secret
    assert push(settings, outbox)["queued"] == 0  # nothing confirmed yet
    for alert in store.iter_alerts(AlertFilter()):
        store.set_alert_state(alert.id, "confirmed", actor="ana", expected_version=1)
    store.close()
    assert push(settings, outbox) == {"queued": 1, "delivered": 1, "retry": 0, "dead": 0,
                                      "dry_run": 0}  # fmt: skip
    assert push(settings, outbox)["queued"] == 0
    (got,) = receiver.requests
    assert got["valid"] and got["body"]["platform"] == "bazaar"  # not tradepost's item
    assert got["body"]["listing_url"] == listings[0].url
    outbox.close()
    receiver.server.shutdown()
    receiver.server.server_close()


def test_the_cli_refuses_a_private_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("WILDTRACE_DATA_DIR", str(tmp_path))
    assert main(["webhooks", "add", "pat", "http://10.0.0.7/hook"]) == 2
    assert "private" in capsys.readouterr().err
