"""A small dashboard: alerts over time by commodity and by source, queue age, dismissals
by reason — drawn by the app as inline SVG (nothing loaded from elsewhere) — and, when
takedown feeds are on, the transparency table per platform with time to takedown
(confirmation → the partner's "removed") and listings back online.

Counts are over at most ``MAX_SCAN`` alerts (the page says when it stopped there). Each
chart is also a table (``<details>``), so the numbers are readable without the picture.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup, escape

from alerts.base import STATE_DISMISSED, Alert
from index.base import AlertFilter, Store
from outreach.base import FeedService
from web.auth import Desk
from web.views import error_page, render, store_of

router = APIRouter()
MAX_SCAN = 5_000
OPEN_STATES = ("new", "triaged", "escalated")
AGE_BUCKETS = ((1, "< 1 day"), (3, "1–3 days"), (7, "3–7 days"), (30, "7–30 days"))
PALETTE = ("#1f5f8b", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d")


@dataclass(frozen=True, slots=True)
class Series:
    """Bars: one per label, each split into named parts (stacked)."""

    labels: list[str]
    parts: dict[str, list[int]]


def stacked_bars(series: Series, *, width: int = 640, height: int = 180, title: str) -> Markup:
    """An accessible stacked bar chart as SVG markup (every text escaped)."""
    n = max(1, len(series.labels))
    totals = [sum(p[i] for p in series.parts.values()) for i in range(len(series.labels))]
    top = max(totals, default=0) or 1
    bar_w = min(64.0, max(2.0, (width - 40) / n - 4))
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 40}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="12" class="axis">{top}</text>',
    ]
    for i, label in enumerate(series.labels):
        x = 36 + i * (bar_w + 4)
        y: float = height + 10
        for k, (name, counts) in enumerate(series.parts.items()):
            h = counts[i] / top * (height - 10)
            if counts[i]:
                y -= h
                out.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(label)} · '
                    f"{escape(name)}: {counts[i]}</title></rect>"
                )
        if n <= 14 or i % max(1, n // 7) == 0:
            out.append(
                f'<text x="{x:.1f}" y="{height + 28}" class="axis">{escape(_short(label))}</text>'
            )
    out.append("</svg>")
    return Markup("".join(out))


def _short(label: str) -> str:
    """An axis label: ``MM-DD`` for a date, else the label (cut to 10 characters)."""
    if len(label) == 10 and label[4] == "-" and label[7] == "-":
        return label[5:]
    return label[:10]


def by_day(alerts: list[Alert], key: str, *, days: int = 30) -> Series:
    """Alerts created per UTC day (the last ``days`` days that have any), split by ``key``."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for a in alerts:
        counts[str(getattr(a, key) or "—")][a.created_at[:10]] += 1
    labels = sorted({d for c in counts.values() for d in c})[-days:]
    ranked = sorted(counts, key=lambda k: -sum(counts[k].values()))
    top, rest = ranked[: len(PALETTE) - 1], ranked[len(PALETTE) - 1 :]
    parts = {name: [counts[name][d] for d in labels] for name in top}
    if rest:
        parts["other"] = [sum(counts[r][d] for r in rest) for d in labels]
    return Series(labels, parts)


def queue_age(alerts: list[Alert], now: datetime) -> Series:
    """Open alerts by how long ago they were created."""
    names = [label for _, label in AGE_BUCKETS] + ["> 30 days"]
    counts = Counter[str]()
    for a in alerts:
        if a.state not in OPEN_STATES:
            continue
        try:
            created = datetime.fromisoformat(a.created_at.replace("Z", "+00:00"))
        except ValueError:
            continue
        age = (now - created).total_seconds() / 86400
        counts[next((label for limit, label in AGE_BUCKETS if age < limit), names[-1])] += 1
    return Series(names, {"open alerts": [counts[n] for n in names]})


def dismissal_reasons(store: Store, alerts: list[Alert]) -> tuple[Counter[str], int]:
    """Dismissed alerts by the reason their dismissal gave (``AuditEntry.reason``)."""
    reasons = Counter[str]()
    decided = 0
    for a in alerts:
        if a.state in OPEN_STATES:
            continue
        decided += 1
        if a.state != STATE_DISMISSED:
            continue
        last = [h for h in store.alert_history(a.id) if h.to_state == STATE_DISMISSED]
        reasons[(last[-1].reason if last else None) or "no reason"] += 1
    return reasons, decided


@router.get("/dashboard")
def dashboard(request: Request, me: Desk) -> Response:
    store = store_of(request)
    alerts = list(islice(store.iter_alerts(AlertFilter()), MAX_SCAN))
    total = store.count_alerts(AlertFilter())
    commodity, source = by_day(alerts, "commodity"), by_day(alerts, "source")
    age = queue_age(alerts, datetime.now(UTC))
    reasons, decided = dismissal_reasons(store, alerts)
    reason_series = Series(sorted(reasons), {"dismissed": [reasons[r] for r in sorted(reasons)]})
    return render(
        request,
        "dashboard.html",
        total=total,
        scanned=len(alerts),
        charts=[
            (
                "Alerts per day by commodity",
                commodity,
                stacked_bars(commodity, title="Alerts per day by commodity"),
            ),
            (
                "Alerts per day by source",
                source,
                stacked_bars(source, title="Alerts per day by source"),
            ),
            ("Queue age (open alerts)", age, stacked_bars(age, title="Queue age")),
            (
                "Dismissals by reason",
                reason_series,
                stacked_bars(reason_series, title="Dismissals by reason"),
            ),
        ],
        decided=decided,
        dismissed=sum(reasons.values()),
        takedown=takedown_rows(request),
        lag=store.index_lag(),
    )


def takedown_rows(request: Request) -> list[Any] | None:
    """Per-platform transparency rows with time to takedown; ``None`` without feeds."""
    feeds: FeedService | None = getattr(request.app.state, "feeds", None)
    return None if feeds is None else feeds.report()


@router.get("/dashboard/transparency.csv")
def transparency_csv(request: Request, me: Desk) -> Response:
    """The transparency report (all periods) as CSV, formula-safe."""
    feeds: FeedService | None = getattr(request.app.state, "feeds", None)
    if feeds is None:
        return error_page(request, 503, "Takedown feeds are not configured.")
    return Response(
        feeds.report_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="transparency.csv"'},
    )
