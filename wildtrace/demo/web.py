"""HTTP plumbing shared by the three demo sites: responses, page shell, handler, server.

A site is any object with ``respond(path, query, base_url) -> Response``; this module
turns it into a quiet ``ThreadingHTTPServer`` (requests are logged at DEBUG through
``logging``, never written to stderr). All text is served as UTF-8 with a charset in
the Content-Type, and everything taken from the corpus goes through ``html.escape``
(the corpus deliberately contains ``<script>``, ``&`` and quotes).
"""

from __future__ import annotations

import html
import json
import logging
import re
import sys
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

logger = logging.getLogger("wildtrace.demo")

Query = dict[str, list[str]]
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    content_type: str


class Site(Protocol):
    name: str

    def respond(self, path: str, query: Query, base_url: str) -> Response: ...


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def paragraphs(text: str) -> str:
    """Escaped text as ``<p>`` blocks (blank lines) with ``<br>`` for single newlines."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    return "".join(
        "<p>" + "<br>".join(esc(line) for line in b.split("\n")) + "</p>" for b in blocks
    )


def html_page(title: str, body: str, lang: str = "en", status: int = 200) -> Response:
    doc = (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head><meta charset="utf-8">'
        f"<title>{esc(title)}</title></head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return Response(status, doc.encode("utf-8"), "text/html; charset=utf-8")


def text(body: str, status: int = 200) -> Response:
    return Response(status, body.encode("utf-8"), "text/plain; charset=utf-8")


def json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8")


def xml_response(body: str) -> Response:
    return Response(200, body.encode("utf-8"), "application/rss+xml; charset=utf-8")


def png(body: bytes) -> Response:
    return Response(200, body, "image/png")


def not_found() -> Response:
    return html_page("Not found", "<h1>404 Not found</h1>", status=404)


def bad_request(reason: str) -> Response:
    return html_page("Bad request", f"<h1>400 Bad request</h1><p>{esc(reason)}</p>", status=400)


def page_number(query: Query) -> int | None:
    """``?page=N`` (default 1); None when it is not a positive integer."""
    raw = query.get("page", ["1"])[0]
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else None


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "wildtrace-demo/0.1"
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._serve(send_body=True)

        def do_HEAD(self) -> None:
            self._serve(send_body=False)

        def _serve(self, send_body: bool) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query, keep_blank_values=True)
            response = site.respond(unquote(parts.path), query, self._base_url())
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if send_body:
                self.wfile.write(response.body)

        def _base_url(self) -> str:
            host = self.headers.get("Host", "")
            if not _HOST.match(host):
                address = self.server.server_address
                host = (
                    f"{address[0]!s}:{address[1]!s}" if isinstance(address, tuple) else "localhost"
                )
            return f"http://{host}"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            logger.debug("%s %s: " + format, site.name, self.address_string(), *args)

    return Handler


class QuietServer(ThreadingHTTPServer):
    """Threaded server that logs through ``logging`` and drops client disconnects."""

    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            logger.debug("client %s went away: %s", client_address, exc)
        else:
            logger.exception("demo site failed serving %s", client_address)
