"""Alerts carry their seller network (``Alert.network``) on every backend: stored, listed,
filtered by, refreshed on a re-raise (an unknown network never erases a known one) and
relabelled when networks merge, without touching the triage version."""

from __future__ import annotations

from dataclasses import replace

from factories import make_alert, make_listing

from index.base import AlertFilter, Store


def test_network_is_stored_filtered_and_relabelled(store: Store) -> None:
    a = make_alert(make_listing(listing_id="a"), network="Naaa")
    b = make_alert(make_listing(listing_id="b"), network="Nbbb")
    c = make_alert(make_listing(listing_id="c"), network="Naaa")
    d = make_alert(make_listing(listing_id="d"))  # no network known
    assert store.upsert_alerts([a, b, c, d]) == 4
    got = store.get_alert(a.id)
    assert got is not None and got.network == "Naaa"
    assert {x.id for x in store.list_alerts(AlertFilter(network="Naaa"))} == {a.id, c.id}
    assert store.count_alerts(AlertFilter(network="Nbbb")) == 1
    assert store.count_alerts(AlertFilter(network="Nzzz")) == 0
    # Nbbb was absorbed by Naaa; Nnone names no alert.
    assert store.relabel_alert_networks({"Nbbb": "Naaa", "Nnone": "Naaa"}) == 1
    moved = store.get_alert(b.id)
    assert moved is not None and moved.network == "Naaa" and moved.version == b.version
    assert store.count_alerts(AlertFilter(network="Naaa")) == 3
    assert store.alert_history(b.id)[-1].action == "created"  # not a triage event
    unknown = store.get_alert(d.id)
    assert unknown is not None and unknown.network is None


def test_reraise_refreshes_the_network_but_never_erases_it(store: Store) -> None:
    alert = make_alert(make_listing(), network="Nold")
    store.upsert_alerts([alert])
    store.upsert_alerts([replace(alert, network=None, updated_at="2026-11-02T00:00:00Z")])
    kept = store.get_alert(alert.id)
    assert kept is not None and kept.network == "Nold"
    store.upsert_alerts([replace(alert, network="Nnew", updated_at="2026-11-03T00:00:00Z")])
    moved = store.get_alert(alert.id)
    assert moved is not None and moved.network == "Nnew" and moved.version == alert.version
