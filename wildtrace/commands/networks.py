"""``wildtrace networks`` and ``wildtrace export-network ID --format json|csv|stix``.

* ``networks`` lists the largest seller networks (id, accounts, identifiers, sources,
  risk) from the configured backend's graph.
* ``eval-networks`` scores network membership against the demo's trader rings
  (``wildtrace/demo/network_truth.py``).
* ``export-network`` writes one network's dossier for financial investigators: JSON
  (identifiers with where and when each was seen, accounts, listings, timeline,
  advertised value, risk), CSV (one table, cells neutralised), or a STIX 2.1 bundle
  validated with the ``stix2`` library (``web/network_export.py``). Exit 1 when there is
  no such network, 2 when the output cannot be written.
"""

from __future__ import annotations

import argparse
import json
import sys

from alerts.networks.summary import summarise
from web.network_export import to_csv, to_json, to_stix
from wildtrace.config import Settings
from wildtrace.networks import open_networks

FORMATS = {"json": to_json, "csv": to_csv, "stix": to_stix}


def _list(args: argparse.Namespace, settings: Settings) -> int:
    networks = open_networks(settings)
    try:
        rows = networks.storage.largest_networks(args.min_size, args.limit)
        print(f"{'network':<15}{'accounts':>9}{'identifiers':>12}{'risk':>7}  sources")
        for network_id, _ in rows:
            net = summarise(networks.storage, network_id)
            if net is None:
                continue
            print(f"{net.id:<15}{net.size:>9}{len(net.identifiers):>12}{net.risk:>7.2f}  "
                  f"{','.join(net.sources)}")  # fmt: skip
    finally:
        networks.close()
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    networks = open_networks(settings)
    try:
        net = summarise(networks.storage, args.network_id)
    finally:
        networks.close()
    if net is None:
        print(f"wildtrace export-network: no network {args.network_id!r}", file=sys.stderr)
        return 1
    text = FORMATS[args.format](net)
    if args.output in (None, "-"):
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        print(f"wildtrace export-network: {exc}", file=sys.stderr)
        return 2
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from wildtrace.demo.network_truth import evaluate_networks

    result = evaluate_networks(args.epoch, with_photos=not args.no_photos)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("networks", help="list the largest seller networks")
    p.add_argument("--min-size", type=int, default=3, help="nodes (accounts + identifiers)")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=_list)
    e = sub.add_parser("export-network", help="one network as JSON, CSV or a STIX 2.1 bundle")
    e.add_argument("network_id", help="network id (N…), as listed by `wildtrace networks`")
    e.add_argument("--format", choices=sorted(FORMATS), default="json")
    e.add_argument("--output", help="file to write (default: stdout)")
    e.set_defaults(handler=_export)
    v = sub.add_parser(
        "eval-networks", help="network membership precision/recall on the demo ground truth"
    )
    v.add_argument("--epoch", type=int, default=0, help="demo epoch to score")
    v.add_argument("--no-photos", action="store_true", help="link by identifiers only")
    v.set_defaults(handler=_eval)
