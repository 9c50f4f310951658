"""Who is asking, and may they: identity, role checks and CSRF for every route.

Design notes
------------
* Two ways in. A browser logs in (``/login``) and carries a server-side session in an
  ``HttpOnly``, ``SameSite=Strict`` cookie. A machine client sends
  ``Authorization: Bearer wt_…`` (``wildtrace users token``); a bearer token is never
  sent by a browser on its own, so it needs no CSRF token.
* Every route declares its policy with one dependency (``desk`` for the investigator's
  desk, ``signed_in`` for pages any role may see). A refusal raises ``Refused``; the app
  turns it into an HTML page (a redirect to the login for the anonymous) or, under
  ``/api/``, the JSON error shape ``{"error", "detail"}`` with 401/403.
* CSRF: every state-changing request from a session must carry the session's token, in
  the ``csrf_token`` form field or the ``X-CSRF-Token`` header, compared in constant
  time. On top of that ``same_origin`` refuses what the browser marks as cross-site. The
  old check refused ``Origin: null``, which Chromium sends on a same-origin form POST
  when the page's referrer policy is ``no-referrer``; the app now sends
  ``Referrer-Policy: same-origin`` (scraped sites still get no referrer: external links
  are ``noreferrer`` and cross-origin requests carry none), and an opaque ``null``
  origin is only let through with a valid token, which a cross-site page cannot know.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from accounts.base import Accounts, Session, User
from web.security import same_origin

SESSION_COOKIE = "wt_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class Refused(Exception):
    """The request may not proceed: 401 (who are you?) or 403 (not for you)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Identity:
    user: User
    session: Session | None  # None for an API token

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token if self.session else ""


def accounts_of(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def identify(request: Request) -> Identity | None:
    """The signed-in account, from a bearer token or the session cookie (cached)."""
    if hasattr(request.state, "identity"):
        cached: Identity | None = request.state.identity
        return cached
    accounts = accounts_of(request)
    identity: Identity | None = None
    token = _bearer(request)
    if token is not None:
        user = await run_in_threadpool(accounts.token_user, token)
        identity = Identity(user, None) if user else None
    else:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        session = await run_in_threadpool(accounts.session, cookie) if cookie else None
        identity = Identity(session.user, session) if session else None
    request.state.identity = identity
    return identity


async def signed_in(request: Request) -> Identity:
    """Any enabled account (401 for the anonymous)."""
    identity = await identify(request)
    if identity is None:
        raise Refused(401, "sign in first")
    return identity


async def desk(identity: Annotated[Identity, Depends(signed_in)]) -> Identity:
    """An account that works the investigator's desk (admin, investigator)."""
    if not identity.user.desk:
        raise Refused(403, f"the {identity.user.role} role has no access to this page")
    return identity


def check_csrf(request: Request, identity: Identity, form_token: str | None) -> None:
    """Refuse a state change a cross-site page could have forged (see module notes)."""
    if identity.session is None:  # bearer token: not ambient, cannot be forged
        return
    if not same_origin(request):
        raise Refused(403, "cross-site request refused")
    sent = form_token or request.headers.get(CSRF_HEADER, "")
    if not sent or not hmac.compare_digest(sent.encode(), identity.csrf_token.encode()):
        raise Refused(403, "missing or wrong CSRF token; reload the page and try again")


Desk = Annotated[Identity, Depends(desk)]
SignedIn = Annotated[Identity, Depends(signed_in)]
