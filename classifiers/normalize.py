"""Normalise listing text for matching, keeping a map back to the original characters.

Design
------
Traders obfuscate ("r.h.i.n.o h0rn", Cyrillic "іvоry", full-width "ｉｖｏｒｙ", "象 牙",
"🐘🦷"), and investigators must see evidence in the text as it was posted. So every
pass below rewrites the text *and* a pair of per-character arrays (``starts``/``ends``)
saying which original characters each normalised character came from. A span in the
normalised text maps back with :meth:`Normalized.to_original`.

Passes, in order (each is skipped cheaply when it has nothing to do, so plain ASCII
text costs a handful of regex scans):

1. invisible characters removed (zero-width space/joiners, soft hyphen, BOM, variation
   selectors, bidi controls);
2. emoji mapped to concept words (🐘 → " elephant ", ✈ → " bán ", the Vietnamese sell
   code);
3. Unicode NFKC (full-width → ASCII, ligatures, compatibility forms);
4. homoglyph folding: Cyrillic/Greek look-alikes → Latin, only inside words that also
   hold an ASCII letter (so Russian or Greek text is left alone); towards Cyrillic when
   the word holds a Cyrillic letter with no Latin twin or stands next to a Cyrillic-only
   word ("слоновая кocть");
5. Traditional Chinese characters folded to Simplified, one for one (``_normalize_han``;
   OpenCC's character table), so both scripts hit every Chinese lexicon entry;
   Japanese kanji fold alike on both sides (language ID reads the original text);
6. lower-casing;
7. leetspeak (0→o, 1→i, 3→e, 4→a, 5→s, 7→t, @→a, $→s; the Cyrillic twin in a
   Cyrillic word: "слон0вая") inside words mixing letters and digits ("71gr3",
   "r1n0c3r0n73"), but not in words that are only a number plus letters on one side
   ("500g", "trc20", "iphone12");
8. runs of ≥3 single letters separated by dots/spaces/dashes/underscores re-joined; a
   gap unlike the run's commonest one ("g u a c a m a y o  j a c i n t o") is a word break;
9. separators removed between CJK/Thai characters ("象 牙" → "象牙");
10. hyphens/underscores between letters become spaces; runs of whitespace collapse.

``plain`` is ``text`` with diacritics stripped, character for character (same length,
same offsets), so Vietnamese/Spanish/French written without accents still match.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass

from classifiers._normalize_han import fold_han
from classifiers._normalize_leet import LEET_TABLE, leet
from classifiers._normalize_state import Edit, State, TextState
from classifiers._normalize_tables import (
    CONFUSABLES,
    EMOJI,
    LATIN_TO_CYRILLIC,
    STRIP_ACCENTS,
)

# Arabic tatweel (kashida, U+0640) stretches words and is used to break keyword search;
# Arabic short-vowel marks (U+064B-065F, U+0670) are optional; the Devanagari nukta
# (U+093C) is written or left out at will: all three are dropped like invisible marks.
_INVISIBLE = re.compile(
    "[\u0640\u064b-\u065f\u0670\u093c\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
_EMOJI = re.compile("|".join(re.escape(k) for k in sorted(EMOJI, key=len, reverse=True)))
# Cheap pre-checks (one character-class scan) for passes whose own pattern is a slow
# scan: a text without any of these characters cannot match, and skips the pass.
_EMOJI_START = re.compile("[" + "".join(re.escape(k[0]) for k in EMOJI) + "]")
# ... and a cheaper one before it: ``_EMOJI_START`` lists emoji above U+FFFF, which the
# regex engine tests one by one per character; the 256-character blocks that hold them
# are a few ranges (text in any other block, e.g. all of CJK, skips both scans).
_EMOJI_BLOCKS = sorted({ord(k[0]) >> 8 for k in EMOJI})
_EMOJI_BLOCK = re.compile(
    "[" + "".join(f"{chr(b << 8)}-{chr(b << 8 | 0xFF)}" for b in _EMOJI_BLOCKS) + "]"
)
_CONFUSABLE_CHAR = re.compile("[" + "".join(CONFUSABLES) + "]")
_WORD = re.compile(r"\w+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ASCII_LETTER = re.compile("[A-Za-z]")
# Letters that keep a mixed word Latin: ASCII letters without a Cyrillic twin, Latin
# small capitals/IPA, Greek.
_NO_CYRILLIC_TWIN = re.compile(
    "[" + "".join(c for c in string.ascii_letters if c not in LATIN_TO_CYRILLIC)
    + "\u0250-\u02af\u1d00-\u1d2b\ua730-\ua7ff\u0370-\u03ff]"
)  # fmt: skip
_SPACED = re.compile(r"(?<![^\W_])[^\W_](?:[ .\-_*·•]{1,2}[^\W_](?![^\W_])){2,}")
# Every ``_SPACED`` run holds a lone letter or digit between separators, then another.
_LONE_CHAR = re.compile(r"[ .\-_*·•][^\W_][ .\-_*·•]{1,2}[^\W_](?![^\W_])")
# Scripts written without spaces (Thai, Lao, Burmese, Khmer, kana, Han) and Hangul.
_CJK = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uac00-\ud7af"
)
_CJK_GAP = re.compile(f"(?<=[{_CJK}])[ .\\-_*·]+(?=[{_CJK}])")
# Every ``_CJK_GAP`` follows such a character (a plain class: a fast scan).
_CJK_THEN_GAP = re.compile(f"[{_CJK}][ .\\-_*·]")
# Thai/Lao: a tone mark typed before the nikhahit of sara am ("น้ำ" after NFKC) or after
# it ("นํ้า") looks the same; one canonical order (nikhahit first) so both match.
_MARK_ORDER = re.compile("[\u0e48-\u0e4b\u0ec8-\u0ecb][\u0e4d\u0ecd]")
# Written dash first, the letter before it checked behind: a pattern that starts with a
# character class is scanned fast; one that starts with a look-behind is tried at every
# position (same matches; ten times the cost on ordinary text).
_INNER_DASH = re.compile(r"[-_\u2010\u2011\u2013](?<=[^\W\d_].)(?=[^\W\d_])")
_DASH = re.compile("[-_\u2010\u2011\u2013]")
# Two or more whitespace characters, or one of the listed ones (same matches as
# ``\s{2,}|[\t\n\r\f\v\u00a0]``, written to start with a class: a fast scan).
_SPACES = re.compile(r"\s(?:\s+|(?<=[\t\n\r\f\v\u00a0]))")
_ACCENT_TABLE = str.maketrans(STRIP_ACCENTS)
# Text without any of these is its own accent-stripped form (a scan, not a translation).
_ACCENTED = re.compile("[" + "".join(re.escape(k) for k in STRIP_ACCENTS) + "]")
_CONFUSABLE_TABLE = str.maketrans(CONFUSABLES)
_TO_CYRILLIC_TABLE = str.maketrans(LATIN_TO_CYRILLIC)
# Latin small capitals and IPA letters ("ᴛɪɢᴇʀ") count as Latin letters of a word.
_LATIN_EXTRA = re.compile("[\u0250-\u02af\u1d00-\u1d2b\ua730-\ua7ff]")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text plus the map back to the original string."""

    original: str
    text: str
    plain: str
    starts: list[int]
    ends: list[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map ``text[start:end]`` to ``(start, end)`` in ``original``."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def normalize(text: str, *, han: bool = True) -> Normalized:
    """Normalise ``text`` (see the module docstring for the passes). ``han=False`` skips
    the Traditional → Simplified fold: what the learned model's encoder reads, which
    knows both scripts (and Japanese kanji) as written; matching always folds."""
    st = State(text)
    plain = _passes(st, han)
    return Normalized(text, st.text, plain, st.starts, st.ends)


def normalize_text(text: str, *, han: bool = True) -> tuple[str, str]:
    """``(normalize(text).text, normalize(text).plain)`` without the map back to the
    original: the same passes over a ``TextState``, which keeps no offsets (what the
    stores index needs; about half the work for ordinary text)."""
    st = TextState(text)
    plain = _passes(st, han)
    return st.text, plain


def _passes(st: TextState, han: bool = True) -> str:
    """Run every pass on ``st``; return the accent-stripped form of the result."""
    if not st.text.isascii():  # every invisible character is outside ASCII
        st.sub(_INVISIBLE, "")
    if not st.text.isascii():
        _emoji(st)
        _nfkc(st)
        _mark_order(st)
        _confusables(st)
        if han:
            st.text = fold_han(st.text)  # same length: offsets hold
    _lower(st)
    leet(st)
    _rejoin(st)
    if not st.text.isascii() and _CJK_THEN_GAP.search(st.text):
        st.sub(_CJK_GAP, "")
    if _DASH.search(st.text):
        st.text = _INNER_DASH.sub(" ", st.text)
    if "  " in st.text or not st.text.isprintable():  # any whitespace but " " is unprintable
        st.sub(_SPACES, " ")
    return strip_accents(st.text)


def normalize_term(term: str) -> str:
    """Normalise a lexicon term the same way as listing text (without the offset map)."""
    return normalize(term).text.strip()


def strip_accents(text: str) -> str:
    """Accent-stripped form of already-normalised text (same length)."""
    if text.isascii() or not _ACCENTED.search(text):
        return text
    return text.translate(_ACCENT_TABLE)


def _emoji(st: TextState) -> None:
    if not _EMOJI_BLOCK.search(st.text) or not _EMOJI_START.search(st.text):
        return
    st.apply((m.start(), m.end(), f" {EMOJI[m.group()]} ", None) for m in _EMOJI.finditer(st.text))


# Half-width (sound) voiced marks are spacing characters, not combining ones, so they
# must join the kana before them: NFKC composes "ｿﾞ" to "ゾ" only as one cluster; alone,
# "ﾞ" becomes a combining mark and "ｿﾞｳｹﾞ" no longer matches a typed "ゾウゲ".
_HALF_WIDTH_MARKS = "\uff9e\uff9f"


def _nfkc(st: TextState) -> None:
    text = st.text
    if unicodedata.is_normalized("NFKC", text):
        return
    edits: list[Edit] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or text[j] in _HALF_WIDTH_MARKS):
            j += 1
        cluster = text[i:j]
        if not cluster.isascii():
            norm = unicodedata.normalize("NFKC", cluster)
            if norm != cluster:
                edits.append((i, j, norm, None))
        i = j
    st.apply(edits)


def _mark_order(st: TextState) -> None:
    """Tone mark + nikhahit → nikhahit + tone mark (see ``_MARK_ORDER``)."""
    # Every match holds a nikhahit: two substring tests are cheaper than the class scan.
    if ("\u0e4d" in st.text or "\u0ecd" in st.text) and _MARK_ORDER.search(st.text):
        found = _MARK_ORDER.finditer(st.text)
        st.apply((m.start(), m.end(), m.group()[::-1], (m.start() + 1, m.start())) for m in found)


def _confusables(st: TextState) -> None:
    """Fold look-alikes in words that mix scripts: towards Latin ("іvоry", "рараgаіо"),
    unless the word also holds a Cyrillic letter with no Latin look-alike ("л", "ю",
    "я"): then it is a Russian word with Latin "o"/"a" slipped in ("слoнoвую"), folded
    towards Cyrillic."""
    if not _CONFUSABLE_CHAR.search(st.text):
        return
    to_latin: list[tuple[int, int]] = []
    to_cyrillic: list[tuple[int, int]] = []
    words = list(_WORD.finditer(st.text))
    for i, m in enumerate(words):
        word = m.group()
        latin = sum(1 for c in word if "a" <= c.lower() <= "z" or _LATIN_EXTRA.match(c))
        if not latin or not _CONFUSABLE_CHAR.search(word):
            continue
        russian = any("\u0400" <= c <= "\u04ff" and c not in CONFUSABLES for c in word)
        (to_cyrillic if russian or _in_cyrillic_text(words, i) else to_latin).append(m.span())
    st.translate_spans(to_latin, _CONFUSABLE_TABLE)
    st.translate_spans(to_cyrillic, _TO_CYRILLIC_TABLE)


def _in_cyrillic_text(words: list[re.Match[str]], i: int) -> bool:
    """A mixed word whose Latin letters all have a Cyrillic twin ("кocть": o, c) is
    Russian when a word next to it is written in Cyrillic only ("слоновая кocть");
    "іvоrу" (v, r have none) stays a disguised Latin word wherever it stands."""
    word = words[i].group()
    if not _CYRILLIC.search(word) or _NO_CYRILLIC_TWIN.search(word):
        return False
    near = (words[j].group() for j in (i - 1, i + 1) if 0 <= j < len(words))
    return any(_CYRILLIC.search(w) and not _ASCII_LETTER.search(w) for w in near)


def _lower(st: TextState) -> None:
    lowered = st.text.lower()
    if len(lowered) == len(st.text):
        st.text = lowered
        return
    st.apply((i, i + 1, c.lower(), None) for i, c in enumerate(st.text) if len(c.lower()) != 1)
    st.text = st.text.lower()


def _rejoin(st: TextState) -> None:
    if not _LONE_CHAR.search(st.text):
        return
    edits: list[Edit] = []
    for m in _SPACED.finditer(st.text):
        base = m.start()
        idx = [base + k for k, c in enumerate(m.group()) if c.isalnum()]
        chars = "".join(st.text[k] for k in idx)
        if sum(c.isalpha() for c in chars) < 2 or sum(c.isdigit() for c in chars) * 2 > len(chars):
            continue
        rep, src = _spaced_words(st.text, idx)
        edits.append((m.start(), m.end(), rep.translate(LEET_TABLE), src))
    if edits:
        st.apply(edits)


def _spaced_words(text: str, idx: list[int]) -> tuple[str, list[int]]:
    """Re-join spaced letters, keeping word breaks: the commonest gap ("g u a c") is the
    in-word separator; any other gap ("o  j", "o h" after "r.h.i.n.o") starts a new word."""
    gaps = [text[a + 1 : b] for a, b in zip(idx, idx[1:], strict=False)]
    common = max(gaps, key=gaps.count)  # first of the commonest: deterministic
    rep, src = [text[idx[0]]], [idx[0]]
    for gap, k in zip(gaps, idx[1:], strict=True):
        if gap != common:
            rep.append(" ")
            src.append(k - 1)
        rep.append(text[k])
        src.append(k)
    return "".join(rep), src
