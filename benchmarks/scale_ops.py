"""The read operations the scale benchmark times, written once for every ``Store`` backend.

Each operation is what one page of the web app (or one API call) asks the store for:

* ``search``: filtered full-text search with the five facets (the ``/search`` page);
* ``queue``: the alert queue page — one page of alerts, their total, the count per
  triage state and each shown seller's alert count (``web.queries``, as the page does);
* ``dashboard``: listings per day over a year and per week for one commodity
  (``date_histogram``) plus the store's counts (``/api/stats``);
* ``seller``: one seller's alerts and listings (the queue filtered by seller, and a
  search filtered by seller).

Latency is sampled per operation until ``samples`` runs or ``budget_s`` seconds, whichever
comes first (a slow backend at 1M gets fewer samples, never a longer benchmark); p50 and
p95 are computed here, client-side, from the sorted samples.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from index.base import AlertFilter, SearchQuery, Store
from web.queries import seller_counts, state_counts

QUEUE_PAGE = 50
SEARCHES = {
    "word": SearchQuery(text="ivory"),
    "word + source": SearchQuery(text="tiger", source="bazaar"),
    "word + score + commodity": SearchQuery(text="pangolin", min_score=0.5, commodity="pangolin"),
    "vietnamese": SearchQuery(text="vảy tê tê"),
    "chinese 3 chars (trigram)": SearchQuery(text="穿山甲"),
    "chinese 2 chars": SearchQuery(text="象牙"),
    "filters only": SearchQuery(source="tradepost", lang="en", include_removed=False),
    "everything, page 10": SearchQuery(offset=180),
}


@dataclass(frozen=True, slots=True)
class Latency:
    p50_ms: float
    p95_ms: float
    samples: int

    def as_dict(self) -> dict[str, Any]:
        return {"p50_ms": round(self.p50_ms, 2), "p95_ms": round(self.p95_ms, 2),
                "samples": self.samples}  # fmt: skip


def sample(fn: Callable[[], object], *, samples: int = 20, budget_s: float = 15.0) -> Latency:
    """Run ``fn`` once to warm up, then time it up to ``samples`` times within ``budget_s``."""
    fn()
    out: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(out) < samples and (not out or time.perf_counter() < deadline):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    out.sort()
    p95 = out[min(len(out) - 1, int(0.95 * len(out)))]
    return Latency(statistics.median(out), p95, len(out))


def queue_page(store: Store, flt: AlertFilter) -> int:
    alerts = store.list_alerts(flt)
    total = store.count_alerts(flt)
    state_counts(store, flt)
    seller_counts(store, alerts)
    return total


def dashboard(store: Store) -> int:
    days = store.date_histogram(SearchQuery(), field="first_seen_at", interval="day")
    weeks = store.date_histogram(SearchQuery(commodity="ivory"), interval="week")
    store.counts()
    return len(days) + len(weeks)


def busy_sellers(store: Store, count: int = 5) -> list[str]:
    """Sellers with the most alerts among the top of the queue (a network's accounts)."""
    seen: dict[str, int] = {}
    for alert in store.list_alerts(AlertFilter(limit=500)):
        if alert.seller_id:
            seen[alert.seller_id] = seen.get(alert.seller_id, 0) + 1
    return [s for s, _ in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))[:count]]


def seller_page(store: Store, seller_id: str) -> int:
    alerts = store.list_alerts(AlertFilter(seller_id=seller_id, limit=QUEUE_PAGE))
    result = store.search(SearchQuery(seller_id=seller_id, facets=("source", "commodity")))
    return len(alerts) + result.total


def measure_reads(store: Store, *, samples: int, budget_s: float) -> dict[str, Any]:
    """Every read operation above, timed; plus the hit totals (so runs can be compared)."""
    out: dict[str, Any] = {"search": {}, "queue": {}, "dashboard": {}, "seller": {}}
    for name, query in SEARCHES.items():
        lat = sample(partial(store.search, query), samples=samples, budget_s=budget_s)
        out["search"][name] = {**lat.as_dict(), "total": store.search(query).total}
    queues = {
        "new alerts": AlertFilter(state="new", limit=QUEUE_PAGE),
        "new, bazaar, ivory": AlertFilter(state="new", source="bazaar", commodity="ivory",
                                          limit=QUEUE_PAGE),
        "all, page 20": AlertFilter(limit=QUEUE_PAGE, offset=19 * QUEUE_PAGE),
    }  # fmt: skip
    for name, flt in queues.items():
        lat = sample(partial(queue_page, store, flt), samples=samples, budget_s=budget_s)
        out["queue"][name] = {**lat.as_dict(), "total": store.count_alerts(flt)}
    lat = sample(lambda: dashboard(store), samples=max(5, samples // 2), budget_s=budget_s)
    out["dashboard"]["day + week histograms, counts"] = lat.as_dict()
    sellers = busy_sellers(store)
    if sellers:
        turn = iter(range(10**9))
        lat = sample(lambda: seller_page(store, sellers[next(turn) % len(sellers)]),
                     samples=samples, budget_s=budget_s)  # fmt: skip
        out["seller"]["alerts + listings of a busy seller"] = lat.as_dict()
    return out


def worst(reads: dict[str, Any], group: str) -> float:
    """The highest p95 in one group of ``measure_reads`` output (what a target bounds)."""
    return max((v["p95_ms"] for v in reads.get(group, {}).values()), default=0.0)
