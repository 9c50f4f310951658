"""Audiences through the web app, as a campaigner: suppressed figures, keywords, CSV, and
nothing that identifies a person (no text, URL, seller, phone) in any response."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from fastapi.testclient import TestClient
from web_accounts import make_accounts, sign_in
from web_factories import web_listing

from classifiers.base import LABEL_WILDLIFE, Detection, Reason
from index.sqlite import SqliteStore
from outreach.service import Audiences
from web.app import create_app
from web.feeds_api import attach_outreach


def _fill(store: SqliteStore) -> None:
    items, dets = [], []
    for n in range(14):
        buy = n < 12  # 12 buyer-demand posts, 2 supply posts
        item = web_listing(n, source="bazaar", region_hint="north", seller_id=f"=seller{n}",
                           text=f"white gold wanted, call +84 90 000 {n:04d}")  # fmt: skip
        items.append(item)
        reasons = (
            Reason("code_word", "code word: white gold", 0.5, None, "white gold"),
            Reason("context", "signal contact: phone", 0.4, None, f"+84 90 000 {n:04d}"),
        )
        intent = "buy" if buy else "sell"
        dets.append(
            Detection(
                item.key, 0.9, LABEL_WILDLIFE, "ivory", intent=intent, lang="vi", reasons=reasons
            )
        )
    store.upsert_listings(items)
    store.put_detections((i.content_hash, d) for i, d in zip(items, dets, strict=True))


def test_a_campaigner_gets_counts_and_keywords_only(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "w.db")
    store.init()
    _fill(store)
    accounts = make_accounts(tmp_path)
    app = create_app(store, accounts=accounts)
    attach_outreach(app, feeds=None, audiences=Audiences(store, 10))  # type: ignore[arg-type]
    with TestClient(app) as client:
        sign_in(client, "cam")
        data = client.get("/api/v1/audiences").json()
        page = client.get("/audiences")
        export = client.get("/api/v1/audiences.csv")
    assert {i["intent"]: i["total"] for i in data["intents"]} == {"buy": 12, "sell": None}
    (buy,) = [c for c in data["cells"] if c["intent"] == "buy"]
    assert buy["count"] == 12 and buy["lang"] == "vi" and buy["region"] == "north"
    assert all(c["suppressed"] for c in data["cells"] if c["intent"] == "sell")
    assert data["keywords"] == [
        {"intent": "buy", "commodity": "ivory", "lang": "vi",
         "terms": [{"term": "white gold", "listings": 12}]}
    ]  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert {r["intent"]: r["count"] for r in rows} == {"buy": "12", "sell": "suppressed"}
    for raw in (str(data), page.text, export.text):
        # The random CSRF token can contain any letters, so it is taken out before looking
        # for listing ids (L0..L13) as whole words.
        body = re.sub(r'name="csrf_token" value="[^"]*"', "", raw)
        assert "seller" not in body and "http" not in body.replace("http-equiv", "")
        assert "+84" not in body and "wanted" not in body
        assert re.search(r"\bL\d+\b", body) is None
    accounts.close()
    store.close()
