"""The network graph as an SVG drawn by the app (no script, no external library).

Design notes
------------
* Layout: accounts on an inner circle, identifiers on an outer circle, each identifier
  placed near the accounts that showed it (mean angle), edges account—identifier from
  the sightings. Deterministic: the same network draws the same picture.
* Output is data for the template (``SvgGraph``): coordinates and labels; the template
  writes the elements with autoescaping, so a scraped handle cannot inject markup.
* Capped at ``MAX_NODES`` nodes (largest networks show their first accounts and the
  identifiers they use, and say how many were left out).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from alerts.base import Network

SIZE = 560
MAX_NODES = 80
_COLOURS = {"account": "#1f5fa8", "phone": "#b3541e", "email": "#6a3d9a", "crypto": "#2f7d32",
            "bank": "#8c6d1f", "handle": "#c2185b"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SvgNode:
    key: str
    x: float
    y: float
    label: str
    kind: str
    colour: str


@dataclass(frozen=True, slots=True)
class SvgGraph:
    size: int
    nodes: list[SvgNode]
    edges: list[tuple[float, float, float, float]]
    left_out: int


def _kind(ident_type: str) -> str:
    if ident_type.startswith("handle:"):
        return "handle"
    if ident_type.startswith("crypto_"):
        return "crypto"
    if ident_type in ("iban", "bank_account"):
        return "bank"
    return ident_type if ident_type in _COLOURS else "handle"


def layout(network: Network) -> SvgGraph:
    c = SIZE / 2
    sellers = list(network.sellers[: MAX_NODES // 2])
    pos: dict[str, tuple[float, float]] = {}
    nodes: list[SvgNode] = []
    for i, seller in enumerate(sellers):
        angle = 2 * math.pi * i / max(1, len(sellers))
        x, y = c + SIZE * 0.2 * math.cos(angle), c + SIZE * 0.2 * math.sin(angle)
        pos[seller] = (x, y)
        _, source, account = seller.split("|", 2)
        nodes.append(
            SvgNode(seller, x, y, f"{source}: {account}"[:40], "account", _COLOURS["account"])
        )
    idents = [i for i in network.identifiers if any(s in pos for s in i.sellers)]
    idents = idents[: MAX_NODES - len(sellers)]
    edges = []
    for k, ident in enumerate(idents):
        linked = [pos[s] for s in ident.sellers if s in pos]
        mean = math.atan2(sum(p[1] - c for p in linked), sum(p[0] - c for p in linked))
        angle = (
            mean + (k % 3 - 1) * 0.25 if len(linked) > 1 else 2 * math.pi * k / max(1, len(idents))
        )
        x, y = c + SIZE * 0.4 * math.cos(angle), c + SIZE * 0.4 * math.sin(angle)
        kind = _kind(ident.type)
        nodes.append(SvgNode(ident.key, x, y, ident.value[:28], kind, _COLOURS[kind]))
        edges += [(px, py, x, y) for px, py in linked]
    left_out = len(network.sellers) + len(network.identifiers) - len(nodes)
    return SvgGraph(SIZE, nodes, edges, left_out)
