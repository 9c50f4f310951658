"""``wildtrace evidence verify|export`` on a real demo run: the folder and an exported
package verify; one changed byte, a deleted file or an edited sidecar is named."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawlers.warc import read_members, split_ref
from index.base import AlertFilter
from wildtrace import cli, components, pipeline
from wildtrace.demo import DemoSites, loopback_settings

pytestmark = pytest.mark.slow  # real crawls / whole-pipeline runs


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data folder after one demo run of bazaar and tradepost (lexicon detector)."""
    data = tmp_path_factory.mktemp("evidence-run")
    settings = loopback_settings(data)
    settings = replace(settings, classifier=replace(settings.classifier, kind="lexicon"))
    with DemoSites(host="127.0.0.1", ports=(0, 0, 0)) as sites:
        pipeline.run_sources(settings, ["bazaar", "tradepost"], base_urls=sites.urls)
    config = data / "wildtrace.toml"
    config.write_text(f'[data]\ndir = "{data}"\n[classifier]\nkind = "lexicon"\n', "utf-8")
    yield data


def wt(data: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["--config", str(data / "wildtrace.toml"), *args])
    return code, capsys.readouterr().out


def first_alert(data: Path) -> tuple[str, str]:
    settings = loopback_settings(data)
    store = components.open_store(settings)
    try:
        alert = store.list_alerts(AlertFilter(source="bazaar", limit=1))[0]
        versions = store.listing_versions(alert.listing_key)
    finally:
        store.close()
    assert versions and versions[-1].warc_ref
    return alert.id, versions[-1].warc_ref


def test_versions_point_at_their_warc_records(demo_run: Path) -> None:
    _, ref = first_alert(demo_run)
    relpath, offset = split_ref(ref)
    records = list(
        ArchiveIterator(io.BytesIO(read_members(demo_run / "evidence" / relpath, offset)))
    )
    response, request = records
    assert (response.rec_type, request.rec_type) == ("response", "request")
    assert response.rec_headers.get_header("WARC-Payload-Digest").startswith("sha256:")
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response.rec_headers.get_header(
        "WARC-Record-ID"
    )
    assert b"wildtrace" in request.http_headers.get_header("User-Agent").encode()


def test_the_evidence_folder_verifies(demo_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = wt(demo_run, "evidence", "verify", capsys=capsys)
    assert (code, out) == (0, "")


def test_an_exported_package_verifies_and_names_any_change(
    demo_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alert_id, _ = first_alert(demo_run)
    package = tmp_path / "alert.zip"
    code, out = wt(
        demo_run, "evidence", "export", alert_id, "--output", str(package), capsys=capsys
    )
    assert code == 0 and "manifest sha256" in out
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        members = {n: archive.read(n) for n in names}
    assert "custody.jsonl" in names and f"alerts/{alert_id}.json" in names
    assert any(n.startswith("warc/") and n.endswith(".warc.gz") for n in names)
    assert json.loads(members["export.json"])["not_included"] == []
    assert wt(demo_run, "evidence", "verify", str(package), capsys=capsys) == (0, "")
    body = next(n for n in names if n.startswith("evidence/") and not n.endswith(".json"))
    sidecar = next(n for n in names if n.startswith("evidence/") and n.endswith(".json"))
    flipped = bytes([members[body][0] ^ 1]) + members[body][1:]
    edited = members[sidecar].replace(b'"status": 200', b'"status": 404')
    assert edited != members[sidecar]
    for changed, name in (
        (({body: flipped}), body),
        ({body: None}, body),
        ({sidecar: edited}, sidecar),
    ):
        tampered = tmp_path / "tampered.zip"
        with zipfile.ZipFile(tampered, "w") as archive:
            for n, data in {**members, **changed}.items():
                if data is not None:
                    archive.writestr(n, data)
        code, out = wt(demo_run, "evidence", "verify", str(tampered), capsys=capsys)
        assert code == 1 and out.splitlines()[0].startswith(f"{name}: "), out


def test_seller_export_holds_every_listing_of_the_seller(
    demo_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = loopback_settings(demo_run)
    store = components.open_store(settings)
    try:
        alert = store.list_alerts(AlertFilter(source="bazaar", limit=1))[0]
    finally:
        store.close()
    assert alert.seller_id
    package = tmp_path / "seller.zip"
    code, _ = wt(demo_run, "evidence", "export", alert.seller_id, "--output", str(package),
                 capsys=capsys)  # fmt: skip
    assert code == 0
    with zipfile.ZipFile(package) as archive:
        listings = [n for n in archive.namelist() if n.startswith("listings/")]
    assert listings and wt(demo_run, "evidence", "verify", str(package), capsys=capsys)[0] == 0
    assert wt(demo_run, "evidence", "export", "no-such-id", "--output", str(package),
              capsys=capsys)[0] == 2  # fmt: skip


def test_folder_verify_names_a_changed_deleted_or_edited_file(
    demo_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Runs last in this module: it damages the demo run's evidence folder."""
    root = demo_run / "evidence"
    sidecars = sorted(root.glob("*/*.json"))
    body = sidecars[0].with_suffix("")
    os.chmod(body, 0o644)
    body.write_bytes(body.read_bytes() + b" ")
    sidecars[1].with_suffix("").unlink()
    os.chmod(sidecars[2], 0o644)
    sidecars[2].write_text(sidecars[2].read_text("utf-8").replace("200", "404"), "utf-8")
    code, out = wt(demo_run, "evidence", "verify", capsys=capsys)
    named = {line.split(": ", 1)[0] for line in out.splitlines()}
    expected = {
        p.relative_to(root).as_posix() for p in (body, sidecars[1].with_suffix(""), sidecars[2])
    }
    assert code == 1 and expected <= named, out
