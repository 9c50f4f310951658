"""The takedown feed API (``/api/v1/feeds/...``): the feed as JSON and CSV, partner
acknowledgements, and the acknowledgement log for investigators.

Design notes
------------
* The outreach services (``outreach.base`` protocols: feeds, audiences, webhooks) are put
  on ``app.state`` by the composition root with ``attach_outreach``; without them these
  routes answer 503 ``feeds_off`` (after the role check, so the authorisation matrix holds
  either way).
* A partner reads and acknowledges only items of its own sources; an item of another
  source answers 404, exactly like an item that does not exist (no probing).
* CSV cells go through ``web.export.neutralise_cell`` (formula injection).
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from outreach.base import (
    MAX_FEED_PAGE,
    Ack,
    AckError,
    AudienceService,
    CursorError,
    FeedService,
    UnknownItemError,
    WebhookAdmin,
)
from web.api import error
from web.auth import check_csrf
from web.export import neutralise_cell
from web.roles import FeedReader, PartnerOnly, scope_of

router = APIRouter()
CSV_FIELDS = (
    "id", "platform", "listing_id", "listing_url", "seller_id", "commodity", "species",
    "cites_appendix", "score", "reasons", "evidence_sha256", "first_seen_at", "last_seen_at",
    "alert_state", "observed_removed_at", "partner_status", "partner_reason", "entered_at",
    "checked_at", "check_outcome", "comeback_at",
)  # fmt: skip
REMOVAL_COLUMNS = ("observed_removed_at", "partner_status", "partner_reason", "checked_at",
                   "check_outcome", "comeback_at")  # fmt: skip


def attach_outreach(
    app: FastAPI,
    feeds: FeedService,
    audiences: AudienceService | None = None,
    webhooks: WebhookAdmin | None = None,
) -> None:
    app.state.feeds, app.state.audiences, app.state.webhooks = feeds, audiences, webhooks


def services_of(request: Request) -> FeedService | None:
    return getattr(request.app.state, "feeds", None)


class AckBody(BaseModel):
    status: str = Field(max_length=20)
    reason: str = Field(default="", max_length=2000)


def _sources(me: Any, source: str | None) -> tuple[str, ...] | None:
    allowed = scope_of(me)
    if source is None:
        return allowed
    if allowed is not None and source not in allowed:
        return ()
    return (source,)


def feed_page(
    request: Request, me: Any, cursor: str | None, limit: int, source: str | None
) -> dict[str, Any]:
    """One page (raises ``CursorError``/``ValueError`` on bad input)."""
    feeds = services_of(request)
    assert feeds is not None
    return feeds.page(_sources(me, source), cursor, limit)


Limit = Annotated[int, Query(ge=1, le=MAX_FEED_PAGE)]


@router.get("/api/v1/feeds/takedown")
async def takedown_feed(
    request: Request,
    me: FeedReader,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
    limit: Limit = 100,
    source: Annotated[str | None, Query(max_length=100)] = None,
) -> Any:
    if services_of(request) is None:
        return error(503, "feeds_off", "takedown feeds are not configured")
    try:
        return await run_in_threadpool(feed_page, request, me, cursor, limit, source)
    except (CursorError, ValueError) as exc:
        return error(422, "bad_request", str(exc))


def _csv_row(item: dict[str, Any]) -> list[Any]:
    removal = item["removal"]
    flat = {
        **item,
        "species": "; ".join(item["species"]),
        "reasons": "; ".join(r["matched"] or r["detail"] for r in item["reasons"]),
        **{name: removal[name] for name in REMOVAL_COLUMNS},
    }
    return [neutralise_cell(flat.get(name)) for name in CSV_FIELDS]


def feed_csv(items: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    writer.writerows(_csv_row(item) for item in items)
    return out.getvalue()


@router.get("/api/v1/feeds/takedown.csv")
async def takedown_csv(
    request: Request,
    me: FeedReader,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
    limit: Limit = MAX_FEED_PAGE,
    source: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    if services_of(request) is None:
        return error(503, "feeds_off", "takedown feeds are not configured")
    try:
        page = await run_in_threadpool(feed_page, request, me, cursor, limit, source)
    except (CursorError, ValueError) as exc:
        return error(422, "bad_request", str(exc))
    return Response(
        feed_csv(page["items"]),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": 'attachment; filename="takedown-feed.csv"',
            "x-next-cursor": page["next_cursor"],
        },
    )


def acknowledge(request: Request, me: Any, item_id: str, status: str, reason: str) -> Ack:
    """Record a partner's acknowledgement of one of its items (``AckError`` otherwise)."""
    feeds = services_of(request)
    assert feeds is not None
    return feeds.acknowledge(item_id, me.user.sources, me.user.username, status, reason)


@router.post("/api/v1/feeds/takedown/{item_id}/ack")
async def acknowledge_api(request: Request, item_id: str, body: AckBody, me: PartnerOnly) -> Any:
    check_csrf(request, me, None)
    if services_of(request) is None:
        return error(503, "feeds_off", "takedown feeds are not configured")
    try:
        ack = await run_in_threadpool(
            acknowledge, request, me, item_id[:40], body.status, body.reason
        )
    except UnknownItemError as exc:
        return error(404, "not_found", str(exc))
    except AckError as exc:
        return error(422, "bad_request", str(exc))
    return ack.to_dict()


@router.get("/api/v1/feeds/acks")
async def ack_log(
    request: Request, me: FeedReader, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> Any:
    feeds = services_of(request)
    if feeds is None:
        return error(503, "feeds_off", "takedown feeds are not configured")
    acks = await run_in_threadpool(feeds.acks, scope_of(me), limit)
    return {"total": len(acks), "items": [a.to_dict() for a in acks]}
