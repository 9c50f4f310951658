"""Hashed buyer contact lists: normalisation, the k-listings-and-k-contacts rule, only
buyers of wildlife listings, hashes checked with an independent SHA-256; and the web
routes: off unless an admin switched them on, the legal-basis confirmation required, no
raw contact on the page."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from factories import make_detection, make_listing
from fastapi.testclient import TestClient
from web_accounts import make_accounts, sign_in

from classifiers.base import LABEL_CLEAN
from index.base import StoredListing
from index.sqlite import SqliteStore
from outreach.contacts import collect, export_csv, normal_email, normal_phone, summary
from outreach.service import Audiences
from web.app import create_app
from web.feeds_api import attach_outreach


def _pair(n: int, *, intent: str = "buy", label: str | None = None, **ent: str) -> Any:
    item = make_listing(listing_id=str(n))
    entities = [{"type": t, "value": v, "span": [0, 1]} for t, v in ent.items()]
    extra = {"entities": entities}
    det = make_detection(item, intent=intent, extra=extra, **({"label": label} if label else {}))
    return StoredListing(item, 1, item.fetched_at, item.fetched_at), det


def test_normalisation_follows_customer_match_uploads() -> None:
    assert normal_email("  Buyer.One@Example.COM ") == "buyer.one@example.com"
    assert normal_email("not an address") is None
    assert normal_phone("+62 812-5550-7788") == "+6281255507788"
    assert normal_phone("0812 5550 7788") is None  # no country code: not E.164
    assert normal_phone("+0123") is None


def test_only_big_enough_buyer_segments_are_exported() -> None:
    pairs = [_pair(n, phone=f"+6281255500{n:02d}") for n in range(10)]
    pairs += [_pair(50, intent="sell", phone="+6281299999999")]  # a seller: never listed
    pairs += [_pair(51, label=LABEL_CLEAN, phone="+6281288888888")]  # not wildlife
    pairs += [_pair(60 + n, email=f"b{n}@x.example") for n in range(12)]  # same segment
    segments = collect(pairs)
    (segment,) = segments
    assert (segment.listings, segment.contacts) == (22, 22)
    csv_text = export_csv(segments, 10, "ivory", "en")
    phones = sorted(hashlib.sha256(f"+6281255500{n:02d}".encode()).hexdigest() for n in range(10))
    rows = csv_text.splitlines()
    assert rows[0] == "Email,Phone" and len(rows) == 23
    assert sorted(r[1:] for r in rows[1:] if r.startswith(",")) == phones
    assert hashlib.sha256(b"+6281299999999").hexdigest() not in csv_text
    assert "+62" not in csv_text and "@" not in csv_text
    # Ten listings but one contact: too small, and no count is given.
    few = collect([_pair(n, phone="+6281255500000") for n in range(10)])
    assert summary(few, 10) == [
        {"commodity": "ivory", "lang": "en", "eligible": False, "contacts": None}
    ]
    with pytest.raises(LookupError):
        export_csv(few, 10, "ivory", "en")


def test_the_routes_are_off_unless_an_admin_enabled_them(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "w.db")
    store.init()
    accounts = make_accounts(tmp_path)
    app = create_app(store, accounts=accounts)
    attach_outreach(app, feeds=None, audiences=Audiences(store, 10))  # type: ignore[arg-type]
    with TestClient(app) as client:
        token = sign_in(client, "cam")
        assert client.get("/audiences/contacts").status_code == 404
        app.state.contact_lists = True
        page = client.get("/audiences/contacts")
        assert page.status_code == 200 and "lawful basis" in page.text
        form = {"csrf_token": token, "commodity": "ivory", "lang": "en"}
        refused = client.post("/audiences/contacts.csv", data=form)
        assert refused.status_code == 422 and "legal-basis" in refused.text
        missing = client.post("/audiences/contacts.csv", data={**form, "confirm": "yes"})
        assert missing.status_code == 404  # no such exportable segment
    accounts.close()
    store.close()
