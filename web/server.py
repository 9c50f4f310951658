"""Serving the web app with uvicorn: in the foreground, or in a background thread.

``wildtrace serve`` calls ``serve`` (blocks until Ctrl-C). ``wildtrace run`` needs the app
next to the scheduler, so ``start_in_thread`` runs uvicorn's server loop in a daemon
thread, waits until the socket is bound, and returns a handle with the real URL (port 0
asks the OS for a free port, which tests use so parallel runs never collide).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

log = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 15.0


def _config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    # No access log and no proxy headers: local tool; a reverse proxy adds its own.
    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, proxy_headers=False
    )


def url_for(host: str, port: int) -> str:
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}"


class _AnnouncingServer(uvicorn.Server):
    """Says where it listens once bound (uvicorn's own banner is below log level)."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            url = url_for(self.config.host, _bound_port(self))
            log.warning("wildtrace web app listening on %s/", url)


def serve(app: FastAPI, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app in the foreground until SIGINT/SIGTERM (uvicorn's handlers)."""
    _AnnouncingServer(_config(app, host, port)).run()


class _ThreadServer(uvicorn.Server):
    # Signal handlers can only be installed in the main thread; the owner stops us.
    def install_signal_handlers(self) -> None:
        return None


@dataclass
class ServerHandle:
    """A running background server: ``url`` to reach it, ``stop()`` to shut it down."""

    server: uvicorn.Server
    thread: threading.Thread
    host: str
    port: int

    @property
    def url(self) -> str:
        return url_for(self.host, self.port)

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(timeout)


def _bound_port(server: uvicorn.Server) -> int:
    for srv in server.servers:
        for sock in srv.sockets:
            return int(sock.getsockname()[1])
    raise RuntimeError("uvicorn started without a listening socket")


def _check_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise OSError(exc.errno, f"web app cannot listen on {host}:{port}: "
                          f"{exc.strerror}") from exc  # fmt: skip


def start_in_thread(app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> ServerHandle:
    """Start uvicorn in a daemon thread; return once it accepts connections. A port that
    is taken raises ``OSError`` (EADDRINUSE) naming the address, before uvicorn starts."""
    if port:
        _check_free(host, port)
    server = _ThreadServer(_config(app, host, port))
    thread = threading.Thread(target=server.run, name="wildtrace-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"web server failed to start on {host}:{port}")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"web server did not start within {STARTUP_TIMEOUT_S}s")
        time.sleep(0.02)
    handle = ServerHandle(server, thread, host, _bound_port(server))
    log.info("web app running at %s", handle.url)
    return handle
