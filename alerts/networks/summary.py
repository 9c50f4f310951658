"""A network as investigators see it: who, where, when, what, how much, and how risky.

Design notes
------------
* Computed on demand from the graph's rows (members, listing facts, sightings), never
  stored: it is always as fresh as the graph.
* ``risk`` is a noisy-or of the member listings' detection scores, 1 - Π(1 - score):
  several moderately suspicious adverts under different names make a riskier network
  than any one of them. Stated in the record so a reader knows what it means.
* ``advertised_value`` sums, per listing, its advertised price in the reference currency
  (entity ``price``'s ``ref_amount``; a listing with several prices counts its largest);
  listings without a price add nothing rather than a guess.
* Identifiers list where each was seen (sources, accounts, listings) and when (first and
  last sighting) — the table the network page and the dossier show.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from alerts.networks.graph import GraphStorage, ListingFacts


@dataclass(frozen=True, slots=True)
class IdentifierSeen:
    key: str
    type: str
    value: str
    sellers: tuple[str, ...]
    listings: tuple[str, ...]
    sources: tuple[str, ...]
    first_seen: str
    last_seen: str
    surfaces: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Network:
    id: str
    sellers: tuple[str, ...]
    identifiers: tuple[IdentifierSeen, ...]
    listings: tuple[ListingFacts, ...]
    sources: tuple[str, ...]
    commodities: dict[str, int]
    first_seen: str | None
    last_seen: str | None
    advertised_value: float
    risk: float
    weak_signals: tuple[tuple[str, str, str], ...] = field(default=())

    @property
    def size(self) -> int:
        """Accounts in the network (identifiers are what links them, not members)."""
        return len(self.sellers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": self.size,
            "sellers": list(self.sellers),
            "sources": list(self.sources),
            "commodities": dict(self.commodities),
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "advertised_value": round(self.advertised_value, 2),
            "risk": round(self.risk, 4),
            "identifiers": [_ident_dict(i) for i in self.identifiers],
            "listings": [_listing_dict(x) for x in self.listings],
            "weak_signals": [list(w) for w in self.weak_signals],
        }


def _ident_dict(i: IdentifierSeen) -> dict[str, Any]:
    return {
        "type": i.type,
        "value": i.value,
        "sellers": list(i.sellers),
        "listings": list(i.listings),
        "sources": list(i.sources),
        "first_seen": i.first_seen,
        "last_seen": i.last_seen,
        "surfaces": list(i.surfaces),
    }


def _listing_dict(x: ListingFacts) -> dict[str, Any]:
    return {
        "listing_key": x.listing_key,
        "source": x.source,
        "seller": x.seller_node,
        "seen_at": x.seen_at,
        "commodity": x.commodity,
        "score": round(x.score, 4),
        "value_ref": x.value_ref,
        "title": x.title,
    }


def summarise(storage: GraphStorage, network_id: str) -> Network | None:
    members = storage.network_members(network_id)
    if not members:
        return None
    sellers = tuple(m for m in members if m.startswith("s|"))
    idents = [m for m in members if not m.startswith("s|")]
    listings = tuple(sorted(storage.listings_of(sellers), key=lambda x: (x.seen_at, x.listing_key)))
    times = [x.seen_at for x in listings]
    risk_keep = 1.0
    for x in listings:
        risk_keep *= 1.0 - min(max(x.score, 0.0), 1.0)
    return Network(
        id=network_id,
        sellers=sellers,
        identifiers=tuple(_identifiers(storage, idents)),
        listings=listings,
        sources=tuple(sorted({x.source for x in listings} | {s.split("|")[1] for s in sellers})),
        commodities=dict(Counter(x.commodity for x in listings if x.commodity)),
        first_seen=min(times) if times else None,
        last_seen=max(times) if times else None,
        advertised_value=sum(x.value_ref or 0.0 for x in listings),
        risk=1.0 - risk_keep,
        weak_signals=tuple(storage.weak_of(sellers)),
    )


def _identifiers(storage: GraphStorage, keys: list[str]) -> list[IdentifierSeen]:
    rows = storage.sightings_of(keys)
    out = []
    for key in keys:
        seen = [r for r in rows if r.identifier == key]
        typ, _, value = key.partition("|")
        times = sorted(r.seen_at for r in seen) or [""]
        out.append(
            IdentifierSeen(
                key=key,
                type=typ,
                value=value,
                sellers=tuple(sorted({r.seller_node for r in seen})),
                listings=tuple(sorted({r.listing_key for r in seen})),
                sources=tuple(sorted({r.seller_node.split("|")[1] for r in seen})),
                first_seen=times[0],
                last_seen=times[-1],
                surfaces=tuple(sorted({r.surface for r in seen if r.surface}))[:5],
            )
        )
    return out
