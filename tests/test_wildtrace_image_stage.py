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
from image_fixtures import hostile
from store_factories import make_listing

from alerts.base import STATE_CONFIRMED, STATE_NEW
from crawlers.base import Listing
from crawlers.evidence import EvidenceStore
from index.base import AlertFilter
from wildtrace import pipeline
from wildtrace.cli import main
from wildtrace.demo import loopback_settings
from wildtrace.demo.photos import repost_png
from wildtrace.imaging import seed_demo_bank

QUIET = "Hand-made item in good condition, pick up only."


@pytest.fixture
def comps(tmp_path: Path) -> Iterator[pipeline.Components]:
    base = loopback_settings(tmp_path)
    settings = replace(base, classifier=replace(base.classifier, kind="lexicon"))
    assert seed_demo_bank(settings) == 24
    with pipeline.open_components(settings) as c:
        yield c


def _listing(comps: pipeline.Components, n: int, text: str, *images: bytes) -> Listing:
    evidence = EvidenceStore(comps.settings.data_dir / "evidence")
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


def test_bank_match_alone_alerts_with_its_reason(comps: pipeline.Components) -> None:
    repost = _listing(comps, 1, QUIET, repost_png("pangolin", "test-1"))
    plain = _listing(comps, 2, QUIET, hostile()["html as image"])
    report = pipeline.ingest("bazaar", [repost, plain], comps, complete=True)
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


def test_broken_and_missing_images_cost_no_listing(comps: pipeline.Components) -> None:
    offer = "Genuine elephant ivory tusk carving, old stock, no papers. WhatsApp me."
    bad = hostile()
    listing = _listing(comps, 3, offer, bad["truncated jpeg"], bad["bomb 100000x100000"])
    missing = replace(listing, listing_id="4", image_sha256=("0" * 64,), content_hash="")
    report = pipeline.ingest("bazaar", [listing, missing], comps, complete=True)
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
    comps: pipeline.Components,
) -> None:
    bad = hostile()
    listing = _listing(comps, 8, QUIET, *bad.values())
    good = _listing(comps, 9, QUIET, repost_png("ivory", "after-hostile"))
    report = pipeline.ingest("bazaar", [listing, good], comps, complete=True)
    assert (report.items, report.classified, report.errors) == (2, 2, 0)
    assert comps.images is not None
    recorded = comps.images.catalog.images_of(listing.key)
    assert len(recorded) == len(set(bad.values())) and all(s.error for s in recorded)
    assert comps.store.get_detection(listing.key) is not None
    assert {a.listing_key for a in comps.store.list_alerts(AlertFilter(limit=10))} == {good.key}


def test_reposts_are_linked_across_sellers(comps: pipeline.Components) -> None:
    a = _listing(comps, 5, QUIET, repost_png("big_cat", "seller-a"))
    b = _listing(comps, 6, QUIET, repost_png("big_cat", "seller-b"))
    pipeline.ingest("bazaar", [a, b], comps, complete=True)
    assert comps.images is not None
    links = comps.images.catalog.links()
    # Two reposts of one of big_cat's two known photos, or of both: linked only if same.
    assert all({link.a, link.b} == {a.key, b.key} for link in links)


def test_confirmed_alert_photo_joins_the_bank(
    comps: pipeline.Components, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    buffer = io.BytesIO()
    from classifiers.image.synthetic import scene

    scene(77, 480, 360).save(buffer, format="JPEG", quality=90)
    offer = "Genuine elephant ivory tusk carving, old stock, no papers. WhatsApp me."
    listing = _listing(comps, 7, offer, buffer.getvalue())
    pipeline.ingest("bazaar", [listing], comps, complete=True)
    (alert,) = comps.store.list_alerts(AlertFilter(limit=10))
    data_dir = str(comps.settings.data_dir)
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
