"""Check ``challenge.jsonl`` against its schema and print its counts as Markdown tables.

Run: ``.venv/bin/python models/challenge/validate.py [PATH]``; exit status 1 on any schema error.
The README's count tables are this script's output.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

LANGS = ("en", "zh", "vi", "th", "id", "ms", "es", "pt", "fr", "ja", "de")
COMMODITIES = (
    "ivory", "rhino_horn", "pangolin", "big_cat", "bear_bile", "hornbill_casque",
    "turtle_shell", "totoaba_maw", "shahtoosh", "live_primate", "live_bird", "live_reptile",
)  # fmt: skip
NEGATIVE_KINDS = (
    "colour_material", "brand_place", "imitation", "lookalike_animal",
    "other_species_product", "news_awareness", "ordinary",
)  # fmt: skip
INTENTS = ("sell", "buy", "other")
OBFUSCATIONS = (
    "none", "code_word", "spacing", "homoglyph", "leet", "emoji",
    "fullwidth", "zero_width", "mixed",
)  # fmt: skip
FIELDS = (
    "id", "title", "text", "lang", "script", "label", "commodity", "intent",
    "negative_kind", "obfuscation", "split",
)  # fmt: skip


def check_row(r: dict[str, object]) -> list[str]:
    """Every way one record breaks the schema (empty when it is valid)."""
    rid = r.get("id")
    errs = [f"{rid}: missing {f}" for f in FIELDS if f not in r]
    if errs:
        return errs
    want = {
        "lang": r["lang"] in LANGS,
        "script": r["script"] in (("Hans", "Hant") if r["lang"] == "zh" else (None,)),
        "split": r["split"] == "challenge",
        "intent": r["intent"] in INTENTS,
        "obfuscation": r["obfuscation"] in OBFUSCATIONS,
        "text": isinstance(r["text"], str) and bool(str(r["text"]).strip()),
        "title": isinstance(r["title"], str),
    }
    if r["label"] == "wildlife":
        want["commodity"] = r["commodity"] in COMMODITIES
        want["negative_kind"] = r["negative_kind"] is None
        want["intent"] = r["intent"] in ("sell", "buy")
    elif r["label"] == "clean":
        want["commodity"] = r["commodity"] is None
        want["negative_kind"] = r["negative_kind"] in NEGATIVE_KINDS
    else:
        want["label"] = False
    return [f"{rid}: bad {k}={r.get(k)!r}" for k, ok in want.items() if not ok]


def load(path: Path) -> tuple[list[dict[str, object]], list[str]]:
    """Parse the file; a line that is not a JSON object is an error, not a crash."""
    rows: list[dict[str, object]] = []
    errs: list[str] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            errs.append(f"line {n}: not JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            errs.append(f"line {n}: not an object")
            continue
        rows.append(obj)
        errs.extend(check_row(obj))
    dupes = [k for k, v in Counter(r.get("id") for r in rows).items() if v > 1]
    errs.extend(f"duplicate id {d}" for d in dupes)
    return rows, errs


def _table(title: str, counter: Counter[str], keys: tuple[str, ...] | None = None) -> str:
    keys = keys or tuple(sorted(counter))
    lines = [f"| {title} | rows |", "|---|---:|"]
    lines += [f"| {k} | {counter[k]} |" for k in keys]
    return "\n".join(lines)


def report(rows: list[dict[str, object]]) -> str:
    """Markdown count tables: language x label, commodity, intent, negative kind, obfuscation."""
    wild = [r for r in rows if r["label"] == "wildlife"]
    clean = [r for r in rows if r["label"] == "clean"]
    by_lang = Counter((str(r["lang"]), str(r["label"])) for r in rows)
    zh = Counter(str(r["script"]) for r in rows if r["lang"] == "zh")
    out = ["| lang | wildlife | clean | total |", "|---|---:|---:|---:|"]
    for lang in LANGS:
        w, c = by_lang[(lang, "wildlife")], by_lang[(lang, "clean")]
        out.append(f"| {lang} | {w} | {c} | {w + c} |")
    out.append(f"| **all** | {len(wild)} | {len(clean)} | {len(rows)} |")
    return "\n\n".join(
        [
            "\n".join(out),
            f"zh scripts: Hans {zh['Hans']}, Hant {zh['Hant']}",
            _table("commodity (wildlife)", Counter(str(r["commodity"]) for r in wild), COMMODITIES),
            _table("intent (wildlife)", Counter(str(r["intent"]) for r in wild), ("sell", "buy")),
            _table("intent (clean)", Counter(str(r["intent"]) for r in clean), INTENTS),
            _table(
                "negative_kind (clean)",
                Counter(str(r["negative_kind"]) for r in clean),
                NEGATIVE_KINDS,
            ),
            _table(
                "obfuscation (wildlife)", Counter(str(r["obfuscation"]) for r in wild), OBFUSCATIONS
            ),
        ]
    )


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else Path(__file__).resolve().parent / "challenge.jsonl"
    rows, errs = load(path)
    for e in errs:
        print(e, file=sys.stderr)
    print(report(rows))
    return 1 if errs else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
