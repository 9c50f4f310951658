"""The transparency report over a real store and ledger: only the crawler's observation
counts as removed; percentiles of time to removal; HTML escaped; CSV formula-safe."""

from __future__ import annotations

from pathlib import Path

from factories import make_detection, make_listing

from alerts.rules import ThresholdRule, apply_rules
from index.sqlite import SqliteStore
from outreach.ledger import FeedLedger
from outreach.transparency import report, to_csv, to_html


def test_report_counts_observed_removals_only(tmp_path: Path) -> None:
    items = [make_listing(source=s, listing_id=str(n)) for n, s in
             enumerate(["bazaar"] * 4 + ["=evil<b>"])]  # fmt: skip
    pairs = [(i, make_detection(i)) for i in items]
    store = SqliteStore(tmp_path / "w.db")
    store.init()
    store.upsert_listings(items)
    alerts = apply_rules([ThresholdRule(0.5)], pairs)
    store.upsert_alerts(alerts)
    ledger = FeedLedger(tmp_path / "feeds.db")
    ledger.enter([(a.id, a.source, "confirmed") for a in alerts], "2026-11-01T00:00:00Z")
    by_key = {a.listing_key: a for a in alerts}
    # Partner says removed for 0 and 1; the crawler saw 0 gone after 2 h and 2 after 10 h.
    for n in (0, 1):
        ledger.acknowledge(by_key[items[n].key].id, "pat", "removed", "", "2026-11-01T01:00:00Z")
    store.mark_removed([items[0].key], "2026-11-01T02:00:00Z")
    store.mark_removed([items[2].key], "2026-11-01T10:00:00Z")
    rows = {r.platform: r for r in report(store, ledger)}
    bazaar = rows["bazaar"]
    assert (bazaar.sent, bazaar.acknowledged, bazaar.verified_removed, bazaar.still_online) == (
        4, 2, 2, 2,
    )  # fmt: skip
    assert (bazaar.median_hours_to_removal, bazaar.p90_hours_to_removal) == (2.0, 10.0)
    assert rows["=evil<b>"].median_hours_to_removal is None
    assert report(store, ledger, since="2026-12-01") == []
    assert "<b>" not in to_html(list(rows.values()), "Nov") and "&lt;b&gt;" in to_html(
        list(rows.values()), "Nov"
    )
    assert "\r\n'=evil<b>," in to_csv(list(rows.values()))
    ledger.close()
    store.close()


def test_the_command_writes_html_and_csv(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    from wildtrace.cli import main

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("WILDTRACE_DATA_DIR", str(tmp_path))
    store = SqliteStore(tmp_path / "wildtrace.db")
    store.init()
    store.close()
    assert main(["transparency", "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "transparency.csv").read_text().startswith("platform,sent,")
    assert "<table>" in (tmp_path / "r" / "transparency.html").read_text()
