"""How a free-text query becomes match clauses — shared so both backends read a query,
and index a listing, the same way: the way the classifiers read text.

Design notes
------------
* Listings are indexed as ``classifiers.base.fold`` reads them (``fold_fields``): full
  width, look-alike letters, leetspeak, spaced or dotted letters (``r.h.i.n.o``), CJK
  spacing (``象 牙``) and emoji (🦏 → rhino) folded, lower-cased. Two forms: ``folded``
  keeps accents, ``plain`` strips them.
* The query is folded the same way, piece by piece (``parse``): ``"quoted words"`` is
  a phrase; a bare ``OR`` (or ``|``) between two items makes them alternatives; every
  other item is required (AND). Spaced single characters are re-joined first
  (``r h i n o``, ``象 牙``), then each word is folded.
* Accents: an item typed without accents matches the ``plain`` form (``ho`` finds "hổ"
  and "Hồ", ``elephant`` finds "éléphant"); an item typed with accents matches the
  ``folded`` form, accents and all, so ``hổ`` (tiger) does not find "Hồ" (lake). This
  works for every language without knowing it: whoever types accents means them.
* Items written in scripts without word spaces (Thai, Lao, Myanmar, Khmer, kana, CJK,
  ``NO_SPACE_SCRIPT``) match as substrings; all others as words / word phrases.
* Traditional Chinese characters fold to Simplified (``classifiers/_normalize_han.py``),
  in listings and queries alike. A store indexed before that fold holds them as written,
  so an item that holds one also matches its unfolded reading, as an alternative: old
  listings stay findable by what was typed, with no reindex (SQLite or Elasticsearch).
* At most ``MAX_TERMS`` items of at most ``MAX_TERM_CHARS`` characters; an item with no
  letter or digit is dropped, and a query with text but no item matches nothing.
* Highlights are made here from the original text (``highlight``), through fold's map
  back to the original characters, so ``«R.H.I.N.O»`` is marked where the seller wrote
  it; both backends return the same highlights.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from classifiers.base import fold, fold_forms

MAX_TERMS = 16
MAX_TERM_CHARS = 64
MAX_QUERY_CHARS = 1_000
FIELD_FOLDED, FIELD_PLAIN = "folded", "plain"
HL_START, HL_END, ELLIPSIS = "«", "»", "…"
HIGHLIGHT_CONTEXT = 40

NO_SPACE_SCRIPT = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]"
)
_SEGMENT = re.compile(r'"([^"]*)"?|[^"]+')
_OR_SPLIT = re.compile(r"(?:(?<=\s)|^)(OR|\|)(?=\s|$)")
_OR = ("OR", "|")


def trim_term(term: str) -> str:
    """Drop leading/trailing punctuation, symbols and spaces (keep combining marks)."""
    start, end = 0, len(term)
    while start < end and unicodedata.category(term[start])[0] in "PSZC":
        start += 1
    while end > start and unicodedata.category(term[end - 1])[0] in "PSZC":
        end -= 1
    return term[start:end]


def query_terms(text: str) -> list[str]:
    """Whitespace-split terms, trimmed, at most ``MAX_TERMS`` (the unfolded reading)."""
    terms = []
    for raw in text.split()[:MAX_TERMS]:
        term = trim_term(raw[:MAX_TERM_CHARS])
        if any(ch.isalnum() for ch in term):
            terms.append(term)
    return terms


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to find: folded ``text`` (a word, or several as a phrase) in ``field``."""

    text: str
    field: str  # FIELD_FOLDED (accents typed) or FIELD_PLAIN
    substring: bool  # written in a script without spaces

    @property
    def words(self) -> list[str]:
        return self.text.split()


Clause = tuple[Item, ...]  # alternatives; a query is a conjunction of clauses


def _item(folded_text: str, folded_plain: str) -> Item | None:
    words = [trim_term(w)[:MAX_TERM_CHARS] for w in folded_text.split()]
    text = " ".join(w for w in words if any(ch.isalnum() for ch in w))
    if not text:
        return None
    plain_words = [trim_term(w)[:MAX_TERM_CHARS] for w in folded_plain.split()]
    plain = " ".join(w for w in plain_words if any(ch.isalnum() for ch in w))
    accented = plain != text
    return Item(
        text if accented else plain,
        FIELD_FOLDED if accented else FIELD_PLAIN,
        bool(NO_SPACE_SCRIPT.search(text)),
    )


_SINGLES = re.compile(r"(?<!\S)\S(?:\s+\S(?!\S))+")


def _rejoin(match: re.Match[str]) -> str:
    """Spaced single characters (``r h i n o``, ``象 牙``) are one word, as the classifier
    reads them in a listing (three or more letters; two or more CJK characters)."""
    chars = match.group(0).split()
    if len(chars) >= 3 or all(NO_SPACE_SCRIPT.match(c) for c in chars):
        return "".join(chars)
    return match.group(0)


def _items(piece: str, phrase: bool) -> list[Clause]:
    """The clauses of one piece: each item, with its legacy reading as an alternative."""
    now, before = _folded_items(piece, phrase, True), _folded_items(piece, phrase, False)
    if len(now) != len(before):  # cannot happen (one character for one); be safe
        return [(i,) for i in now]
    return [(a,) if a == b else (a, b) for a, b in zip(now, before, strict=True)]


def _folded_items(piece: str, phrase: bool, han: bool) -> list[Item]:
    if phrase:
        f = fold(piece, han=han)
        found = _item(f.text, f.plain)
        return [found] if found else []
    out = []
    for word in _SINGLES.sub(_rejoin, piece).split():
        f = fold(word, han=han)  # word by word: "象牙 手镯" stays two words
        pairs = zip(f.text.split(), f.plain.split(), strict=False)
        out += [i for i in (_item(t, p) for t, p in pairs) if i is not None]
    return out


def _pieces(text: str) -> list[tuple[str, bool]]:
    """``(piece, is_phrase)`` in order; ``OR`` markers come as ``("OR", False)``."""
    out: list[tuple[str, bool]] = []
    for match in _SEGMENT.finditer(text[:MAX_QUERY_CHARS]):
        if match.group(1) is not None:
            out.append((match.group(1), True))
            continue
        for part in _OR_SPLIT.split(match.group(0)):
            if part.strip():
                out.append((part.strip(), False))
    return out


def parse(text: str) -> list[Clause]:
    """The clauses of a query (see the module notes); ``[]`` when nothing is searchable."""
    clauses: list[list[Item]] = []
    join_next = False
    count = 0
    for piece, phrase in _pieces(text):
        if not phrase and piece in _OR:
            join_next = bool(clauses)
            continue
        for n, items in enumerate(_items(piece, phrase)):
            if count >= MAX_TERMS:
                break
            count += 1
            if join_next and n == 0:
                clauses[-1].extend(items)
            else:
                clauses.append(list(items))
        join_next = False
    return [tuple(c) for c in clauses]


def fold_fields(title: str | None, text: str | None, seller: str | None) -> tuple[str, str]:
    """``(folded, plain)`` index text for a listing's fields, one line per field (the
    text-only fold: no map back to the original is needed to index)."""
    t, x, s = fold_forms(title or ""), fold_forms(text or ""), _fold_name(seller or "")
    return f"{t[0]}\n{x[0]}\n{s[0]}", f"{t[1]}\n{x[1]}\n{s[1]}"


@functools.lru_cache(maxsize=16_384)
def _fold_name(name: str) -> tuple[str, str]:
    """``fold_forms`` of a seller name, remembered: a seller posts many listings, and
    folding (a Python pass per character) was a third of the SQLite store's ingest time."""
    return fold_forms(name)


def _find(hay: str, needle: str, substring: bool) -> int:
    if substring:
        return hay.find(needle)
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in needle.split()) + r"(?!\w)"
    found = re.search(pattern, hay)
    return found.start() if found else -1


def _literal_span(original: str, clauses: list[Clause]) -> tuple[int, int] | None:
    """The first item found as written (lower-cased): the common case, and it spares
    folding the whole text (``fold`` costs about half a millisecond per listing)."""
    low = original.lower()
    if len(low) != len(original):  # a few letters lower-case to two characters
        return None
    spans = [
        (at, at + len(item.text))
        for clause in clauses
        for item in clause
        if (at := _find(low, item.text, item.substring)) >= 0
    ]
    return min(spans) if spans else None


def _folded_span(original: str, clauses: list[Clause]) -> tuple[int, int] | None:
    """The first item found in the folded text, mapped back to the original."""
    f = fold(original)
    spans = []
    for clause in clauses:
        for item in clause:
            hay = f.text if item.field == FIELD_FOLDED else f.plain
            at = _find(hay, item.text, item.substring)
            if at >= 0:
                spans.append(f.to_original(at, at + len(item.text)))
    return min(spans) if spans else None


def highlights(
    title: str, text: str, clauses: list[Clause], indexed: tuple[str, str] | None = None
) -> tuple[str, ...]:
    """Highlights for a hit's title, then text. ``indexed``: the stored ``fold_fields``
    of the hit, when the backend has them — a field none of whose folded forms holds an
    item is skipped without folding it again (the costly part)."""
    if not clauses:
        return ()
    fields: tuple[str, ...] = (title, text)
    if indexed is not None:
        parts = [indexed[0].split("\n"), indexed[1].split("\n")]
        if all(len(p) >= 2 for p in parts):
            fields = tuple(
                original if _holds(parts[0][n], parts[1][n], clauses) else ""
                for n, original in enumerate((title, text))
            )
    found = (highlight(t, clauses) for t in fields)
    return tuple(h for h in found if h)


def _holds(folded: str, plain: str, clauses: list[Clause]) -> bool:
    return any(
        item.text in (folded if item.field == FIELD_FOLDED else plain)
        for clause in clauses
        for item in clause
    )


def highlight(original: str, clauses: list[Clause]) -> str | None:
    """A snippet of ``original`` around the first matched item, marked ``«…»``."""
    if not original:
        return None
    best = _literal_span(original, clauses) or _folded_span(original, clauses)
    if best is None:
        return None
    start, end = best
    clean = original.replace(HL_START, "‹").replace(HL_END, "›")
    left, right = max(0, start - HIGHLIGHT_CONTEXT), min(len(clean), end + HIGHLIGHT_CONTEXT)
    return "".join(
        (
            ELLIPSIS if left else "",
            clean[left:start],
            HL_START,
            clean[start:end],
            HL_END,
            clean[end:right],
            ELLIPSIS if right < len(clean) else "",
        )
    )
