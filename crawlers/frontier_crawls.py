"""Crawl-level book-keeping of the shared frontier: the page cap, the summary, the WARC files.

A worker serves many crawls, and several workers serve one crawl, so what a one-process
crawl keeps in its spider (``PageCap``, ``CrawlReport``, ``CrawlSummary``) lives here, in
Redis, per crawl id (keys as in ``crawlers.frontier``; ``P`` = prefix):

* Page cap. ``max_pages`` is written into ``P:crawl:<id>`` when the crawl starts (the
  scheduler's ``[crawl] max_pages`` and the profile's, the politer — the same rule as one
  process). A worker *leases* a page before it fetches a request (``lease``, one Lua
  script: atomic across workers); over the cap the request is dropped and counted in
  ``dropped_over_cap``, never fetched. A redelivered or replaced request (redirect,
  retry) keeps the lease it had, and a request skipped on purpose (robots.txt, egress)
  gives it back, since one process does not count those as pages either. So at most
  ``max_pages`` page requests of a crawl go out, however many workers share it.
* Summary. After each callback a worker folds what its spider's ``CrawlReport`` learnt
  into the crawl's counters and sets (``fold``); ``summary`` assembles the same dict a
  one-process crawl writes to ``summary.json`` (same ``CrawlReport.summary``), for the
  CLI (``wildtrace crawl-summary``) and the worker that finalises the crawl.
* WARC files. Each worker writes a crawl's exchanges into its own WARC file, opened on
  the crawl's first response (``warcs_open`` + 1) and sealed once the crawl is finished
  (``warc_sealed``: file and SHA-256 into ``P:warcs:<id>``, ``warcs_open`` − 1). The
  summary says ``evidence_sealed`` only when every file opened for the crawl is sealed:
  a worker killed mid-crawl leaves an unsealed file, which the summary (and ``verify``)
  report instead of claiming it.
"""

from __future__ import annotations

import time
from typing import Any, cast

import redis

from crawlers.frontier import Frontier, FrontierUnavailableError
from crawlers.report import MAX_SAMPLES, CrawlReport, cap_fields

_LEASE = """
local cap = tonumber(redis.call('HGET', KEYS[1], 'max_pages') or '0')
if cap <= 0 then cap = tonumber(ARGV[1]) end
local n = redis.call('HINCRBY', KEYS[1], 'leased', 1)
if cap > 0 and n > cap then
  redis.call('HINCRBY', KEYS[1], 'leased', -1)
  redis.call('HINCRBY', KEYS[1], 'dropped_over_cap', 1)
  return 0
end
return 1
"""
# Counters folded from a worker's CrawlReport: report attribute → crawl hash field.
COUNTERS = {"pages": "pages", "images": "images", "errors": "errors",
            "list_failures": "list_failures", "ignored": "ignored_requests",
            "duplicates": "duplicates"}  # fmt: skip
# Id sets folded from a CrawlReport: report attribute → key name.
ID_SETS = {"gone_ids": "gone", "unfetched_ids": "unfetched", "requested_ids": "requested",
           "emitted_ids": "emitted"}  # fmt: skip


def lease(frontier: Frontier, crawl_id: str, cap: int) -> bool:
    """Take one page of the crawl's cap (``cap`` if the crawl recorded none); ``False``:
    the cap is reached and the request is to be dropped (counted)."""
    script = frontier.redis.register_script(_LEASE)
    return bool(script(keys=[frontier.key("crawl", crawl_id)], args=[cap]))


def give_back(frontier: Frontier, crawl_id: str) -> None:
    """A leased request was not fetched (robots.txt, egress): its page is free again."""
    frontier.count(crawl_id, "leased", -1)


def fold(frontier: Frontier, crawl_id: str, report: CrawlReport, egress_refused: int) -> None:
    """Add what one worker's report learnt (since its last fold) to the crawl's totals."""
    pipe = frontier.redis.pipeline(transaction=False)
    crawl = frontier.key("crawl", crawl_id)
    for attr, name in COUNTERS.items():
        if value := int(getattr(report, attr)):
            pipe.hincrby(crawl, name, value)
    if egress_refused:
        pipe.hincrby(crawl, "egress_refused", egress_refused)
    for attr, name in ID_SETS.items():
        if ids := getattr(report, attr):
            pipe.sadd(frontier.key(name, crawl_id), *sorted(ids))
            pipe.expire(frontier.key(name, crawl_id), frontier.keep_s)
    if report.error_samples:
        samples = frontier.key("samples", crawl_id)
        pipe.rpush(samples, *(f"{s['url']}\n{s['error']}" for s in report.error_samples))
        pipe.ltrim(samples, 0, MAX_SAMPLES - 1)
        pipe.expire(samples, frontier.keep_s)
    pipe.execute()


def warc_opened(frontier: Frontier, crawl_id: str) -> None:
    frontier.count(crawl_id, "warcs_open")


def warc_sealed(frontier: Frontier, crawl_id: str, relpath: str, sha256: str) -> None:
    frontier.redis.hset(frontier.key("warcs", crawl_id), relpath, sha256)
    frontier.redis.expire(frontier.key("warcs", crawl_id), frontier.keep_s)
    frontier.count(crawl_id, "warcs_open", -1)


def mark_finished(frontier: Frontier, crawl_id: str) -> None:
    """The crawl's last message is acknowledged: workers seal their files of it."""
    finished = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    frontier.redis.hset(frontier.key("crawl", crawl_id), "finished_at", finished)


def is_finished(frontier: Frontier, crawl_id: str) -> bool:
    return bool(frontier.redis.hexists(frontier.key("crawl", crawl_id), "finished_at"))


def _report(frontier: Frontier, crawl_id: str, info: dict[str, str]) -> CrawlReport:
    report = CrawlReport()
    for attr, name in COUNTERS.items():
        setattr(report, attr, int(info.get(name, 0)))
    for attr, name in ID_SETS.items():
        setattr(report, attr, frontier.members(crawl_id, name))
    raw = cast(list[bytes], frontier.redis.lrange(frontier.key("samples", crawl_id), 0, -1))
    for line in raw:
        url, _, error = line.decode().partition("\n")
        report.error_samples.append({"url": url, "error": error})
    return report


def finish_reason(info: dict[str, str]) -> str:
    """Scrapy's words for the same endings in one process, plus the frontier's own."""
    if "finished_at" not in info:
        return "running"
    if int(info.get("dropped_over_cap", 0)):
        return "closespider_pagecount"
    if int(info.get("dead", 0)):
        return "gave_up_requests"  # a request failed max_deliveries times
    return "finished"


def summary(frontier: Frontier, crawl_id: str) -> dict[str, Any]:
    """The crawl's summary, in the shape of a one-process ``summary.json``."""
    try:
        info = frontier.crawl_info(crawl_id)
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        where = f"frontier at {frontier.where()}"
        raise FrontierUnavailableError(f"{where} unreachable: {exc}") from exc
    if not info:
        raise KeyError(f"no crawl {crawl_id!r} on the frontier (unknown or expired)")
    report = _report(frontier, crawl_id, info)
    items = int(frontier.redis.scard(frontier.key("keys", crawl_id)))
    body = report.summary(finish_reason=finish_reason(info), items=items, duplicates=0)
    raw = cast(dict[bytes, bytes], frontier.redis.hgetall(frontier.key("warcs", crawl_id)))
    unsealed = int(info.get("warcs_open", 0))
    dropped = int(info.get("dropped_over_cap", 0))
    return {
        "source": info.get("source", ""), "crawl": crawl_id,
        "started_at": info.get("started_at", ""), "finished_at": info.get("finished_at", ""),
        **body, **cap_fields(int(info.get("max_pages", 0)), dropped > 0, dropped),
        "egress_refused": int(info.get("egress_refused", 0)),
        "redelivered": int(info.get("redelivered", 0)), "gave_up": int(info.get("dead", 0)),
        "warc_files": [{"file": k.decode(), "sha256": v.decode()} for k, v in sorted(raw.items())],
        "warcs_unsealed": unsealed,
        "evidence_sealed": "finished_at" in info and unsealed == 0,
    }  # fmt: skip
