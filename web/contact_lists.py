"""Hashed buyer contact lists for campaigners (``outreach.contacts``): ``/audiences/contacts``
shows the legal-basis note and which segments are large enough; the export is a POST that
must carry the reader's confirmation of the note. Off unless an admin switched it on
(``audiences.contact_lists``): then both routes answer 404 "not enabled", for every role.
Nothing but SHA-256 hashes leaves: no raw number, address, listing or URL."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from outreach.base import LEGAL_NOTE, AudienceService
from web.auth import check_csrf
from web.forms import read_form
from web.queries import BadRequest
from web.roles import AudienceReader
from web.views import error_page, render

router = APIRouter()
BACK = "/audiences/contacts"


def _enabled(request: Request) -> AudienceService | None:
    service: AudienceService | None = getattr(request.app.state, "audiences", None)
    return service if getattr(request.app.state, "contact_lists", False) else None


@router.get("/audiences/contacts")
async def contacts_page(request: Request, me: AudienceReader) -> Response:
    service = _enabled(request)
    if service is None:
        return error_page(request, 404, "Hashed contact lists are not enabled by an admin.")
    rows = await run_in_threadpool(service.contact_segments)
    return render(request, "contacts.html", note=LEGAL_NOTE, k=service.k, rows=rows)


@router.post("/audiences/contacts.csv")
async def contacts_csv(request: Request, me: AudienceReader) -> Response:
    try:
        form = await read_form(request)
    except BadRequest as exc:
        return error_page(request, 422, str(exc), back=BACK)
    check_csrf(request, me, form.get("csrf_token"))
    service = _enabled(request)
    if service is None:
        return error_page(request, 404, "Hashed contact lists are not enabled by an admin.")
    if form.get("confirm") != "yes":
        return error_page(request, 422, "Confirm the legal-basis note first.", back=BACK)
    commodity, lang = form.get("commodity", "")[:60], form.get("lang", "")[:12]
    try:
        body = await run_in_threadpool(service.contact_csv, commodity, lang)
    except LookupError as exc:
        return error_page(request, 404, str(exc), back=BACK)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="hashed-contacts.csv"'},
    )
