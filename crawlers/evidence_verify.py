"""``verify_store``: is every evidence file what was captured? Names each that is not.

Checks, for an evidence folder (``<data_dir>/evidence``):

* the manifest's hash chain (``crawlers.evidence_manifest``): an edited, removed or
  inserted line is named by its line number;
* every listed file exists (*missing* otherwise) and hashes to the SHA-256 the manifest
  recorded (*changed*); a body also to its own name; a body listed twice was deleted
  and re-created (*re-created*);
* every file on disk is listed (*unlisted*: a warning, since evidence captured before
  the manifest existed is unlisted too; its body is still checked against its name);
* WARC files never sealed (the crawl was killed) are a warning.

Problems mean the evidence cannot be trusted as it is; warnings mean it cannot be
vouched for by the manifest. Reading is all it does: nothing is repaired or rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from crawlers.evidence import file_sha256
from crawlers.evidence_manifest import MANIFEST_NAME, Entry, Manifest
from crawlers.warc import WARC_DIR

_BODY_RE = re.compile(r"^[0-9a-f]{2}/([0-9a-f]{64})$")


@dataclass
class VerifyReport:
    checked: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, what is wrong)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_store(root: Path) -> VerifyReport:
    root = Path(root)
    report = VerifyReport()
    listed: dict[str, Entry] = {}
    for entry, problem in Manifest(root).entries():
        if problem:
            report.problems.append((MANIFEST_NAME, problem))
        if entry is None:
            continue
        if entry.path in listed and entry.kind == "data":
            report.problems.append((entry.path, "deleted and re-created (listed twice)"))
        listed.setdefault(entry.path, entry)
    for relpath, entry in sorted(listed.items()):
        _check_listed(root, relpath, entry, report)
    for path in sorted(_files(root)):
        relpath = path.relative_to(root).as_posix()
        if relpath in listed:
            continue
        body = _BODY_RE.match(relpath)
        if body:
            report.checked += 1
            if file_sha256(path) != body.group(1):
                report.problems.append((relpath, "does not hash to its name"))
                continue
        why = "never sealed (crawl interrupted)" if relpath.startswith(WARC_DIR) else "unlisted"
        report.warnings.append((relpath, f"{why}: not in the manifest"))
    return report


def _check_listed(root: Path, relpath: str, entry: Entry, report: VerifyReport) -> None:
    path = root / relpath
    if ".." in Path(relpath).parts or not path.is_file():
        report.problems.append((relpath, f"missing (a {entry.kind} file listed in the manifest)"))
        return
    report.checked += 1
    actual = file_sha256(path)
    if actual != entry.sha256:
        report.problems.append((relpath, f"changed: sha256 {actual}, manifest {entry.sha256}"))
        return
    body = _BODY_RE.match(relpath)
    if body and actual != body.group(1):
        report.problems.append((relpath, "does not hash to its name"))


def _files(root: Path) -> list[Path]:
    """Evidence files on disk: bodies, sidecars and WARC files (temp files excluded)."""
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.name.startswith(".tmp") and path.name != MANIFEST_NAME:
            found.append(path)
    return found
