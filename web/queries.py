"""Read-side helpers shared by the pages and the JSON API.

Each function takes the ``Store`` it reads from (passed in, never looked up globally)
and returns plain records, so pages and API show the same facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from alerts.base import STATES, Alert, AuditEntry
from classifiers.base import Detection
from crawlers.base import Listing
from index.base import AlertFilter, SearchResult, Store, StoredListing

MAX_API_LIMIT = 500
MAX_FIELD_CHARS = 200


class BadRequest(ValueError):
    """A query parameter or form field is invalid (HTTP 422)."""


def clean(value: str | None, name: str) -> str | None:
    """An optional filter value: blank means "no filter", oversized is refused."""
    if value is None or not value.strip():
        return None
    if len(value) > MAX_FIELD_CHARS:
        raise BadRequest(f"{name} is too long")
    return value.strip()


def check_state(state: str | None) -> str | None:
    if state is not None and state not in STATES:
        raise BadRequest(f"state must be one of {', '.join(STATES)}")
    return state


def state_counts(store: Store, flt: AlertFilter) -> dict[str, int]:
    """How many alerts are in each state, under the filter's other conditions."""
    return {s: store.count_alerts(replace(flt, state=s, offset=0)) for s in STATES}


def seller_counts(store: Store, alerts: Iterable[Alert]) -> dict[str, int]:
    """For each seller on the page, how many alerts that seller has in total."""
    sellers = {a.seller_id for a in alerts if a.seller_id}
    return {s: store.count_alerts(AlertFilter(seller_id=s, limit=1)) for s in sorted(sellers)}


@dataclass(frozen=True, slots=True)
class AlertBundle:
    """Everything the detail page and ``GET /api/alerts/{id}`` show about one alert."""

    alert: Alert
    stored: StoredListing | None
    detection: Detection | None
    versions: list[Listing]
    history: list[AuditEntry]


def alert_bundle(store: Store, alert_id: str) -> AlertBundle | None:
    alert = store.get_alert(alert_id)
    if alert is None:
        return None
    key = alert.listing_key
    return AlertBundle(
        alert=alert,
        stored=store.get_listing(key),
        detection=store.get_detection(key),
        versions=store.listing_versions(key),
        history=store.alert_history(alert_id),
    )


def stored_to_dict(stored: StoredListing) -> dict[str, Any]:
    return {
        **stored.listing.to_dict(),
        "key": stored.listing.key,
        "version": stored.version,
        "first_seen_at": stored.first_seen_at,
        "last_seen_at": stored.last_seen_at,
        "removed_at": stored.removed_at,
    }


def bundle_to_dict(bundle: AlertBundle) -> dict[str, Any]:
    return {
        "alert": bundle.alert.to_dict(),
        "listing": stored_to_dict(bundle.stored) if bundle.stored else None,
        "detection": bundle.detection.to_dict() if bundle.detection else None,
        "versions": [
            {"fetched_at": v.fetched_at, "content_hash": v.content_hash} for v in bundle.versions
        ],
        "history": [h.to_dict() for h in bundle.history],
    }


def search_to_dict(result: SearchResult) -> dict[str, Any]:
    return {
        "total": result.total,
        "items": [
            {
                "listing": stored_to_dict(hit.stored),
                "detection": hit.detection.to_dict() if hit.detection else None,
                "highlights": list(hit.highlights),
            }
            for hit in result.hits
        ],
        "facets": result.facets,
    }
