"""The partner's takedown feed page (``/feed``) with acknowledgement forms, comeback flags
and the digest form, and the acknowledgement log page (``/feeds/acks``) with the listings
back online after a removal.

A partner sees only its own sources (``web.roles.scope_of``); a desk account sees the
feed of every platform but cannot acknowledge (that is the platform's word). Forms post
with the session's CSRF token and come back to the feed (post/redirect/get).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from outreach.base import ACK_STATUSES, AckError, CursorError, UnknownItemError
from web.auth import check_csrf
from web.digest_pages import subscription_of
from web.feeds_api import acknowledge, feed_page, services_of
from web.forms import read_form
from web.queries import BadRequest
from web.roles import FeedReader, PartnerOnly, scope_of
from web.views import error_page, render

router = APIRouter()
PAGE = 100


@router.get("/feed")
async def feed(request: Request, me: FeedReader, cursor: str | None = None) -> Response:
    if services_of(request) is None:
        return error_page(request, 503, "Takedown feeds are not configured.")
    try:
        page = await run_in_threadpool(feed_page, request, me, (cursor or "")[:40], PAGE, None)
    except (CursorError, ValueError) as exc:
        return error_page(request, 422, str(exc), back="/feed")
    can_ack = me.user.role == "partner"
    return render(
        request,
        "feed.html",
        items=page["items"],
        next_cursor=page["next_cursor"] if len(page["items"]) == PAGE else None,
        statuses=ACK_STATUSES,
        can_ack=can_ack,
        sources=scope_of(me),
        message=request.query_params.get("done", "")[:80],
        digest=subscription_of(request, me.user.username, "feed") if can_ack else None,
        digest_kind="feed" if can_ack else None,
    )


@router.post("/feed/{item_id}/ack")
async def feed_ack(request: Request, item_id: str, me: PartnerOnly) -> Response:
    try:
        form = await read_form(request)
    except BadRequest as exc:
        return error_page(request, 422, str(exc), back="/feed")
    check_csrf(request, me, form.get("csrf_token"))
    status, reason = form.get("status", "")[:20], form.get("reason", "")[:2000]
    if services_of(request) is None:
        return error_page(request, 503, "Takedown feeds are not configured.")
    try:
        await run_in_threadpool(acknowledge, request, me, item_id[:40], status, reason)
    except UnknownItemError:
        return error_page(request, 404, "No such feed item.", back="/feed")
    except AckError as exc:
        return error_page(request, 422, str(exc), back="/feed")
    return RedirectResponse(f"/feed?done={status}#item-{item_id[:40]}", status_code=303)


@router.get("/feeds/acks")
async def ack_log_page(request: Request, me: FeedReader) -> Response:
    feeds = services_of(request)
    if feeds is None:
        return error_page(request, 503, "Takedown feeds are not configured.")
    acks = await run_in_threadpool(feeds.acks, scope_of(me), 500)
    back = await run_in_threadpool(feeds.comebacks, scope_of(me))
    return render(request, "acks.html", acks=acks, comebacks=back)
