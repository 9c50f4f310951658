"""The JSON API under ``/api/``: alerts, state changes, search, histograms, stats, exports.

Stable shapes: lists are ``{"total", "items"}``; errors are ``{"error", "detail"}`` with
404 (unknown alert), 409 (version moved on; the current alert is included so the client
can re-read and retry) or 422 (bad input). State changes must be sent as JSON: a
cross-site form cannot send ``application/json`` without a CORS preflight, which this app
never grants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from alerts.base import STATES, Alert, ConflictError, UnknownAlertError
from index.base import AlertFilter, Store
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
from web.security import same_origin

router = APIRouter()


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def error(status: int, kind: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": kind, "detail": detail, **extra}, status_code=status)


class StateChange(BaseModel):
    state: str = Field(max_length=40)
    actor: str = Field(min_length=1, max_length=100)
    expected_version: int = Field(ge=1)
    note: str = Field(default="", max_length=2000)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/api/alerts")
def list_alerts(request: Request, params: Annotated[AlertListParams, Depends()]) -> Any:
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
    # The export cap is larger than the API page cap on purpose.
    alerts = _store(request).list_alerts(replace(flt, limit=MAX_EXPORT_ROWS, offset=0))
    return Response(
        render(alerts),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/api/alerts.csv")
def export_csv(request: Request, params: Annotated[AlertParams, Depends()]) -> Response:
    return _export(request, params, alerts_to_csv, "text/csv; charset=utf-8", "alerts.csv")


@router.get("/api/alerts.jsonl")
def export_jsonl(request: Request, params: Annotated[AlertParams, Depends()]) -> Response:
    media_type = "application/x-ndjson; charset=utf-8"
    return _export(request, params, alerts_to_jsonl, media_type, "alerts.jsonl")


@router.get("/api/alerts/{alert_id}")
def get_alert(request: Request, alert_id: str) -> Any:
    bundle = alert_bundle(_store(request), alert_id)
    if bundle is None:
        return error(404, "not_found", f"no alert {alert_id!r}")
    return bundle_to_dict(bundle)


@router.post("/api/alerts/{alert_id}/state")
def change_state(request: Request, alert_id: str, change: Annotated[StateChange, Body()]) -> Any:
    if not same_origin(request):
        return error(403, "forbidden", "cross-site request refused")
    if change.state not in STATES:
        return error(422, "bad_state", f"state must be one of {', '.join(STATES)}")
    store = _store(request)
    try:
        alert = store.set_alert_state(
            alert_id,
            change.state,
            actor=change.actor,
            expected_version=change.expected_version,
            note=change.note,
        )
    except UnknownAlertError:
        return error(404, "not_found", f"no alert {alert_id!r}")
    except ConflictError as exc:
        current = store.get_alert(alert_id)
        return error(409, "conflict", str(exc), alert=current.to_dict() if current else None)
    return alert.to_dict()


@router.get("/api/search")
def search(request: Request, params: Annotated[SearchListParams, Depends()]) -> Any:
    query = params.search_query(limit=params.limit, offset=params.offset)
    return search_to_dict(_store(request).search(query))


@router.get("/api/histogram")
def histogram(
    request: Request,
    # Two dependencies, buckets first: FastAPI validates and lists (OpenAPI) a route's
    # dependencies before its own parameters, so ``field`` and ``interval`` stay first.
    buckets: Annotated[HistogramParams, Depends()],
    params: Annotated[SearchParams, Depends()],
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
def stats(request: Request) -> Any:
    store = _store(request)
    return {"counts": store.counts(), "alerts_by_state": state_counts(store, AlertFilter())}
