"""Which extracted entities link seller accounts, and which are only weak signals.

Design notes
------------
* Strong identifiers link: a phone number (E.164, whatever the messaging channel), an
  e-mail address, a messaging/social handle on a named platform, an IBAN, a bank account
  number, a crypto wallet, a ``paypal.me`` link. Two accounts that advertise the same one
  are run by, or for, the same people: that is what investigators group by.
* Weak signals are recorded, never merged on their own: the stem of a handle or seller
  name ("seng_art88" and "@seng.art88" share "sengart") and the same price (two
  significant digits) in the same currency. They are shown beside a network as leads.
* Works on entity *dicts* (``Entity.to_dict()`` as stored with a listing), so this stage
  needs nothing from the classifier stage but the data.
* Keys are ``"<type>|<value>"``; the type keeps a phone and a bank account with the same
  digits apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

LINKING_TYPES = frozenset(
    {"phone", "email", "iban", "bank_account", "crypto_btc", "crypto_eth", "crypto_tron"}
)
_STEM = re.compile(r"[^a-z]")
MIN_STEM = 5


def identifier_key(entity: Mapping[str, Any]) -> str | None:
    """The linking key of one entity dict, or ``None`` when it does not link."""
    typ, value = str(entity.get("type", "")), str(entity.get("value", ""))
    if not value:
        return None
    if typ in LINKING_TYPES or typ.startswith("handle:"):
        return f"{typ}|{value}"
    if typ == "paypal" and value.startswith("paypal.me/"):
        return f"{typ}|{value}"
    return None


def identifier_keys(entities: Iterable[Mapping[str, Any]]) -> list[str]:
    """Distinct linking keys, in first-seen order."""
    seen: dict[str, None] = {}
    for ent in entities:
        key = identifier_key(ent)
        if key:
            seen.setdefault(key, None)
    return list(seen)


def stem(name: str) -> str | None:
    """Letters of a handle or name, lower-case, when long enough to mean something."""
    letters = _STEM.sub("", name.lower())
    return letters if len(letters) >= MIN_STEM else None


def weak_signals(
    entities: Iterable[Mapping[str, Any]], seller_id: str | None = None
) -> list[tuple[str, str]]:
    """``(kind, value)`` leads: handle/name stems and rounded prices (a payment-method
    mention alone is shared by half a market and is not even a lead)."""
    out: dict[tuple[str, str], None] = {}
    if seller_id and (s := stem(seller_id)):
        out[("handle_stem", s)] = None
    for ent in entities:
        typ, value = str(ent.get("type", "")), str(ent.get("value", ""))
        if typ.startswith("handle:") and (s := stem(value)):
            out[("handle_stem", s)] = None
        elif typ == "price" and ent.get("amount"):
            amount = float(ent["amount"])
            out[("price", f"{float(f'{amount:.2g}'):g} {ent.get('currency', '')}")] = None
    return list(out)
