"""Saved searches run on new alerts, and the e-mail digests: partners (new takedown-feed
items and listings back online), campaigners (the published audience table) and
investigators (their saved searches' new matches).

Design notes
------------
* A saved search matches alerts created since it was saved (``SavedSearch.since``),
  scoring at least its threshold, not dismissed, whose listing the store's own search
  finds with the saved filters (the same query the search page ran; the text search is
  read up to ``MAX_WINDOW`` hits). Matches are recorded once (``Subscriptions``).
* Digests are plain text built only from what the reader may already see: a partner's
  digest from its own sources' feed page, a campaigner's from the published (suppressed)
  audience table — never a listing, URL or seller — an investigator's from its matches.
* A digest with nothing new is not sent. The cursor or ``notified`` flag moves only
  after the mailer took the message (``MailError`` leaves it for the next run).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from alerts.base import STATE_DISMISSED, Alert
from index.base import MAX_PAGE, MAX_WINDOW, AlertFilter, SearchQuery, Store
from outreach.base import SavedSearch, Subscription
from outreach.feeds import encode_cursor
from outreach.notify.mail import Mailer, MailError
from outreach.subscriptions import Subscriptions

log = logging.getLogger(__name__)
FeedReader = Callable[[tuple[str, ...], str], dict[str, Any]]  # (sources, cursor) → page


def _searched_keys(store: Store, params: dict[str, str], min_score: float) -> set[str]:
    keys: set[str] = set()
    offset = 0
    while offset < MAX_WINDOW:
        query = SearchQuery(
            text=params.get("q"), source=params.get("source"),
            commodity=params.get("commodity"), intent=params.get("intent"),
            lang=params.get("lang"), kind=params.get("kind"), min_score=min_score or None,
            limit=MAX_PAGE, offset=offset, facets=(),
        )  # fmt: skip
        result = store.search(query)
        keys.update(hit.stored.listing.key for hit in result.hits)
        offset += MAX_PAGE
        if offset >= result.total or not result.hits:
            break
    return keys


def find_matches(store: Store, search: SavedSearch) -> list[Alert]:
    """New alerts the saved search matches (see the module notes)."""
    params = search.params
    flt = AlertFilter(source=params.get("source"), commodity=params.get("commodity"),
                      min_score=search.min_score)  # fmt: skip
    new = [
        a for a in store.iter_alerts(flt)
        if a.created_at >= search.since and a.state != STATE_DISMISSED
    ]  # fmt: skip
    if new and any(params.get(k) for k in ("q", "intent", "lang", "kind")):
        keys = _searched_keys(store, params, search.min_score)
        new = [a for a in new if a.listing_key in keys]
    return new


def run_saved_searches(store: Store, subs: Subscriptions, now: str) -> int:
    """Run every saved search; return how many new matches were recorded."""
    added = 0
    for search in subs.searches():
        found = find_matches(store, search)
        added += subs.add_matches(search.id, [(a.id, a.title, a.score) for a in found], now)
    return added


def feed_digest(page: dict[str, Any]) -> str:
    lines = [f"{len(page['items'])} new or updated takedown-feed item(s):", ""]
    for item in page["items"]:
        removal = item["removal"]
        flag = "  ** BACK ONLINE after removal **" if removal.get("comeback_at") else ""
        lines += [
            f"- {item['platform']} {item['listing_id']}: {item['title'][:120]}{flag}",
            f"  {item['listing_url'] or ''}",
            f"  commodity {item['commodity'] or '-'}, score {item['score']}, id {item['id']}",
        ]
    return "\n".join(lines + ["", "Acknowledge each item on the feed page or by API."])


def audience_digest(table: dict[str, Any], top: int = 20) -> str:
    shown = [c for c in table["cells"] if not c["suppressed"]]
    shown.sort(key=lambda c: -int(c["count"]))
    lines = [f"Audience segments (cells under k={table['k']} suppressed):", ""]
    for cell in shown[:top]:
        lines.append(
            f"- {cell['intent']} {cell['commodity']} {cell['lang']} {cell['region']} "
            f"{cell['source']} {cell['week']}: {cell['count']}"
        )
    hidden = len(table["cells"]) - len(shown)
    return "\n".join(lines + ["", f"{hidden} cell(s) suppressed."])


def _mail(mailer: Mailer, to: str, subject: str, body: str) -> bool:
    try:
        mailer.send(to, subject, body)
    except (MailError, ValueError) as exc:
        log.error("digest to %s not sent (kept for the next run): %s", to[:80], exc)
        return False
    return True


def send_partner(sub: Subscription, sources: tuple[str, ...], read: FeedReader,
                 mailer: Mailer, subs: Subscriptions, now: str) -> int:  # fmt: skip
    page = read(sources, encode_cursor(sub.cursor))
    comebacks = [i for i in page["items"] if i["removal"].get("comeback_at")]
    if not page["items"]:
        return 0
    subject = f"wildtrace: {len(page['items'])} takedown item(s), {len(comebacks)} back online"
    if not _mail(mailer, sub.email, subject, feed_digest(page)):
        return 0
    subs.sent(sub.username, sub.kind, max(int(i["seq"]) for i in page["items"]), now)
    return 1


def send_searches(subs: Subscriptions, mailer: Mailer) -> int:
    sent = 0
    for search in subs.searches():
        fresh = subs.matches(search.id, unnotified=True)
        if not fresh:
            continue
        if search.email:
            body = "\n".join(f"- {m.title[:120]} (score {m.score:.2f}) alert {m.alert_id}"
                             for m in fresh)  # fmt: skip
            subject = f"wildtrace: {len(fresh)} new alert(s) for saved search {search.name}"
            if not _mail(mailer, search.email, subject, body):
                continue
            sent += 1
        subs.mark_notified(search.id, [m.alert_id for m in fresh])
    return sent


def send_digests(
    subs: Subscriptions,
    mailer: Mailer,
    partners: dict[str, tuple[str, ...]],
    read: FeedReader,
    audience: Callable[[], dict[str, Any]],
    now: str,
) -> dict[str, int]:
    """Every due digest once; counts of messages handed to the mailer per kind."""
    counts = {"feed": 0, "audience": 0, "search": 0}
    for sub in subs.subscriptions():
        if sub.kind == "feed" and sub.username in partners:
            counts["feed"] += send_partner(sub, partners[sub.username], read, mailer, subs, now)
        elif sub.kind == "audience" and sub.username not in partners:
            if _mail(
                mailer, sub.email, "wildtrace: audience segments", audience_digest(audience())
            ):
                subs.sent(sub.username, sub.kind, sub.cursor, now)
                counts["audience"] += 1
    counts["search"] = send_searches(subs, mailer)
    return counts
