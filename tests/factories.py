"""The suite's one set of factories: records (listings, detections, alerts) and stores on
every backend. ``conftest.py`` turns them into fixtures (``store``, ``sqlite_store``,
session-scoped detectors).

``STORE_BACKENDS`` is the one list the contract suite (``test_index_contract.py``) is
parameterised over. To run the suite against another backend, append
``(name, factory)``: the factory gets the test's ``tmp_path`` (unique per test: use it
to name databases or index prefixes), returns an initialised store, and skips the test
when its server is not reachable (fails instead when ``CI`` is set). The suite closes
the store.
A backend must make its writes visible to the next read (refresh if it needs to).

The ``make_*`` builders give a valid record with overridable fields, so tests state
only what matters to them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from es_server import make_es_store

from alerts.base import Alert, alert_id_for
from classifiers.base import LABEL_WILDLIFE, Detection, Reason
from crawlers.base import Listing
from index.base import Store
from index.sqlite import SqliteStore

StoreFactory = Callable[[Path], Store]

T0 = "2024-05-01T10:00:00.000000Z"


def at(minutes: int) -> str:
    """A timestamp ``minutes`` after ``T0`` (same day; fixed width so strings sort)."""
    hours, mins = divmod(600 + minutes, 60)
    return f"2024-05-01T{hours:02d}:{mins:02d}:00.000000Z"


def make_sqlite_store(tmp_path: Path) -> SqliteStore:
    store = SqliteStore(tmp_path / "wildtrace.db")
    store.init()
    return store


STORE_BACKENDS: list[tuple[str, StoreFactory]] = [
    ("sqlite", make_sqlite_store),
    ("elasticsearch", make_es_store),
]


def make_listing(**overrides: Any) -> Listing:
    fields: dict[str, Any] = {
        "source": "bazaar",
        "listing_id": "1",
        "url": "http://127.0.0.1:8101/item/1",
        "title": "Carved bangle",
        "text": "Old stock, no papers. Contact on WhatsApp.",
        "fetched_at": T0,
        "price": 120.0,
        "currency": "USD",
        "seller_id": "seller-1",
        "seller_name": "Old Curios",
        "lang_hint": "en",
    }
    fields.update(overrides)
    if "url" not in overrides:
        fields["url"] = f"http://127.0.0.1:8101/item/{fields['listing_id']}"
    return Listing(**fields)


def make_detection(listing: Listing, **overrides: Any) -> Detection:
    fields: dict[str, Any] = {
        "id": listing.key,
        "score": 0.9,
        "label": LABEL_WILDLIFE,
        "commodity": "ivory",
        "species": ("Loxodonta africana",),
        "cites_appendix": "I",
        "intent": "sell",
        "lang": "en",
        "reasons": (Reason(kind="term", detail="ivory", weight=0.6, span=(0, 5)),),
        "model": "lexicon@1",
    }
    fields.update(overrides)
    return Detection(**fields)


def make_alert(listing: Listing, **overrides: Any) -> Alert:
    fields: dict[str, Any] = {
        "id": alert_id_for(listing.key),
        "listing_key": listing.key,
        "source": listing.source,
        "rule": "threshold",
        "score": 0.9,
        "commodity": "ivory",
        "intent": "sell",
        "created_at": T0,
        "updated_at": T0,
        "seller_id": listing.seller_id,
        "title": listing.title,
    }
    fields.update(overrides)
    return Alert(**fields)
