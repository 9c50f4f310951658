"""Digests and saved searches end to end: the real store, accounts, feed ledger and
subscriptions as ``wildtrace run``'s digest job opens them (``run_digests``), sending to
a real SMTP server on loopback (aiosmtpd with STARTTLS).

What must hold: a partner's digest holds its own platform's items only and each item
once; a campaigner's holds published counts only (no listing, URL or seller); an
investigator's saved search mails its new matches once; nothing new, nothing sent; a
send that fails is sent on the next run (the cursor did not move)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from factories import make_detection, make_listing
from smtp_server import smtp_server
from web_accounts import make_accounts

from alerts.rules import ThresholdRule, apply_rules
from index.base import AlertFilter
from index.sqlite import SqliteStore
from outreach.service import Notifications
from outreach.subscriptions import Subscriptions
from wildtrace.config import Settings, load_settings
from wildtrace.outreach_wiring import build_mailer, run_digests

SECRET_URL = "https://tradepost.example/secret-listing"


def _world(tmp_path: Path, port: int, cafile: Path) -> Settings:
    settings = load_settings(env={
        "WILDTRACE_DATA_DIR": str(tmp_path), "WILDTRACE_MAIL_MODE": "smtp",
        "WILDTRACE_MAIL_HOST": "127.0.0.1", "WILDTRACE_MAIL_PORT": str(port),
        "WILDTRACE_MAIL_CAFILE": str(cafile),
    })  # fmt: skip
    listings = [
        make_listing(source="bazaar", listing_id="B1", title="Rhino horn cup",
                     url="https://bazaar.example/B1", seller_id="horn-seller"),
        make_listing(source="tradepost", listing_id="T1", title="Pangolin scales",
                     url=SECRET_URL, seller_id="scale-seller"),
    ]  # fmt: skip
    store = SqliteStore(settings.sqlite_path)
    store.init()
    store.upsert_listings(listings)
    pairs = [(item, make_detection(item, intent="buy")) for item in listings]
    store.put_detections((item.content_hash, det) for item, det in pairs)
    store.upsert_alerts(apply_rules([ThresholdRule(0.5)], pairs))
    for alert in store.iter_alerts(AlertFilter()):
        store.set_alert_state(alert.id, "confirmed", actor="ana", expected_version=alert.version)
    make_accounts(tmp_path).close()
    subs = Subscriptions(tmp_path / "feeds.db")
    notify = Notifications(store, subs)
    notify.subscribe("pat", "feed", "pat@platform.example", "2026-01-01T00:00:00Z")
    notify.subscribe("cam", "audience", "cam@ngo.example", "2026-01-01T00:00:00Z")
    notify.save_search("ana", "horns", {"q": "rhino"}, 0.5, "ana@desk.example", "2000-01-01")
    subs.close()
    store.close()
    return settings


def _by_rcpt(inbox: Any) -> dict[str, str]:
    return {
        m.rcpt_tos[0]: m.message.get_payload(decode=True).decode("utf-8") for m in inbox.messages
    }


def test_each_reader_gets_what_it_may_see_once(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        settings = _world(tmp_path, server.port, server.cafile)
        counts = run_digests(settings)
        assert counts == {"matched": 1, "feed": 1, "audience": 1, "search": 1}
        mail = _by_rcpt(server.inbox)
        assert all(m.tls for m in server.inbox.messages)
        assert "Rhino horn cup" in mail["pat@platform.example"]
        assert "https://bazaar.example/B1" in mail["pat@platform.example"]
        assert "Pangolin" not in mail["pat@platform.example"]  # not pat's platform
        campaigner = mail["cam@ngo.example"]
        for secret in ("Rhino", "Pangolin", SECRET_URL, "bazaar.example", "seller"):
            assert secret not in campaigner
        assert "cell(s) suppressed" in campaigner  # two listings: every cell under k
        assert "Rhino horn cup" in mail["ana@desk.example"]
        assert "Pangolin" not in mail["ana@desk.example"]  # the search was "rhino"
        server.inbox.messages.clear()
        again = run_digests(settings)
        assert (again["feed"], again["search"], again["matched"]) == (0, 0, 0)
        assert [m.rcpt_tos for m in server.inbox.messages] == [["cam@ngo.example"]]


def test_a_failed_send_is_sent_next_time(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        settings = _world(tmp_path, server.port, server.cafile)
    # The server is gone: nothing is sent, and nothing is marked sent.
    down = run_digests(settings)
    assert (down["feed"], down["search"]) == (0, 0)
    with smtp_server(tmp_path) as server:
        settings = load_settings(env={
            "WILDTRACE_DATA_DIR": str(tmp_path), "WILDTRACE_MAIL_MODE": "smtp",
            "WILDTRACE_MAIL_PORT": str(server.port), "WILDTRACE_MAIL_CAFILE": str(server.cafile),
        })  # fmt: skip
        up = run_digests(settings)
        assert (up["feed"], up["search"]) == (1, 1)
        assert "Rhino horn cup" in _by_rcpt(server.inbox)["pat@platform.example"]


def test_dry_run_sends_nothing_and_keeps_a_copy(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        settings = _world(tmp_path, server.port, server.cafile)
        dry = load_settings(
            env={"WILDTRACE_DATA_DIR": str(tmp_path), "WILDTRACE_MAIL_MODE": "dry-run"}
        )
        assert build_mailer(dry).mode == "dry-run"
        counts = run_digests(dry)
        assert counts["feed"] == 1 and server.inbox.messages == []
    copies = sorted(p.read_text() for p in (tmp_path / "mail").glob("*.eml"))
    assert any("To: pat@platform.example" in c and "Rhino horn cup" in c for c in copies)
    assert settings.mail.mode == "smtp"
