"""The demo's planted trader rings come out as networks and no ordinary seller merges
(graph built from the demo items as served, through the entity extractor).

Every ring account that advertises a linking identifier joins its ring's one network;
ring accounts whose only listings are image-only reposts with no contact (issue 10's
demo reposts) cannot be linked by identifiers, so the recall over *all* ring pairs is
held to what it is measured at, not to 1."""

from __future__ import annotations

from wildtrace.demo.network_truth import evaluate_networks


def test_demo_rings_are_networks_and_ordinary_sellers_stay_apart() -> None:
    result = evaluate_networks()
    assert result["ring_accounts"] >= 10 and result["true_pairs"] >= 5
    assert result["ordinary_merged"] == 0, result["ordinary_merged_accounts"]
    assert result["precision"] == 1.0
    assert result["recall_linkable"] == 1.0
    assert result["recall"] >= 0.8  # 0.8462 measured on the merged demo corpus (11 of 13)
    multi = [r for r in result["per_ring"].values() if r["linkable_accounts"] > 1]
    assert len(multi) >= 4 and all(r["linkable_networks"] == 1 for r in multi)
