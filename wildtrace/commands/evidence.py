"""``wildtrace evidence verify [PACKAGE.zip]`` and ``wildtrace evidence export``.

* ``verify`` without an argument checks the evidence folder (``<data.dir>/evidence``)
  against its hash-chained manifest (``crawlers.evidence_verify``); with a ZIP it checks
  an exported package (``crawlers.evidence_package``). Each problem is printed as one
  line ``PATH: what is wrong``; exit status 1 if there is any, else 0.
* ``export ALERT_OR_SELLER --output X.zip`` gathers an alert (by id) — or every alert and
  stored listing of a seller (by seller id) — with all captured versions, their page and
  image evidence, WARC records, detections and the alerts' audit entries (the chain of
  custody), and writes a package. It prints the manifest's SHA-256: keep it elsewhere.

This module only reads the store and hands plain records to ``crawlers``; the packaging
and checking logic lives there.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path

from alerts.base import Alert
from crawlers.evidence_package import PackageRequest, export_package, verify_package
from crawlers.evidence_verify import verify_store
from index.base import AlertFilter, SearchQuery, Store
from wildtrace import components
from wildtrace.config import Settings

PAGE = 100
MAX_LISTINGS = 10_000


def _print_problems(problems: list[tuple[str, str]], warnings: list[tuple[str, str]]) -> None:
    for path, problem in problems:
        print(f"{path}: {problem}")
    for path, warning in warnings[:50]:
        print(f"warning: {path}: {warning}", file=sys.stderr)
    if len(warnings) > 50:
        print(f"warning: ... and {len(warnings) - 50} more", file=sys.stderr)


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    if args.package:
        report = verify_package(Path(args.package))
        _print_problems(report.problems, [])
        print(f"{args.package}: {report.checked} files checked, {len(report.problems)} problems;"
              f" manifest sha256 {report.manifest_sha256}", file=sys.stderr)  # fmt: skip
        return 0 if report.ok else 1
    root = settings.data_dir / "evidence"
    store_report = verify_store(root)
    _print_problems(store_report.problems, store_report.warnings)
    print(f"{root}: {store_report.checked} files checked, {len(store_report.problems)} problems,"
          f" {len(store_report.warnings)} warnings", file=sys.stderr)  # fmt: skip
    return 0 if store_report.ok else 1


def _seller_alerts(store: Store, seller_id: str) -> list[Alert]:
    found: list[Alert] = []
    flt = AlertFilter(seller_id=seller_id, limit=PAGE)
    while (page := store.list_alerts(flt)) and len(found) < MAX_LISTINGS:
        found += page
        flt = replace(flt, offset=flt.offset + PAGE)
    return found


def _seller_keys(store: Store, seller_id: str) -> list[str]:
    keys: list[str] = []
    query = SearchQuery(seller_id=seller_id, limit=PAGE, facets=())
    while len(keys) < MAX_LISTINGS:
        hits = store.search(query).hits
        keys += [h.stored.listing.key for h in hits]
        if len(hits) < PAGE:
            break
        query = replace(query, offset=query.offset + PAGE)
    return keys


def gather(store: Store, subject: str) -> PackageRequest:
    """Everything the store holds about an alert id, or else about a seller id."""
    alert = store.get_alert(subject)
    alerts = [alert] if alert else _seller_alerts(store, subject)
    keys = [a.listing_key for a in alerts]
    if alert is None:
        keys += [k for k in _seller_keys(store, subject) if k not in keys]
    if not keys:
        raise LookupError(f"no alert and no seller with id {subject!r}")
    request = PackageRequest(subject=subject)
    for a in alerts:
        request.documents[f"alerts/{a.id}.json"] = a.to_dict()
        request.custody += [e.to_dict() for e in store.alert_history(a.id)]
    for key in keys:
        safe = re.sub(r"[^A-Za-z0-9._:-]", "_", key)
        versions = store.listing_versions(key)
        request.documents[f"listings/{safe}.json"] = [v.to_dict() for v in versions]
        detection = store.get_detection(key)
        if detection is not None:
            request.documents[f"detections/{safe}.json"] = detection.to_dict()
        for version in versions:
            request.evidence += [s for s in (version.evidence_sha256, *version.image_sha256) if s]
            if version.warc_ref:
                request.warc_refs.append(version.warc_ref)
    return request


def _export(args: argparse.Namespace, settings: Settings) -> int:
    store = components.open_store(settings)
    try:
        request = gather(store, args.subject)
    except LookupError as exc:
        print(f"wildtrace evidence export: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    digest = export_package(Path(args.output), settings.data_dir / "evidence", request)
    print(f"{args.output}: manifest sha256 {digest}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("evidence", help="verify evidence; export an evidence package")
    commands = parser.add_subparsers(dest="evidence_command", required=True)
    verify = commands.add_parser("verify", help="check the evidence folder or a package ZIP")
    verify.add_argument("package", nargs="?", help="a package ZIP (default: the evidence folder)")
    verify.set_defaults(handler=_verify)
    export = commands.add_parser("export", help="write an evidence package for an alert/seller")
    export.add_argument("subject", metavar="ALERT_OR_SELLER", help="alert id or seller id")
    export.add_argument("--output", required=True, help="ZIP file to write")
    export.set_defaults(handler=_export)
