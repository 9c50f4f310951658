"""Hashed buyer contact lists for custom-audience upload (customer-match style).

Design notes
------------
* Only buyers (intent ``buy``) in listings labelled wildlife, per segment (commodity ×
  language); only phone numbers and e-mail addresses the entity extractor found
  (``Detection.extra["entities"]``, E.164 phones and folded e-mails).
* Normalised the way the large advertising platforms' customer-match uploads expect,
  then SHA-256 (lower-case hex): e-mail trimmed and lower-cased; phone in E.164 with the
  leading ``+`` (digits only after it). No raw contact is ever returned.
* A segment is exportable only with at least ``k`` listings *and* ``k`` distinct
  contacts (a short list of hashes is both useless to the platform and a re-identifying
  risk); smaller segments are listed as "too small" without counts. Whether export is
  allowed at all is an admin's switch (``audiences.contact_lists``), and the page shows
  the legal-basis note before any export (``web.audiences_api``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from classifiers.base import Detection
from index.base import StoredListing
from outreach.base import LEGAL_NOTE as LEGAL_NOTE

Segment = tuple[str, str]  # commodity, language
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,}$")


def normal_email(value: str) -> str | None:
    text = value.strip().lower()
    return text if _EMAIL.match(text) else None


def normal_phone(value: str) -> str | None:
    text = "+" + re.sub(r"\D", "", value) if value.strip().startswith("+") else ""
    return text if _E164.match(text) else None


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class SegmentContacts:
    commodity: str
    lang: str
    listings: int
    emails: frozenset[str]  # hashes
    phones: frozenset[str]  # hashes

    @property
    def contacts(self) -> int:
        return len(self.emails) + len(self.phones)

    def eligible(self, k: int) -> bool:
        return self.listings >= k and self.contacts >= k


def _contacts(detection: Detection) -> tuple[set[str], set[str]]:
    emails, phones = set(), set()
    for ent in detection.extra.get("entities") or ():
        if not isinstance(ent, dict) or not isinstance(ent.get("value"), str):
            continue
        if ent.get("type") == "email" and (email := normal_email(ent["value"])):
            emails.add(sha256(email))
        elif ent.get("type") == "phone" and (phone := normal_phone(ent["value"])):
            phones.add(sha256(phone))
    return emails, phones


def collect(pairs: Iterable[tuple[StoredListing, Detection]]) -> list[SegmentContacts]:
    """Hashed contacts of buyer listings labelled wildlife, per segment."""
    listings: dict[Segment, int] = defaultdict(int)
    emails: dict[Segment, set[str]] = defaultdict(set)
    phones: dict[Segment, set[str]] = defaultdict(set)
    for stored, detection in pairs:
        if not detection.is_hit or detection.intent != "buy":
            continue
        seg = (detection.commodity or "unknown",
               (detection.lang or stored.listing.lang_hint or "und")[:12])  # fmt: skip
        listings[seg] += 1
        found_emails, found_phones = _contacts(detection)
        emails[seg] |= found_emails
        phones[seg] |= found_phones
    return [
        SegmentContacts(c, lang, n, frozenset(emails[(c, lang)]), frozenset(phones[(c, lang)]))
        for (c, lang), n in sorted(listings.items())
    ]


def summary(segments: list[SegmentContacts], k: int) -> list[dict[str, object]]:
    """What the page lists: each segment, its size only when exportable."""
    return [
        {"commodity": s.commodity, "lang": s.lang, "eligible": s.eligible(k),
         "contacts": s.contacts if s.eligible(k) else None}
        for s in segments
    ]  # fmt: skip


def export_csv(segments: list[SegmentContacts], k: int, commodity: str, lang: str) -> str:
    """The customer-match CSV (``Email``, ``Phone`` columns of SHA-256 hashes) of one
    eligible segment, or ``LookupError``."""
    found = next((s for s in segments if (s.commodity, s.lang) == (commodity, lang)), None)
    if found is None or not found.eligible(k):
        raise LookupError("no exportable segment with that commodity and language")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Email", "Phone"])
    writer.writerows([e, ""] for e in sorted(found.emails))
    writer.writerows(["", p] for p in sorted(found.phones))
    return out.getvalue()
