"""Run one crawl in its own process and read its results back.

``run_crawl`` starts ``python -m crawlers.run`` (a Twisted reactor cannot restart, so each
scheduled crawl gets a fresh process), waits up to ``timeout`` seconds, then asks it to
stop (SIGTERM: Scrapy shuts down gracefully and still writes its summary) and kills it
after a grace period. The crawl dies with the process that started it (``kill -9`` of
``wildtrace run`` leaves no orphan: ``crawlers.lifeline``). Whatever happens, the result
carries a summary; a crawl that timed
out, crashed or wrote no summary is never ``complete``.

``iter_items`` reads the JSON-lines output back as ``Listing`` records; malformed lines
come out as ``ItemError`` (with line numbers) and the rest still arrive. ``follow_items``
does the same for a file still being written: with ``run_crawl(consume=...)`` the caller
processes records while the crawl runs (the crawl is I/O- and Twisted-bound in its own
process, so the second core does the classifying meanwhile).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawlers.base import Listing
from crawlers.report import failed_summary
from crawlers.settings import CrawlPaths

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10.0
POLL_SECONDS = 0.02  # how often a followed items file is looked at while the crawl runs


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


class Waiting:
    """In a followed stream: nothing new has arrived yet (the crawl is still fetching).
    A consumer that batches records can process what it holds instead of idling."""


WAITING = Waiting()
# Takes a crawl's records while it runs (``run_crawl(consume=...)``).
Consumer = Callable[[Iterator[Listing | ItemError | Waiting]], None]


def run_crawl(
    profile_name_or_path: str | Path,
    *,
    output_dir: Path,
    base_url: str | None = None,
    crawl_settings: dict[str, Any] | None = None,
    timeout: float = 900.0,
    evidence_dir: Path | None = None,
    grace: float = GRACE_SECONDS,
    consume: Consumer | None = None,
) -> CrawlResult:
    """Crawl one profile in a subprocess; results go to ``output_dir``.

    The spider is asked to close itself in time (``--time-limit``, leaving room for one
    download timeout); if it has not exited by ``timeout`` it gets SIGTERM, and SIGKILL
    ``grace`` seconds later. Evidence goes to ``evidence_dir``, else
    ``<crawl_settings["data_dir"]>/evidence``, else ``<output_dir>/evidence``.

    With ``consume``, the calling thread hands it the crawl's records *while* the crawl
    runs (``follow_items``), so processing overlaps crawling; it returns after both. If
    ``consume`` raises, the crawl is stopped and the exception propagates."""
    data_dir = (crawl_settings or {}).get("data_dir")
    if evidence_dir is None:
        evidence_dir = Path(data_dir) / "evidence" if data_dir else Path(output_dir) / "evidence"
    paths = CrawlPaths(Path(output_dir), Path(evidence_dir))
    paths.output_dir.mkdir(parents=True, exist_ok=True)
    for stale in (paths.items, paths.summary):
        stale.unlink(missing_ok=True)
    command = _command(str(profile_name_or_path), paths, base_url, crawl_settings, timeout, grace)
    started = time.monotonic()
    with paths.stderr.open("wb") as stderr:
        proc = subprocess.Popen(
            command, stdout=stderr, stderr=stderr, env=_child_env(), start_new_session=True
        )
        timed_out = _run(proc, timeout, grace, paths, consume)
    summary = _read_summary(paths, str(profile_name_or_path), proc.returncode, timed_out)
    return CrawlResult(
        source=str(summary.get("source", profile_name_or_path)), items_path=paths.items,
        summary=summary, returncode=proc.returncode, log_path=existing_log(paths),
        duration=time.monotonic() - started, timed_out=timed_out,
    )  # fmt: skip


def _command(
    profile: str,
    paths: CrawlPaths,
    base_url: str | None,
    crawl_settings: dict[str, Any] | None,
    timeout: float,
    grace: float,
) -> list[str]:
    settings_path = paths.output_dir / "crawl_settings.json"
    settings_path.write_text(json.dumps(crawl_settings or {}, default=str), encoding="utf-8")
    command = [sys.executable, "-m", "crawlers.run", profile,
               "--output-dir", str(paths.output_dir), "--evidence-dir", str(paths.evidence_dir),
               "--settings", str(settings_path), "--parent-pid", str(os.getpid())]  # fmt: skip
    download_timeout = float((crawl_settings or {}).get("timeout", 20.0))
    time_limit = timeout - download_timeout - grace
    if time_limit >= 1.0:
        command += ["--time-limit", str(time_limit)]
    if base_url:
        command += ["--base-url", base_url]
    return command


def _run(
    proc: subprocess.Popen[bytes],
    timeout: float,
    grace: float,
    paths: CrawlPaths,
    consume: Consumer | None,
) -> bool:
    """Wait for the crawl (feeding ``consume`` meanwhile, if given). True if timed out.

    The records are complete once the crawl has written its summary: Scrapy closes the
    item pipeline (the items file) before the spider-closed signal that writes the
    summary. So ``consume`` gets the last records then, while the process still shuts
    down (its reactor, the interpreter), rather than only after it has exited."""
    if consume is None:
        return _wait(proc, timeout, grace)
    outcome: list[bool] = []
    watchdog = threading.Thread(
        target=lambda: outcome.append(_wait(proc, timeout, grace)), name="crawl-wait", daemon=True
    )
    watchdog.start()

    def finished() -> bool:
        return not watchdog.is_alive() or paths.summary.is_file()

    try:
        consume(follow_items(paths.items, finished, mark_waits=True))
    except BaseException:
        _stop(proc, grace)  # nobody is left to take its records
        raise
    finally:
        watchdog.join()
    return outcome[0] if outcome else False


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
    _stop(proc, grace)
    return True


def _stop(proc: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM the crawl's process group (Scrapy still writes its summary), SIGKILL after
    ``grace`` seconds."""
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
    for record in follow_items(items_path, lambda: True):
        if not isinstance(record, Waiting):
            yield record


def follow_items(
    items_path: Path,
    finished: Callable[[], bool],
    poll: float = POLL_SECONDS,
    *,
    mark_waits: bool = False,
) -> Iterator[Listing | ItemError | Waiting]:
    """Records of an items file that a crawl may still be writing, as they arrive.

    Only whole lines are read while the writer runs (it flushes once per record); once
    ``finished()`` is true the file is read to its end and a torn last line is parsed —
    and reported — as it is. ``finished`` is asked *before* each read, so a record
    written just before the crawl ended is never missed. With ``mark_waits``, ``WAITING``
    comes before each pause that follows records (never twice in a row)."""
    path, handle, pending, number, fresh = Path(items_path), None, b"", 0, False
    try:
        while True:
            done = finished()
            if handle is None and path.is_file():
                handle = path.open("rb")
            chunk = handle.read() if handle is not None else b""
            if not chunk and done:
                break
            if not chunk:
                if mark_waits and fresh:
                    yield WAITING
                fresh = False
                time.sleep(poll)
                continue
            fresh = True
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                number += 1
                yield from _parse_line(path, number, line)
        if pending.strip():
            yield from _parse_line(path, number + 1, pending)
    finally:
        if handle is not None:
            handle.close()


def _parse_line(path: Path, number: int, raw: bytes) -> Iterator[Listing | ItemError]:
    line = raw.decode("utf-8", errors="replace")
    if not line.strip():
        return
    try:
        data = json.loads(line)
        if not isinstance(data, dict):
            raise ValueError("line is not a JSON object")
        yield Listing.from_dict(data)
    except (ValueError, TypeError, RecursionError) as exc:  # deep nesting too
        yield ItemError(path, number, f"{type(exc).__name__}: {exc}"[:300])
