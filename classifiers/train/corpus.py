"""Generate the project's labelled text corpus, deterministically.

Provenance: every phrase comes from ``classifiers/train/corpus_data/<lang>.json``, written
by the project from the domain notes (``shared/domain.md``): products and code words per
commodity, sale / purchase / news / awareness templates and the hard negatives listed
there. Nothing is scraped. A seeded ``random.Random`` drives every choice, so
``python -m classifiers.train.corpus`` rewrites ``models/data/`` byte for byte.

Honest test split: the *last* template of every kind (sell, buy, news, awareness) in every
language is held out; rows written from it go to ``test`` only, so the test split measures
generalisation to phrasings the model never saw. The template before it goes to ``dev``
only (kinds with four or more templates), so choosing a model on dev rewards the same.
Remaining rows are split 85/10/5 (train/dev/test), stratified by language × label.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from classifiers.train.obfuscate import obfuscate

DATA_DIR = Path(__file__).with_name("corpus_data")
OUT_DIR = Path(__file__).resolve().parents[2] / "models" / "data"
SEED = 20240611
SPLIT_SHARES = (0.85, 0.10, 0.05)
# Rows per language and kind. Hard negatives: 5 sale kinds + news + awareness.
PLAN = {"sell": 95, "buy": 45, "sale_negative": 85, "news": 35, "awareness": 15, "generic": 25}
NEG_SALE_KINDS = ("colour_material", "brand_place", "faux", "lookalike_animal", "other_species")
P_OBFUSCATE = {"positive": 0.35, "sale_negative": 0.08, "news": 0.05}
CONTACTS = (
    "WhatsApp +{cc} {d}",
    "WeChat wx_{w}{n}",
    "Line @{w}{n}",
    "Telegram @{w}_{n}",
    "Zalo 09{d}",
    "{w}{n}@proton.me",
    "Signal +{cc} {d}",
)
APP_WORDS = ("WhatsApp", "Zalo", "WeChat", "Line", "LINE", "WA ", "微信", "zap", "ไลน์")
HANDLE_WORDS = ("lucky", "goldtrade", "antique", "natural", "shop", "collector", "east", "asia")
# Commodity keys renamed since the base corpus was first generated. Sorting by the old name
# keeps the seeded draw order, so every base row (and the test split) stays the same.
LEGACY_NAMES = {"turtle_shell": "tortoiseshell"}


def tag(spec: dict[str, Any]) -> str:
    """Language tag used for ids and per-language metrics: ``zh-Hans``, ``en``…"""
    return f"{spec['lang']}-{spec['script']}" if spec.get("script") else str(spec["lang"])


def legacy_sorted(keys: Any) -> list[str]:
    """Commodity keys in the order the base corpus was generated with."""
    return sorted(keys, key=lambda k: LEGACY_NAMES.get(k, k))


def load_specs(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(data_dir.glob("*.json"))]


def _contact(rng: random.Random, bare: bool) -> str:
    """A contact handle; ``bare`` when the template already names the app."""
    pattern = rng.choice(CONTACTS[:1] if bare else CONTACTS)
    if bare:
        pattern = rng.choice(("+{cc} {d}", "{w}{n}", "@{w}_{n}", "09{d}"))
    return pattern.format(
        cc=rng.choice(("84", "86", "66", "62", "60", "852", "27", "234", "52", "55")),
        d=f"{rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
        w=rng.choice(HANDLE_WORDS),
        n=rng.randrange(10, 99),
    )


def _fill(template: str, phrase: str, spec: dict[str, Any], rng: random.Random) -> str:
    price = spec["currency"].format(n=rng.choice((50, 80, 120, 250, 400, 900, 1500, 3000)))
    before = template.split("{contact}")[0][-10:]
    bare = any(app in before for app in APP_WORDS)
    return template.format(
        p=phrase,
        price=price,
        contact=_contact(rng, bare),
        place=rng.choice(spec["places"]),
        qty=rng.choice((2, 5, 12, 40, 150)),
    )


def _template(spec: dict[str, Any], kind: str, rng: random.Random) -> tuple[int, str, str | None]:
    """Pick a template; returns (index, text, held_out). The last one is test-only; the one
    before it is dev-only when the kind has four or more (so model selection on dev also
    rewards generalisation, not memorised phrasing)."""
    templates = spec[kind]
    i = rng.randrange(len(templates))
    held = "test" if i == len(templates) - 1 else None
    if i == len(templates) - 2 and len(templates) >= 4:
        held = "dev"
    return i, templates[i], held


class _Writer:
    """Accumulates rows for one language."""

    def __init__(self, spec: dict[str, Any], rng: random.Random) -> None:
        self.spec, self.rng = spec, rng
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        kind: str,
        phrase: str,
        *,
        label: str,
        commodity: str | None,
        intent: str,
        negative_kind: str | None,
        obf_key: str,
        emoji_of: str | None,
    ) -> None:
        rng, spec = self.rng, self.spec
        obf = None
        if rng.random() < P_OBFUSCATE.get(obf_key, 0.0):
            emoji = spec.get("emoji", {}).get(emoji_of) if emoji_of else None
            phrase, obf = obfuscate(phrase, spec["lang"], emoji, rng)
        t_index, template, held_out = _template(spec, kind, rng)
        listing = kind in ("sell", "buy")
        title = phrase if listing and rng.random() < 0.5 else ""
        self.rows.append(
            {
                "text": _fill(template, phrase, spec, rng),
                "title": title,
                "lang": spec["lang"],
                "script": spec.get("script"),
                "label": label,
                "commodity": commodity,
                "intent": intent,
                "negative_kind": negative_kind,
                "template": f"{tag(spec)}:{kind}:{t_index}",
                "held_out": held_out,
                "obfuscation": obf,
            }
        )


def _language_rows(spec: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    w = _Writer(spec, rng)
    commodities = legacy_sorted(spec["products"])
    _offer_rows(w, spec, commodities, rng)
    _negative_rows(w, spec, commodities, rng)
    return w.rows


def _offer_rows(
    w: _Writer, spec: dict[str, Any], commodities: list[str], rng: random.Random
) -> None:
    """Sell offers and buy requests; 15% name the commodity by a code word."""
    code_words = spec.get("code_words", {})
    for intent in ("sell", "buy"):
        for i in range(PLAN[intent]):
            com = commodities[i % len(commodities)]
            pool = spec["products"][com]
            if code_words and rng.random() < 0.15:
                com = rng.choice(legacy_sorted(code_words))
                pool = code_words[com]
            w.add(intent, rng.choice(pool), label="wildlife", commodity=com, intent=intent,
                  negative_kind=None, obf_key="positive", emoji_of=com)  # fmt: skip


def _negative_rows(
    w: _Writer, spec: dict[str, Any], commodities: list[str], rng: random.Random
) -> None:
    """Hard negatives in the sales style, news and awareness about the trade, generic goods."""
    for i in range(PLAN["sale_negative"]):
        kind = NEG_SALE_KINDS[i % len(NEG_SALE_KINDS)]
        intent = "sell" if rng.random() < 0.75 else "buy"
        phrase = rng.choice(spec["negatives"][kind])
        w.add(intent, phrase, label="clean", commodity=None, intent=intent,
              negative_kind=kind, obf_key="sale_negative", emoji_of=None)  # fmt: skip
    for kind in ("news", "awareness"):
        for i in range(PLAN[kind]):
            com = commodities[(i * 5) % len(commodities)]
            w.add(kind, rng.choice(spec["products"][com]), label="clean", commodity=None,
                  intent="other", negative_kind=kind, obf_key=kind, emoji_of=com)  # fmt: skip
    for _ in range(PLAN["generic"]):
        intent = "sell" if rng.random() < 0.8 else "buy"
        w.add(intent, rng.choice(spec["generic"]), label="clean", commodity=None, intent=intent,
              negative_kind="generic", obf_key="", emoji_of=None)  # fmt: skip


def assign_splits(rows: list[dict[str, Any]], rng: random.Random) -> None:
    """Held-out-template rows → their split; the rest 85/10/5 per (language, label)."""
    strata: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["held_out"]:
            row["split"] = row["held_out"]
        else:
            strata[(row["id"].rsplit("-", 1)[0], row["label"])].append(row)
    for key in sorted(strata):
        group = strata[key]
        rng.shuffle(group)
        n_train = round(len(group) * SPLIT_SHARES[0])
        n_dev = round(len(group) * SPLIT_SHARES[1])
        for i, row in enumerate(group):
            row["split"] = "train" if i < n_train else "dev" if i < n_train + n_dev else "test"


def generate(
    seed: int = SEED, data_dir: Path = DATA_DIR, extra: bool = True
) -> list[dict[str, Any]]:
    """All rows, with ids and splits, duplicates (same title and text) removed: the base
    rows, then (``extra``) the train/dev-only rows of ``corpus_extra``."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    specs = load_specs(data_dir)
    for spec in specs:
        seen: set[tuple[str, str]] = set()
        n = 0
        for row in _language_rows(spec, rng):
            key = (row["title"], row["text"])
            if key in seen:
                continue
            seen.add(key)
            n += 1
            rows.append({"id": f"{tag(spec)}-{n:04d}", **row})
    assign_splits(rows, rng)
    if extra:
        # Imported here: corpus_extra builds on this module's helpers.
        from classifiers.train.corpus_extra import extra_rows
        from classifiers.train.corpus_round5 import round5_rows

        taken = {(r["title"], r["text"]) for r in rows}
        rows += extra_rows(specs, taken)
        rows += round5_rows(specs, taken)
    return rows


def write(rows: list[dict[str, Any]], out_dir: Path = OUT_DIR) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "text_corpus.jsonl"
    body = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    path.write_text(body, encoding="utf-8")
    splits: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    for r in rows:
        splits[r["split"]].append(r["id"])
    meta = {
        "seed": SEED,
        "sha256": hashlib.sha256(body.encode()).hexdigest(),
        "counts": {k: len(v) for k, v in splits.items()},
        **splits,
    }
    (out_dir / "splits.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate models/data/text_corpus.jsonl")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    path = write(generate(), args.out)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
