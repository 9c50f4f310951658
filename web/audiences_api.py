"""Audiences for campaigners: ``/audiences`` (page), ``/api/v1/audiences`` (JSON) and
``/api/v1/audiences.csv``.

Only ``alerts.audiences`` output is rendered: suppressed counts, group and intent totals
and keyword lists. Nothing here reads a listing's text, URL or seller into a response,
and errors say nothing about a listing either. ``k`` is ``audiences.min_cell``
(``app.state.audience_k``, set by the composition root; 10 if unset).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from alerts.audiences import DIMENSIONS, AudienceTable, build
from classifiers.base import Detection
from index.base import Store, StoredListing
from web.export import neutralise_cell
from web.roles import AudienceReader
from web.views import render

router = APIRouter()
DEFAULT_K = 10


def _pairs(store: Store) -> Iterator[tuple[StoredListing, Detection]]:
    for stored in store.iter_listings():
        detection = store.get_detection(stored.listing.key)
        if detection is not None and detection.is_hit:
            yield stored, detection


def audience_table(request: Request) -> AudienceTable:
    k = int(getattr(request.app.state, "audience_k", DEFAULT_K))
    return build(_pairs(request.app.state.store), k)


def table_to_dict(table: AudienceTable) -> dict[str, Any]:
    published = table.published()
    return {
        "version": "1",
        "k": table.k,
        "dimensions": list(DIMENSIONS),
        "cells": [
            {**dict(zip(DIMENSIONS, key, strict=True)), "count": n, "suppressed": n is None}
            for key, n in published["cells"]
        ],
        "groups": [
            {"intent": g[0], "commodity": g[1], "week": g[2], "total": n, "suppressed": n is None}
            for g, n in published["groups"]
        ],
        "intents": [
            {"intent": i[0], "total": n, "suppressed": n is None} for i, n in published["intents"]
        ],
        "keywords": [
            {"intent": s[0], "commodity": s[1], "lang": s[2],
             "terms": [{"term": w, "listings": n} for w, n in words]}
            for s, words in sorted(table.keywords.items())
        ],  # fmt: skip
    }


@router.get("/api/v1/audiences")
async def audiences_json(request: Request, me: AudienceReader) -> Any:
    return table_to_dict(await run_in_threadpool(audience_table, request))


@router.get("/api/v1/audiences.csv")
async def audiences_csv(request: Request, me: AudienceReader) -> Response:
    table = await run_in_threadpool(audience_table, request)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*DIMENSIONS, "count"])
    for key, n in table.published()["cells"]:
        writer.writerow([neutralise_cell(v) for v in (*key, "suppressed" if n is None else n)])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="audiences.csv"'},
    )


@router.get("/audiences")
async def audiences_page(request: Request, me: AudienceReader) -> Response:
    data = table_to_dict(await run_in_threadpool(audience_table, request))
    return render(request, "audiences.html", data=data)
