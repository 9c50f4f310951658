"""Breadth-round corpus: the nine new languages, the posting styles of issue 15, the
species table's live animals and products, and ordinary-sense hard negatives.

Why a separate file and split: the base corpus's test split is pinned byte for byte
(``models/data/text_corpus.jsonl``, hash test), so test figures stay comparable across
rounds. These rows go to ``models/data/breadth_corpus.jsonl`` with their own
``breadth_splits.json`` and their own pinned hash; ``wildtrace train-text`` and
``eval-text`` read both files (``classifiers.train.data.load_corpus``).

Provenance: templates and phrases in ``corpus_data/breadth/<tag>.json`` were written by
the project from language knowledge and the styles named in issue 15 (livestream
captions, chat replies, WTB questions, heirloom/pre-ban offers, emoji for the
commodity, run-together words, homoglyphs); species phrases come from the lexicon's
species table (``classifiers/lexicon/data/species_names.tsv``), frozen in
``corpus_data/breadth/species_phrases.json`` (``--refresh-species`` rewrites it) so that
later lexicon edits do not move the pinned rows. No native-speaker review. Nothing is
scraped; one seeded ``random.Random`` drives every choice.

Rows carry ``style`` (the posting style, or the negative's kind) and, for species-table
phrases, ``species``. Ordinary-sense negatives keep the project's ``negative_kind``
vocabulary (furniture, eyewear and gemstones are ``colour_material``; coins and resin
replicas ``faux``; fish varieties and legal pets ``lookalike_animal``) and name the finer
kind in ``ordinary_kind``.

Split: per language and style with five templates or more, the last template is
test-only and the one before it dev-only (unseen phrasings in test); other rows go
75/10/15 to train/dev/test, stratified by language and label, so every language and
style has test rows (most styles have two or three templates: holding one out would
leave too little to train on).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from classifiers.lexicon import default_lexicon
from classifiers.lexicon.species import name_target
from classifiers.train.corpus import DATA_DIR, OUT_DIR, _contact, load_specs, tag
from classifiers.train.obfuscate import CYRILLIC

BREADTH_DIR = DATA_DIR / "breadth"
SPECIES_SNAPSHOT = BREADTH_DIR / "species_phrases.json"
SEED = 20261215
SHARES = (0.75, 0.10, 0.15)
HOLD_OUT_FROM = 5  # a style's last template is test-only (and the one before dev-only) from 5 up
OFFER_STYLES = ("listing", "livestream", "chat_sell", "heirloom", "emoji", "buy", "chat_buy", "wtb")
LATIN_ONLY = ("runtogether", "homoglyph")  # rewrites that need words written with spaces
LIVE = ("live_primate", "live_bird", "live_reptile", "live_mammal", "live_amphibian")
ORDINARY_KIND = {
    "furniture": "colour_material", "eyewear": "colour_material", "gemstone": "colour_material",
    "coin": "faux", "resin_replica": "faux", "fish_variety": "lookalike_animal",
    "legal_pet": "lookalike_animal", "colour_brand": "brand_place",
}  # fmt: skip
SCRIPTLESS = ("zh", "ja", "th", "ko", "my", "km", "lo")
# Rows per style: new languages (whole corpus) / base languages (styles only).
PLAN_NEW = {"listing": 40, "livestream": 20, "chat_sell": 15, "heirloom": 15, "emoji": 12,
            "runtogether": 10, "homoglyph": 8, "buy": 30, "chat_buy": 20, "wtb": 20,
            "news": 40, "awareness": 15, "ordinary": 16, "generic": 40}  # fmt: skip
PLAN_BASE = {"listing": 25, "livestream": 15, "chat_sell": 10, "heirloom": 10, "emoji": 8,
             "runtogether": 8, "homoglyph": 6, "buy": 0, "chat_buy": 15, "wtb": 15,
             "news": 0, "awareness": 0, "ordinary": 8, "generic": 0}  # fmt: skip
SPECIES_SHARE = 0.45  # share of offers whose product is a species-table name


def refresh_species(path: Path = SPECIES_SNAPSHOT) -> None:
    """Freeze the species table's phrases for every language the corpus uses."""
    langs = sorted({json.loads(p.read_text("utf-8"))["lang"] for p in BREADTH_DIR.glob("??*.json")
                    if p.name != path.name} - {"zh"} | {"zh-hans", "zh-hant"})  # fmt: skip
    snapshot = {lang: species_phrases(lang) for lang in langs}
    path.write_text(json.dumps(snapshot, ensure_ascii=False, indent=0) + "\n", "utf-8")


def frozen_species(path: Path = SPECIES_SNAPSHOT) -> dict[str, dict[str, list[list[str]]]]:
    return json.loads(path.read_text("utf-8"))  # type: ignore[no-any-return]


def species_phrases(lang: str) -> dict[str, list[tuple[str, str]]]:
    """Matched species-table names per commodity for ``lang`` (plus English names of
    live taxa, which traders everywhere mix in): commodity → [(name, species)]."""
    table = default_lexicon().species
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if table is None:
        return out
    for n in table.names:
        if n.weight < 0.8 or n.kind not in ("group", "common"):
            continue
        commodity, species, _ = name_target(table, n)
        if n.lang == lang or (n.lang == "en" and commodity in LIVE and n.kind == "common"):
            out[commodity].append((n.name, ";".join(species)))
    return {c: sorted(set(v)) for c, v in sorted(out.items())}


class _Lang:
    """Writes the rows of one language."""

    def __init__(
        self,
        spec: dict[str, Any],
        base: dict[str, Any] | None,
        rng: random.Random,
        species: dict[str, dict[str, list[list[str]]]],
    ):
        self.spec, self.rng = spec, rng
        self.lang, self.tag = spec["lang"], tag(spec)
        products = dict((base or {}).get("products", {}))
        products.update(spec.get("products", {}))
        self.products = {c: v for c, v in sorted(products.items()) if v}
        lang = spec["lang"] if spec["lang"] != "zh" else self.tag.lower()
        self.species = {c: [(n, sp) for n, sp in v] for c, v in species.get(lang, {}).items()}
        self.currency = spec.get("currency") or (base or {}).get("currency", "{n}")
        self.places = spec.get("places") or (base or {}).get("places", [""])
        self.rows: list[dict[str, Any]] = []

    def _price(self) -> str:
        n = self.rng.choice((15, 40, 80, 150, 300, 500, 900, 1500, 3000, 8000))
        return str(self.currency).format(n=n)

    def _fill(self, template: str, phrase: str) -> str:
        return template.format(
            p=phrase,
            price=self._price(),
            contact=_contact(self.rng, bare=False),
            place=self.rng.choice(self.places),
            qty=self.rng.choice((2, 5, 10, 30, 100)),
        )

    def _template(self, style: str, pool: list[str]) -> tuple[int, str, str | None]:
        i = self.rng.randrange(len(pool))
        held = None
        if len(pool) >= HOLD_OUT_FROM:
            held = {len(pool) - 1: "test", len(pool) - 2: "dev"}.get(i)
        return i, pool[i], held

    def _add(self, style: str, phrase: str, **fields: Any) -> None:
        templates = self.spec["styles"].get(style) or self.spec.get(style)
        if style in LATIN_ONLY or style == "emoji":
            templates = self.spec["styles"]["listing"]
        if not templates:
            return
        i, template, held = self._template(style, templates)
        text = self._fill(template, phrase)
        self.rows.append(
            {
                "text": text,
                "title": "",
                "lang": self.lang,
                "script": self.spec.get("script"),
                "template": f"{self.tag}:b-{style}:{i}",
                "held_out": held,
                "style": style,
                "obfuscation": None,
                "species": None,
                **fields,
            }  # fmt: skip
        )

    def _offer_phrase(self, style: str, k: int) -> tuple[str, str, str | None]:
        rng = self.rng
        if style == "emoji" and self.spec.get("emoji"):
            com = rng.choice(sorted(self.spec["emoji"]))
            return rng.choice(self.spec["emoji"][com]), com, None
        if self.species and rng.random() < SPECIES_SHARE:
            com = rng.choice(sorted(self.species))
            name, species = rng.choice(self.species[com])
            return name, com, species
        coms = sorted(self.products)
        com = coms[k % len(coms)]
        return rng.choice(self.products[com]), com, None

    def offers(self, plan: dict[str, int]) -> None:
        for style in (*OFFER_STYLES, *LATIN_ONLY):
            if style in LATIN_ONLY and self.lang in SCRIPTLESS:
                continue
            intent = "buy" if style in ("buy", "chat_buy", "wtb") else "sell"
            for k in range(plan.get(style, 0)):
                phrase, com, species = self._offer_phrase(style, k)
                phrase = _restyle(phrase, style, self.rng)
                self._add(style, phrase, label="wildlife", commodity=com, intent=intent,
                          negative_kind=None, species=species)  # fmt: skip

    def negatives(self, plan: dict[str, int]) -> None:
        rng = self.rng
        coms = sorted(self.products)
        for kind in ("news", "awareness"):
            for k in range(plan.get(kind, 0)):
                phrase = rng.choice(self.products[coms[(k * 5) % len(coms)]])
                self._add(kind, phrase, label="clean", commodity=None, intent="other",
                          negative_kind=kind)  # fmt: skip
        for ordinary, pool in sorted(self.spec.get("ordinary", {}).items()):
            for _ in range(plan.get("ordinary", 0)):
                style = rng.choice(("listing", "listing", "livestream", "chat_sell"))
                kind = ORDINARY_KIND[ordinary]
                self._add(style, rng.choice(pool), label="clean", commodity=None, intent="sell",
                          negative_kind=kind, ordinary_kind=ordinary)  # fmt: skip
        for _ in range(plan.get("generic", 0)):
            style = rng.choice(("listing", "livestream", "chat_sell", "buy"))
            intent = "buy" if style == "buy" else "sell"
            self._add(style, rng.choice(self.spec["generic"]), label="clean", commodity=None,
                      intent=intent, negative_kind="generic")  # fmt: skip


def _restyle(phrase: str, style: str, rng: random.Random) -> str:
    if style == "runtogether":  # "#ivorybangle", "ivorybangle"
        joined = phrase.replace(" ", "").replace("-", "")
        return f"#{joined}" if rng.random() < 0.5 else joined
    if style == "homoglyph":  # Cyrillic look-alikes for some Latin letters
        return "".join(CYRILLIC.get(c, c) if rng.random() < 0.5 else c for c in phrase)
    return phrase


def generate(seed: int = SEED, breadth_dir: Path = BREADTH_DIR) -> list[dict[str, Any]]:
    """All breadth rows with ids (``<tag>-b<n>``) and splits, duplicates removed."""
    rng = random.Random(seed)
    bases = {tag(s): s for s in load_specs()}
    species = frozen_species(breadth_dir / SPECIES_SNAPSHOT.name)
    rows: list[dict[str, Any]] = []
    for path in sorted(breadth_dir.glob("*.json")):
        if path.name == SPECIES_SNAPSHOT.name:
            continue
        spec = json.loads(path.read_text(encoding="utf-8"))
        base = bases.get(tag(spec))
        writer = _Lang(spec, base, rng, species)
        plan = PLAN_BASE if base else PLAN_NEW
        if base is None and spec["lang"] == "ms":  # no base corpus for Malay: styles only
            plan = {**PLAN_BASE, "buy": 10, "news": 10, "awareness": 5, "generic": 10}
        writer.offers(plan)
        writer.negatives(plan)
        seen: set[str] = set()
        for row in writer.rows:
            if row["text"] in seen:
                continue
            seen.add(row["text"])
            rows.append({"id": f"{writer.tag}-b{len(seen):04d}", **row})
    _split(rows, rng)
    return rows


def _split(rows: list[dict[str, Any]], rng: random.Random) -> None:
    strata: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["held_out"]:
            row["split"] = row["held_out"]
        else:
            strata[(row["id"].rsplit("-", 1)[0], row["label"])].append(row)
    for key in sorted(strata):
        group = strata[key]
        rng.shuffle(group)
        n_train, n_dev = round(len(group) * SHARES[0]), round(len(group) * SHARES[1])
        for i, row in enumerate(group):
            row["split"] = "train" if i < n_train else "dev" if i < n_train + n_dev else "test"


def write(rows: list[dict[str, Any]], out_dir: Path = OUT_DIR) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "breadth_corpus.jsonl"
    body = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    path.write_text(body, encoding="utf-8")
    splits: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    for r in rows:
        splits[r["split"]].append(r["id"])
    meta = {"seed": SEED, "sha256": hashlib.sha256(body.encode()).hexdigest(),
            "counts": {k: len(v) for k, v in splits.items()}, **splits}  # fmt: skip
    (out_dir / "breadth_splits.json").write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
    return path


if __name__ == "__main__":
    import sys

    if "--refresh-species" in sys.argv:
        refresh_species()
    print(f"wrote {write(generate())}")
