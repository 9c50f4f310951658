"""The HTML pages: alert queue, alert detail (with *why*), state changes and search.

Pages read through the same helpers as the JSON API (``web.queries``). The one
write (the state form) is a same-origin POST carrying the version the investigator saw;
if someone else changed the alert meanwhile the store refuses and the page says so
(409) instead of silently overwriting their decision.
"""

from __future__ import annotations

from math import ceil
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from alerts.base import (
    DISMISSAL_REASONS,
    MAX_NOTE_CHARS,
    STATES,
    TRANSITIONS,
    ConflictError,
    InvalidChangeError,
    StateChange,
    TransitionError,
    UnknownAlertError,
    alert_id_for,
)
from classifiers.base import TextDoc
from index.base import Store
from web.params import AlertPageParams, SearchPageParams
from web.queries import BadRequest, alert_bundle, seller_counts, state_counts
from web.security import same_origin

router = APIRouter()

MAX_FORM_BYTES = 16_384


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request, name, {"title": request.app.state.title, **context}, status_code=status
    )
    return response


def error_page(request: Request, status: int, message: str, back: str = "/") -> Response:
    return render(request, "error.html", status, status_code=status, message=message, back=back)


@router.get("/")
def queue(request: Request, params: Annotated[AlertPageParams, Depends()]) -> Response:
    store = _store(request)
    size = request.app.state.page_size
    page = params.page
    try:
        flt = params.alert_filter(limit=size, offset=(page - 1) * size)
    except BadRequest as exc:
        return error_page(request, 422, str(exc))
    alerts = store.list_alerts(flt)
    total = store.count_alerts(flt)
    shown = {  # the cleaned filters, echoed into the page links
        "state": flt.state,
        "source": flt.source,
        "commodity": flt.commodity,
        "seller": flt.seller_id,
    }
    return render(
        request,
        "queue.html",
        alerts=alerts,
        total=total,
        counts=state_counts(store, flt),
        sellers=seller_counts(store, alerts),
        params=shown,
        states=STATES,
        page=page,
        pages=max(1, ceil(total / size)),
    )


@router.get("/alerts/{alert_id}")
def detail(request: Request, alert_id: str) -> Response:
    return _detail(request, alert_id)


def _detail(request: Request, alert_id: str, status: int = 200, message: str = "") -> Response:
    bundle = alert_bundle(_store(request), alert_id)
    if bundle is None:
        return error_page(request, 404, "No such alert.")
    full_text = ""
    if bundle.stored is not None:
        listing = bundle.stored.listing
        # Reason spans count into TextDoc.full_text (title, newline, text).
        full_text = TextDoc(id=listing.key, title=listing.title, text=listing.text).full_text
    return render(
        request,
        "detail.html",
        status,
        b=bundle,
        full_text=full_text,
        next_states=TRANSITIONS[bundle.alert.state],
        reasons=DISMISSAL_REASONS,
        message=message,
    )


async def read_form(request: Request) -> dict[str, str]:
    """A small url-encoded form: first value of each field; size and field count capped."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise BadRequest("expected a url-encoded form")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise BadRequest("form too large")
    try:
        fields = parse_qs(body.decode("utf-8"), max_num_fields=20, strict_parsing=False)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest("malformed form") from exc
    return {k: v[0] for k, v in fields.items() if v}


def _state_change(form: dict[str, str]) -> StateChange:
    """The form as a checked ``alerts.base.StateChange`` (``BadRequest`` if it is not one)."""
    try:
        version = int(form.get("expected_version", ""))
    except ValueError as exc:
        raise BadRequest("expected_version must be a number") from exc
    try:
        return StateChange(
            form.get("state", ""),
            form.get("actor", ""),
            version,
            form.get("note", "")[:MAX_NOTE_CHARS],
            form.get("reason") or None,
        )
    except InvalidChangeError as exc:
        raise BadRequest(str(exc)) from exc


@router.post("/alerts/{alert_id}/state")
async def change_state(request: Request, alert_id: str) -> Response:
    back = f"/alerts/{alert_id}"
    if not same_origin(request):
        return error_page(request, 403, "Cross-site request refused.", back)
    try:
        change = _state_change(await read_form(request))
    except BadRequest as exc:
        return error_page(request, 422, str(exc), back)
    store = _store(request)
    try:
        await run_in_threadpool(
            store.set_alert_state,
            alert_id,
            change.state,
            actor=change.actor,
            expected_version=change.expected_version,
            note=change.note,
            reason=change.reason,
        )
    except UnknownAlertError:
        return error_page(request, 404, "No such alert.")
    except ConflictError:
        message = "Someone changed this alert while you were looking at it. Review and retry."
        return await run_in_threadpool(_detail, request, alert_id, 409, message)
    except TransitionError as exc:
        return await run_in_threadpool(_detail, request, alert_id, 409, str(exc))
    return RedirectResponse(back, status_code=303)


@router.get("/search")
def search(request: Request, params: Annotated[SearchPageParams, Depends()]) -> Response:
    store = _store(request)
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
    )


def _alert_id(store: Store, key: str) -> str | None:
    alert = store.get_alert(alert_id_for(key))
    return alert.id if alert else None
