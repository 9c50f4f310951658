"""Admin views of webhook delivery: register a partner's channel (the secret is shown
once), list dead letters, replay one (``outreach.notify.outbox``: exactly once after the
receiver recovers). Admins only (``web.roles.admin_only``)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from common.clock import utc_now
from outreach.base import BlockedTarget, WebhookAdmin
from web.api import error
from web.auth import check_csrf
from web.forms import read_form
from web.queries import BadRequest
from web.roles import AdminOnly
from web.views import error_page, render

router = APIRouter()


class ChannelBody(BaseModel):
    partner: str = Field(max_length=40)
    url: str = Field(max_length=2000)
    dry_run: bool = False


def _outbox(request: Request) -> WebhookAdmin | None:
    outbox: WebhookAdmin | None = getattr(request.app.state, "webhooks", None)
    return outbox


@router.post("/api/v1/admin/webhooks")
async def add_channel(request: Request, body: ChannelBody, me: AdminOnly) -> Any:
    check_csrf(request, me, None)
    outbox = _outbox(request)
    if outbox is None:
        return error(503, "webhooks_off", "webhooks are not configured")
    user = request.app.state.accounts.get_user(body.partner)
    if user is None or user.role != "partner":
        return error(422, "bad_request", "partner must be an existing partner account")
    try:
        secret = await run_in_threadpool(
            lambda: outbox.add_channel(body.partner, body.url, dry_run=body.dry_run, at=utc_now())
        )
    except BlockedTarget as exc:
        return error(422, "blocked_target", str(exc))
    return {"partner": body.partner, "secret": secret, "secret_from_env": secret is None}


def _dead(outbox: WebhookAdmin) -> list[dict[str, Any]]:
    return [
        {"id": d.id, "partner": d.partner, "item_id": d.item_id, "attempts": d.attempts,
         "last_error": d.last_error}
        for d in outbox.deliveries("dead")
    ]  # fmt: skip


@router.get("/api/v1/admin/webhooks/dead-letters")
async def dead_letters(request: Request, me: AdminOnly) -> Any:
    outbox = _outbox(request)
    if outbox is None:
        return error(503, "webhooks_off", "webhooks are not configured")
    items = await run_in_threadpool(_dead, outbox)
    return {"total": len(items), "items": items}


@router.post("/api/v1/admin/webhooks/dead-letters/{delivery_id}/replay")
async def replay_api(request: Request, delivery_id: int, me: AdminOnly) -> Any:
    check_csrf(request, me, None)
    outbox = _outbox(request)
    if outbox is None:
        return error(503, "webhooks_off", "webhooks are not configured")
    if not await run_in_threadpool(outbox.replay, delivery_id, time.time()):
        return error(409, "conflict", "not a dead letter (already delivered or queued)")
    return {"id": delivery_id, "status": "pending"}


@router.get("/admin/dead-letters")
async def dead_letters_page(request: Request, me: AdminOnly) -> Response:
    outbox = _outbox(request)
    if outbox is None:
        return error_page(request, 503, "Webhooks are not configured.")
    return render(request, "dead_letters.html", items=await run_in_threadpool(_dead, outbox))


@router.post("/admin/dead-letters/{delivery_id}/replay")
async def replay_form(request: Request, delivery_id: int, me: AdminOnly) -> Response:
    try:
        form = await read_form(request)
    except BadRequest as exc:
        return error_page(request, 422, str(exc), back="/admin/dead-letters")
    check_csrf(request, me, form.get("csrf_token"))
    outbox = _outbox(request)
    if outbox is None:
        return error_page(request, 503, "Webhooks are not configured.")
    if not await run_in_threadpool(outbox.replay, delivery_id, time.time()):
        return error_page(request, 409, "Not a dead letter.", back="/admin/dead-letters")
    return RedirectResponse("/admin/dead-letters", status_code=303)
