"""Rendering a page: the template, the signed-in account, the CSRF token, the nav state.

Every HTML response goes through ``render`` (or ``error_page``), so every page knows who
is signed in (for the header and the role-dependent nav), carries the session's CSRF
token for its forms, and marks the current section with ``aria-current``.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from index.base import Store

# (path, label): the desk's sections, in nav order.
DESK_NAV = (
    ("/", "Queue"),
    ("/search", "Search"),
    ("/dashboard", "Dashboard"),
)
# Shown after the desk's sections when the app has a seller graph (``web.network_pages``).
NETWORKS_NAV = (("/networks", "Networks"),)


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def section_of(path: str) -> str:
    """Which nav entry a path belongs to (alerts and listings belong to the queue)."""
    sections = (("/search", "/search"), ("/saved-searches", "/search"),
                ("/dashboard", "/dashboard"), ("/networks", "/networks"))  # fmt: skip
    for prefix, section in sections:
        if path.startswith(prefix):
            return section
    return "/" if path == "/" or path.startswith("/alerts") else ""


def nav_for(request: Request) -> tuple[tuple[str, str], ...]:
    """The nav entries the signed-in account may use (none for roles without the desk)."""
    identity = getattr(request.state, "identity", None)
    if identity is None or not identity.user.desk:
        return ()
    has_graph = getattr(request.app.state, "networks", None) is not None
    return DESK_NAV + NETWORKS_NAV if has_graph else DESK_NAV


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    identity = getattr(request.state, "identity", None)
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request,
        name,
        {
            "title": request.app.state.title,
            "me": identity.user if identity else None,
            "csrf_token": identity.csrf_token if identity else "",
            "nav": nav_for(request),
            "section": section_of(request.url.path),
            **context,
        },
        status_code=status,
    )
    return response


def error_page(request: Request, status: int, message: str, back: str = "/") -> Response:
    return render(request, "error.html", status, status_code=status, message=message, back=back)
