"""The transparency report: per platform and period, what the takedown feed sent and what
became of it, in the manner of the Terrorist Content Analytics Platform's reports.

Per platform: items *sent* (entered the feed in the period), *acknowledged* (any partner
answer), *verified removed* (the crawler saw the listing gone: ``removed_at``, never the
partner's word alone), *still online* (not seen removed), and the median and 90th
percentile time from entering the feed to the observed removal, in hours (nearest-rank
percentiles; empty when nothing was removed). Time to takedown: from the investigator's
confirmation (or entry above the threshold) to the partner's "removed", median and p90
(no one publishes it; we can). ``came_back``: listings a re-check found back online after
a removal (``outreach.rechecks``): they count as still online. HTML (escaped) and CSV
(formula-safe).
"""

from __future__ import annotations

import csv
import html
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from alerts.base import STATE_CONFIRMED
from index.base import Store
from outreach.base import ACK_REMOVED, FeedEntry
from outreach.ledger import FeedLedger
from outreach.rechecks import comebacks

FIELDS = ("platform", "sent", "acknowledged", "verified_removed", "still_online",
          "median_hours_to_removal", "p90_hours_to_removal", "partner_removed",
          "median_hours_to_takedown", "p90_hours_to_takedown", "came_back")  # fmt: skip


@dataclass(frozen=True, slots=True)
class PlatformRow:
    platform: str
    sent: int
    acknowledged: int
    verified_removed: int
    still_online: int
    median_hours_to_removal: float | None
    p90_hours_to_removal: float | None
    partner_removed: int = 0
    median_hours_to_takedown: float | None = None
    p90_hours_to_takedown: float | None = None
    came_back: int = 0


def _hours(start: str, end: str) -> float:
    a = datetime.fromisoformat(start.replace("Z", "+00:00"))
    b = datetime.fromisoformat(end.replace("Z", "+00:00"))
    return max(0.0, (b - a).total_seconds() / 3600)


def _rank(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 2)


@dataclass
class _Tally:
    acked: int = 0
    removal_hours: list[float] = field(default_factory=list)
    takedown_hours: list[float] = field(default_factory=list)
    sent: int = 0
    came_back: int = 0


def confirmed_at(store: Store, entry: FeedEntry) -> str:
    """When the item was confirmed (the latest ``confirmed`` audit entry), else when it
    entered the feed (items entering above the threshold are never confirmed)."""
    times = [h.at for h in store.alert_history(entry.item_id) if h.to_state == STATE_CONFIRMED
             and h.from_state != STATE_CONFIRMED]  # fmt: skip
    return times[-1] if times else entry.entered_at


def _count(store: Store, ledger: FeedLedger, entries: list[FeedEntry]) -> dict[str, _Tally]:
    acks = ledger.latest_acks(e.item_id for e in entries)
    back = comebacks(ledger, (e.item_id for e in entries))
    per: dict[str, _Tally] = defaultdict(_Tally)
    for entry in entries:
        tally = per[entry.source]
        tally.sent += 1
        alert = store.get_alert(entry.item_id)
        stored = store.get_listing(alert.listing_key) if alert else None
        removed = stored.removed_at if stored else None
        if entry.item_id in back:
            tally.came_back += 1  # back online: not removed, whatever was seen before
        elif removed:
            tally.removal_hours.append(_hours(entry.entered_at, removed))
        ack = acks.get(entry.item_id)
        tally.acked += ack is not None
        if ack is not None and ack.status == ACK_REMOVED:
            tally.takedown_hours.append(_hours(confirmed_at(store, entry), ack.at))
    return per


def report(
    store: Store, ledger: FeedLedger, since: str = "", until: str = "9999"
) -> list[PlatformRow]:
    entries = [e for e in ledger.page(None, 0, 10**9) if since <= e.entered_at < until]
    rows = []
    for platform, t in sorted(_count(store, ledger, entries).items()):
        gone, took = len(t.removal_hours), t.takedown_hours
        rows.append(
            PlatformRow(platform, t.sent, t.acked, gone, t.sent - gone,
                        _rank(t.removal_hours, 0.5), _rank(t.removal_hours, 0.9),
                        len(took), _rank(took, 0.5), _rank(took, 0.9), t.came_back)
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
