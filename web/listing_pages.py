"""Listing, seller and contact pages, and raising an alert by hand.

Every search hit opens ``/listings/{key}`` whether or not a rule raised an alert; from
there an investigator can raise one (rule ``manual``; the audit log records who, with
their note, as a move to ``triaged``: a person has looked at it).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from alerts.base import STATE_TRIAGED, Alert, ConflictError, alert_id_for
from classifiers.base import TextDoc
from common.clock import utc_now
from index.base import Store, StoredListing
from web.auth import CSRF_FIELD, Desk, check_csrf
from web.diff import side_by_side
from web.forms import read_form
from web.people import contacts_of, listings_with_contact, seller_contacts, seller_listings
from web.queries import BadRequest
from web.views import error_page, render, store_of

router = APIRouter()
MANUAL_RULE = "manual"


def full_text_of(stored: StoredListing | None) -> str:
    """Title and text joined as reason spans count them."""
    if stored is None:
        return ""
    listing = stored.listing
    return TextDoc(id=listing.key, title=listing.title, text=listing.text).full_text


def listing_context(store: Store, key: str) -> dict[str, Any]:
    """What the listing panel shows (shared by the listing and the alert pages)."""
    stored = store.get_listing(key)
    detection = store.get_detection(key)
    versions = store.listing_versions(key)
    diffs = [
        (
            n + 1,
            versions[n].fetched_at,
            versions[n + 1].fetched_at,
            side_by_side(versions[n], versions[n + 1]),
        )
        for n in range(len(versions) - 1)
    ]
    return {
        "stored": stored,
        "detection": detection,
        "versions": versions,
        "diffs": diffs[-5:],  # the latest changes; every version stays listed
        "full_text": full_text_of(stored),
        "contacts": contacts_of(detection),
    }


@router.get("/listings/{key:path}")
def listing_page(request: Request, key: str, me: Desk) -> Response:
    store = store_of(request)
    context = listing_context(store, key)
    if context["stored"] is None:
        return error_page(request, 404, "No such listing in the store.")
    alert = store.get_alert(alert_id_for(key))
    return render(request, "listing.html", alert=alert, **context)


@router.post("/listings/{key:path}/alert")
async def raise_alert(request: Request, key: str, me: Desk) -> Response:
    try:
        form = await read_form(request)
    except BadRequest as exc:
        return error_page(request, 422, str(exc))
    check_csrf(request, me, form.get(CSRF_FIELD, ""))
    store = store_of(request)
    stored = await run_in_threadpool(store.get_listing, key)
    if stored is None:
        return error_page(request, 404, "No such listing in the store.")
    alert_id = alert_id_for(key)
    if await run_in_threadpool(store.get_alert, alert_id) is not None:
        return RedirectResponse(f"/alerts/{alert_id}", status_code=303)
    detection = await run_in_threadpool(store.get_detection, key)
    now = utc_now()
    listing = stored.listing
    alert = Alert(
        id=alert_id,
        listing_key=key,
        source=listing.source,
        rule=MANUAL_RULE,
        score=detection.score if detection else 0.0,
        commodity=detection.commodity if detection else None,
        intent=detection.intent if detection else "other",
        created_at=now,
        updated_at=now,
        seller_id=listing.seller_id,
        title=listing.title,
    )
    await run_in_threadpool(store.upsert_alerts, [alert])
    note = "raised by hand" + (f": {form['note'][:1900]}" if form.get("note") else "")
    try:
        await run_in_threadpool(
            store.set_alert_state,
            alert_id,
            STATE_TRIAGED,
            actor=me.user.username,
            expected_version=1,
            note=note,
        )
    except ConflictError:
        pass  # someone else triaged it in the same instant; their entry stands
    return RedirectResponse(f"/alerts/{alert_id}", status_code=303)


@router.get("/sellers/{source}/{seller_id:path}")
def seller_page(request: Request, source: str, seller_id: str, me: Desk) -> Response:
    store = store_of(request)
    found = seller_listings(store, source, seller_id)
    if not found.hits:
        return error_page(request, 404, "No listings by this seller in the store.")
    alerts = {
        h.stored.listing.key: store.get_alert(alert_id_for(h.stored.listing.key))
        for h in found.hits
    }
    return render(
        request,
        "seller.html",
        source=source,
        seller_id=seller_id,
        found=found,
        alerts=alerts,
        contacts=seller_contacts(found.hits),
        seller_name=next(
            (h.stored.listing.seller_name for h in found.hits if h.stored.listing.seller_name), None
        ),
    )


@router.get("/contacts/{key:path}")
def contact_page(request: Request, key: str, me: Desk) -> Response:
    store = store_of(request)
    found = listings_with_contact(store, key, graph=request.app.state.networks)
    shown = next(
        (c.shown for h in found.hits for c in contacts_of(h.detection) if c.key == key), key
    )
    alerts = {
        h.stored.listing.key: store.get_alert(alert_id_for(h.stored.listing.key))
        for h in found.hits
    }
    sources = sorted({h.stored.listing.source for h in found.hits})
    return render(
        request, "contact.html", key=key, shown=shown, found=found, alerts=alerts, sources=sources
    )
