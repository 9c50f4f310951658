"""The JSON API under ``/api/``: alerts, state changes, search, histograms, stats, exports.

Stable shapes: lists are ``{"total", "items"}``; every error, whoever raised it (these
routes, the alert rules, or FastAPI's own request validation), is ``{"error", "detail"}``
with 404 (``not_found``), 409 (``conflict``: the version moved on; ``bad_transition``:
not allowed from the current state; both include the current alert so the client can
re-read and retry) or 422 (``bad_request``). The error names are ``alerts.base``'s
``AlertError.kind``; 401 (``unauthenticated``) and 403 (``forbidden``: role, or CSRF)
come from ``web.auth``.

Every route but ``/healthz`` needs a desk account: a bearer token (``wildtrace users
token``) or a browser session. The actor of a state change is that account. From a
session a state change needs the ``X-CSRF-Token`` header, and it must be sent as JSON (a
cross-site form cannot send ``application/json`` without a CORS preflight, which this app
never grants).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from alerts.base import Alert, AlertError, ConflictError, TransitionError
from index.base import AlertFilter, Store
from web.auth import Desk, check_csrf
from web.export import MAX_EXPORT_ROWS, alerts_to_csv, alerts_to_jsonl
from web.params import (
    AlertListParams,
    AlertParams,
    HistogramParams,
    SearchListParams,
    SearchParams,
)
from web.queries import (
    BadRequest,
    alert_bundle,
    bundle_to_dict,
    search_to_dict,
    state_counts,
)

router = APIRouter()
HTTP_ERROR_NAMES = {
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "bad_request",
}


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


# HTTP status of each ``AlertError.kind``.
ERROR_STATUS = {"not_found": 404, "conflict": 409, "bad_transition": 409, "bad_request": 422}


class SafeJSONResponse(JSONResponse):
    """JSON with ``<``, ``>`` and ``&`` escaped (``\\u003c`` …), as the README promises: a
    scraped ``</script><script>`` stays inert even if a response is sniffed as HTML or
    pasted into a page. The JSON value is unchanged."""

    def render(self, content: Any) -> bytes:
        body = super().render(content)
        return body.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


def error(status: int, kind: str, detail: str, **extra: Any) -> JSONResponse:
    """The one error shape of the API."""
    return SafeJSONResponse({"error": kind, "detail": detail, **extra}, status_code=status)


async def validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI's request validation errors, in the API's error shape."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    parts = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in errors]
    return error(422, "bad_request", "; ".join(parts) or "invalid request")


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's HTTP errors (unknown route, wrong method) in the API's error shape."""
    status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
    detail = exc.detail if isinstance(exc, StarletteHTTPException) else "error"
    return error(status, HTTP_ERROR_NAMES.get(status, "error"), str(detail))


class StateChange(BaseModel):
    # Sizes only: what a valid change is, is ``alerts.base.StateChange``'s rule.
    state: str = Field(max_length=40)
    expected_version: int
    note: str = Field(default="", max_length=4000)
    reason: str | None = Field(default=None, max_length=40)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/api/alerts")
def list_alerts(request: Request, params: Annotated[AlertListParams, Depends()], me: Desk) -> Any:
    store = _store(request)
    try:
        flt = params.alert_filter(
            min_score=params.min_score, limit=params.limit, offset=params.offset
        )
    except BadRequest as exc:
        return error(422, "bad_request", str(exc))
    return {
        "total": store.count_alerts(flt),
        "items": [a.to_dict() for a in store.list_alerts(flt)],
    }


def _export(
    request: Request,
    params: AlertParams,
    render: Callable[[list[Alert]], str],
    media_type: str,
    filename: str,
) -> Response:
    """One export route: every alert the filters match (up to the export cap), rendered
    as an attachment."""
    try:
        flt = params.alert_filter()
    except BadRequest as exc:
        return error(422, "bad_request", str(exc))
    # The export cap is larger than the API page cap on purpose: read past it by cursor.
    alerts = list(islice(_store(request).iter_alerts(flt), MAX_EXPORT_ROWS))
    return Response(
        render(alerts),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/api/alerts.csv")
def export_csv(request: Request, params: Annotated[AlertParams, Depends()], me: Desk) -> Response:
    return _export(request, params, alerts_to_csv, "text/csv; charset=utf-8", "alerts.csv")


@router.get("/api/alerts.jsonl")
def export_jsonl(request: Request, params: Annotated[AlertParams, Depends()], me: Desk) -> Response:
    media_type = "application/x-ndjson; charset=utf-8"
    return _export(request, params, alerts_to_jsonl, media_type, "alerts.jsonl")


@router.get("/api/alerts/{alert_id}")
def get_alert(request: Request, alert_id: str, me: Desk) -> Any:
    bundle = alert_bundle(_store(request), alert_id)
    if bundle is None:
        return error(404, "not_found", f"no alert {alert_id!r}")
    return bundle_to_dict(bundle)


@router.post("/api/alerts/{alert_id}/state")
def change_state(
    request: Request, alert_id: str, change: Annotated[StateChange, Body()], me: Desk
) -> Any:
    check_csrf(request, me, None)
    store = _store(request)
    try:
        alert = store.set_alert_state(
            alert_id,
            change.state,
            actor=me.user.username,
            expected_version=change.expected_version,
            note=change.note,
            reason=change.reason,
        )
    except (ConflictError, TransitionError) as exc:
        current = store.get_alert(alert_id)
        alert_data = current.to_dict() if current else None
        return error(ERROR_STATUS[exc.kind], exc.kind, str(exc), alert=alert_data)
    except AlertError as exc:
        detail = f"no alert {alert_id!r}" if exc.kind == "not_found" else str(exc)
        return error(ERROR_STATUS[exc.kind], exc.kind, detail)
    return alert.to_dict()


@router.get("/api/search")
def search(request: Request, params: Annotated[SearchListParams, Depends()], me: Desk) -> Any:
    query = params.search_query(limit=params.limit, offset=params.offset)
    return search_to_dict(_store(request).search(query))


@router.get("/api/histogram")
def histogram(
    request: Request,
    # Two dependencies, buckets first: FastAPI validates and lists (OpenAPI) a route's
    # dependencies before its own parameters, so ``field`` and ``interval`` stay first.
    buckets: Annotated[HistogramParams, Depends()],
    params: Annotated[SearchParams, Depends()],
    me: Desk,
) -> Any:
    """Listings per UTC ``interval`` of a listing date, with the search filters; empty
    buckets are omitted (see ``Store.date_histogram``)."""
    try:
        query = params.search_query()
        counts = _store(request).date_histogram(
            query, field=buckets.field, interval=buckets.interval
        )
    except (BadRequest, ValueError) as exc:
        return error(422, "bad_request", str(exc))
    return {
        "field": buckets.field,
        "interval": buckets.interval,
        "buckets": [{"start": start, "count": count} for start, count in counts],
    }


@router.get("/api/stats")
def stats(request: Request, me: Desk) -> Any:
    store = _store(request)
    return {
        "counts": store.counts(),
        "alerts_by_state": state_counts(store, AlertFilter()),
        "index_lag": store.index_lag(),  # stored listings not yet searchable by text
    }
