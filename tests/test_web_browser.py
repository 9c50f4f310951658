"""The desk used in a real browser: Debian's chromium driven by Playwright
(``executable_path``, headless), against the app on 127.0.0.1 over a real store, a real
evidence store and real accounts. ``make test`` installs chromium when it is missing
(``make browser``); ``playwright install`` is never used.

Screenshots of every step go to ``var/screenshots/`` (not committed).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from web_accounts import CHEAP, sign_in_page

from accounts.sqlite import SqliteAccounts
from classifiers.base import LABEL_WILDLIFE, Detection, Reason, TextDoc
from crawlers.base import Listing
from crawlers.evidence import EvidenceStore
from index.sqlite import SqliteStore
from web.app import create_app
from web.server import ServerHandle, start_in_thread

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PASSWORD = "browser test password"
FETCHED = "2026-11-20T08:30:00.000000Z"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (150, 120, 90)).save(out, format="PNG")
    return out.getvalue()


def _listing(
    evidence: EvidenceStore, source: str, lid: str, title: str, text: str, seller: str, **extra: Any
) -> Listing:
    page = f"<html><body><h1>{title}</h1><p>{text}</p><script>alert(1)</script></body></html>"
    sha = evidence.put(
        page.encode(),
        {
            "url": f"https://{source}.example/{lid}",
            "fetched_at": FETCHED,
            "status": 200,
            "content_type": "text/html; charset=utf-8",
        },
    )
    return Listing(
        source=source,
        listing_id=lid,
        url=f"https://{source}.example/{lid}",
        title=title,
        text=text,
        fetched_at=FETCHED,
        seller_id=seller,
        seller_name=seller.upper(),
        lang_hint="en",
        evidence_sha256=sha,
        posted_at="2026-11-19T10:00:00Z",
        location="Hai Phong",
        **extra,
    )


def _detection(listing: Listing, score: float, commodity: str) -> Detection:
    full = TextDoc(id=listing.key, title=listing.title, text=listing.text).full_text
    reasons = []
    phone = re.search(r"\+?\d[\d ]{8,}\d", full)
    if phone:
        reasons.append(
            Reason("context", "signal contact: phone", 0.4, phone.span(), phone.group(0))
        )
    return Detection(
        id=listing.key,
        score=score,
        label=LABEL_WILDLIFE,
        commodity=commodity,
        intent="sell",
        lang="en",
        reasons=tuple(reasons),
        model="test@1",
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing: `make browser` installs it")
        pytest.skip(f"{CHROMIUM} missing: run `make browser`")
    tmp = tmp_path_factory.mktemp("browser")
    evidence = EvidenceStore(tmp / "evidence")
    image = evidence.put(_png(), {"url": "https://bazaar.example/img/1.png"})
    rows = [
        (
            _listing(
                evidence,
                "bazaar",
                "R1",
                "Genuine R.H.I.N.O horn, whole",
                "Old stock. WhatsApp +44 7700 900123",
                "s1",
                images=("https://bazaar.example/img/1.png",),
                image_sha256=(image,),
            ),
            0.971,
            "rhino_horn",
        ),
        (
            _listing(
                evidence,
                "tradepost",
                "T9",
                "Rhino horn cup",
                "carved cup, call 07700 900123",
                "u77",
            ),
            0.934,
            "rhino_horn",
        ),
        (
            _listing(evidence, "bazaar", "B2", "Carved ivory bangle", "white material", "s2"),
            0.612,
            "ivory",
        ),
    ]
    store = SqliteStore(tmp / "wildtrace.db")
    store.init()
    store.upsert_listings([r[0] for r in rows])
    store.put_detections((r[0].content_hash, _detection(*r)) for r in rows)
    from alerts.rules import ThresholdRule, apply_rules

    store.upsert_alerts(apply_rules([ThresholdRule(0.5)], [(r[0], _detection(*r)) for r in rows]))
    accounts = SqliteAccounts(tmp / "accounts.db", hasher=CHEAP)
    accounts.add_user("ana", PASSWORD, "investigator", display_name="Ana Investigator")
    handle = start_in_thread(create_app(store, accounts=accounts, evidence_reader=evidence))
    yield handle
    handle.stop()
    accounts.close()
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_an_investigator_works_the_desk(served: ServerHandle, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served.url + "/")
    assert "/login" in page.url  # signed out: the login
    sign_in_page(page, "ana", served.url + "/", PASSWORD)
    assert page.locator("h1").inner_text().startswith("Alert queue")
    shot(page, "01-queue")

    # Filter the queue (the filters form) to one source.
    page.click("summary")
    page.fill("#filters input[name=source]", "bazaar")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r".*source=bazaar.*"))
    titles = page.locator("table.alerts th.title a").all_inner_texts()
    assert titles == ["Genuine R.H.I.N.O horn, whole", "Carved ivory bangle"]
    shot(page, "02-queue-filtered")

    # Open an alert: evidence, an image from the evidence store, with its SHA-256.
    page.click("text=Genuine R.H.I.N.O horn, whole")
    assert "Genuine R.H.I.N.O horn, whole" in page.title()
    img = page.locator("img.evidence-image").first
    img.wait_for()
    img.scroll_into_view_if_needed()
    handle = img.element_handle()
    page.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=handle)
    assert page.evaluate("(el) => el.naturalWidth", handle) == 40  # the PNG's real width
    assert "/evidence/" in (img.get_attribute("src") or "")
    assert "SHA-256" in page.locator("ul.images figcaption").first.inner_text()
    shot(page, "03-alert")

    # Change state with a note (a same-origin form POST in a real browser: no 403).
    page.select_option("#state-select", "escalated")
    page.fill("#note", "same number as on tradepost")
    page.click("#triage button[type=submit]")
    page.wait_for_selector("#alert-state")
    assert page.locator("#alert-state").inner_text() == "escalated"
    audit = page.locator("table.history").inner_text()
    assert "ana" in audit and "same number as on tradepost" in audit
    # Take it: assign the alert to oneself.
    page.select_option("#assignee-select", "ana")
    page.click("#assign button[type=submit]")
    page.wait_for_selector("#alert-assignee")
    assert page.locator("#alert-assignee").inner_text() == "ana"
    assert "assigned to ana" in page.locator("table.history").inner_text()
    shot(page, "04-alert-escalated")

    # The captured page, as text and in a sandboxed frame: its script is shown, never run.
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.click("a.evidence-link")
    assert "<script>alert(1)</script>" in page.locator("pre.raw-page").inner_text()
    frame = page.frame_locator("iframe.evidence-frame")
    assert frame.locator("h1").inner_text() == "Genuine R.H.I.N.O horn, whole"
    page.wait_for_timeout(300)
    assert dialogs == []
    shot(page, "05-evidence")

    # Dismiss another alert with a reason.
    page.goto(served.url + "/?source=bazaar")
    page.click("text=Carved ivory bangle")
    page.select_option("#state-select", "dismissed")
    page.select_option("#reason-select", "legal_product")
    page.fill("#note", "resin copy")
    page.click("#triage button[type=submit]")
    page.wait_for_selector("#alert-state")
    assert page.locator("#alert-state").inner_text() == "dismissed"
    assert "Legal product\tresin copy" in page.locator("table.history").inner_text()
    shot(page, "06-dismissed")

    # Search r.h.i.n.o: both rhino listings; a hit opens its listing page.
    page.fill("header input[name=q]", "r.h.i.n.o")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(re.compile(r".*/search\?q=.*"))
    hits = set(page.locator("a.hit-link").all_inner_texts())
    assert hits == {"Genuine R.H.I.N.O horn, whole", "Rhino horn cup"}
    shot(page, "07-search")

    # A seller, then the phone number to another source's listing.
    page.goto(served.url + "/listings/bazaar:R1")
    page.click("a.seller-link")
    assert "Seller S1" in page.title()
    page.click("a.contact-link")
    rows = page.locator("table.listings tbody th.title a").all_inner_texts()
    assert set(rows) == {"Genuine R.H.I.N.O horn, whole", "Rhino horn cup"}
    page.click("text=Rhino horn cup")
    assert "tradepost:T9" in page.content()
    shot(page, "08-contact-followed")
    page.close()


def test_390px_has_no_horizontal_scroll(served: ServerHandle, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(served.url + "/login")
    sign_in_page(page, "ana", served.url + "/", PASSWORD)
    for name, path in (("queue", "/"), ("alert", None), ("search", "/search?q=rhino")):
        if path is None:
            page.goto(served.url + "/")
            page.locator("table.alerts th.title a").first.click()
            page.wait_for_selector("#triage")
        else:
            page.goto(served.url + path)
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at 390 px"
        shot(page, f"390-{name}")
    page.close()
