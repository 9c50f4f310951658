"""Build, load and score the project-written entity test set (``models/entities/``).

``python -m classifiers.entities.testset --write`` regenerates ``testset.jsonl`` from
``templates.toml`` with a fixed seed (a test checks the shipped file is exactly that);
``wildtrace eval-entities`` scores the extractor on it.

Design notes
------------
* Gold spans are recorded while the text is assembled, so ``text[start:end]`` is the
  filled surface by construction; gold values come from the fillers (``testset_slots``,
  ``testset_money``), never from the extractor.
* Scoring is strict: a prediction counts only when type, value *and* span equal a gold
  mention. Precision and recall per type and per language; an entity type with no gold
  and no prediction in a language is left out of that language's row.
* Honesty: this set is written by the same project (and person) as the extractor. It is
  a development set that shows the extractor does what its design says, on the formats
  the author thought of — not an independent estimate of accuracy on real listings.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from classifiers.entities import testset_money as m
from classifiers.entities import testset_slots as s
from classifiers.entities.extractor import EntityExtractor

ROOT = Path(__file__).resolve().parents[2] / "models" / "entities"
TEMPLATES = ROOT / "templates.toml"
TESTSET = ROOT / "testset.jsonl"
HANDWRITTEN = ROOT / "handwritten.jsonl"
BLIND = ROOT / "blind.jsonl"  # scored once when written, never tuned on (README)
SETS = {
    "generated": (TESTSET,),
    "handwritten": (HANDWRITTEN,),
    "all": (TESTSET, HANDWRITTEN),
    "blind": (BLIND,),
}
SEED = 20261130

FILLERS: dict[str, Any] = {
    "phone": s.phone, "phone_intl": s.phone_intl, "phone_digits": s.phone_digits,
    "phone_words": s.phone_words, "phone_mixed": s.phone_mixed, "phone_fw": s.phone_fullwidth,
    "phone_spaced": s.phone_spaced, "phone_zw": s.phone_zw, "email": s.email,
    "email_obf": s.email_obf, "paypal_me": s.paypal_me, "btc": m.btc, "btc_bech32": m.btc_bech32,
    "btc_taproot": m.btc_taproot, "eth": m.eth, "eth_lower": m.eth_lower, "tron": m.tron,
    "btc_bad": m.btc_bad, "tron_bad": m.tron_bad, "eth_bad": m.eth_bad, "bech32_bad": m.bech32_bad,
    "iban": m.iban, "iban_bad": m.iban_bad, "account": m.account, "price": m.price, "qty": m.qty,
    "order_no": m.order_no, "tracking": m.tracking, "catalogue": m.catalogue, "year": m.year,
    "date": m.date, "m_paypal": m.mention("paypal"), "m_alipay": m.mention("alipay"),
    "m_wechat_pay": m.mention("wechat_pay"),
}  # fmt: skip
for _p in ("telegram", "wechat", "line", "zalo", "signal", "instagram", "facebook", "tiktok"):
    FILLERS[f"h_{_p}"] = s.handle(at=_p in ("telegram", "signal", "instagram"))(_p)
for _p, _short in (("telegram", "tg"), ("line", "line"), ("instagram", "ig"), ("facebook", "fb"),
                   ("tiktok", "tt")):  # fmt: skip
    FILLERS[f"{_short}_link"] = s.link(_p)
_SLOT = re.compile(r"\{(\w+)\}")


def fill(
    template: str, lang: str, rng: random.Random
) -> tuple[str, list[dict[str, Any]], list[str]]:
    """Text, gold mentions and tags (slot names) for one template instance."""
    text, gold, tags, pos = "", [], [], 0
    for match in _SLOT.finditer(template):
        text += template[pos : match.start()]
        surface, label = FILLERS[match.group(1)](rng, lang)
        if label:
            gold.append(
                {"type": label[0], "value": label[1], "span": [len(text), len(text) + len(surface)]}
            )
        tags.append(match.group(1))
        text += surface
        pos = match.end()
    return text + template[pos:], gold, tags


def build(templates: Path = TEMPLATES, seed: int = SEED) -> list[dict[str, Any]]:
    config = tomllib.loads(templates.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    rows = []
    for lang, section in config.items():
        for t_index, template in enumerate(section["templates"]):
            for k in range(int(section.get("repeat", 1))):
                text, gold, tags = fill(template, lang, rng)
                region = s.LANG_REGION.get(lang) if k % 2 else None
                rows.append({"id": f"{lang}-{t_index:02d}-{k}", "lang": lang, "region": region,
                             "text": text, "entities": gold, "slots": tags})  # fmt: skip
    return rows


def dumps(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


def load(path: Path = TESTSET) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def score(extractor: EntityExtractor, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Strict P/R per type and per (language, type); also the list of misses."""
    tp: Counter[tuple[str, str]] = Counter()
    fp: Counter[tuple[str, str]] = Counter()
    fn: Counter[tuple[str, str]] = Counter()
    errors = []
    for row in rows:
        gold = {(g["type"], g["value"], tuple(g["span"])) for g in row["entities"]}
        pred = {
            (e.type, e.value, e.span)
            for e in extractor.extract(row["text"], row["lang"], row["region"])
        }
        for kind, items, counter in (
            ("tp", gold & pred, tp),
            ("fp", pred - gold, fp),
            ("fn", gold - pred, fn),
        ):
            for typ, _, _ in items:
                counter[(row["lang"], typ)] += 1
            if kind != "tp" and items:
                errors.append({"id": row["id"], kind: sorted(items)})
    return {"tp": tp, "fp": fp, "fn": fn, "errors": errors, "rows": len(rows)}


def _pr(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def format_report(result: dict[str, Any]) -> str:
    tp, fp, fn = result["tp"], result["fp"], result["fn"]
    keys = set(tp) | set(fp) | set(fn)
    langs = sorted({k[0] for k in keys})
    types = sorted({k[1] for k in keys})
    lines = [f"{result['rows']} snippets, {len(langs)} languages; strict match (type, value, span)",
             "", f"{'type':<18}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}"]  # fmt: skip
    for typ in types:
        t = sum(v for k, v in tp.items() if k[1] == typ)
        f_p = sum(v for k, v in fp.items() if k[1] == typ)
        f_n = sum(v for k, v in fn.items() if k[1] == typ)
        p, r = _pr(t, f_p, f_n)
        lines.append(f"{typ:<18}{t + f_n:>6}{t + f_p:>6}{p:>8.3f}{r:>8.3f}")
    t, f_p, f_n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    p, r = _pr(t, f_p, f_n)
    lines += [f"{'all':<18}{t + f_n:>6}{t + f_p:>6}{p:>8.3f}{r:>8.3f}", "",
              f"{'language':<10}{'gold':>6}{'P':>8}{'R':>8}"]  # fmt: skip
    for lang in langs:
        t = sum(v for k, v in tp.items() if k[0] == lang)
        f_p = sum(v for k, v in fp.items() if k[0] == lang)
        f_n = sum(v for k, v in fn.items() if k[0] == lang)
        p, r = _pr(t, f_p, f_n)
        lines.append(f"{lang:<10}{t + f_n:>6}{p:>8.3f}{r:>8.3f}")
    return "\n".join(lines)


def per_type(result: dict[str, Any]) -> dict[str, tuple[float, float]]:
    agg: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, name in enumerate(("tp", "fp", "fn")):
        for (_, typ), v in result[name].items():
            agg[typ][i] += v
    return {typ: _pr(*v) for typ, v in agg.items()}


def main(argv: list[str] | None = None) -> int:
    """``python -m classifiers.entities.testset [--write]``: regenerate the generated part
    (with ``--write``) and print the report for both parts."""
    parser = argparse.ArgumentParser(description="build or score the entity test set")
    parser.add_argument("--write", action="store_true", help="regenerate testset.jsonl")
    parser.add_argument("--set", choices=sorted(SETS), default="all")
    parser.add_argument("--errors", action="store_true", help="print each miss on stderr")
    args = parser.parse_args(argv)
    if args.write:
        TESTSET.write_text(dumps(build()), encoding="utf-8")
    return report(args.set, args.errors)


def report(
    which: str = "all", errors: bool = False, extractor: EntityExtractor | None = None
) -> int:
    rows = [row for path in SETS[which] for row in load(path)]
    result = score(extractor or EntityExtractor(), rows)
    print(f"entity test set: {which} ({', '.join(p.name for p in SETS[which])})")
    print(format_report(result))
    if errors:
        for err in result["errors"]:
            print(json.dumps(err, ensure_ascii=False), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
