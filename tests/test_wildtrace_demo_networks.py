"""The demo's planted trader rings come out as networks and no ordinary seller merges
(graph built from the demo items as served, through the entity extractor)."""

from __future__ import annotations

from wildtrace.demo.network_truth import evaluate_networks


def test_demo_rings_are_networks_and_ordinary_sellers_stay_apart() -> None:
    result = evaluate_networks()
    assert result["ring_accounts"] >= 10 and result["true_pairs"] >= 5
    assert result["ordinary_merged"] == 0, result["ordinary_merged_accounts"]
    assert result["precision"] == 1.0
    assert result["recall"] >= 0.9
    multi = [r for r in result["per_ring"].values() if r["accounts"] > 1]
    assert multi and all(r["networks"] == 1 for r in multi)
