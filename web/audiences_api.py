"""Audiences for campaigners: ``/audiences`` (page), ``/api/v1/audiences`` (JSON) and
``/api/v1/audiences.csv``.

Only the published audience table (``outreach.base.AudienceService``) is rendered:
suppressed counts, group and intent totals, keyword lists and a weekly trend chart of the
published group totals. Nothing here reads a
listing's text, URL or seller into a response, and errors say nothing about a listing.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from outreach.base import AudienceService
from web.api import error
from web.dashboard import Series, stacked_bars
from web.digest_pages import subscription_of
from web.export import neutralise_cell
from web.roles import AudienceReader
from web.views import error_page, render

router = APIRouter()


def _service(request: Request) -> AudienceService | None:
    service: AudienceService | None = getattr(request.app.state, "audiences", None)
    return service


def audience_table(request: Request) -> dict[str, Any]:
    service = _service(request)
    assert service is not None
    return service.table()


@router.get("/api/v1/audiences")
async def audiences_json(request: Request, me: AudienceReader) -> Any:
    if _service(request) is None:
        return error(503, "audiences_off", "audiences are not configured")
    return await run_in_threadpool(audience_table, request)


@router.get("/api/v1/audiences.csv")
async def audiences_csv(request: Request, me: AudienceReader) -> Response:
    if _service(request) is None:
        return error(503, "audiences_off", "audiences are not configured")
    table = await run_in_threadpool(audience_table, request)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*table["dimensions"], "count"])
    for cell in table["cells"]:
        count = "suppressed" if cell["suppressed"] else cell["count"]
        writer.writerow(
            [neutralise_cell(v) for v in (*(cell[d] for d in table["dimensions"]), count)]
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="audiences.csv"'},
    )


def trend(data: dict[str, Any]) -> tuple[Series, Markup]:
    """Weekly published totals per intent × commodity (the group totals), as a stacked
    bar chart. A suppressed total is drawn as 0 and named in the table, never estimated."""
    groups = [g for g in data["groups"] if not g["suppressed"]]
    weeks = sorted({g["week"] for g in data["groups"]})
    names = sorted({f"{g['intent']} · {g['commodity']}" for g in groups})
    parts = {n: [0] * len(weeks) for n in names}
    for g in groups:
        parts[f"{g['intent']} · {g['commodity']}"][weeks.index(g["week"])] = int(g["total"])
    series = Series(weeks, parts)
    return series, stacked_bars(series, title="Published listings per week")


@router.get("/audiences")
async def audiences_page(request: Request, me: AudienceReader) -> Response:
    if _service(request) is None:
        return error_page(request, 503, "Audiences are not configured.")
    data = await run_in_threadpool(audience_table, request)
    return render(
        request,
        "audiences.html",
        data=data,
        trend=trend(data),
        contact_lists=bool(getattr(request.app.state, "contact_lists", False)),
        digest=subscription_of(request, me.user.username, "audience"),
        digest_kind="audience",
        message=request.query_params.get("done", "")[:40],
    )
