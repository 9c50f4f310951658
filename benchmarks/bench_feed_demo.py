"""Takedown feed latency on the demo, end to end: ``wildtrace run`` (demo sites, first
crawl, web app, scheduler with the webhook push job) in a subprocess on a fresh data
folder; an investigator confirms alerts through the JSON API (bearer token); a partner's
webhook receiver on 127.0.0.1 verifies each signature and records when the item arrived.
Latency = receipt − the confirming API call's start. Baseline in the same run: the same
API call alone (confirmation round trip), so the ratio shows what the feed adds.

``python -m benchmarks.bench_feed_demo [--confirm 20] [--push-interval 2]``. The push job
runs every ``feeds.push_interval_seconds``; confirmations come at random moments (seeded),
so latency is about half that interval plus the push itself: the interval is the knob
(default 60 s in ``wildtrace.toml``). Confirming starts only after ``wildtrace run`` has
finished its first crawl and started its scheduler. The run hashes images but does not
run the image encoder (``image.encoder = none``): that model is most of the first crawl's
time and nothing the feed waits for.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SECRET = "bench-demo-webhook-secret"
arrived: dict[str, float] = {}
bad_signatures: list[str] = []


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        fields = dict(p.split("=", 1) for p in self.headers["X-Wildtrace-Signature"].split(","))
        mac = hmac.new(SECRET.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256)
        item = json.loads(body)
        if hmac.compare_digest(mac.hexdigest(), fields["v1"]):
            arrived.setdefault(item["id"], time.perf_counter())
        else:
            bad_signatures.append(item["id"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-m", "wildtrace.cli", *args], env=env, input=stdin,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout.strip()


def api(url: str, token: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def environment(data: Path, web: int, interval: float) -> dict[str, str]:
    ports = [free_port() for _ in range(3)]
    return {
        **os.environ, "WILDTRACE_DATA_DIR": str(data), "WILDTRACE_WEB_PORT": str(web),
        "WILDTRACE_DEMO_MARKET_PORT": str(ports[0]), "WILDTRACE_DEMO_API_PORT": str(ports[1]),
        "WILDTRACE_DEMO_SOCIAL_PORT": str(ports[2]),
        "WILDTRACE_FEEDS_PUSH_INTERVAL_SECONDS": str(int(interval)),
        "WILDTRACE_FEEDS_WEBHOOK_ALLOW_PRIVATE": "127.0.0.1",
        "WILDTRACE_WEBHOOK_SECRET_PAT": SECRET, "WILDTRACE_MAIL_MODE": "off",
        # Hashes only: the image encoder was about 60 % of the first crawl's CPU here and
        # plays no part in a confirmation reaching the partner's webhook.
        "WILDTRACE_IMAGE_ENCODER": "none",
    }  # fmt: skip


def wait_for_alerts(base: str, token: str, proc: subprocess.Popen[str], log: Path) -> list[Any]:
    """The new alerts, once ``wildtrace run`` finished its first crawl and started the
    scheduler (it says "open the alert queue" then)."""
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline and proc.poll() is None:
        if "open the alert queue" in log.read_text(errors="replace"):
            return list(api(f"{base}/api/alerts?state=new&limit=200", token)["items"])
        time.sleep(2)
    raise SystemExit(f"wildtrace run did not start; see {log}")


def measure(
    base: str, token: str, alerts: list[Any], n: int, interval: float
) -> tuple[list[float], list[float]]:
    """Confirm ``n`` alerts one by one, each after a random pause (seeded) so the
    confirmations fall at every phase of the push job's interval."""
    feed, bare, rng = [], [], random.Random(0)
    for alert in alerts[:n]:
        time.sleep(rng.uniform(0, interval))
        start = time.perf_counter()
        api(
            f"{base}/api/alerts/{alert['id']}/state",
            token,
            {"state": "confirmed", "expected_version": alert["version"], "note": "bench"},
        )
        bare.append(time.perf_counter() - start)
        deadline = time.monotonic() + 120
        while alert["id"] not in arrived and time.monotonic() < deadline:
            time.sleep(0.01)
        feed.append(arrived.get(alert["id"], float("nan")) - start)
    return feed, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--confirm", type=int, default=20)
    parser.add_argument("--push-interval", type=float, default=2.0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    data, web = Path(tempfile.mkdtemp(prefix="bench-feed-demo-")), free_port()
    env = environment(data, web, args.push_interval)
    cli(
        env,
        "users",
        "add",
        "ana",
        "--role",
        "investigator",
        "--password-stdin",
        stdin="bench investigator password\n",
    )
    cli(
        env,
        "users",
        "add",
        "pat",
        "--role",
        "partner",
        "--sources",
        "bazaar,tradepost,wildfeed",
        "--password-stdin",
        stdin="bench partner password\n",
    )
    token = cli(env, "users", "token", "ana").splitlines()[-1]
    cli(env, "webhooks", "add", "pat", f"http://127.0.0.1:{server.server_address[1]}/hook")
    log = data / "run.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "wildtrace.cli", "run"], env=env,
                                stdout=subprocess.DEVNULL, stderr=out, text=True)  # fmt: skip
    try:
        base = f"http://127.0.0.1:{web}"
        alerts = wait_for_alerts(base, token, proc, log)
        feed, bare = measure(base, token, alerts, args.confirm, args.push_interval)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        server.shutdown()
    report(feed, bare, args.push_interval)


def report(feed: list[float], bare: list[float], interval: float) -> None:
    ok = [x for x in feed if x == x]
    push_interval = interval
    print(
        f"demo: {len(ok)}/{len(feed)} confirmed items reached the webhook; "
        f"push job every {push_interval:g} s; bad signatures: {len(bad_signatures)}"
    )
    print(
        f"confirmation -> signed webhook received: median {statistics.median(ok):.2f} s, "
        f"p90 {sorted(ok)[max(0, round(0.9 * len(ok)) - 1)]:.2f} s, max {max(ok):.2f} s"
    )
    print(f"confirmation API call alone (baseline): median {statistics.median(bare) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
