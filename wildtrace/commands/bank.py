"""``wildtrace bank import|export|match``: the PDQ hash bank, in trust-and-safety terms.

* ``bank import FILE.csv...`` adds entries (CSV format: ``classifiers/image/bank_csv.py``);
  bad rows are reported as ``FILE:LINE: reason`` on stderr and skipped; re-importing a
  file adds nothing. Exit 1 only when no file could be read at all.
* ``bank export FILE.csv`` (``-`` = stdout) writes every entry, formula-safe.
* ``bank add-alert ALERT_ID`` adds the images of a *confirmed* alert's listing (source
  ``alert:<id>``, labels: its commodity and ``confirmed-alert``); anything else is refused.
* ``bank links`` prints near-duplicate images across listings (the image catalog the
  pipeline fills): ``{"a", "b", "distance"}`` per pair of listings sharing a photo.
* ``bank match IMAGE...`` prints one JSON line per image:
  ``{"image", "pdq", "quality", "matches": [{"id", "distance", "labels", ...}]}``;
  an unreadable image gets ``"error"`` instead of a hash, and the others still run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from alerts.base import STATE_CONFIRMED
from classifiers.image.bank import BankEntry, HashBank
from classifiers.image.bank_csv import read_bank_csv, write_bank_csv
from classifiers.image.catalog import ImageCatalog
from classifiers.image.decode import ImageDecodeError, decode_image
from classifiers.image.hashes import pdq_hash
from crawlers.evidence import EvidenceError, EvidenceStore
from wildtrace.components import store_session
from wildtrace.config import Settings
from wildtrace.imaging import catalog_path, decode_limits, open_bank


def _import(args: argparse.Namespace, bank: HashBank) -> int:
    read_any = False
    for name in args.files:
        try:
            with open(name, encoding="utf-8-sig", newline="") as handle:
                entries, errors = read_bank_csv(handle, name, args.source)
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{name}: cannot read: {exc}", file=sys.stderr)
            continue
        read_any = True
        for error in errors:
            print(str(error), file=sys.stderr)
        result = bank.add(entries)
        for reason in result.refused:
            print(f"{name}: refused {reason}", file=sys.stderr)
        print(
            f"{name}: {result.added} added, {result.duplicates} already in the bank, "
            f"{len(result.refused)} refused, {len(errors)} bad rows",
            file=sys.stderr,
        )
    return 0 if read_any else 1


def _export(args: argparse.Namespace, bank: HashBank) -> int:
    if args.file == "-":
        count = write_bank_csv(bank.entries(), sys.stdout)
    else:
        with open(args.file, "w", encoding="utf-8", newline="") as handle:
            count = write_bank_csv(bank.entries(), handle)
    print(f"exported {count} entries", file=sys.stderr)
    return 0


def match_record(path: str, bank: HashBank, settings: Settings) -> dict[str, Any]:
    record: dict[str, Any] = {"image": path}
    try:
        data = Path(path).read_bytes()
        decoded = decode_image(data, decode_limits(settings))
    except (OSError, ImageDecodeError) as exc:
        record.update(pdq=None, quality=None, matches=[], error=str(exc)[:300])
        return record
    pdq, quality = pdq_hash(decoded.image)
    matches = bank.match(pdq, quality)
    record.update(pdq=pdq, quality=quality, matches=[m.to_dict() for m in matches])
    if quality < bank.min_quality:
        record["note"] = f"quality {quality} < {bank.min_quality}: not matched"
    return record


def _match(args: argparse.Namespace, bank: HashBank, settings: Settings) -> int:
    for path in args.images:
        record = match_record(path, bank, settings)
        print(json.dumps(record, ensure_ascii=False).replace("<", "\\u003c"), flush=True)
    return 0


def alert_entries(alert_id: str, settings: Settings) -> list[BankEntry]:
    """Bank entries for every readable image of a *confirmed* alert's listing."""
    with store_session(settings) as store:
        alert = store.get_alert(alert_id)
        if alert is None:
            raise LookupError(f"no alert {alert_id!r}")
        if alert.state != STATE_CONFIRMED:
            raise LookupError(f"alert {alert_id} is {alert.state}, not confirmed")
        stored = store.get_listing(alert.listing_key)
    if stored is None:
        raise LookupError(f"listing {alert.listing_key} of alert {alert_id} is not stored")
    evidence = EvidenceStore(settings.data_dir / "evidence")
    entries = []
    for n, sha in enumerate(stored.listing.image_sha256, start=1):
        try:
            decoded = decode_image(evidence.read(sha), decode_limits(settings))
        except (OSError, ValueError, EvidenceError) as exc:
            print(f"alert {alert_id}: image {n} ({sha[:12]}) skipped: {exc}", file=sys.stderr)
            continue
        pdq, quality = pdq_hash(decoded.image)
        labels = (alert.commodity,) if alert.commodity else ()
        entries.append(
            BankEntry(
                id=f"alert-{alert_id}-{n}",
                pdq=pdq,
                quality=quality,
                labels=(*labels, "confirmed-alert"),
                commodity=alert.commodity,
                source=f"alert:{alert_id}",
                note=f"{alert.listing_key} image {sha}",
            )
        )
    return entries


def _add_alert(args: argparse.Namespace, bank: HashBank, settings: Settings) -> int:
    try:
        entries = alert_entries(args.alert_id, settings)
    except LookupError as exc:
        print(f"bank add-alert: {exc}", file=sys.stderr)
        return 1
    result = bank.add(entries)
    for reason in result.refused:
        print(f"refused {reason}", file=sys.stderr)
    print(f"alert {args.alert_id}: {result.added} added, {result.duplicates} already in the bank")
    return 0


def _links(bank: HashBank, settings: Settings) -> int:
    catalog = ImageCatalog(catalog_path(settings))
    try:
        for link in catalog.links(bank.max_distance, bank.min_quality):
            print(json.dumps({"a": link.a, "b": link.b, "distance": link.distance}))
    finally:
        catalog.close()
    return 0


def _handle(args: argparse.Namespace, settings: Settings) -> int:
    bank = open_bank(settings)
    try:
        if args.bank_command == "import":
            return _import(args, bank)
        if args.bank_command == "export":
            return _export(args, bank)
        if args.bank_command == "add-alert":
            return _add_alert(args, bank, settings)
        if args.bank_command == "links":
            return _links(bank, settings)
        return _match(args, bank, settings)
    finally:
        bank.close()


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("bank", help="PDQ hash bank: import/export CSV, match images")
    bank_sub = parser.add_subparsers(dest="bank_command", required=True)
    imp = bank_sub.add_parser("import", help="add hashes from CSV files")
    imp.add_argument("files", nargs="+", help="CSV files (pdq,quality,labels,commodity,source,...)")
    imp.add_argument("--source", help="source recorded for rows without one (default: file name)")
    exp = bank_sub.add_parser("export", help="write the bank as CSV")
    exp.add_argument("file", help="CSV file to write (- = stdout)")
    match = bank_sub.add_parser("match", help="match images against the bank (JSON lines)")
    match.add_argument("images", nargs="+", help="image files")
    add = bank_sub.add_parser("add-alert", help="add a confirmed alert's images to the bank")
    add.add_argument("alert_id", help="id of a confirmed alert")
    bank_sub.add_parser("links", help="near-duplicate images across listings (JSON lines)")
    parser.set_defaults(handler=_handle)
