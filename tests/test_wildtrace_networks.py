"""``link_listings`` (the pipeline step) and the ``networks`` / ``export-network`` commands
on a SQLite store built from generated listings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import stix2

from classifiers.base import Detection
from crawlers.base import Listing
from wildtrace.config import load_settings
from wildtrace.networks import link_listings, open_networks

TEXTS = [
    ("bazaar", "s1", "Ivory bangle $450. WhatsApp +62 812 5550 7788"),
    ("tradepost", "u7", "gading asli, WA 0812-5550-7788, Rp 1.500.000"),
    ("wildfeed", "@ivy", "DM. USDT TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t or wa +6281255507788"),
    ("bazaar", "s2", "Tiger Balm 30g, call 0813 5550 1111"),
]


def _setup(tmp_path: Path) -> tuple[Path, str]:
    cfg = tmp_path / "wildtrace.toml"
    cfg.write_text(f'[data]\ndir = "{tmp_path / "var"}"\n', encoding="utf-8")
    settings = load_settings(str(cfg))
    listings = [
        Listing(source=src, listing_id=str(n), url=f"https://x.invalid/{n}", title="t", text=text,
                fetched_at=f"2026-11-0{n + 1}T00:00:00Z", seller_id=seller, lang_hint="id")
        for n, (src, seller, text) in enumerate(TEXTS)
    ]  # fmt: skip
    dets = [Detection(id=x.key, score=0.7, label="wildlife", commodity="ivory") for x in listings]
    networks = open_networks(settings)
    try:
        out = link_listings(networks, listings, dets)
    finally:
        networks.close()
    assert [d.extra["network"] for d in out][:3] == [out[0].extra["network"]] * 3
    assert out[3].extra["network"] != out[0].extra["network"]
    phone = [e for e in out[1].extra["entities"] if e["type"] == "phone"]
    assert phone[0]["value"] == "+6281255507788" and phone[0]["field"] == "text"
    return cfg, str(out[0].extra["network"])


def _cli(cfg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wildtrace.cli", "--config", str(cfg), *args],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip


def test_networks_and_export_commands(tmp_path: Path) -> None:
    cfg, network = _setup(tmp_path)
    listed = _cli(cfg, "networks", "--min-size", "2")
    assert listed.returncode == 0, listed.stderr
    assert network in listed.stdout and "bazaar,tradepost,wildfeed" in listed.stdout
    dossier = json.loads(_cli(cfg, "export-network", network).stdout)
    assert dossier["size"] == 3
    assert {i["type"] for i in dossier["identifiers"]} == {"phone", "crypto_tron"}
    out = tmp_path / "n.stix.json"
    assert (
        _cli(cfg, "export-network", network, "--format", "stix", "--output", str(out)).returncode
        == 0
    )
    stix2.parse(out.read_text(encoding="utf-8"), allow_custom=True)
    csv_text = _cli(cfg, "export-network", network, "--format", "csv").stdout
    assert "'+6281255507788" in csv_text
    missing = _cli(cfg, "export-network", "Nnope")
    assert missing.returncode == 1 and "no network" in missing.stderr


def test_graph_outage_keeps_updates_and_applies_them_once(tmp_path: Path) -> None:
    """The graph failing costs no verdict; its updates wait and are applied once."""
    cfg = tmp_path / "wildtrace.toml"
    cfg.write_text(f'[data]\ndir = "{tmp_path / "var"}"\n', encoding="utf-8")
    networks = open_networks(load_settings(str(cfg)))
    listings = [
        Listing(source=src, listing_id=str(n), url=f"https://x.invalid/{n}", title="t", text=text,
                fetched_at="2026-11-01T00:00:00Z", seller_id=seller, lang_hint="id")
        for n, (src, seller, text) in enumerate(TEXTS[:2])
    ]  # fmt: skip
    dets = [Detection(id=x.key, score=0.7, label="wildlife") for x in listings]
    healthy = networks.prepare

    def broken() -> None:
        raise ConnectionError("graph server down")

    try:
        networks.prepare = broken
        first = link_listings(networks, listings[:1], dets[:1])
        assert "network" not in first[0].extra and first[0].extra["entities"]
        assert networks.pending is not None and networks.pending.exists()
        networks.prepare = healthy
        second = link_listings(networks, listings[1:], dets[1:])
        assert not networks.pending.exists()
        node_net = networks.storage.node_networks(["s|bazaar|s1", "s|tradepost|u7"])
        assert set(node_net.values()) == {second[0].extra["network"]}
        assert len(networks.storage.sightings_of(["phone|+6281255507788"])) == 2
    finally:
        networks.close()
