"""The investigators' web app: ``create_app(store)`` builds a FastAPI application.

Design notes
------------
* The store is passed in and kept on ``app.state``; nothing is looked up globally, so
  tests and ``wildtrace serve`` build the app the same way around a real store.
* Everything a page needs is served by the app itself (``/static``); pages carry no
  inline script or style, so a strict Content-Security-Policy (``default-src 'self'``)
  holds, and a scraped ``<script>`` that somehow escaped escaping still could not run.
* Jinja2 autoescaping is always on; helpers that add markup (``highlight``) escape the
  scraped text first.
* FastAPI's interactive docs are off: they load scripts from a CDN.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.base import Store
from web import api, pages
from web.render import highlight, query_string, safe_href, snippet, span_text
from web.security import SecurityHeaders

HERE = Path(__file__).parent


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        safe_href=safe_href,
        query_string=query_string,
        highlight=highlight,
        snippet=snippet,
        span_text=span_text,
    )
    return Jinja2Templates(env=env)


def create_app(store: Store, *, page_size: int = 50, title: str = "wildtrace") -> FastAPI:
    """The web app (pages, JSON API, exports, static files) around ``store``."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    app = FastAPI(title=title, docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.store = store
    app.state.page_size = page_size
    app.state.title = title
    app.state.templates = make_templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_exception_handler(RequestValidationError, api.validation_error)
    app.add_exception_handler(StarletteHTTPException, api.http_error)
    app.add_middleware(SecurityHeaders)
    return app
