"""The JSON API under ``/api/``: alerts, state changes, search, histograms, stats, exports.

Stable shapes: lists are ``{"total", "items"}``; errors are ``{"error", "detail"}`` with
404 (unknown alert), 409 (version moved on; the current alert is included so the client
can re-read and retry) or 422 (bad input). State changes must be sent as JSON: a
cross-site form cannot send ``application/json`` without a CORS preflight, which this app
never grants.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from alerts.base import STATES, Alert, ConflictError, UnknownAlertError
from alerts.export import MAX_EXPORT_ROWS, alerts_to_csv, alerts_to_jsonl
from alerts.web.queries import (
    BadRequest,
    alert_bundle,
    alert_filter,
    bundle_to_dict,
    search_query,
    search_to_dict,
    state_counts,
)
from alerts.web.security import same_origin
from index.base import AlertFilter, Store

router = APIRouter()

Str = Annotated[str | None, Query(max_length=200)]


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
def list_alerts(
    request: Request,
    state: Str = None,
    source: Str = None,
    commodity: Str = None,
    seller: Str = None,
    min_score: float | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    store = _store(request)
    try:
        flt = alert_filter(
            state=state,
            source=source,
            commodity=commodity,
            seller=seller,
            min_score=min_score,
            limit=limit,
            offset=offset,
        )
    except BadRequest as exc:
        return error(422, "bad_request", str(exc))
    return {
        "total": store.count_alerts(flt),
        "items": [a.to_dict() for a in store.list_alerts(flt)],
    }


def _export_alerts(
    request: Request,
    state: str | None,
    source: str | None,
    commodity: str | None,
    seller: str | None,
) -> list[Alert]:
    flt = alert_filter(state=state, source=source, commodity=commodity, seller=seller)
    # The export cap is larger than the API page cap on purpose.
    return _store(request).list_alerts(replace(flt, limit=MAX_EXPORT_ROWS, offset=0))


@router.get("/api/alerts.csv")
def export_csv(
    request: Request,
    state: Str = None,
    source: Str = None,
    commodity: Str = None,
    seller: Str = None,
) -> Response:
    try:
        alerts = _export_alerts(request, state, source, commodity, seller)
    except BadRequest as exc:
        return error(422, "bad_request", str(exc))
    return Response(
        alerts_to_csv(alerts),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="alerts.csv"'},
    )


@router.get("/api/alerts.jsonl")
def export_jsonl(
    request: Request,
    state: Str = None,
    source: Str = None,
    commodity: Str = None,
    seller: Str = None,
) -> Response:
    try:
        alerts = _export_alerts(request, state, source, commodity, seller)
    except BadRequest as exc:
        return error(422, "bad_request", str(exc))
    return Response(
        alerts_to_jsonl(alerts),
        media_type="application/x-ndjson; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="alerts.jsonl"'},
    )


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
def search(
    request: Request,
    q: Str = None,
    source: Str = None,
    commodity: Str = None,
    intent: Str = None,
    lang: Str = None,
    kind: Str = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    query = search_query(
        q=q,
        source=source,
        commodity=commodity,
        intent=intent,
        lang=lang,
        kind=kind,
        limit=limit,
        offset=offset,
    )
    return search_to_dict(_store(request).search(query))


@router.get("/api/histogram")
def histogram(
    request: Request,
    field: Annotated[str, Query(max_length=40)] = "first_seen_at",
    interval: Annotated[str, Query(max_length=40)] = "day",
    q: Str = None,
    source: Str = None,
    commodity: Str = None,
    intent: Str = None,
    lang: Str = None,
    kind: Str = None,
) -> Any:
    """Listings per UTC ``interval`` of a listing date, with the search filters; empty
    buckets are omitted (see ``Store.date_histogram``)."""
    try:
        query = search_query(
            q=q, source=source, commodity=commodity, intent=intent, lang=lang, kind=kind
        )
        buckets = _store(request).date_histogram(query, field=field, interval=interval)
    except (BadRequest, ValueError) as exc:
        return error(422, "bad_request", str(exc))
    return {
        "field": field,
        "interval": interval,
        "buckets": [{"start": start, "count": count} for start, count in buckets],
    }


@router.get("/api/stats")
def stats(request: Request) -> Any:
    store = _store(request)
    return {"counts": store.counts(), "alerts_by_state": state_counts(store, AlertFilter())}
