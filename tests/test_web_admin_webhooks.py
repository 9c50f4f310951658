"""Dead letters in the web app: an admin lists them and replays one (delivered once after
the receiver recovers); channels are registered through the API with the SSRF guard."""

from __future__ import annotations

import random
import time
from pathlib import Path

from fastapi.testclient import TestClient
from test_outreach_notify_outbox import ITEM, Receiver
from web_accounts import make_accounts, sign_in

from index.sqlite import SqliteStore
from outreach.feeds import FeedPolicy
from outreach.ledger import FeedLedger
from outreach.notify.outbox import Outbox
from outreach.service import Feeds
from web.app import create_app
from web.feeds_api import attach_outreach


def test_an_admin_replays_a_dead_letter_once(tmp_path: Path) -> None:
    receiver = Receiver()
    store = SqliteStore(tmp_path / "w.db")
    store.init()
    accounts = make_accounts(tmp_path)
    ledger = FeedLedger(tmp_path / "feeds.db")
    outbox = Outbox(tmp_path / "feeds.db", max_attempts=3, backoff_s=0.0,
                    allow_private=("127.0.0.1",), rng=random.Random(1))  # fmt: skip
    app = create_app(store, accounts=accounts)
    attach_outreach(app, Feeds(store, ledger, FeedPolicy(0.8)), None, outbox)
    with TestClient(app) as client:
        sign_in(client, "root")
        made = client.post("/api/v1/admin/webhooks", json={"partner": "pat", "url": receiver.url})
        assert made.status_code == 200, made.text
        receiver.secret, receiver.fail_first = made.json()["secret"], 3
        blocked = client.post(
            "/api/v1/admin/webhooks", json={"partner": "pat", "url": "http://169.254.169.254/"}
        )
        assert blocked.json()["error"] == "blocked_target"
        outbox.enqueue("pat", [ITEM], now=0.0)
        for now in (0.0, 1.0, 2.0):
            outbox.deliver_due(now)
        (dead,) = client.get("/api/v1/admin/webhooks/dead-letters").json()["items"]
        assert dead["attempts"] == 3 and dead["last_error"] == "HTTP 500"
        assert "HTTP 500" in client.get("/admin/dead-letters").text
        replay = f"/api/v1/admin/webhooks/dead-letters/{dead['id']}/replay"
        assert client.post(replay).status_code == 200
        assert client.post(replay).status_code == 409  # queued already: not dead
        now = time.time()  # the web replay queues it for the wall clock's now
        assert outbox.deliver_due(now)["delivered"] == 1
        assert outbox.deliver_due(now + 3600)["delivered"] == 0
        assert client.get("/api/v1/admin/webhooks/dead-letters").json()["total"] == 0
    assert len(receiver.requests) == 4 and receiver.requests[-1]["valid"]
    receiver.server.shutdown()
    receiver.server.server_close()
    outbox.close()
    ledger.close()
    accounts.close()
    store.close()
