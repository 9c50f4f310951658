"""HTTP hardening for the web app: security headers on every response, and a
same-origin check for state-changing requests.

Web threats: a hostile page in the investigator's browser posting to the app (CSRF:
refused by the session's CSRF token, ``web.auth.check_csrf``, and by ``same_origin``
using the browser-set ``Sec-Fetch-Site`` and ``Origin`` headers), and scraped markup that
escaped escaping (a strict Content-Security-Policy).

``Referrer-Policy: same-origin``, not ``no-referrer``: under ``no-referrer`` Chromium
sends ``Origin: null`` on a same-origin form POST, which made every state change fail.
``Origin: null`` is still allowed here (sandboxed frames and privacy settings send it);
the CSRF token decides then.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


class SecurityHeaders:
    """ASGI middleware adding ``SECURITY_HEADERS`` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def same_origin(request: Request) -> bool:
    """False for a request a browser marks as coming from another site."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")


def _plain(payload: bytes, status: int) -> list[Message]:
    return [
        {"type": "http.response.start", "status": status,
         "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                     (b"content-length", str(len(payload)).encode())]},
        {"type": "http.response.body", "body": payload},
    ]  # fmt: skip


async def _answer(send: Send, status: int, text: str) -> None:
    for message in _plain(text.encode(), status):
        await send(message)


def host_name(header: str) -> str:
    """The host of a ``Host`` header, without port or IPv6 brackets, lower-case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class TrustedHosts:
    """Refuses (400) a request whose ``Host`` is not one of ``allowed``: a page on another
    site that re-points its own name at 127.0.0.1 (DNS rebinding) reaches the app with its
    own name in ``Host`` and is turned away before it can read any JSON."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = frozenset(h.lower() for h in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            host = host_name(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.allowed:
                await _answer(send, 400, "invalid Host header")
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuses (413) a request body over ``max_bytes`` before the app reads any of it: the
    declared ``Content-Length``, or — for a body without one — the bytes as they arrive
    (read up to the limit, then replayed to the app). Nothing of it is echoed back."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _answer(send, 413, f"request body over {self.max_bytes} bytes")
            return
        messages: list[Message] = []
        size, more = 0, True
        while more:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            more = message.get("more_body", False) and message["type"] == "http.request"
            if size > self.max_bytes:
                await _answer(send, 413, f"request body over {self.max_bytes} bytes")
                return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
