"""Content-addressed, write-once evidence store.

Layout: ``<root>/<aa>/<sha256>`` holds the exact bytes, ``<root>/<aa>/<sha256>.json`` a
small sidecar describing the first capture (url, fetched_at, status, content_type, a
subset of headers, and for pages the hashes of the images fetched with them). ``root``
is normally ``<data_dir>/evidence``.

Why write-once: an investigator must be able to show that the stored bytes are what the
site served. Files are written to a temporary name, re-read and hashed, then published
with ``os.link``, which never replaces an existing file; a second capture of identical
bytes keeps the first file and sidecar untouched. ``verify`` re-hashes a stored file.

Every file published is also listed in the hash-chained manifest
(``crawlers.evidence_manifest``), so an edited sidecar or a deleted file is noticed by
``crawlers.evidence_verify``. A sidecar that the manifest lists but that is gone is
*not* written again: a new sidecar would claim a later capture was the first. A deleted
body is re-created only from bytes that hash to its name, and the manifest then lists
it twice, which ``verify`` reports.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from crawlers.evidence_manifest import Manifest
from crawlers.syncer import BackgroundSync

KEPT_HEADERS = ("content-type", "content-length", "last-modified", "etag", "date", "server")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class EvidenceError(RuntimeError):
    """Stored evidence does not match its address (corruption or tampering)."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def header_subset(headers: dict[Any, Any]) -> dict[str, str]:
    """The headers worth keeping, lower-cased names, values capped."""
    out = {}
    for name, value in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        if key.lower() in KEPT_HEADERS:
            if isinstance(value, list):
                value = value[0] if value else b""
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            out[key.lower()] = text[:500]
    return out


class EvidenceStore:
    """Write-once store of raw bytes addressed by their SHA-256."""

    def __init__(self, root: str | Path, syncer: BackgroundSync | None = None) -> None:
        self.root = Path(root)
        self.manifest = Manifest(self.root)
        self.syncer = syncer  # None: fsync inline (see crawlers.syncer)
        self._folders: set[Path] = set()  # shard folders known to exist

    def relpath(self, path: Path) -> str:
        """``<aa>/<name>`` for a file of this store (cheap: no path resolution)."""
        return f"{path.parent.name}/{path.name}"

    def path_for(self, sha256: str) -> Path:
        if not _SHA_RE.match(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def sidecar_path(self, sha256: str) -> Path:
        return self.path_for(sha256).with_suffix(".json")

    def __contains__(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put(self, data: bytes, meta: dict[str, Any] | None = None) -> str:
        """Store ``data`` (if new) and its sidecar (if none yet); return the SHA-256."""
        digest = sha256_hex(data)
        path = self.path_for(digest)
        if path.exists():
            self._check(path, digest)
        elif self._publish(path, data, digest):
            self.manifest.append("data", self.relpath(path), digest)
        sidecar = self.sidecar_path(digest)
        if meta is not None and not sidecar.exists():
            if self.manifest.listed(self.relpath(sidecar)):
                return digest  # deleted after the first capture: never re-dated
            record = {"sha256": digest, "size": len(data), **meta}
            body = json.dumps(record, ensure_ascii=False, sort_keys=True, indent=1).encode()
            body_sha = sha256_hex(body)
            if self._publish(sidecar, body, body_sha):
                self.manifest.append("sidecar", self.relpath(sidecar), body_sha)
        return digest

    def record_warc(self, path: Path) -> str:
        """List a sealed WARC file in the manifest; returns its SHA-256."""
        digest = _file_sha256(path)
        self.manifest.append("warc", path.relative_to(self.root).as_posix(), digest)
        return digest

    def read(self, sha256: str) -> bytes:
        """The stored bytes, after checking they still hash to their address."""
        data = self.path_for(sha256).read_bytes()
        if sha256_hex(data) != sha256:
            raise EvidenceError(f"{self.path_for(sha256)} does not hash to its name")
        return data

    def meta(self, sha256: str) -> dict[str, Any]:
        """The sidecar of the first capture ({} when there is none)."""
        path = self.sidecar_path(sha256)
        if not path.is_file():
            return {}
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def verify(self, sha256: str) -> bool:
        """True when the file exists and its bytes hash to ``sha256``."""
        path = self.path_for(sha256)
        return path.is_file() and _file_sha256(path) == sha256

    def _check(self, path: Path, digest: str) -> None:
        if _file_sha256(path) != digest:
            raise EvidenceError(f"{path} exists but does not hash to its name; not overwritten")

    def _publish(self, path: Path, data: bytes, digest: str) -> bool:
        """Write ``data`` at ``path`` unless a file is there; True if this call created it.

        Written to a temporary file, read back through the same descriptor and hashed
        (what the kernel holds is what we hashed), made read-only, then linked into
        place. Folders already made by this store are not made again (one syscall less
        per file; the 256 shard folders are made once)."""
        fd, tmp_name = self._temporary(path.parent)
        try:
            _write_all(fd, data)
            if self.syncer is None:
                os.fsync(fd)
            if sha256_hex(os.pread(fd, len(data) + 1, 0)) != digest:
                raise EvidenceError(f"write of {path} did not verify")
            os.fchmod(fd, 0o444)
            os.close(fd)
            fd = -1
            try:
                os.link(tmp_name, path)  # atomic, and never replaces an existing file
            except FileExistsError:
                if path.suffix != ".json":  # a concurrent writer won; it must agree
                    self._check(path, digest)
                return False
            if self.syncer is not None:
                self.syncer.submit(path)
            return True
        finally:
            if fd >= 0:
                os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)

    def _temporary(self, folder: Path) -> tuple[int, str]:
        """A new temporary file in ``folder`` (made if need be; a folder removed since
        it was made is made again)."""
        if folder in self._folders:
            try:
                return tempfile.mkstemp(dir=folder, prefix=".tmp-")
            except FileNotFoundError:
                self._folders.discard(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self._folders.add(folder)
        return tempfile.mkstemp(dir=folder, prefix=".tmp-")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    return _file_sha256(path)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
