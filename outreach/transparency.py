"""The transparency report: per platform and period, what the takedown feed sent and what
became of it, in the manner of the Terrorist Content Analytics Platform's reports.

Per platform: items *sent* (entered the feed in the period), *acknowledged* (any partner
answer), *verified removed* (the crawler saw the listing gone: ``removed_at``, never the
partner's word alone), *still online* (not seen removed), and the median and 90th
percentile time from entering the feed to the observed removal, in hours (nearest-rank
percentiles; empty when nothing was removed). HTML (escaped) and CSV (formula-safe).
"""

from __future__ import annotations

import csv
import html
import io
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from index.base import Store
from outreach.ledger import FeedLedger

FIELDS = ("platform", "sent", "acknowledged", "verified_removed", "still_online",
          "median_hours_to_removal", "p90_hours_to_removal")  # fmt: skip


@dataclass(frozen=True, slots=True)
class PlatformRow:
    platform: str
    sent: int
    acknowledged: int
    verified_removed: int
    still_online: int
    median_hours_to_removal: float | None
    p90_hours_to_removal: float | None


def _hours(start: str, end: str) -> float:
    a = datetime.fromisoformat(start.replace("Z", "+00:00"))
    b = datetime.fromisoformat(end.replace("Z", "+00:00"))
    return max(0.0, (b - a).total_seconds() / 3600)


def _rank(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 2)


def report(
    store: Store, ledger: FeedLedger, since: str = "", until: str = "9999"
) -> list[PlatformRow]:
    entries = [e for e in ledger.page(None, 0, 10**9) if since <= e.entered_at < until]
    acks = ledger.latest_acks(e.item_id for e in entries)
    per: dict[str, list[tuple[bool, float | None]]] = defaultdict(list)
    for entry in entries:
        alert = store.get_alert(entry.item_id)
        stored = store.get_listing(alert.listing_key) if alert else None
        removed = stored.removed_at if stored else None
        took = _hours(entry.entered_at, removed) if removed else None
        per[entry.source].append((entry.item_id in acks, took))
    rows = []
    for platform, items in sorted(per.items()):
        times = [t for _, t in items if t is not None]
        acked = sum(a for a, _ in items)
        gone = len(times)
        rows.append(
            PlatformRow(platform, len(items), acked, gone, len(items) - gone,
                        _rank(times, 0.5), _rank(times, 0.9))
        )  # fmt: skip
    return rows


def to_csv(rows: list[PlatformRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for row in rows:
        values = [getattr(row, f) for f in FIELDS]
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@\t\r" else v
                         for v in ("" if x is None else x for x in values)])  # fmt: skip
    return out.getvalue()


def _cell(value: object) -> str:
    return html.escape("" if value is None else str(value))


def to_html(rows: list[PlatformRow], period: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(f)}</th>' for f in FIELDS)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(getattr(r, f))}</td>" for f in FIELDS) + "</tr>" for r in rows
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>wildtrace transparency report {html.escape(period)}</title></head><body>"
        f"<h1>Transparency report {html.escape(period)}</h1>"
        "<p>Removals are counted only when the crawler saw the listing gone.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>\n"
    )
