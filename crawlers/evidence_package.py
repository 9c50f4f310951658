"""Evidence packages: one ZIP an investigator can hand on, and check, without wildtrace.

``export_package`` writes::

    evidence/<aa>/<sha256>        page bodies and images, exactly as stored
    evidence/<aa>/<sha256>.json   their capture sidecars (URL, time, status, headers)
    warc/<file>@<offset>.warc.gz  each version's request/response records, copied byte for
                                  byte out of the crawl's WARC file (digests intact)
    warc_sources.json             where each WARC excerpt came from (file, its manifest hash)
    <documents>                   listing versions, detections, alerts as JSON
    custody.jsonl                 chain of custody: every audit entry of the alerts
    export.json                   what was asked for, when, and anything that could not be
                                  included (never silently left out)
    MANIFEST.sha256               "<sha256>  <name>" for every file above (sha256sum -c)

``verify_package`` re-hashes every member against the manifest and every body against its
own name, and names exactly which file is missing, changed or was added. The manifest's
own SHA-256 is printed at export: note it elsewhere (a ticket, a letter) and compare it
at verification, since anyone who can edit the ZIP could also rewrite an unsigned
manifest.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.clock import utc_now
from crawlers.evidence import EvidenceStore, file_sha256
from crawlers.evidence_manifest import Manifest
from crawlers.warc import read_members, split_ref

PACKAGE_MANIFEST = "MANIFEST.sha256"
_BODY_RE = re.compile(r"^evidence/[0-9a-f]{2}/([0-9a-f]{64})$")


@dataclass
class PackageRequest:
    """What goes into a package; the composition root fills it from the store."""

    subject: str
    documents: dict[str, Any] = field(default_factory=dict)  # name in the ZIP → JSON value
    custody: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # sha256 of bodies and images
    warc_refs: list[str] = field(default_factory=list)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1).encode()


def export_package(output: Path, evidence_root: Path, request: PackageRequest) -> str:
    """Write the ZIP; returns the SHA-256 of its manifest."""
    store = EvidenceStore(evidence_root)
    files: dict[str, bytes] = {}
    missing: list[dict[str, str]] = []
    for sha in sorted(set(request.evidence)):
        _add_evidence(store, sha, files, missing)
    sources = {}
    warc_hashes = {e.path: e.sha256 for e, _ in Manifest(evidence_root).entries() if e}
    for ref in sorted(set(request.warc_refs)):
        try:
            relpath, offset = split_ref(ref)
            excerpt = read_members(Path(evidence_root) / relpath, offset)
        except (OSError, ValueError) as exc:
            missing.append({"warc_ref": ref, "problem": str(exc)[:300]})
            continue
        name = f"warc/{Path(relpath).name.removesuffix('.warc.gz')}@{offset}.warc.gz"
        files[name] = excerpt
        sources[name] = {"warc_ref": ref, "file": relpath, "offset": offset,
                         "file_sha256_in_manifest": warc_hashes.get(relpath)}  # fmt: skip
    files["warc_sources.json"] = _json(sources)
    for name, value in request.documents.items():
        files[name] = _json(value)
    files["custody.jsonl"] = "".join(
        json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in request.custody
    ).encode()
    files["export.json"] = _json(
        {"subject": request.subject, "exported_at": utc_now(), "not_included": missing}
    )
    manifest = "".join(f"{hashlib.sha256(b).hexdigest()}  {n}\n" for n, b in sorted(files.items()))
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
        archive.writestr(PACKAGE_MANIFEST, manifest)
    return hashlib.sha256(manifest.encode()).hexdigest()


def _add_evidence(
    store: EvidenceStore, sha: str, files: dict[str, bytes], missing: list[dict[str, str]]
) -> None:
    try:
        path = store.path_for(sha)
    except ValueError as exc:
        missing.append({"sha256": sha, "problem": str(exc)})
        return
    if not path.is_file() or file_sha256(path) != sha:
        problem = "missing" if not path.is_file() else "does not hash to its name"
        missing.append({"sha256": sha, "problem": f"evidence {problem}"})
        return
    rel = f"evidence/{sha[:2]}/{sha}"
    files[rel] = path.read_bytes()
    sidecar = store.sidecar_path(sha)
    if sidecar.is_file():
        files[rel + ".json"] = sidecar.read_bytes()


@dataclass
class PackageReport:
    manifest_sha256: str = ""
    checked: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (name, what is wrong)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_package(path: Path) -> PackageReport:
    report = PackageReport()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        report.problems.append((str(path), f"not a readable ZIP: {exc}"))
        return report
    with archive:
        names = set(archive.namelist())
        if PACKAGE_MANIFEST not in names:
            report.problems.append((PACKAGE_MANIFEST, "missing"))
            return report
        manifest = archive.read(PACKAGE_MANIFEST)
        report.manifest_sha256 = hashlib.sha256(manifest).hexdigest()
        listed = _manifest_lines(manifest.decode("utf-8", "replace"), report)
        for name, expected in sorted(listed.items()):
            _check_member(archive, names, name, expected, report)
        for name in sorted(names - set(listed) - {PACKAGE_MANIFEST}):
            report.problems.append((name, "not in the manifest (added after export)"))
    return report


def _manifest_lines(text: str, report: PackageReport) -> dict[str, str]:
    listed = {}
    for number, line in enumerate(text.splitlines(), start=1):
        digest, sep, name = line.partition("  ")
        if not sep or not re.fullmatch(r"[0-9a-f]{64}", digest) or not name:
            report.problems.append((PACKAGE_MANIFEST, f"line {number} unreadable"))
            continue
        listed[name] = digest
    return listed


def _check_member(
    archive: zipfile.ZipFile, names: set[str], name: str, expected: str, report: PackageReport
) -> None:
    if name not in names:
        report.problems.append((name, "missing (listed in the manifest)"))
        return
    try:
        data = archive.read(name)
    except (OSError, zipfile.BadZipFile) as exc:  # a damaged member fails its CRC
        report.problems.append((name, f"unreadable: {exc}"))
        return
    report.checked += 1
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        report.problems.append((name, f"changed: sha256 {actual}, manifest {expected}"))
        return
    body = _BODY_RE.match(name)
    if body and actual != body.group(1):
        report.problems.append((name, "does not hash to its name"))
