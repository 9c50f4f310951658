"""One HTTP request (a webhook POST, a re-check GET) to a checked target, connected to
the address the SSRF guard checked (``Target.ip``), not to whatever the name resolves
to by then. ``Host`` and, for https, SNI and certificate checks keep the name. Redirects
are not followed (a redirect could point anywhere); the response body is read up to a
small cap and dropped."""

from __future__ import annotations

import http.client
import socket
import ssl

from outreach.notify.ssrf import Target

MAX_RESPONSE_BYTES = 64 * 1024


class SendError(Exception):
    """The request could not be made or answered (connection, timeout, TLS)."""


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout,
                         context=ssl.create_default_context())  # fmt: skip
        self._ip = target.ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST ``body``; return the HTTP status (``SendError`` if there is none)."""
    return request("POST", target, body, headers, timeout)


def request(
    method: str, target: Target, body: bytes | None, headers: dict[str, str], timeout: float
) -> int:
    """One request; the HTTP status (``SendError`` if there is none)."""
    conn: http.client.HTTPConnection
    if target.scheme == "https":
        conn = _PinnedHTTPS(target, timeout)
    else:
        conn = http.client.HTTPConnection(target.ip, target.port, timeout=timeout)
    host = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
    try:
        conn.request(method, target.path, body=body, headers={**headers, "Host": host})
        response = conn.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return int(response.status)
    except (OSError, http.client.HTTPException) as exc:
        raise SendError(f"{target.host}: {type(exc).__name__}: {exc}") from exc
    finally:
        conn.close()
