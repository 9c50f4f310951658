"""Field parsers for the lexicon's TSV rows: each names the file and line of a bad value.

Split from :mod:`classifiers.lexicon.loader`; used by it and nowhere else.
"""

from __future__ import annotations

import re

from classifiers.lexicon.records import _LANG_ALIASES, LANGS, Commodity
from classifiers.normalize import normalize_term

# Scripts written without spaces between words (Thai, Lao, Khmer, Burmese, kana, Han) and
# Hangul (normalisation joins Hangul runs like CJK, and particles attach to nouns): keys
# match as substrings.
_NO_BOUNDARY_SCRIPT = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]"
)
_STEM_LANGS = ({"de"}, {"ru"})  # compounds / case endings: only a start boundary


def split(value: str, sep: str = ",") -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(sep) if v.strip())


def langs(where: str, value: str) -> tuple[str, ...]:
    out: list[str] = []
    for lang in split(value):
        expanded = _LANG_ALIASES.get(lang, (lang,))
        for code in expanded:
            if code not in LANGS:
                raise ValueError(f"{where}: unknown language {code!r}")
            out.append(code)
    if not out:
        raise ValueError(f"{where}: no language")
    return tuple(out)


def key(where: str, raw: str) -> str:
    normal = normalize_term(raw)
    if not normal:
        raise ValueError(f"{where}: empty after normalisation")
    return normal


def boundary(term_key: str, codes: tuple[str, ...], explicit: str = "") -> str:
    """CJK/Thai never need boundaries; German compounds need only a start boundary."""
    if explicit:
        return explicit
    if _NO_BOUNDARY_SCRIPT.search(term_key):
        return "none"
    return "start" if set(codes) in _STEM_LANGS else "word"


def weight(where: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{where}: weight {value!r} is not a number") from None


def commodity(where: str, name: str, commodities: dict[str, Commodity]) -> Commodity:
    if name not in commodities:
        raise ValueError(f"{where}: unknown commodity {name!r}")
    return commodities[name]
