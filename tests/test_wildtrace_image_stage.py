"""The pipeline's image stage: captured images are hashed, matched and fused; a bank
match alone alerts with its reason; broken or missing images cost no listing; reposts
are linked; a confirmed alert's photo can join the bank."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from factories import make_listing
from image_fixtures import hostile

from alerts.base import STATE_CONFIRMED, STATE_NEW
from crawlers.base import Listing
from crawlers.evidence import EvidenceStore
from index.base import AlertFilter
from wildtrace.cli import main
from wildtrace.components import Components, open_components
from wildtrace.config import Settings
from wildtrace.demo import loopback_settings
from wildtrace.demo.photos import repost_png
from wildtrace.imaging import seed_demo_bank
from wildtrace.ingest import ingest
from wildtrace.reports import SourceReport

QUIET = "Hand-made item in good condition, pick up only."


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    base = loopback_settings(tmp_path)
    return replace(base, classifier=replace(base.classifier, kind="lexicon"))


@pytest.fixture
def comps(settings: Settings) -> Iterator[Components]:
    assert seed_demo_bank(settings) == 57  # 24 case photos + 33 ring photos
    with open_components(settings) as c:
        yield c


def _ingest(comps: Components, listings: list[Listing]) -> SourceReport:
    return ingest(
        "bazaar",
        listings,
        store=comps.store,
        classifier=comps.classifier,
        rules=comps.rules,
        batch_size=comps.batch_size,
        complete=True,
        fuse_images=comps.images.fuse if comps.images else None,
    )


def _listing(settings: Settings, n: int, text: str, *images: bytes) -> Listing:
    evidence = EvidenceStore(settings.data_dir / "evidence")
    shas = tuple(evidence.put(data) for data in images)
    urls = tuple(f"http://127.0.0.1/img/{n}-{i}.png" for i in range(len(images)))
    return make_listing(
        listing_id=str(n),
        title="For sale",
        text=text,
        seller_id=f"seller-{n}",
        images=urls,
        image_sha256=shas,
    )


def test_bank_match_alone_alerts_with_its_reason(
    settings: Settings,
    comps: Components,
) -> None:
    repost = _listing(settings, 1, QUIET, repost_png("pangolin", "test-1"))
    plain = _listing(settings, 2, QUIET, hostile()["html as image"])
    report = _ingest(comps, [repost, plain])
    assert (report.items, report.classified, report.errors) == (2, 2, 0)
    alerts = {a.listing_key: a for a in comps.store.list_alerts(AlertFilter(limit=10))}
    assert set(alerts) == {repost.key}
    alert = alerts[repost.key]
    assert alert.commodity == "pangolin" and "image-bank" in alert.rule
    detection = comps.store.get_detection(repost.key)
    assert detection is not None and detection.score >= 0.9
    (reason,) = [r for r in detection.reasons if r.kind == "image"]
    assert reason.detail.startswith("image 1 matches bank entry partner-pangolin-")
    assert " at distance " in reason.detail
    quiet = comps.store.get_detection(plain.key)
    assert quiet is not None and quiet.label == "clean"
    assert any("unreadable: not_image" in r.detail for r in quiet.reasons)


def test_broken_and_missing_images_cost_no_listing(
    settings: Settings,
    comps: Components,
) -> None:
    offer = "Genuine elephant ivory tusk carving, old stock, no papers. WhatsApp me."
    bad = hostile()
    listing = _listing(settings, 3, offer, bad["truncated jpeg"], bad["bomb 100000x100000"])
    missing = replace(listing, listing_id="4", image_sha256=("0" * 64,), content_hash="")
    report = _ingest(comps, [listing, missing])
    assert (report.items, report.classified, report.errors) == (2, 2, 0)
    alerted = {a.listing_key for a in comps.store.list_alerts(AlertFilter(limit=10))}
    assert alerted == {listing.key, missing.key}  # the text still speaks
    images = comps.images
    assert images is not None
    errors = [s.error or "" for s in images.catalog.images_of(listing.key)]
    assert errors[0].startswith("truncated") and errors[1].startswith("decompression_bomb")
    (gone,) = images.catalog.images_of(missing.key)
    assert gone.error is not None and gone.error.startswith("evidence:")


def test_every_hostile_image_is_an_error_on_a_processed_listing(
    settings: Settings,
    comps: Components,
) -> None:
    bad = hostile()
    listing = _listing(settings, 8, QUIET, *bad.values())
    good = _listing(settings, 9, QUIET, repost_png("ivory", "after-hostile"))
    report = _ingest(comps, [listing, good])
    assert (report.items, report.classified, report.errors) == (2, 2, 0)
    assert comps.images is not None
    recorded = comps.images.catalog.images_of(listing.key)
    assert len(recorded) == len(set(bad.values())) and all(s.error for s in recorded)
    assert comps.store.get_detection(listing.key) is not None
    assert {a.listing_key for a in comps.store.list_alerts(AlertFilter(limit=10))} == {good.key}


def test_reposts_are_linked_across_sellers(
    settings: Settings,
    comps: Components,
) -> None:
    a = _listing(settings, 5, QUIET, repost_png("big_cat", "seller-a"))
    b = _listing(settings, 6, QUIET, repost_png("big_cat", "seller-b"))
    _ingest(comps, [a, b])
    assert comps.images is not None
    links = comps.images.catalog.links()
    # Two reposts of one of big_cat's two known photos, or of both: linked only if same.
    assert all({link.a, link.b} == {a.key, b.key} for link in links)


def test_confirmed_alert_photo_joins_the_bank(
    settings: Settings,
    comps: Components,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    buffer = io.BytesIO()
    from classifiers.image.synthetic import scene

    scene(77, 480, 360).save(buffer, format="JPEG", quality=90)
    offer = "Genuine elephant ivory tusk carving, old stock, no papers. WhatsApp me."
    listing = _listing(settings, 7, offer, buffer.getvalue())
    _ingest(comps, [listing])
    (alert,) = comps.store.list_alerts(AlertFilter(limit=10))
    data_dir = str(settings.data_dir)
    monkeypatch.setenv("WILDTRACE_DATA_DIR", data_dir)
    monkeypatch.setenv("WILDTRACE_CONFIG", str(Path(data_dir) / "none.toml"))
    (Path(data_dir) / "none.toml").write_text("", encoding="utf-8")
    assert alert.state == STATE_NEW
    assert main(["bank", "add-alert", alert.id]) == 1
    assert "not confirmed" in capsys.readouterr().err
    comps.store.set_alert_state(
        alert.id, STATE_CONFIRMED, actor="t", expected_version=alert.version
    )
    assert main(["bank", "add-alert", alert.id]) == 0
    assert "1 added" in capsys.readouterr().out
    repost = io.BytesIO()
    scene(77, 480, 360).resize((360, 270)).save(repost, format="JPEG", quality=60)
    path = Path(data_dir) / "repost.jpg"
    path.write_bytes(repost.getvalue())
    assert main(["bank", "match", str(path)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["matches"][0]["id"] == f"alert-{alert.id}-1"
