"""Takedown feed latency: from an investigator's confirmation to a signed webhook
delivery received on 127.0.0.1 (``Feeds.push`` + ``Outbox.deliver_due``, real SQLite
store, ledger and outbox), against a baseline measured in the same run: one bare signed
POST of the same item to the same receiver. Medians over ``RUNS`` confirmations.

Not the demo's latency end to end: ``wildtrace webhooks push`` runs when it is called
(cron or a loop); add its interval to these figures.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from alerts.rules import ThresholdRule, apply_rules
from classifiers.base import LABEL_WILDLIFE, Detection
from crawlers.base import Listing
from index.sqlite import SqliteStore
from outreach.feeds import FeedPolicy
from outreach.ledger import FeedLedger
from outreach.notify.outbox import Outbox
from outreach.notify.signing import sign
from outreach.notify.ssrf import check_target
from outreach.notify.transport import post
from outreach.service import Feeds

RUNS = 30
received: list[float] = []


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        received.append(time.perf_counter())
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    tmp = Path(tempfile.mkdtemp(prefix="bench-feed-"))
    store = SqliteStore(tmp / "w.db")
    store.init()
    items = [Listing(source="bazaar", listing_id=str(n), url=f"https://b.example/{n}",
                     title=f"horn {n}", text="rhino horn", fetched_at="2026-11-30T00:00:00Z")
             for n in range(RUNS)]  # fmt: skip
    pairs = [(i, Detection(i.key, 0.9, LABEL_WILDLIFE, "rhino_horn", intent="sell")) for i in items]
    store.upsert_listings(items)
    store.put_detections((i.content_hash, d) for i, d in pairs)
    alerts = apply_rules([ThresholdRule(0.5)], pairs)
    store.upsert_alerts(alerts)
    feeds = Feeds(store, FeedLedger(tmp / "feeds.db"), FeedPolicy(0.8))
    outbox = Outbox(tmp / "feeds.db", allow_private=("127.0.0.1",))
    secret = outbox.add_channel("pat", url, at="2026-11-30T00:00:00Z") or ""
    feed_s, bare_s = [], []
    target = check_target(url, ("127.0.0.1",))
    for alert in alerts:
        start = time.perf_counter()
        store.set_alert_state(alert.id, "confirmed", actor="bench", expected_version=1)
        feeds.push(outbox, {"pat": ("bazaar",)}, time.time())
        outbox.deliver_due(time.time())
        feed_s.append(received[-1] - start)
        body = b'{"id": "%s"}' % alert.id.encode()
        start = time.perf_counter()
        post(target, body, {"X-Wildtrace-Signature": sign(secret, int(time.time()), body)}, 5.0)
        bare_s.append(received[-1] - start)
    feed, bare = statistics.median(feed_s), statistics.median(bare_s)
    print(f"confirmation -> webhook received, median of {RUNS}: {feed * 1000:.1f} ms")
    print(f"bare signed POST (baseline), median of {RUNS}:     {bare * 1000:.1f} ms")
    print(f"ratio: {feed / bare:.1f}x the bare POST")
    server.shutdown()


if __name__ == "__main__":
    main()
