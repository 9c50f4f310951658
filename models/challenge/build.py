"""Build ``challenge.jsonl`` from the hand-written sources in ``source/``.

Each ``source/<lang>.py`` file holds one literal ``ROWS`` list of tuples, written by hand:

* ``("W", commodity, intent, obfuscation, title, text)`` — a wildlife offer or request;
* ``("C", negative_kind, intent, title, text)`` — a clean listing, post or article.

Obfuscations that cannot be typed legibly are written as markup and expanded here, so the
source stays readable: ``{zw:word}`` puts zero-width spaces between letters, ``{hg:word}``
swaps Latin letters for Cyrillic look-alikes, ``{fw:word}`` turns ASCII into full-width forms.
The build is deterministic: the same sources give the same file, byte for byte.

Run: ``.venv/bin/python models/challenge/build.py``.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = {  # file stem -> (lang, script)
    "en": ("en", None),
    "zh_hans": ("zh", "Hans"),
    "zh_hant": ("zh", "Hant"),
    "vi": ("vi", None),
    "th": ("th", None),
    "id": ("id", None),
    "ms": ("ms", None),
    "es": ("es", None),
    "pt": ("pt", None),
    "fr": ("fr", None),
    "ja": ("ja", None),
    "de": ("de", None),
}
HOMOGLYPHS = str.maketrans("aceopxyiAEOPCXHKMTB", "асеорхуіАЕОРСХНКМТВ")
MARKUP = re.compile(r"\{(zw|hg|fw):([^{}]+)\}")


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def _expand(m: re.Match[str]) -> str:
    kind, word = m.group(1), m.group(2)
    if kind == "zw":
        return "\u200b".join(word)
    if kind == "hg":
        return word.translate(HOMOGLYPHS)
    return _fullwidth(word)


def expand(text: str) -> str:
    """Replace obfuscation markup with the characters it stands for."""
    return MARKUP.sub(_expand, text)


def _rows(stem: str) -> list[tuple[str, ...]]:
    # literal_eval: the sources are data, never executed.
    tree = ast.parse((HERE / "source" / f"{stem}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ROWS":
            return list(ast.literal_eval(node.value))
    raise ValueError(f"{stem}.py has no ROWS")


def record(stem: str, n: int, row: tuple[str, ...]) -> dict[str, object]:
    """Turn one source tuple into one output record."""
    lang, script = SOURCES[stem]
    rid = f"ch-{stem.replace('_', '-')}-{n:03d}"
    if row[0] == "W":
        _, commodity, intent, obf, title, text = row
        label, neg = "wildlife", None
    elif row[0] == "C":
        _, neg, intent, title, text = row
        label, commodity, obf = "clean", None, "none"
    else:
        raise ValueError(f"{rid}: bad row kind {row[0]!r}")
    return {
        "id": rid,
        "title": expand(title),
        "text": expand(text),
        "lang": lang,
        "script": script,
        "label": label,
        "commodity": commodity,
        "intent": intent,
        "negative_kind": neg,
        "obfuscation": obf,
        "split": "challenge",
    }


def build() -> list[dict[str, object]]:
    return [
        record(stem, i, row)
        for stem in SOURCES
        if (HERE / "source" / f"{stem}.py").exists()
        for i, row in enumerate(_rows(stem), 1)
    ]


def render(recs: list[dict[str, object]]) -> str:
    """The JSONL text: one record a line, UTF-8 kept readable."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)


def main() -> int:
    recs = build()
    (HERE / "challenge.jsonl").write_text(render(recs), encoding="utf-8", newline="\n")
    print(f"wrote {len(recs)} records")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
