"""Re-crawl a source now, from the desk: the page of enabled sources and the button.

The composition root attaches a ``Recrawler`` as ``app.state.recrawl`` (``wildtrace.worker.
DeskRecrawler``): in distributed mode the crawl goes onto the shared frontier for the
workers; on one machine it runs in a background thread of the server (crawl, classify,
store, alert), so the request never waits for a crawl. A source whose crawl is still open
on the frontier is not started twice. The desk roles only; every request carries CSRF.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from web.auth import Desk, check_csrf
from web.forms import read_form
from web.queries import BadRequest
from web.views import error_page, render

router = APIRouter()
BACK = "/sources"


class Recrawler(Protocol):
    """What the desk needs to start a crawl of one source now."""

    def sources(self) -> list[str]:
        """Names of the enabled sources, sorted."""

    def start(self, source: str) -> dict[str, Any]:
        """Start (or enqueue) a crawl of ``source``: ``{"mode", "started", ...}``;
        ``ValueError`` for a source that is not enabled; ``ConnectionError`` when the
        shared frontier cannot be reached (nothing was started)."""


def recrawler_of(request: Request) -> Recrawler | None:
    recrawl: Recrawler | None = getattr(request.app.state, "recrawl", None)
    return recrawl


@router.get("/sources")
async def sources_page(request: Request, me: Desk) -> Response:
    recrawl = recrawler_of(request)
    if recrawl is None:
        return error_page(request, 503, "Re-crawling from the desk is not configured.")
    names = await run_in_threadpool(recrawl.sources)
    started = request.query_params.get("started", "")[:100]
    outcome = request.query_params.get("status", "")[:40]
    return render(request, "sources.html", sources=names, started=started, outcome=outcome)


@router.post("/sources/{source}/crawl")
async def crawl_source(request: Request, source: str, me: Desk) -> Response:
    try:
        form = await read_form(request)
    except BadRequest as exc:
        return error_page(request, 422, str(exc), back=BACK)
    check_csrf(request, me, form.get("csrf_token"))
    recrawl = recrawler_of(request)
    if recrawl is None:
        return error_page(request, 503, "Re-crawling from the desk is not configured.")
    try:
        result = await run_in_threadpool(recrawl.start, source)
    except ValueError as exc:
        return error_page(request, 404, str(exc), back=BACK)
    except ConnectionError as exc:
        # Redis down: the investigator must learn that nothing was queued, not see a 500.
        return error_page(request, 503, f"Nothing was queued: {exc}. Try again later.",
                          back=BACK)  # fmt: skip
    if not result.get("started"):
        status = "still running"
    else:
        status = "queued" if result.get("mode") == "frontier" else "started"
    return RedirectResponse(
        f"{BACK}?started={quote(source, safe='')}&status={quote(status)}", status_code=303
    )
