"""``wildtrace config``: the effective settings, the defaults file, or the reference table."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from wildtrace.config import Settings, iter_settings, render_defaults


def reference_table() -> str:
    """The README's settings reference, as a Markdown table."""
    rows = ["| setting | default | what it does |", "|---|---|---|"]
    for section, name, default, help_text in iter_settings():
        shown = json.dumps(default, ensure_ascii=False)
        escaped = help_text.replace("|", "\\|")
        rows.append(f"| `{section}.{name}` | `{shown}` | {escaped} |")
    return "\n".join(rows)


def _handle(args: argparse.Namespace, settings: Settings) -> int:
    if args.defaults:
        print(render_defaults(), end="")
    elif args.reference:
        print(reference_table())
    else:
        print(json.dumps(asdict(settings), indent=2, ensure_ascii=False))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("config", help="show settings (effective, defaults file, reference)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--defaults", action="store_true", help="print a default wildtrace.toml")
    group.add_argument("--reference", action="store_true", help="print the Markdown reference")
    parser.set_defaults(handler=_handle)
