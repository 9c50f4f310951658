"""The investigators' web app: ``create_app(store, accounts=…)`` builds a FastAPI application.

Design notes
------------
* The store, the accounts, the evidence reader and (optionally) the seller graph are
  passed in and kept on ``app.state``; nothing is looked up globally, so tests and
  ``wildtrace serve`` build the app the same way around real ones. Without a graph the
  network pages answer 404 and the nav does not offer them.
* Every route but ``/healthz``, ``/login`` and ``/static`` needs an account
  (``web.auth``); refusals and bad input become HTML pages on HTML routes and the JSON
  error shape under ``/api/``.
* Everything a page needs is served by the app itself (``/static``); pages carry no
  inline script or style, so a strict Content-Security-Policy (``default-src 'self'``)
  holds, and a scraped ``<script>`` that somehow escaped escaping still could not run.
  Charts are inline SVG drawn by the app.
* Jinja2 autoescaping is always on; helpers that add markup (``highlight``) escape the
  scraped text first.
* FastAPI's interactive docs are off: they load scripts from a CDN. ``/api/docs``
  (``web.api_docs``) renders the OpenAPI description as a plain page instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.exceptions import HTTPException

from accounts.base import Accounts
from alerts.base import GraphStorage
from index.base import Store
from web import (
    admin_webhooks,
    api,
    api_docs,
    audiences_api,
    contact_lists,
    dashboard,
    digest_pages,
    evidence,
    feeds_api,
    listing_pages,
    login,
    network_pages,
    pages,
    partner_pages,
    saved_searches,
)
from web.api import SafeJSONResponse
from web.auth import Refused
from web.evidence import EvidenceReader
from web.queries import BadRequest
from web.render import (
    bdi,
    highlight,
    query_string,
    safe_href,
    score_text,
    snippet,
    span_text,
    when,
)
from web.security import BodyLimit, SecurityHeaders, TrustedHosts
from web.views import error_page

HERE = Path(__file__).parent
MAX_BODY_BYTES = 64_000  # a state change is a few hundred bytes


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["bdi"] = bdi
    env.globals.update(
        safe_href=safe_href,
        query_string=query_string,
        highlight=highlight,
        snippet=snippet,
        span_text=span_text,
        when=when,
        score_text=score_text,
    )
    return Jinja2Templates(env=env)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        if _is_api(request):
            kind = "unauthenticated" if exc.status == 401 else "forbidden"
            return JSONResponse({"error": kind, "detail": exc.detail}, status_code=exc.status)
        return login.refused_page(request, exc.status, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        if _is_api(request):
            return await api.validation_error(request, exc)
        return error_page(request, 422, f"Bad input — {problems}")

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> Response:
        # Input a handler did not catch itself (a form route sent JSON, …): a 422, never a 500.
        if _is_api(request):
            return api.error(422, "bad_request", str(exc))
        return error_page(request, 422, str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _is_api(request) or request.url.path.startswith("/static/"):
            return await api.http_error(request, exc)
        message = "No such page." if exc.status_code == 404 else str(exc.detail)
        return error_page(request, exc.status_code, message)


def create_app(
    store: Store,
    *,
    accounts: Accounts,
    evidence_reader: EvidenceReader | None = None,
    page_size: int = 50,
    title: str = "wildtrace",
    allowed_hosts: tuple[str, ...] = (),
    max_body_bytes: int = MAX_BODY_BYTES,
    networks: GraphStorage | None = None,
    identify: Callable[[str], list[str]] | None = None,
) -> FastAPI:
    """The web app (pages, JSON API, exports, static files) around ``store`` and
    ``accounts``; when given, the seller graph ``networks`` (network pages) and
    ``identify``, which turns a typed query ("0903 555 123", "ivy [at] gmail [dot] com")
    into identifier keys.

    ``allowed_hosts``: the names the app answers to (``Host`` header, against DNS
    rebinding); empty = any (the in-process test client). Bodies over ``max_body_bytes``
    are refused with 413 before anything reads them."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    app = FastAPI(
        title=title, docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
        default_response_class=SafeJSONResponse,
    )  # fmt: skip
    app.state.store = store
    app.state.accounts = accounts
    app.state.evidence = evidence_reader
    app.state.networks = networks
    app.state.identify = identify
    app.state.page_size = page_size
    app.state.title = title
    app.state.templates = make_templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (api, login, pages, listing_pages, evidence, dashboard, network_pages):
        app.include_router(module.router)
    # The partner, campaigner and admin views (issue 9).
    for extra in (feeds_api, partner_pages, audiences_api, admin_webhooks, contact_lists,
                  digest_pages, saved_searches, api_docs):  # fmt: skip
        app.include_router(extra.router)
    _install_error_pages(app)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    if allowed_hosts:
        app.add_middleware(TrustedHosts, allowed=allowed_hosts)
    app.add_middleware(SecurityHeaders)  # outermost: even a refusal carries the headers
    return app
