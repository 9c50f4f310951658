"""End to end on the embedded default: demo sites over real HTTP → Scrapy subprocess →
lexicon detector → SQLite → alerts. Slow-ish (three subprocess crawls per pass), so the
demo sites and the first pass are shared by the module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from es_server import free_port

from index.base import AlertFilter
from wildtrace import components, pipeline
from wildtrace.demo import DemoSites, demo_truth, loopback_settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sites() -> Iterator[DemoSites]:
    with DemoSites(host="127.0.0.1", ports=(0, 0, 0)) as demo:
        yield demo


@pytest.fixture(scope="module")
def first_pass(sites: DemoSites, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from wildtrace.imaging import seed_demo_bank

    sites.set_epoch(0)
    settings = loopback_settings(tmp_path_factory.mktemp("pipeline"))
    seed_demo_bank(settings)  # as ``wildtrace run`` does for the demo
    reports = pipeline.run_sources(settings, base_urls=sites.urls)
    return settings, reports


def test_every_source_is_crawled_completely(first_pass) -> None:  # type: ignore[no-untyped-def]
    settings, reports = first_pass
    truth = demo_truth(0)
    by_source = {r.source: r for r in reports}
    assert set(by_source) == {"bazaar", "tradepost", "wildfeed"}
    for source, report in by_source.items():
        expected = sum(1 for t in truth if t["source"] == source)
        assert report.complete, report.error_samples
        assert report.errors == 0, report.error_samples
        assert report.items == expected == report.new
        assert report.classified == expected


def test_alerts_find_planted_listings_and_spare_negatives(first_pass) -> None:  # type: ignore[no-untyped-def]
    settings, _ = first_pass
    truth = {f"{t['source']}:{t['listing_id']}": t for t in demo_truth(0)}
    with components.open_components(settings) as comps:
        alerts = list(comps.store.iter_alerts(AlertFilter()))
    alerted = {a.listing_key for a in alerts}
    assert len(alerted) == len(alerts), "one alert per listing"
    planted = {k for k, t in truth.items() if t["planted"] and not t["image_only"]}
    negatives = {k for k, t in truth.items() if not t["planted"]}
    recall = len(alerted & planted) / len(planted)
    false_alert_rate = len(alerted & negatives) / len(negatives)
    assert recall >= 0.8, recall
    assert false_alert_rate <= 0.05, false_alert_rate


def test_robots_txt_disallowed_pages_are_never_stored(first_pass) -> None:  # type: ignore[no-untyped-def]
    settings, _ = first_pass
    with components.open_components(settings) as comps:
        urls = [stored.listing.url for stored in comps.store.iter_listings()]
    assert urls
    assert not [u for u in urls if "/private/" in u or "/internal/" in u or "/drafts/" in u]


def test_second_crawl_is_incremental(sites: DemoSites, tmp_path: Path) -> None:
    settings = loopback_settings(tmp_path)
    sites.set_epoch(0)
    pipeline.run_sources(settings, ["bazaar"], base_urls=sites.urls)
    sites.set_epoch(1)
    try:
        (second,) = pipeline.run_sources(settings, ["bazaar"], base_urls=sites.urls)
    finally:
        sites.set_epoch(0)
    before = {t["listing_id"] for t in demo_truth(0) if t["source"] == "bazaar"}
    after = {t["listing_id"] for t in demo_truth(1) if t["source"] == "bazaar"}
    assert second.complete
    assert second.removed == len(before - after) > 0
    assert second.new == len(after - before)
    assert second.changed > 0
    assert second.unchanged == len(before & after) - second.changed
    assert second.classified == second.new + second.changed
    with components.open_components(settings) as comps:
        gone = sorted(before - after)[0]
        stored = comps.store.get_listing(f"bazaar:{gone}")
        assert stored is not None
        assert stored.removed_at is not None
        changed = [
            k
            for k in (f"bazaar:{i}" for i in before & after)
            if len(comps.store.listing_versions(k)) == 2
        ]
        assert len(changed) == second.changed


def test_run_once_prints_summary_as_last_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "WILDTRACE_DATA_DIR": str(tmp_path / "var"),
        # Free ports, so parallel runs of the suite do not collide.
        "WILDTRACE_DEMO_MARKET_PORT": str(free_port()),
        "WILDTRACE_DEMO_API_PORT": str(free_port()),
        "WILDTRACE_DEMO_SOCIAL_PORT": str(free_port()),
        "WILDTRACE_CRAWL_AUTOTHROTTLE": "false",
        "WILDTRACE_CRAWL_CONCURRENCY": "16",
        # The ImageNet encoder's cost on ~550 demo images would dominate this summary-line
        # test on two shared cores; its path is tested in test_classifiers_image_encoder.py.
        "WILDTRACE_IMAGE_ENCODER": "none",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "wildtrace.cli", "run", "--once"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert list(summary) == ["sources", "listings", "alerts", "errors"]
    assert summary["sources"] == 3
    assert summary["listings"] == len(demo_truth(0))
    assert summary["errors"] == 0
    assert summary["alerts"] > 0


def test_demo_rings_become_seller_networks_end_to_end(first_pass) -> None:  # type: ignore[no-untyped-def]
    """Crawled, classified and linked: every planted ring is one network — including the
    ring accounts that posted only a photo, linked by the ring's photo they share with
    another of its accounts — that network holds no account outside the ring, and every
    alert of a ring account carries that network's id."""
    import stix2

    from alerts.networks.summary import summarise
    from web.network_export import to_stix
    from wildtrace.demo.network_truth import ring_of_account
    from wildtrace.networks import open_networks

    settings, _ = first_pass
    rings = ring_of_account()
    networks = open_networks(settings)
    try:
        node_net = networks.storage.node_networks(sorted(rings))
        by_ring: dict[str, set[str]] = {}
        for node, network in node_net.items():
            by_ring.setdefault(rings[node], set()).add(network)
        multi = {r: n for r, n in by_ring.items() if sum(rings[x] == r for x in node_net) > 1}
        assert len(multi) >= 4, by_ring
        photo_linked = 0
        for ring, nets in multi.items():
            assert len(nets) == 1, ring
            net = summarise(networks.storage, next(iter(nets)))
            assert net is not None
            assert all(rings.get(s) == ring for s in net.sellers), net.sellers
            assert len(net.sources) >= 2
            photo_linked += any(i.type == "photo" for i in net.identifiers)
            stix2.parse(to_stix(net), allow_custom=True)
        assert photo_linked >= 3
        with components.open_components(settings) as comps:
            alerts = list(comps.store.iter_alerts(AlertFilter()))
        for alert in alerts:
            node = f"s|{alert.source}|{alert.seller_id}"
            if node in node_net:
                assert alert.network == node_net[node], alert
        assert sum(1 for a in alerts if a.network) == len(alerts)
    finally:
        networks.close()
