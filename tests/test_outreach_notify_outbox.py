"""Signed webhooks against a real HTTP receiver on 127.0.0.1 that checks signatures with
its own HMAC code: retries, dead letters, replay exactly once, dry run, the SSRF guard."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from outreach.base import BlockedTarget
from outreach.notify.outbox import Outbox
from outreach.notify.ssrf import check_target

AT = "2026-11-30T20:00:00Z"


class Receiver:
    """A webhook receiver: answers 500 ``fail_first`` times, then 204; records what it
    got and whether the signature verified (independent of ``outreach.notify.signing``)."""

    def __init__(self) -> None:
        self.secret = ""
        self.fail_first = 0
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                header = self.headers.get("X-Wildtrace-Signature", "")
                fields = dict(part.split("=", 1) for part in header.split(","))
                signed = fields["t"].encode() + b"." + body
                digest = hmac.new(receiver.secret.encode(), signed, hashlib.sha256).hexdigest()
                receiver.requests.append(
                    {
                        "body": json.loads(body),
                        "valid": hmac.compare_digest(digest, fields.get("v1", "")),
                        "fresh": abs(time.time() - int(fields["t"])) < 300,
                        "delivery": self.headers.get("X-Wildtrace-Delivery"),
                    }
                )
                failing = len(receiver.requests) <= receiver.fail_first
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def _outbox(tmp_path: Path, **kw: Any) -> Outbox:
    kw.setdefault("allow_private", ("127.0.0.1",))  # an admin allowed the loopback receiver
    return Outbox(tmp_path / "feeds.db", max_attempts=3, backoff_s=10.0,
                  rng=random.Random(7), **kw)  # fmt: skip


ITEM = {"id": "a1b2c3", "seq": 1, "platform": "bazaar", "listing_url": "https://b.example/1"}


def test_failing_three_times_is_a_dead_letter_and_replay_delivers_once(
    tmp_path: Path, receiver: Receiver
) -> None:
    outbox = _outbox(tmp_path)
    secret = outbox.add_channel("pat", receiver.url, at=AT)
    assert secret and secret.startswith("whsec_")
    receiver.secret, receiver.fail_first = secret, 3
    assert outbox.enqueue("pat", [ITEM], now=0.0) == 1
    assert outbox.enqueue("pat", [ITEM], now=0.0) == 0  # queued once
    assert outbox.deliver_due(now=0.0) == {"delivered": 0, "retry": 1, "dead": 0, "dry_run": 0}
    (row,) = outbox.deliveries()
    assert 10.0 <= row.next_at <= 15.0  # backoff 10 s, jitter up to 50 %
    assert outbox.deliver_due(now=row.next_at - 0.01)["retry"] == 0  # not due yet
    second_at = row.next_at
    assert outbox.deliver_due(now=second_at)["retry"] == 1
    (row,) = outbox.deliveries()
    assert 20.0 <= row.next_at - second_at <= 30.0  # the delay doubles
    assert outbox.deliver_due(now=1000.0)["dead"] == 1
    (dead,) = outbox.deliveries("dead")
    assert dead.attempts == 3 and dead.last_error == "HTTP 500"
    assert len(receiver.requests) == 3 and all(r["valid"] and r["fresh"] for r in receiver.requests)
    assert outbox.deliver_due(now=5000.0)["delivered"] == 0  # dead letters wait for a person

    assert outbox.replay(dead.id, now=5000.0)
    assert outbox.deliver_due(now=5000.0)["delivered"] == 1
    assert outbox.deliver_due(now=9000.0)["delivered"] == 0
    assert not outbox.replay(dead.id, now=9000.0)  # delivered: never again
    ok = receiver.requests[3:]
    assert len(ok) == 1 and ok[0]["valid"] and ok[0]["body"] == ITEM
    assert ok[0]["delivery"] == str(dead.id)
    outbox.close()


def test_a_wrong_secret_does_not_verify(tmp_path: Path, receiver: Receiver) -> None:
    outbox = _outbox(tmp_path)
    outbox.add_channel("pat", receiver.url, at=AT)
    receiver.secret = "whsec_not_the_one"
    outbox.enqueue("pat", [ITEM], now=0.0)
    outbox.deliver_due(now=0.0)
    assert [r["valid"] for r in receiver.requests] == [False]
    outbox.close()


def test_secret_from_the_environment_is_used_and_not_generated(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WILDTRACE_WEBHOOK_SECRET_PAT_2", "from-env-secret")
    outbox = _outbox(tmp_path)
    assert outbox.add_channel("pat-2", receiver.url, at=AT) is None
    receiver.secret = "from-env-secret"
    outbox.enqueue("pat-2", [ITEM], now=0.0)
    assert outbox.deliver_due(now=0.0)["delivered"] == 1
    assert receiver.requests[0]["valid"]
    outbox.close()


def test_dry_run_sends_nothing(tmp_path: Path, receiver: Receiver) -> None:
    outbox = _outbox(tmp_path)
    outbox.add_channel("pat", receiver.url, dry_run=True, at=AT)
    outbox.enqueue("pat", [ITEM], now=0.0)
    assert outbox.deliver_due(now=0.0)["dry_run"] == 1
    (row,) = outbox.deliveries()
    assert row.status == "dry_run" and "would POST" in row.last_error
    assert receiver.requests == []
    outbox.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",  # resolved by the system resolver: loopback
        "http://10.1.2.3/x",
        "http://192.168.0.10/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://0.0.0.0/x",
        "file:///etc/passwd",
        "http://user:pw@example.org/x",
    ],
)
def test_the_guard_refuses_non_public_targets(url: str) -> None:
    with pytest.raises(BlockedTarget):
        check_target(url)


def test_the_guard_checks_every_resolved_address() -> None:
    def rebinding(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.5"]  # one public, one private answer

    with pytest.raises(BlockedTarget, match="10.0.0.5"):
        check_target("https://hooks.example.org/x", resolve=rebinding)
    public = check_target("https://hooks.example.org/x?a=1", resolve=lambda h, p: ["93.184.216.34"])
    assert (public.ip, public.port, public.path) == ("93.184.216.34", 443, "/x?a=1")
    allowed = check_target("http://10.0.0.5/x", allow=["10.0.0.0/8"])
    assert allowed.ip == "10.0.0.5"


def test_a_blocked_channel_is_refused_and_never_contacted(
    tmp_path: Path, receiver: Receiver
) -> None:
    outbox = _outbox(tmp_path, allow_private=())
    with pytest.raises(BlockedTarget):
        outbox.add_channel("pat", receiver.url, at=AT)
    assert receiver.requests == []
    outbox.close()
