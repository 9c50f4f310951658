"""Run one crawl in its own process and read its results back.

``run_crawl`` starts ``python -m crawlers.run`` (a Twisted reactor cannot restart, so each
scheduled crawl gets a fresh process), waits up to ``timeout`` seconds, then asks it to
stop (SIGTERM: Scrapy shuts down gracefully and still writes its summary) and kills it
after a grace period. The crawl dies with the process that started it (``kill -9`` of
``wildtrace run`` leaves no orphan: ``crawlers.lifeline``). Whatever happens, the result
carries a summary; a crawl that timed
out, crashed or wrote no summary is never ``complete``.

``iter_items`` reads the JSON-lines output back as ``Listing`` records; malformed lines
come out as ``ItemError`` (with line numbers) and the rest still arrive.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawlers.base import Listing
from crawlers.report import failed_summary
from crawlers.settings import CrawlPaths

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class CrawlResult:
    source: str
    items_path: Path
    summary: dict[str, Any]
    returncode: int
    log_path: Path
    duration: float
    timed_out: bool = False

    @property
    def complete(self) -> bool:
        """True only for a normal finish with no failed list pages: removals may be inferred."""
        return self.summary.get("complete") is True and self.returncode == 0 and not self.timed_out


@dataclass(frozen=True)
class ItemError:
    """One unreadable line of an items file."""

    path: Path
    line: int
    error: str


def run_crawl(
    profile_name_or_path: str | Path,
    *,
    output_dir: Path,
    base_url: str | None = None,
    crawl_settings: dict[str, Any] | None = None,
    timeout: float = 900.0,
    evidence_dir: Path | None = None,
    grace: float = GRACE_SECONDS,
) -> CrawlResult:
    """Crawl one profile in a subprocess; results go to ``output_dir``.

    The spider is asked to close itself in time (``--time-limit``, leaving room for one
    download timeout); if it has not exited by ``timeout`` it gets SIGTERM, and SIGKILL
    ``grace`` seconds later. Evidence goes to ``evidence_dir``, else
    ``<crawl_settings["data_dir"]>/evidence``, else ``<output_dir>/evidence``."""
    data_dir = (crawl_settings or {}).get("data_dir")
    if evidence_dir is None:
        evidence_dir = Path(data_dir) / "evidence" if data_dir else Path(output_dir) / "evidence"
    paths = CrawlPaths(Path(output_dir), Path(evidence_dir))
    paths.output_dir.mkdir(parents=True, exist_ok=True)
    for stale in (paths.items, paths.summary):
        stale.unlink(missing_ok=True)
    settings_path = paths.output_dir / "crawl_settings.json"
    settings_path.write_text(json.dumps(crawl_settings or {}, default=str), encoding="utf-8")
    command = [sys.executable, "-m", "crawlers.run", str(profile_name_or_path),
               "--output-dir", str(paths.output_dir), "--evidence-dir", str(paths.evidence_dir),
               "--settings", str(settings_path), "--parent-pid", str(os.getpid())]  # fmt: skip
    download_timeout = float((crawl_settings or {}).get("timeout", 20.0))
    time_limit = timeout - download_timeout - grace
    if time_limit >= 1.0:
        command += ["--time-limit", str(time_limit)]
    if base_url:
        command += ["--base-url", base_url]
    started = time.monotonic()
    with paths.stderr.open("wb") as stderr:
        proc = subprocess.Popen(
            command, stdout=stderr, stderr=stderr, env=_child_env(), start_new_session=True
        )
        timed_out = _wait(proc, timeout, grace)
    summary = _read_summary(paths, str(profile_name_or_path), proc.returncode, timed_out)
    return CrawlResult(
        source=str(summary.get("source", profile_name_or_path)), items_path=paths.items,
        summary=summary, returncode=proc.returncode, log_path=existing_log(paths),
        duration=time.monotonic() - started, timed_out=timed_out,
    )  # fmt: skip


def _child_env() -> dict[str, str]:
    """The parent's environment, with the project importable by ``python -m crawlers.run``."""
    path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def _wait(proc: subprocess.Popen[bytes], timeout: float, grace: float) -> bool:
    """Wait; on timeout SIGTERM the crawl's process group, then SIGKILL it. True if timed out."""
    try:
        proc.wait(timeout=timeout)
        return False
    except subprocess.TimeoutExpired:
        pass
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)  # the group this crawl started (start_new_session)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    return True


def _read_summary(
    paths: CrawlPaths, source: str, returncode: int, timed_out: bool
) -> dict[str, Any]:
    try:
        summary: dict[str, Any] = json.loads(paths.summary.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        error = f"crawl exited {returncode} without a summary; see {existing_log(paths)}"
        summary = failed_summary(source, "no_summary", error)
        summary["items"] = _count_lines(paths.items)  # flushed per item: these are usable
    if timed_out:
        summary["finish_reason"] = f"timeout ({summary.get('finish_reason')})"
    if timed_out or returncode != 0:
        summary["complete"] = False
    summary["timed_out"] = timed_out
    summary["returncode"] = returncode
    return summary


def existing_log(paths: CrawlPaths) -> Path:
    """Scrapy's log if the crawl got that far, else the subprocess's own output (a bad
    profile or a crash at start-up writes only there): "see X" must name a real file."""
    if paths.log.is_file() and paths.log.stat().st_size:
        return paths.log
    return paths.stderr


def _count_lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return 0


def iter_items(items_path: Path) -> Iterator[Listing | ItemError]:
    """Records of an items file in order; bad lines become ``ItemError`` and are skipped.
    A missing file (the crawl died before its first record) yields nothing."""
    if not Path(items_path).is_file():
        return
    with Path(items_path).open("r", encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise ValueError("line is not a JSON object")
                yield Listing.from_dict(data)
            except (ValueError, TypeError, RecursionError) as exc:  # deep nesting too
                yield ItemError(Path(items_path), number, f"{type(exc).__name__}: {exc}"[:300])
