"""The evidence manifest: hash-chained, append-only, safe under concurrent writers."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from crawlers.evidence import EvidenceStore
from crawlers.evidence_manifest import MANIFEST_NAME, Manifest
from crawlers.evidence_verify import verify_store


def _append_many(root: str, tag: str) -> None:
    manifest = Manifest(Path(root))
    for n in range(150):
        manifest.append("data", f"{tag}/{n}", f"{n:064x}")


def test_concurrent_writers_keep_one_valid_chain(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_append_many, args=(str(tmp_path), t)) for t in "ab"]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    entries = list(Manifest(tmp_path).entries())
    assert len(entries) == 300 and all(e is not None and not p for e, p in entries)


def test_an_edited_or_removed_line_breaks_the_chain_at_that_line(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    for n in range(4):
        store.put(f"body {n}".encode(), {"url": f"http://x/{n}"})
    assert verify_store(tmp_path).ok
    path = tmp_path / MANIFEST_NAME
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:2] + lines[3:]), "utf-8")  # drop line 3
    problems = verify_store(tmp_path).problems
    assert (MANIFEST_NAME, f"{MANIFEST_NAME} line 3: hash chain broken (a line was edited, "
            "removed or inserted)") in problems  # fmt: skip


def test_a_deleted_sidecar_is_never_rewritten_with_a_later_date(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    sha = store.put(b"page", {"url": "http://x/1", "fetched_at": "first"})
    store.sidecar_path(sha).unlink()
    store.put(b"page", {"url": "http://x/1", "fetched_at": "second"})
    assert not store.sidecar_path(sha).exists()
    missing = f"{sha[:2]}/{sha}.json"
    assert any(
        p == missing and p_.startswith("missing") for p, p_ in verify_store(tmp_path).problems
    )


def test_evidence_from_before_the_manifest_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    sha = store.put(b"old capture", {"url": "http://x/1"})
    (tmp_path / MANIFEST_NAME).unlink()
    report = verify_store(tmp_path)
    assert report.ok and {p for p, _ in report.warnings} == {
        f"{sha[:2]}/{sha}",
        f"{sha[:2]}/{sha}.json",
    }
