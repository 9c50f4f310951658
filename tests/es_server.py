"""Where the Elasticsearch tests find a server, and a store factory for the contract suite.

``WILDTRACE_ES_URL`` names a real cluster; otherwise the tests use the
Elasticsearch-compatible server (noida-db) that ``make test`` starts with
``tools/es-server.sh start`` on ``127.0.0.1:${WILDTRACE_TEST_ES_PORT:-9200}``. Every store
gets its own index prefix, and its indices are deleted when the test closes it.

A missing server skips the Elasticsearch tests on a developer's machine, but fails them
when ``CI`` is set: there, ``make test`` started the server, so its absence is a fault.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import NoReturn

import pytest

from index.elasticsearch import ElasticsearchStore
from index.es_admin import drop_all

REPO = Path(__file__).resolve().parent.parent
NOIDA = REPO / ".venv" / "bin" / "noida-db"


def unavailable(reason: str) -> NoReturn:
    """Skip the test (a developer's machine) or fail it (``CI`` set)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the Elasticsearch tests must run)", pytrace=False)
    pytest.skip(reason)


def es_url() -> str:
    return os.environ.get("WILDTRACE_ES_URL") or (
        f"http://127.0.0.1:{os.environ.get('WILDTRACE_TEST_ES_PORT', '9200')}"
    )


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/", timeout=2) as resp:
            return bool(resp.status == 200)
    except (OSError, urllib.error.URLError):
        return False


class DisposableStore(ElasticsearchStore):
    """A store that deletes its own indices on ``close`` (test isolation on one server)."""

    def close(self) -> None:
        try:
            drop_all(self.client, self.prefix)
        finally:
            super().close()


def make_es_store(tmp_path: Path) -> ElasticsearchStore:
    url = es_url()
    if not answers(url):
        unavailable(f"no Elasticsearch-compatible server at {url}: run `tools/es-server.sh start`")
    prefix = f"wt-test-{uuid.uuid4().hex[:10]}"
    store = DisposableStore(url, prefix=prefix, chunk_size=200, spool_dir=tmp_path / "es-spool")
    store.init()
    return store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class NoidaServer:
    """A private noida-db instance (own port and data dir) that a test may stop and restart.

    ``with NoidaServer(dir) as server:`` starts it and stops it on the way out (fixtures).
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if not NOIDA.exists():
            unavailable("noida-db is not installed in .venv (pip install -e '.[dev]')")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                str(NOIDA),
                "up",
                "--only",
                "elasticsearch",
                "--host",
                "127.0.0.1",
                "--elasticsearch-port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        deadline = time.monotonic() + 30
        while not answers(self.url):
            if time.monotonic() > deadline:
                raise RuntimeError(f"noida-db did not answer at {self.url}")
            time.sleep(0.2)

    def stop(self) -> None:
        subprocess.run(
            [str(NOIDA), "down", "--data-dir", str(self.data_dir)],
            check=False,
            capture_output=True,
            timeout=30,
        )
        deadline = time.monotonic() + 10
        while answers(self.url) and time.monotonic() < deadline:
            time.sleep(0.1)

    def __enter__(self) -> NoidaServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
