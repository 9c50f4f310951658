"""A seller network for financial investigators: JSON dossier, CSV, STIX 2.1 bundle.

Design notes
------------
* The dossier (JSON) is the network summary (``alerts.base.Network``): identifiers with
  types and where and when each was seen, accounts, listings, a timeline (listings by
  date), sources, commodities, advertised value and risk, plus the weak signals.
* CSV is one table with a ``kind`` column (identifier / account / listing) so it opens in
  any spreadsheet; every cell goes through ``web.export.neutralise_cell`` (a phone
  number "+84…" would otherwise run as a formula).
* STIX 2.1, built and validated with the ``stix2`` library: one ``identity`` (class
  ``group``) for the network; ``user-account`` observables for the seller accounts and
  messaging/social handles; ``email-addr`` for e-mails; custom observables
  ``x-wildtrace-phone-number``, ``x-wildtrace-bank-account`` (IBAN or account number),
  ``x-wildtrace-cryptocurrency-wallet`` and ``x-wildtrace-photo`` (a shared photo's PDQ
  hash) — STIX 2.1 defines none of those (custom objects
  are how the spec allows them); one ``observed-data`` per identifier (first/last
  sighting, number of listings); ``related-to`` relationships from the network to every
  account and identifier; a ``grouping`` (context ``suspicious-activity``) holding it
  all. Ids are deterministic (UUIDv5 over the network id and the object's key), so
  exporting the same network twice gives the same ids.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import stix2

from alerts.base import IdentifierSeen, Network
from web.export import neutralise_cell

_NS = uuid.UUID("6c0f1b8e-4c1e-4f2a-9a57-0b7c2d9e5a11")  # wildtrace's namespace for ids


_STR = stix2.properties.StringProperty


def _custom_observable(type_name: str, kind_field: str) -> Any:
    """A custom STIX 2.1 observable class: ``value`` plus one descriptive field."""
    decorator: Any = stix2.CustomObservable(
        type_name, [("value", _STR(required=True)), (kind_field, _STR())]
    )
    return decorator(type(type_name.replace("-", "_"), (), {}))


# STIX 2.1 defines no observable for these; custom objects are how the spec allows them.
PhoneNumber = _custom_observable("x-wildtrace-phone-number", "channel")
BankAccount = _custom_observable("x-wildtrace-bank-account", "account_type")
CryptoWallet = _custom_observable("x-wildtrace-cryptocurrency-wallet", "currency")
# A shared photo: its PDQ perceptual hash (STIX's file hashes are cryptographic ones).
PhotoHash = _custom_observable("x-wildtrace-photo", "hash_algorithm")


def to_json(network: Network) -> str:
    data = network.to_dict()
    timeline: dict[str, int] = {}
    for listing in network.listings:
        day = listing.seen_at[:10]
        timeline[day] = timeline.get(day, 0) + 1
    data["timeline"] = [{"date": d, "listings": n} for d, n in sorted(timeline.items())]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def to_csv(network: Network) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["kind", "type", "value", "sources", "accounts", "listings", "first_seen", "last_seen"]
    writer.writerow(header)
    for i in network.identifiers:
        row = ["identifier", i.type, i.value, " ".join(i.sources), " ".join(i.sellers),
               len(i.listings), i.first_seen, i.last_seen]  # fmt: skip
        writer.writerow([neutralise_cell(c) for c in row])
    for s in network.sellers:
        _, source, account = s.split("|", 2)
        writer.writerow([neutralise_cell(c) for c in ["account", source, account, source, s]])
    for x in network.listings:
        row = ["listing", x.commodity or "", x.listing_key, x.source, x.seller_node, 1,
               x.seen_at, x.seen_at]  # fmt: skip
        writer.writerow([neutralise_cell(c) for c in row])
    return out.getvalue()


def _id(kind: str, network: Network, key: str) -> str:
    return f"{kind}--{uuid.uuid5(_NS, f'{network.id}|{key}')}"


def _stix_time(value: str | None, fallback: datetime) -> datetime:
    if not value:
        return fallback
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return fallback
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _observable(network: Network, ident: IdentifierSeen) -> Any:
    def oid(kind: str) -> str:
        return _id(kind, network, ident.key)

    if ident.type == "email":
        return stix2.EmailAddress(id=oid("email-addr"), value=ident.value)
    if ident.type.startswith("handle:"):
        platform = ident.type.split(":", 1)[1]
        return stix2.UserAccount(id=oid("user-account"), account_type=platform,
                                 account_login=ident.value, user_id=ident.value)  # fmt: skip
    if ident.type == "phone":
        return PhoneNumber(id=oid("x-wildtrace-phone-number"), value=ident.value)
    if ident.type in ("iban", "bank_account"):
        return BankAccount(id=oid("x-wildtrace-bank-account"), value=ident.value,
                           account_type=ident.type)  # fmt: skip
    if ident.type == "photo":
        return PhotoHash(id=oid("x-wildtrace-photo"), value=ident.value, hash_algorithm="PDQ")
    if ident.type.startswith("crypto_"):
        return CryptoWallet(id=oid("x-wildtrace-cryptocurrency-wallet"), value=ident.value,
                            currency=ident.type.split("_", 1)[1].upper())  # fmt: skip
    return stix2.UserAccount(id=oid("user-account"), account_type=ident.type,
                             user_id=ident.value)  # fmt: skip


def to_stix(network: Network, now: datetime | None = None) -> str:
    """A STIX 2.1 bundle (JSON) describing the network; raises if ``stix2`` rejects it."""
    now = now or datetime.now(UTC)
    first = _stix_time(network.first_seen, now)
    group = stix2.Identity(
        id=_id("identity", network, "network"), name=f"wildtrace network {network.id}",
        identity_class="group", created=first, modified=now,
        description=f"{network.size} seller accounts on {', '.join(network.sources)}; "
        f"risk {network.risk:.2f}; advertised value {network.advertised_value:.2f} "
        "(reference currency)",
    )  # fmt: skip
    objects: list[Any] = [group]
    for seller in network.sellers:
        _, source, account = seller.split("|", 2)
        acc = stix2.UserAccount(id=_id("user-account", network, seller), account_type=source,
                                user_id=account, account_login=account)  # fmt: skip
        objects += [acc, _related(network, group.id, acc.id, now)]
    for ident in network.identifiers:
        obs = _observable(network, ident)
        seen_first = _stix_time(ident.first_seen, first)
        seen_last = max(_stix_time(ident.last_seen, now), seen_first)
        observed = stix2.ObservedData(
            id=_id("observed-data", network, ident.key), created=seen_first, modified=now,
            first_observed=seen_first, last_observed=seen_last,
            number_observed=max(1, len(ident.listings)), object_refs=[obs.id], allow_custom=True,
        )  # fmt: skip
        objects += [obs, observed, _related(network, group.id, obs.id, now)]
    grouping = stix2.Grouping(
        id=_id("grouping", network, "grouping"), created=first, modified=now,
        name=f"wildtrace seller network {network.id}", context="suspicious-activity",
        object_refs=[o.id for o in objects], allow_custom=True,
    )  # fmt: skip
    bundle = stix2.Bundle(
        id=_id("bundle", network, "bundle"), objects=[*objects, grouping], allow_custom=True
    )
    text: str = bundle.serialize(pretty=True)
    stix2.parse(text, allow_custom=True)  # the library's own validation, once more
    return text + "\n"


def _related(network: Network, source: str, target: str, now: datetime) -> Any:
    return stix2.Relationship(
        id=_id("relationship", network, f"{source}>{target}"), relationship_type="related-to",
        source_ref=source, target_ref=target, created=now, modified=now, allow_custom=True,
    )  # fmt: skip
