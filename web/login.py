"""Signing in and out, and the account page every role may see.

The login form is protected like every other form: before a session exists, a random
value is set in a ``SameSite=Strict`` cookie and echoed in a hidden field (double
submit), so a cross-site page cannot sign the browser into an attacker's account.
``next`` is followed only to a local path.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from accounts.base import SESSION_TTL_S, TooManyAttempts
from web.auth import CSRF_FIELD, SESSION_COOKIE, SignedIn, accounts_of, check_csrf, identify
from web.forms import read_form
from web.queries import BadRequest
from web.views import error_page, render

router = APIRouter()
LOGIN_COOKIE = "wt_login"


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in; anything else becomes ``/``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ord(ch) < 0x20 for ch in target) or len(target) > 500:
        return "/"
    return target


def _login_page(request: Request, status: int = 200, message: str = "") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        status,
        login_token=token,
        next=safe_next(request.query_params.get("next")),
        message=message,
    )
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.get("/login")
async def login_form(request: Request) -> Response:
    if await identify(request) is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    try:
        form = await read_form(request)
    except BadRequest as exc:
        return _login_page(request, 422, str(exc))
    expected = request.cookies.get(LOGIN_COOKIE, "")
    sent = form.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return _login_page(request, 403, "The form expired. Please sign in again.")
    client = request.client.host if request.client else "unknown"
    try:
        session = await run_in_threadpool(
            accounts_of(request).login, form.get("username", ""), form.get("password", ""), client
        )
    except TooManyAttempts:
        return _login_page(request, 429, "Too many failed attempts. Wait 15 minutes.")
    if session is None:
        return _login_page(request, 401, "Wrong name or password.")
    home = "/" if session.user.desk else "/account"
    target = safe_next(form.get("next")) if form.get("next") not in (None, "", "/") else home
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session.session_id,
        max_age=SESSION_TTL_S,
        httponly=True,
        samesite="strict",
        path="/",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, me: SignedIn) -> Response:
    form = await read_form(request)
    check_csrf(request, me, form.get(CSRF_FIELD, ""))
    if me.session is not None:
        await run_in_threadpool(accounts_of(request).logout, me.session.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account")
def account(request: Request, me: SignedIn) -> Response:
    return render(request, "account.html", user=me.user)


@router.get("/api/me")
def api_me(me: SignedIn) -> dict[str, object]:
    u = me.user
    return {
        "username": u.username,
        "role": u.role,
        "name": u.display_name,
        "sources": list(u.sources),
        "desk": u.desk,
    }


def refused_page(request: Request, status: int, detail: str) -> Response:
    """The HTML answer to ``Refused``: the login for the anonymous, else a 403 page."""
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return error_page(request, status, f"Not allowed: {detail}.", "/account")
