"""Investigators' saved searches (alert rules): save the current search from the search
page with a score threshold and an optional e-mail address, see each search's new
matches, run them now, delete them. The desk only; each account sees only its own.

The searches run on new alerts on a schedule (``wildtrace run``: the digest job,
``outreach.digests``); "Run now" runs the account's own searches at once. Matches are
the in-app notification; the e-mail digest sends the ones not mailed yet.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from common.clock import utc_now
from outreach.base import SEARCH_FIELDS, NotifyService, SavedSearch, check_address
from web.api import error
from web.auth import Desk, check_csrf
from web.forms import read_form
from web.queries import BadRequest
from web.views import error_page, render

router = APIRouter()
BACK = "/saved-searches"


def notify_of(request: Request) -> NotifyService | None:
    """The subscriptions and saved searches, when the composition root attached them."""
    notify: NotifyService | None = getattr(request.app.state, "notify", None)
    return notify


def parse_search(form: dict[str, str]) -> tuple[str, dict[str, str], float, str]:
    """Name, filters, threshold and e-mail from the save form (``BadRequest``)."""
    params = {k: form.get(k, "").strip()[:200] for k in SEARCH_FIELDS if form.get(k, "").strip()}
    name = " ".join(form.get("name", "").split())[:80] or params.get("q", "") or "saved search"
    try:
        min_score = float(form.get("min_score") or 0.5)
    except ValueError as exc:
        raise BadRequest("threshold must be a number between 0 and 1") from exc
    if not 0.0 <= min_score <= 1.0:
        raise BadRequest("threshold must be a number between 0 and 1")
    email = form.get("email", "").strip()
    if email:
        try:
            email = check_address(email)
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
    return name, params, min_score, email


@router.post("/search/save")
async def save_search(request: Request, me: Desk) -> Response:
    try:
        form = await read_form(request)
        check_csrf(request, me, form.get("csrf_token"))
        name, params, min_score, email = parse_search(form)
    except BadRequest as exc:
        return error_page(request, 422, str(exc), back="/search")
    subs = notify_of(request)
    if subs is None:
        return error_page(request, 503, "Saved searches are not configured.")
    try:
        await run_in_threadpool(
            subs.save_search, me.user.username, name, params, min_score, email, utc_now()
        )
    except ValueError as exc:
        return error_page(request, 422, str(exc), back=BACK)
    return RedirectResponse(f"{BACK}?done=saved", status_code=303)


def _listing(subs: NotifyService, username: str) -> list[dict[str, Any]]:
    return [{"search": s, "matches": subs.matches(s.id)[:100]} for s in subs.searches(username)]


@router.get("/saved-searches")
async def saved_searches_page(request: Request, me: Desk) -> Response:
    subs = notify_of(request)
    if subs is None:
        return error_page(request, 503, "Saved searches are not configured.")
    rows = await run_in_threadpool(_listing, subs, me.user.username)
    done = request.query_params.get("done", "")[:40]
    return render(request, "saved_searches.html", rows=rows, message=done)


async def _owner_form(request: Request, me: Any) -> NotifyService | Response:
    try:
        form = await read_form(request)
    except BadRequest as exc:
        return error_page(request, 422, str(exc), back=BACK)
    check_csrf(request, me, form.get("csrf_token"))
    subs = notify_of(request)
    if subs is None:
        return error_page(request, 503, "Saved searches are not configured.")
    return subs


@router.post("/saved-searches/run")
async def run_now(request: Request, me: Desk) -> Response:
    subs = await _owner_form(request, me)
    if isinstance(subs, Response):
        return subs
    added = await run_in_threadpool(subs.run_searches, me.user.username, utc_now())
    return RedirectResponse(f"{BACK}?done={added}+new", status_code=303)


@router.post("/saved-searches/{search_id}/delete")
async def delete(request: Request, search_id: int, me: Desk) -> Response:
    subs = await _owner_form(request, me)
    if isinstance(subs, Response):
        return subs
    if not await run_in_threadpool(subs.delete_search, me.user.username, search_id):
        return error_page(request, 404, "No such saved search.", back=BACK)
    return RedirectResponse(f"{BACK}?done=deleted", status_code=303)


def _as_json(search: SavedSearch, subs: NotifyService) -> dict[str, Any]:
    return {
        "id": search.id, "name": search.name, "params": search.params,
        "min_score": search.min_score, "email": search.email, "since": search.since,
        "matches": [{"alert_id": m.alert_id, "title": m.title, "score": m.score, "at": m.at,
                     "notified": m.notified} for m in subs.matches(search.id)[:100]],
    }  # fmt: skip


@router.get("/api/v1/saved-searches")
async def saved_searches_api(request: Request, me: Desk) -> Any:
    """The caller's saved searches and their latest matches."""
    subs = notify_of(request)
    if subs is None:
        return error(503, "searches_off", "saved searches are not configured")

    def read() -> list[dict[str, Any]]:
        return [_as_json(s, subs) for s in subs.searches(me.user.username)]

    items = await run_in_threadpool(read)
    return {"total": len(items), "items": items}
