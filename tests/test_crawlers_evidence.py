"""Evidence store: content-addressed, write-once, verified."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from crawlers.evidence import EvidenceError, EvidenceStore, header_subset


def test_put_stores_bytes_under_their_sha256_with_a_sidecar(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "evidence")
    body = b"<html>ivory</html>"
    sha = store.put(body, {"url": "http://x/item/1", "status": 200})
    assert sha == hashlib.sha256(body).hexdigest()
    assert store.path_for(sha) == tmp_path / "evidence" / sha[:2] / sha
    assert store.path_for(sha).read_bytes() == body and store.verify(sha) and sha in store
    assert store.meta(sha) == {
        "sha256": sha,
        "size": len(body),
        "url": "http://x/item/1",
        "status": 200,
    }
    assert store.read(sha) == body
    assert not [p for p in store.path_for(sha).parent.iterdir() if p.name.startswith(".tmp")]


def test_second_capture_never_overwrites_file_or_sidecar(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    sha = store.put(b"same", {"url": "first"})
    before = store.path_for(sha).stat().st_mtime_ns
    assert store.put(b"same", {"url": "second"}) == sha
    assert store.meta(sha)["url"] == "first"
    assert store.path_for(sha).stat().st_mtime_ns == before


def test_tampered_evidence_is_detected_and_not_replaced(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    sha = store.put(b"original")
    path = store.path_for(sha)
    os.chmod(path, 0o644)
    path.write_bytes(b"forged")
    assert not store.verify(sha)
    with pytest.raises(EvidenceError):
        store.read(sha)
    with pytest.raises(EvidenceError):
        store.put(b"original")
    assert path.read_bytes() == b"forged"  # left for an investigator to see, not silently fixed


def test_bad_addresses_and_header_subset(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    with pytest.raises(ValueError):
        store.path_for("../../etc/passwd")
    assert store.meta("0" * 64) == {} and not store.verify("0" * 64)
    headers = {b"Content-Type": [b"text/html"], b"Set-Cookie": [b"secret"], "ETag": "x"}
    assert header_subset(headers) == {"content-type": "text/html", "etag": "x"}


def test_published_files_are_read_only_and_a_removed_shard_folder_is_made_again(
    tmp_path: Path,
) -> None:
    store = EvidenceStore(tmp_path)
    first = store.put(b"first", {"url": "a"})
    assert store.path_for(first).stat().st_mode & 0o777 == 0o444
    # A shard folder deleted behind the store's back (its cache of made folders is then
    # stale): the next file for that folder is still published, not lost.
    folder = store.path_for(first).parent
    for child in folder.iterdir():
        child.chmod(0o644)
        child.unlink()
    folder.rmdir()
    again = store.put(b"first", {"url": "b"})
    assert again == first and store.verify(first) and store.read(first) == b"first"
