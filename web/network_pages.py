"""Seller networks on the desk: the queue grouped by network, one page per network
(graph drawn as SVG by the app, identifier table with where and when each was seen,
accounts, listings with their alerts) and the dossier downloads.

Design notes
------------
* The graph storage is passed to ``create_app`` (``app.state.networks``); without one
  these pages answer 404 and the rest of the app is unaffected.
* Desk pages: every route needs an account with desk access (``web.auth.Desk``, as the
  queue does); the identifiers and dossiers here are investigation material.
* An alert belongs to the network of its listing's seller account; each listing row
  links to its alert when there is one (``alert_id_for`` the listing key).
* Downloads reuse ``web.network_export`` (JSON dossier, CSV with neutralised cells, STIX
  2.1 validated by ``stix2``) and are served as attachments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from alerts.base import GraphStorage, Network, alert_id_for, summarise
from index.base import Store
from web.auth import Desk
from web.network_export import to_csv, to_json, to_stix
from web.network_svg import layout
from web.views import error_page, render

router = APIRouter()
# Typed exactly as stored (already normalised): tried as they are besides ``identify``.
_LOOKUP_TYPES = ("email", "handle:telegram", "handle:wechat", "handle:line", "handle:zalo",
                 "handle:instagram", "handle:facebook", "handle:tiktok", "handle:signal",
                 "bank_account", "crypto_eth", "crypto_btc")  # fmt: skip
MAX_LISTED = 100
_DOWNLOADS = {
    "json": (to_json, "application/json", "json"),
    "csv": (to_csv, "text/csv; charset=utf-8", "csv"),
    "stix": (to_stix, "application/json", "stix.json"),
}


def _graph(request: Request) -> GraphStorage | None:
    graph: GraphStorage | None = request.app.state.networks
    return graph


def _alerts_of(store: Store, network: Network) -> dict[str, Any]:
    out = {}
    for listing in network.listings[:MAX_LISTED]:
        alert = store.get_alert(alert_id_for(listing.listing_key))
        if alert is not None:
            out[listing.listing_key] = alert
    return out


@router.get("/networks")
def networks_page(request: Request, me: Desk) -> Response:
    graph = _graph(request)
    if graph is None:
        return error_page(request, 404, "Seller networks are not enabled here.")
    store: Store = request.app.state.store
    groups = []
    for network_id, _ in graph.largest_networks(2, MAX_LISTED):
        net = summarise(graph, network_id)
        if net is not None and net.size > 1:
            groups.append((net, _alerts_of(store, net)))
    groups.sort(key=lambda g: (-len(g[1]), -g[0].risk, g[0].id))
    return render(request, "networks.html", groups=groups)


@router.get("/networks/lookup")
def network_lookup(request: Request, me: Desk, q: str = "") -> Response:
    """Find the networks of a phone number, e-mail, handle, account or wallet as typed."""
    graph = _graph(request)
    if graph is None:
        return error_page(request, 404, "Seller networks are not enabled here.")
    query = q.strip()[:200]
    identify: Callable[[str], list[str]] | None = request.app.state.identify
    keys = list(identify(query)) if identify and query else []
    keys += [f"{t}|{query.lower()}" for t in _LOOKUP_TYPES if query]
    found = graph.node_networks(keys)
    nets = [n for n in (summarise(graph, i) for i in dict.fromkeys(found.values())) if n]
    return render(request, "network_lookup.html", q=query, keys=sorted(found), nets=nets)


@router.get("/networks/{network_id}")
def network_page(request: Request, network_id: str, me: Desk) -> Response:
    graph = _graph(request)
    net = summarise(graph, network_id) if graph is not None else None
    if net is None:
        return error_page(request, 404, "No such network.", back="/networks")
    alerts = _alerts_of(request.app.state.store, net)
    return render(request, "network.html", net=net, svg=layout(net), alerts=alerts)


@router.get("/networks/{network_id}/export.{fmt}")
def network_export(request: Request, network_id: str, fmt: str, me: Desk) -> Response:
    graph = _graph(request)
    net = summarise(graph, network_id) if graph is not None else None
    if net is None or fmt not in _DOWNLOADS:
        return error_page(request, 404, "No such network or format.", back="/networks")
    make, media, ext = _DOWNLOADS[fmt]
    headers = {"Content-Disposition": f'attachment; filename="{net.id}.{ext}"'}
    return Response(make(net), media_type=media, headers=headers)
