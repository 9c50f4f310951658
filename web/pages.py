"""The desk's main pages: alert queue (filters, badges, bulk triage), alert detail
(evidence, why, versions, audit, triage form) and search.

Pages read through the same helpers as the JSON API (``web.queries``). Writes are
same-origin POSTs with the session's CSRF token and the version the investigator saw
(see ``web.triage``).
"""

from __future__ import annotations

from math import ceil
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from alerts.base import (
    STATES,
    TRANSITIONS,
    AlertError,
    Assignment,
    ConflictError,
    TransitionError,
    UnknownAlertError,
    alert_id_for,
)
from index.base import Store
from web.auth import CSRF_FIELD, Desk, accounts_of, check_csrf
from web.forms import read_form, read_form_lists
from web.listing_pages import listing_context
from web.params import AlertPageParams, SearchPageParams
from web.queries import BadRequest, seller_counts, state_counts
from web.queue import (
    FLAGS,
    GROUPS,
    SORTS,
    QueueFilter,
    check_choice,
    parse_date,
    parse_score,
    queue_page,
)
from web.triage import (
    DISMISS_REASONS,
    apply,
    apply_bulk,
    parse_change,
    parse_selection,
    parse_version,
)
from web.views import error_page, render, store_of

router = APIRouter()


def _queue_filters(
    params: AlertPageParams, me: str
) -> tuple[dict[str, object], QueueFilter, float | None]:
    min_score = parse_score(params.min_score, "min_score")
    assignee = (params.assignee or "").strip() or None
    qf = QueueFilter(
        lang=(params.lang or "").strip() or None,
        max_score=parse_score(params.max_score, "max_score"),
        since=parse_date(params.since, "since"),
        until=parse_date(params.until, "until"),
        flag=check_choice(params.flag, FLAGS, "flag"),
        assignee=me if assignee == "me" else assignee,
        sort=check_choice(params.sort, tuple(SORTS), "sort") or "priority",
        group=check_choice(params.group, GROUPS, "group"),
    )
    shown: dict[str, object] = {
        "state": params.state,
        "source": params.source,
        "commodity": params.commodity,
        "seller": params.seller,
        "network": params.network,
        "lang": qf.lang,
        "min_score": params.min_score,
        "max_score": params.max_score,
        "since": qf.since,
        "until": qf.until,
        "flag": qf.flag,
        "assignee": assignee,
        "sort": None if qf.sort == "priority" else qf.sort,
        "group": qf.group,
    }
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in shown.items()}, qf, min_score


@router.get("/")
def queue(request: Request, params: Annotated[AlertPageParams, Depends()], me: Desk) -> Response:
    store = store_of(request)
    size = request.app.state.page_size
    page = params.page
    try:
        shown, qf, min_score = _queue_filters(params, me.user.username)
        flt = params.alert_filter(min_score=min_score, limit=size, offset=(page - 1) * size)
    except BadRequest as exc:
        return error_page(request, 422, str(exc))
    result = queue_page(store, flt, qf)
    alerts = [r.alert for r in result.rows]
    return render(
        request,
        "queue.html",
        rows=result.rows,
        groups=result.groups,
        total=result.total,
        truncated=result.truncated,
        counts=state_counts(store, flt),
        sellers=seller_counts(store, alerts),
        params=shown,
        states=STATES,
        sorts=tuple(SORTS),
        reasons=DISMISS_REASONS,
        notice=request.query_params.get("done", "")[:200],
        page=page,
        pages=max(1, ceil(result.total / size)),
        lag=store.index_lag(),  # stored listings a text search cannot find yet
    )


@router.post("/alerts/bulk")
async def bulk(request: Request, me: Desk) -> Response:
    try:
        form = await read_form_lists(request)
        first = {k: v[0] for k, v in form.items() if v}
        check_csrf(request, me, first.get(CSRF_FIELD, ""))
        selection = parse_selection(form.get("alert", []))
        parse_change(first, actor=me.user.username, version=1)  # the form itself is sound
    except BadRequest as exc:
        return error_page(request, 422, str(exc))
    if not selection:
        return error_page(request, 422, "Select at least one alert.")
    result = await run_in_threadpool(
        apply_bulk, store_of(request), selection, first, actor=me.user.username
    )
    done = f"{len(result.changed)} changed to {first['state']}"
    if result.conflicts:
        done += f"; {len(result.conflicts)} skipped (changed by someone else meanwhile)"
    if result.refused:
        done += f"; {len(result.refused)} skipped (not allowed from their state)"
    back = first.get("back", "/")
    back = back if back.startswith("/?") or back == "/" else "/"
    sep = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{sep}{urlencode({'done': done})}", status_code=303)


@router.get("/alerts/{alert_id}")
def detail(request: Request, alert_id: str, me: Desk) -> Response:
    return _detail(request, alert_id)


def _detail(
    request: Request,
    alert_id: str,
    status: int = 200,
    message: str = "",
    form: dict[str, str] | None = None,
) -> Response:
    store = store_of(request)
    alert = store.get_alert(alert_id)
    if alert is None:
        return error_page(request, 404, "No such alert.")
    return render(
        request,
        "detail.html",
        status,
        a=alert,
        history=store.alert_history(alert_id),
        next_states=TRANSITIONS[alert.state],
        desk_users=[u for u in accounts_of(request).list_users() if u.desk],
        reasons=DISMISS_REASONS,
        message=message,
        form=form or {},
        **listing_context(store, alert.listing_key),
    )


@router.post("/alerts/{alert_id}/state")
async def change_state(request: Request, alert_id: str, me: Desk) -> Response:
    back = f"/alerts/{alert_id}"
    try:
        form = await read_form(request)
    except BadRequest as exc:
        return error_page(request, 422, str(exc), back)
    check_csrf(request, me, form.get(CSRF_FIELD, ""))
    try:
        version = parse_version(form.get("expected_version"))
        change = parse_change(form, actor=me.user.username, version=version)
    except BadRequest as exc:
        return await run_in_threadpool(_detail, request, alert_id, 422, str(exc), form)
    try:
        await run_in_threadpool(apply, store_of(request), alert_id, change)
    except UnknownAlertError:
        return error_page(request, 404, "No such alert.")
    except ConflictError:
        message = (
            "Someone changed this alert while you were looking at it. Your note is kept "
            "below: review the new state and save again."
        )
        return await run_in_threadpool(_detail, request, alert_id, 409, message, form)
    except TransitionError as exc:
        message = f"{exc}. Your note is kept below."
        return await run_in_threadpool(_detail, request, alert_id, 409, message, form)
    return RedirectResponse(back, status_code=303)


@router.post("/alerts/{alert_id}/assign")
async def assign(request: Request, alert_id: str, me: Desk) -> Response:
    """Give the alert to a desk account (or to nobody); the audit log records who did."""
    back = f"/alerts/{alert_id}"
    try:
        form = await read_form(request)
        check_csrf(request, me, form.get(CSRF_FIELD, ""))
        version = parse_version(form.get("expected_version"))
    except BadRequest as exc:
        return error_page(request, 422, str(exc), back)
    assignee = form.get("assignee", "").strip() or None
    if assignee is not None:
        user = await run_in_threadpool(accounts_of(request).get_user, assignee)
        if user is None or not user.desk:
            return error_page(request, 422, "Alerts go to investigators and admins only.", back)
    try:
        assignment = Assignment(assignee, me.user.username, version, form.get("note", "")[:500])
        await run_in_threadpool(store_of(request).assign_alert, alert_id, assignment)
    except UnknownAlertError:
        return error_page(request, 404, "No such alert.")
    except ConflictError:
        message = "Someone changed this alert while you were looking at it. Review and retry."
        return await run_in_threadpool(_detail, request, alert_id, 409, message)
    except AlertError as exc:
        return error_page(request, 422, str(exc), back)
    return RedirectResponse(back, status_code=303)


@router.get("/search")
def search(request: Request, params: Annotated[SearchPageParams, Depends()], me: Desk) -> Response:
    store = store_of(request)
    size = request.app.state.page_size
    page = params.page
    query = params.search_query(limit=size, offset=(page - 1) * size)
    result = store.search(query)
    shown = {  # the cleaned filters, echoed into the page links
        "q": query.text,
        "source": query.source,
        "commodity": query.commodity,
        "intent": query.intent,
        "lang": query.lang,
        "kind": query.kind,
    }
    alert_ids = {h.stored.listing.key: _alert_id(store, h.stored.listing.key) for h in result.hits}
    return render(
        request,
        "search.html",
        result=result,
        params=shown,
        alert_ids=alert_ids,
        page=page,
        pages=max(1, ceil(result.total / size)),
        lag=store.index_lag(),  # stored listings a text search cannot find yet
    )


def _alert_id(store: Store, key: str) -> str | None:
    alert = store.get_alert(alert_id_for(key))
    return alert.id if alert else None
