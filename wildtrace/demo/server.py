"""``DemoSites``: the three demo sources served from this process.

One ``QuietServer`` per site, each on its own daemon thread. All three read the corpus
through one epoch setting, so ``set_epoch(n)`` switches every site atomically to the
deterministic snapshot of epoch ``n`` (price edits, removals, new items). Port 0 binds
an ephemeral port; ``urls`` reports the real ones.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from wildtrace.demo.bazaar import Bazaar
from wildtrace.demo.epochs import MAX_EPOCH, Snapshot, snapshot
from wildtrace.demo.model import SOURCES
from wildtrace.demo.tradepost import Tradepost
from wildtrace.demo.web import QuietServer, Site, make_handler
from wildtrace.demo.wildfeed import Wildfeed

logger = logging.getLogger("wildtrace.demo")


class DemoSites:
    """``DemoSites(host, ports=(market, api, social), epoch=0)``; ``start()``/``stop()``,
    also usable as a context manager."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        ports: tuple[int, int, int] = (0, 0, 0),
        epoch: int = 0,
    ) -> None:
        self.host = host
        self.ports = tuple(ports)
        self._lock = threading.Lock()
        self._epoch = 0
        self.set_epoch(epoch)
        self._sites: tuple[Site, ...] = (
            Bazaar(self.snapshot),
            Tradepost(self.snapshot),
            Wildfeed(self.snapshot),
        )
        self._servers: list[QuietServer] = []
        self._threads: list[threading.Thread] = []

    @property
    def epoch(self) -> int:
        return self._epoch

    def set_epoch(self, epoch: int) -> None:
        """Switch every site to ``epoch`` (computed before the switch, so it is atomic)."""
        if not 0 <= epoch <= MAX_EPOCH:
            raise ValueError(f"epoch must be between 0 and {MAX_EPOCH}, not {epoch}")
        snapshot(epoch)  # build (and cache) outside the lock
        with self._lock:
            self._epoch = epoch
        logger.debug("demo sites now at epoch %d", epoch)

    def snapshot(self) -> Snapshot:
        """The corpus the sites currently serve."""
        return snapshot(self._epoch)

    def start(self) -> DemoSites:
        if self._servers:
            return self
        port = 0
        try:
            for site, port in zip(self._sites, self.ports, strict=True):
                server = QuietServer((self.host, port), make_handler(site))
                self._servers.append(server)
        except OSError as exc:
            self.stop()
            # Say which address: the bare "[Errno 98] Address already in use" does not.
            raise OSError(exc.errno, f"demo site cannot listen on {self.host}:{port}: "
                          f"{exc.strerror}") from exc  # fmt: skip
        for server, site in zip(self._servers, self._sites, strict=True):
            thread = threading.Thread(
                target=server.serve_forever, name=f"demo-{site.name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        logger.info("demo sites serving: %s", self.urls)
        return self

    def stop(self) -> None:
        for server in self._servers:
            if self._threads:
                server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    @property
    def urls(self) -> dict[str, str]:
        """Source name -> base URL (``http://host:port``), real ports once started."""
        if not self._servers:
            raise RuntimeError("demo sites are not started")
        out = {}
        for name, server in zip(SOURCES, self._servers, strict=True):
            host, port = server.server_address[:2]
            host = str(host)
            out[name] = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        return out

    def __enter__(self) -> DemoSites:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
