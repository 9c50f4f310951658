"""Network exports: the STIX 2.1 bundle passes the ``stix2`` library's validation, the
dossier says where and when each identifier was seen, CSV cells cannot run as formulas."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
import stix2

from alerts.base import Network
from alerts.networks.graph import ListingFacts, NetworkGraph, Sighting
from alerts.networks.memory import MemoryGraphStorage
from alerts.networks.summary import summarise
from web.network_export import to_csv, to_json, to_stix

IDENTS = [
    "phone|+6281255507788",
    "email|ivy@proton.me",
    "handle:telegram|=cmd",
    "crypto_tron|TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    "iban|DE89370400440532013000",
]


@pytest.fixture
def network() -> Network:
    storage = MemoryGraphStorage()
    graph = NetworkGraph(storage)
    nid = ""
    for n, (source, seller) in enumerate(
        [("bazaar", "s1"), ("tradepost", "u2"), ("wildfeed", "@x")]
    ):
        node = f"s|{source}|{seller}"
        facts = ListingFacts(f"{source}:{n}", source, node, f"2026-11-0{n + 1}T10:00:00Z",
                             "ivory", 0.8, 250.0, "<b>tusk</b>")  # fmt: skip
        idents = IDENTS if n == 0 else IDENTS[:1]
        sightings = [Sighting(i, node, facts.listing_key, facts.seen_at, i) for i in idents]
        nid = graph.add_listing(facts, idents, sightings)
    net = summarise(storage, nid)
    assert net is not None
    return net


def test_stix_bundle_is_valid_and_complete(network: Network) -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    text = to_stix(network, now)
    bundle = stix2.parse(text, allow_custom=True)
    types = [o["type"] for o in bundle["objects"]]
    assert types.count("user-account") == 3 + 1  # three seller accounts, one Telegram handle
    for kind in ("identity", "email-addr", "x-wildtrace-phone-number", "grouping",
                 "x-wildtrace-cryptocurrency-wallet", "x-wildtrace-bank-account"):  # fmt: skip
        assert kind in types
    phone_obs = [o for o in bundle["objects"] if o["type"] == "observed-data"
                 and any("phone" in r for r in o["object_refs"])]  # fmt: skip
    assert phone_obs[0]["number_observed"] == 3
    assert to_stix(network, now) == text  # deterministic ids


def test_json_dossier(network: Network) -> None:
    data = json.loads(to_json(network))
    assert data["size"] == 3 and data["sources"] == ["bazaar", "tradepost", "wildfeed"]
    assert data["advertised_value"] == 750.0
    phone = next(i for i in data["identifiers"] if i["type"] == "phone")
    assert phone["first_seen"] == "2026-11-01T10:00:00Z"
    assert phone["last_seen"] == "2026-11-03T10:00:00Z"
    assert len(phone["listings"]) == 3
    assert [t["listings"] for t in data["timeline"]] == [1, 1, 1]


def test_csv_cells_cannot_run_as_formulas(network: Network) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(network))))
    values = {r[2] for r in rows[1:]}
    assert "'+6281255507788" in values and "'=cmd" in values
    assert not any(c.startswith(("=", "+", "-", "@")) for r in rows for c in r)
