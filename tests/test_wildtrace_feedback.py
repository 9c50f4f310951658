"""``wildtrace export-feedback``: triage decisions round-trip into training rows."""

from __future__ import annotations

import json
from pathlib import Path

from factories import make_alert, make_detection, make_listing, make_sqlite_store

from alerts.base import STATE_CONFIRMED, STATE_DISMISSED, STATE_TRIAGED
from classifiers.train.feedback import load_feedback
from wildtrace.cli import main


def _triaged_store(tmp_path: Path) -> None:
    store = make_sqlite_store(tmp_path)
    decisions = {"1": STATE_CONFIRMED, "2": STATE_DISMISSED, "3": STATE_TRIAGED, "4": None}
    listings = [
        make_listing(listing_id=i, title=f"Listing {i}", text=f"text of {i}") for i in decisions
    ]
    store.upsert_listings(listings)
    store.put_detections(
        (x.content_hash, make_detection(x, commodity="rhino_horn", intent="buy")) for x in listings
    )
    store.upsert_alerts(make_alert(x) for x in listings)
    for listing in listings:
        state = decisions[listing.listing_id]
        if state:
            alert = make_alert(listing)
            reason = "not_wildlife" if state == STATE_DISMISSED else None
            store.set_alert_state(alert.id, state, actor="ana", expected_version=1, reason=reason)
    store.close()


def test_confirmed_and_dismissed_alerts_become_labelled_examples(tmp_path: Path) -> None:
    _triaged_store(tmp_path)
    config = tmp_path / "wildtrace.toml"
    config.write_text(f'[data]\ndir = "{tmp_path}"\n', encoding="utf-8")
    out = tmp_path / "feedback.jsonl"

    assert main(["--config", str(config), "export-feedback", "--output", str(out)]) == 0

    examples = {e["id"]: e for e in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(examples) == {"bazaar:1", "bazaar:2"}  # undecided alerts carry no label
    confirmed, dismissed = examples["bazaar:1"], examples["bazaar:2"]
    assert confirmed["label"] == "wildlife"
    assert (confirmed["commodity"], confirmed["intent"]) == ("rhino_horn", "buy")
    assert confirmed["text"] == "text of 1"
    assert confirmed["title"] == "Listing 1"
    assert dismissed["label"] == "clean"
    assert (dismissed["commodity"], dismissed["intent"]) == (None, "other")

    rows = {r["id"]: r for r in load_feedback([out])}
    assert rows["fb:bazaar:1"]["label"] == "wildlife"
    assert rows["fb:bazaar:2"]["label"] == "clean"
    assert all(r["split"] == "train" for r in rows.values())
