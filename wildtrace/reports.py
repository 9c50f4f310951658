"""What a run did, for people: per-source reports, progress lines, the run summary."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.base import AlertFilter, Store

Progress = Callable[[str], None]


@dataclass
class SourceReport:
    """What one crawl of one source did, stage by stage."""

    source: str
    items: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    classified: int = 0
    new_alerts: int = 0
    errors: int = 0
    complete: bool = False
    # The store could not be read for removals (outage): none were marked this run.
    removals_skipped: bool = False
    duration_s: float = 0.0
    error_samples: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def watch_progress(
    result_dir: Path, source: str, started: float, progress: Progress
) -> Callable[[], None]:
    """Report the growing item count of a running crawl every few seconds (records are
    processed while they arrive, so this runs until the source's last one is stored)."""
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(2.0):
            count = count_lines(result_dir / "items.jsonl")
            rate = count / max(time.monotonic() - started, 1e-9)
            progress(f"  {source}: {count} items captured so far ({rate:.1f}/s)")

    thread = threading.Thread(target=watch, name=f"progress-{source}", daemon=True)
    thread.start()
    return stop.set


def count_lines(path: Path) -> int:
    try:
        with path.open("rb") as fh:
            return sum(1 for _ in fh)
    except OSError:
        return 0


def describe(r: SourceReport) -> str:
    rate = r.items / r.duration_s if r.duration_s else 0.0
    return (
        f"{r.source}: {r.items} items in {r.duration_s:.1f}s ({rate:.1f}/s) — {r.new} new, "
        f"{r.changed} changed, {r.unchanged} unchanged, {r.removed} removed; "
        f"{r.classified} classified, {r.new_alerts} new alerts, {r.errors} errors"
        + ("" if r.complete else " (incomplete crawl: no removals)")
        + (" (store unavailable: removals skipped)" if r.removals_skipped else "")
    )


def summarize(reports: Sequence[SourceReport], total_alerts: int | None) -> dict[str, Any]:
    """The run's one-line summary plus the per-source detail.

    ``alerts`` is the size of the alert queue after the run. When the store could not be
    asked (outage: writes were spooled), it falls back to the alerts raised by this run
    and the missing answer counts as an error."""
    line = {
        "sources": len(reports),
        "listings": sum(r.items for r in reports),
        "alerts": sum(r.new_alerts for r in reports) if total_alerts is None else total_alerts,
        "errors": sum(r.errors for r in reports) + (total_alerts is None),
    }
    return {"line": line, "detail": [r.to_dict() for r in reports]}


def describe_demo_result(store: Store, epoch: int) -> str:
    """Planted-positive recall and negative false-alert rate on the demo corpus."""
    from wildtrace.demo import evaluate

    alerted = {a.listing_key for a in store.iter_alerts(AlertFilter())}
    fig = evaluate(alerted, epoch)
    return (
        f"demo corpus (epoch {epoch}): planted recall {fig['planted_recall']} "
        f"({fig['found']}/{fig['planted']}), negative false-alert rate "
        f"{fig['negative_false_alert_rate']} ({fig['false_alerts']}/{fig['negatives']})"
    )
