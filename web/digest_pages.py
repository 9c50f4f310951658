"""E-mail digest subscriptions, from the pages they summarise: a partner subscribes to
its takedown feed on ``/feed`` (new items and listings back online), a campaigner (or the
desk) to the audience table on ``/audiences``. One address per account and kind; the
digest job (``outreach.digests``) sends them over SMTP (or records them, dry run)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from accounts.base import ROLE_CAMPAIGNER, ROLE_PARTNER, User
from common.clock import utc_now
from outreach.base import Subscription, check_address
from web.auth import Refused, SignedIn, check_csrf
from web.forms import read_form
from web.queries import BadRequest
from web.saved_searches import notify_of
from web.views import error_page

router = APIRouter()
PAGES = {"feed": "/feed", "audience": "/audiences"}


def may_subscribe(user: User, kind: str) -> bool:
    if kind == "feed":
        return user.role == ROLE_PARTNER and not user.disabled
    if kind == "audience":
        return user.role == ROLE_CAMPAIGNER or user.desk
    return False


def subscription_of(request: Request, username: str, kind: str) -> Subscription | None:
    notify = notify_of(request)
    return None if notify is None else notify.subscription(username, kind)


async def _form(request: Request, me: SignedIn) -> tuple[str, dict[str, str]]:
    form = await read_form(request)
    check_csrf(request, me, form.get("csrf_token"))
    kind = form.get("kind", "")
    if kind not in PAGES:
        raise BadRequest("kind must be feed or audience")
    if not may_subscribe(me.user, kind):
        raise Refused(403, f"the {me.user.role} role has no {kind} digest")
    return kind, form


@router.post("/digests/subscribe")
async def subscribe(request: Request, me: SignedIn) -> Response:
    try:
        kind, form = await _form(request, me)
        email = check_address(form.get("email", ""))
    except (BadRequest, ValueError) as exc:
        return error_page(request, 422, str(exc))
    subs = notify_of(request)
    if subs is None:
        return error_page(request, 503, "Digests are not configured.")
    await run_in_threadpool(subs.subscribe, me.user.username, kind, email, utc_now())
    return RedirectResponse(f"{PAGES[kind]}?done=subscribed", status_code=303)


@router.post("/digests/unsubscribe")
async def unsubscribe(request: Request, me: SignedIn) -> Response:
    try:
        kind, _ = await _form(request, me)
    except BadRequest as exc:
        return error_page(request, 422, str(exc))
    subs = notify_of(request)
    if subs is None:
        return error_page(request, 503, "Digests are not configured.")
    await run_in_threadpool(subs.unsubscribe, me.user.username, kind)
    return RedirectResponse(f"{PAGES[kind]}?done=unsubscribed", status_code=303)
