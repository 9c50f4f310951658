"""Find lexicon entries in normalised text: one Aho–Corasick pass plus a cheap fuzzy pass.

Design
------
* One automaton (``pyahocorasick``) holds every key of every kind (term, code word,
  context word, context rule, intent cue), indexed by its accent-stripped form and run
  over ``Normalized.plain``; so "vay te te" and "vảy tê tê" both hit. Short keys whose
  accents carry the meaning ("ngà", "bán", "hổ") must match with their accents, checked
  against ``Normalized.text`` at the same offsets (the two strings are aligned).
* Latin-script keys need word boundaries (an English plural "s"/"es" may follow);
  German keys need only a start boundary (compounds: "Elfenbeinschnitzerei"); CJK and
  Thai keys need none (no spaces between words).
* A match fully inside a longer match of a different span is dropped, whatever their
  kinds: "tiger balm" (rule) swallows "tiger" (term), "white plastic" (code word)
  swallows "plastic" (rule), "犀牛角" (term) swallows "牛角" (rule). Context words
  inside a term survive ("carving" in "ivory carving" still says "a product form").
* Fuzzy: single-word Latin terms of ≥ ``fuzzy_min_length`` letters and weight ≥
  ``fuzzy_min_weight`` also match at edit distance 1 (substitution, insertion, deletion
  or adjacent transposition), via a deletion-neighbourhood index, only for words no
  exact match covers. Restricted to strong terms because weak ones have common
  neighbours ("gibbon"/"ribbon", "elefant"/"elegant").
* Romance-language compounds pluralise their head word ("garras de tigre"): multi-word
  term and code-word keys are also indexed with "s"/"es" after the first word.
* Leetspeak "1" is read as "i" by normalisation; keys containing "l" are also indexed
  with "l"→"i" so "pango1in" still matches "pangolin".
* Words run together ("#rhinohorn", "ivorybangles"): Latin terms of weight ≥ 1.5 are also
  indexed without their spaces, and single-word ones followed by a product-form word.
* Keys inside longer run-together words ("pieldepangolín", "#قرنوحيدالقرنكامل"): a
  boundary-free pass over long untouched tokens (:mod:`classifiers.lexicon.fused`).
* Arabic-script keys (rules too) are also indexed with the attached article and one-letter
  prepositions ("والعاج"), and all-definite ("الببغاء الرمادي"; module ``arabic``).
* Other forms of a key (modules ``russian``, ``hindi``, ``hinglish``): Russian cases
  ("слоновую кость"), Hindi का/की/के ("भालू की पित्त"), Hinglish spellings ("haathi daant").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick

from classifiers.lexicon.arabic import arabic_forms
from classifiers.lexicon.fused import FusedIndex, fused_key
from classifiers.lexicon.hindi import hindi_forms
from classifiers.lexicon.hinglish import hinglish_forms, romanised_hindi
from classifiers.lexicon.loader import Lexicon
from classifiers.lexicon.russian import russian_forms
from classifiers.normalize import Normalized, strip_accents

KINDS = ("term", "code_word", "context_word", "rule", "intent")
_FUZZY_TOKEN = re.compile(r"[a-z]{5,}")
_EVIDENCE = ("term", "code_word")
_FUZZY_CACHE_SIZE = 100_000
_RUN_TOGETHER_WEIGHT = 1.5
_NO_SPACE_SCRIPT = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)


@dataclass(frozen=True, slots=True)
class Match:
    """One lexicon hit. ``start``/``end`` index the normalised text; ``span`` the original."""

    kind: str
    index: int
    start: int
    end: int
    span: tuple[int, int]
    fuzzy: bool = False


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str
    index: int
    key: str
    boundary: str
    accent_required: bool


class Matcher:
    """Matches one lexicon against normalised texts. Build once, reuse for every text."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        scoring = lexicon.scoring
        self._accentless_min = int(scoring.get("accentless_min_length", 5))
        self._automaton = ahocorasick.Automaton()
        table: dict[str, list[_Entry]] = {}
        keys = self._keys()
        hinglish, taken = romanised_hindi((strip_accents(k), g) for _, _, k, _, g in keys)
        for kind, index, key, boundary, _ in keys:
            plain = strip_accents(key)
            required = plain != key and len(plain) < self._accentless_min
            table.setdefault(plain, []).append(_Entry(kind, index, key, boundary, required))
            if kind == "term" and boundary != "none" and "l" in plain and len(plain) >= 5:
                variant = plain.replace("l", "i")
                table.setdefault(variant, []).append(_Entry(kind, index, key, boundary, False))
            if boundary != "none":  # Arabic prefixes for every kind: "الراتنج" is "راتنج"
                plurals = _plural_heads(plain) if kind in _EVIDENCE else ()
                cases = russian_forms(plain) + hindi_forms(plain) if kind != "intent" else ()
                respelt = hinglish_forms(plain, taken) if plain in hinglish else ()
                cases += tuple(f for f in respelt if f not in table)  # one entry per spelling
                for variant in plurals + arabic_forms(plain) + cases:
                    table.setdefault(variant, []).append(_Entry(kind, index, key, boundary, False))
        self._run_together(table)
        for plain, entries in table.items():
            self._automaton.add_word(plain, (len(plain), tuple(entries)))
        self._automaton.make_automaton()
        every = ((plain, e) for plain, entries in table.items() for e in entries)
        self._fused = FusedIndex(every, self._weight)
        self._build_fuzzy(int(scoring["fuzzy_min_length"]), float(scoring["fuzzy_min_weight"]))

    def _run_together(self, table: dict[str, list[_Entry]]) -> None:
        """Words run together ("#rhinohorn", "#बाघकीखाल", "ivorybangle"): strong terms are
        also indexed without spaces (``fused_key``), Latin ones also before a product form."""
        forms = {
            strip_accents(w.key)
            for w in self.lexicon.context_words
            if w.group == "product_form" and w.key.isascii() and w.key.isalpha()
        }
        for i, term in enumerate(self.lexicon.terms):
            plain = strip_accents(term.key)
            if term.weight < _RUN_TOGETHER_WEIGHT or term.boundary != "word":
                continue
            variants = {fused_key(plain) or plain} if " " in plain and "-" not in plain else set()
            if " " not in plain and len(plain) >= 5 and plain.isascii() and plain.isalpha():
                variants |= {plain + form for form in forms}
            for variant in variants - {plain}:
                if len(variant) >= 8:
                    table.setdefault(variant, []).append(_Entry("term", i, term.key, "word", False))

    def _weight(self, entry: object) -> float:
        assert isinstance(entry, _Entry)
        terms = self.lexicon.terms if entry.kind == "term" else self.lexicon.code_words
        return terms[entry.index].weight if entry.kind in _EVIDENCE else 0.0

    def _keys(self) -> list[tuple[str, int, str, str, tuple[str, ...]]]:
        lex = self.lexicon
        kinds: tuple[tuple[str, Sequence[Any]], ...] = tuple(zip(KINDS, (lex.terms,
            lex.code_words, lex.context_words, lex.rules, lex.intents), strict=True))  # fmt: skip
        return [(k, i, r.key, r.boundary, r.langs) for k, recs in kinds for i, r in enumerate(recs)]

    def _build_fuzzy(self, min_length: int, min_weight: float) -> None:
        """Deletion-neighbourhood index: each key and each of its 1-deletions → keys."""
        self._fuzzy_exact: dict[str, list[int]] = {}
        self._fuzzy_index: dict[str, set[str]] = {}
        self._fuzzy_cache: dict[str, frozenset[str]] = {}
        for i, term in enumerate(self.lexicon.terms):
            key = strip_accents(term.key)
            if len(key) < min_length or term.weight < min_weight or not key.isalpha():
                continue
            if not key.isascii():
                continue
            self._fuzzy_exact.setdefault(key, []).append(i)
            for variant in [key] + [key[:k] + key[k + 1 :] for k in range(len(key))]:
                self._fuzzy_index.setdefault(variant, set()).add(key)
        lengths = [len(k) for k in self._fuzzy_exact] or [0]
        self._fuzzy_lengths = range(min(lengths) - 1, max(lengths) + 2)

    def match(self, norm: Normalized) -> list[Match]:
        """All matches in ``norm``, contained matches removed, sorted by position."""
        plain, text = norm.plain, norm.text
        found: list[tuple[int, int, _Entry]] = []
        for end_index, (length, entries) in self._automaton.iter(plain):
            start, end = end_index + 1 - length, end_index + 1
            for entry in entries:
                if entry.accent_required and text[start:end] != entry.key:
                    continue
                stop = _bounded(plain, start, end, entry.boundary)
                if stop is not None:
                    found.append((start, stop, entry))
        found += self._fused_matches(plain, found)
        matches = [Match(e.kind, e.index, s, t, norm.to_original(s, t)) for s, t, e in found]
        if self._fuzzy_exact:
            matches += self._fuzzy(norm, matches)
        return _drop_contained(matches)

    def _fused_matches(
        self, plain: str, found: list[tuple[int, int, _Entry]]
    ) -> list[tuple[int, int, _Entry]]:
        """Keys inside long run-together tokens that no exact evidence or rule touches (a
        context word at the end of "हाथीदांतकीचूड़ी" must not hide the term before it)."""
        covered = bytearray(len(plain))
        for start, stop, e in found:
            if e.kind not in ("context_word", "intent"):
                covered[start:stop] = b"\x01" * (stop - start)
        return [(a, b, e) for a, b, e in self._fused.find(plain, covered) if isinstance(e, _Entry)]

    def _fuzzy(self, norm: Normalized, exact: list[Match]) -> list[Match]:
        covered = bytearray(len(norm.plain))
        for m in exact:
            covered[m.start : m.end] = b"\x01" * (m.end - m.start)
        out = []
        for tok in _FUZZY_TOKEN.finditer(norm.plain):
            word = tok.group()
            if covered[tok.start()] or len(word) not in self._fuzzy_lengths:
                continue
            for key in self._candidates(word):
                for index in self._fuzzy_exact[key]:
                    span = norm.to_original(tok.start(), tok.end())
                    out.append(Match("term", index, tok.start(), tok.end(), span, fuzzy=True))
        return out

    def _candidates(self, word: str) -> frozenset[str]:
        """Keys within one edit of ``word``: ``len(word) + 1`` lookups in one dict, cached
        per word (listings repeat their vocabulary; the cache is bounded)."""
        cached = self._fuzzy_cache.get(word)
        if cached is not None:
            return cached
        if len(self._fuzzy_cache) > _FUZZY_CACHE_SIZE:
            self._fuzzy_cache.clear()
        index = self._fuzzy_index
        found: list[str] = list(index.get(word, ()))
        for k in range(len(word)):
            hits = index.get(word[:k] + word[k + 1 :])
            if hits:
                found.extend(hits)
        result = frozenset(key for key in found if key != word and _within_one(word, key))
        self._fuzzy_cache[word] = result
        return result


def _plural_heads(plain: str) -> tuple[str, ...]:
    """Plural forms of a multi-word Latin key's head word ("garra de tigre" → "garras de
    tigre", "piel de tigre" → "pieles de tigre"); the last word's plural is handled by
    the boundary check."""
    head, sep, rest = plain.partition(" ")
    if not sep or len(head) < 3 or not head.isascii() or not head.isalpha() or head[-1] == "s":
        return ()
    return (f"{head}s {rest}", f"{head}es {rest}")


def _bounded(plain: str, start: int, end: int, boundary: str) -> int | None:
    """End offset of a match that respects its boundary rule (plural-extended), or None."""
    if boundary == "none":
        return end
    if start > 0 and _word_char(plain[start - 1]):
        return None
    if boundary == "start":
        return end
    n = len(plain)
    for suffix in ("", "s", "es"):
        stop = end + len(suffix)
        if plain[end:stop] == suffix and (stop >= n or not _word_char(plain[stop])):
            return stop
    return None


def _word_char(char: str) -> bool:
    """A letter or digit that continues a word. Han, kana, Thai, Lao, Khmer and Burmese
    letters do not continue a Latin or Cyrillic word: "低价出tomato frog", "leopard cat多少钱"
    end and start words where the script changes."""
    return char.isalnum() and not _NO_SPACE_SCRIPT.match(char)


def _within_one(a: str, b: str) -> bool:
    """Optimal-string-alignment distance ≤ 1 (one edit or one adjacent swap)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (
            a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
        )
    if len(a) > len(b):
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


def _drop_contained(matches: list[Match]) -> list[Match]:
    """Drop matches strictly inside a longer match (same-span matches all survive;
    context words inside a term or code word survive too)."""
    matches.sort(key=lambda m: (m.start, -m.end))
    kept: list[Match] = []
    cover = Match("", -1, -1, -1, (0, 0))
    for m in matches:
        inside = m.end <= cover.end and (m.start, m.end) != (cover.start, cover.end)
        if inside and not (m.kind == "context_word" and cover.kind in _EVIDENCE):
            continue
        kept.append(m)
        if m.end > cover.end:
            cover = m
    return kept
