"""A large, varied, deterministic corpus of listing-like text for normalisation tests.

Every script of the 21 lexicon languages (Latin with its accents, Arabic with tatweel and
short vowels, Devanagari with nukta, Thai and Lao with both tone-mark orders, Khmer,
Myanmar, Cyrillic, Greek look-alikes, Han, kana, Hangul and its jamo), combining marks,
full-width and other compatibility forms, emoji (those the normaliser maps and others,
with variation selectors and joiners), invisible and control characters, leetspeak,
spaced/dotted letters and dashes, mixed at random. Same seed → same strings.
"""

from __future__ import annotations

import random

from classifiers._normalize_tables import CONFUSABLES, EMOJI

# Code-point ranges per script (inclusive), drawn from at random.
SCRIPTS: dict[str, tuple[tuple[int, int], ...]] = {
    "latin": ((0x41, 0x5A), (0x61, 0x7A)),
    "latin-accented": ((0xC0, 0x17F), (0x1EA0, 0x1EF9), (0x1E00, 0x1E9F)),
    "arabic": ((0x621, 0x64A), (0x640, 0x640), (0x64B, 0x65F), (0x670, 0x670)),
    "devanagari": ((0x905, 0x939), (0x93C, 0x94D), (0x966, 0x96F)),
    "thai": ((0xE01, 0xE3A), (0xE40, 0xE4E)),
    "lao": ((0xE81, 0xEAE), (0xEB0, 0xEBD), (0xEC0, 0xECD)),
    "khmer": ((0x1780, 0x17D2), (0x17E0, 0x17E9)),
    "myanmar": ((0x1000, 0x1049),),
    "cyrillic": ((0x400, 0x4FF),),
    "greek": ((0x391, 0x3C9),),
    "han": ((0x4E00, 0x9FFF), (0x3400, 0x34FF), (0xF900, 0xF9FF), (0x20000, 0x200FF)),
    "kana": ((0x3041, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9D)),
    "hangul": ((0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3131, 0x318E)),
    "combining": ((0x300, 0x36F), (0x1AB0, 0x1ABE), (0x20D0, 0x20F0)),
    "fullwidth": ((0xFF01, 0xFF5E), (0x3000, 0x3000)),
    "compat": (
        (0x2160, 0x2188),
        (0x2460, 0x24FF),
        (0xFB00, 0xFB06),
        (0x2070, 0x209C),
        (0x3200, 0x33FF),
        (0x2F00, 0x2FD5),
        (0x1D400, 0x1D44F),
    ),  # fmt: skip
    "small-caps": ((0x1D00, 0x1D2B), (0x250, 0x2AF), (0xA730, 0xA7FF)),
    "emoji": ((0x1F300, 0x1F6FF), (0x1F900, 0x1F9FF), (0x2600, 0x27BF)),
    "invisible": (
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x206F),
        (0xFE00, 0xFE0F),
        (0xFEFF, 0xFEFF),
        (0xAD, 0xAD),
        (0xE0000, 0xE007F),
    ),  # fmt: skip
    "control": ((0x0, 0x1F), (0x7F, 0x9F)),
    "digits": ((0x30, 0x39), (0x660, 0x669), (0xFF10, 0xFF19)),
    "punct": ((0x21, 0x2F), (0x3A, 0x40), (0x2010, 0x2027), (0x3001, 0x3003)),
}
# Hand-picked troublemakers: case mappings that change length or depend on context,
# Thai/Lao tone mark orders, ligatures, look-alike words, obfuscations.
SPECIAL = (
    "İstanbul", "ΟΔΟΣ ΣΑΣ", "Straße", "ﬁne ﬂask", "น้ำ", "นํ้า", "ນ້ຳ", "ນໍ້າ", "ǅ", "ῼ",
    "іvоry", "ТІGЕR", "слoнoвую", "рараgаіо", "r.h.i.n.o h0rn", "p-a-n-g-o-l-i-n",
    "g u a c a m a y o  j a c i n t o", "p4ng0l1n", "500g", "trc20", "iphone12", "71gr3",
    "象 牙", "ง า ช้ า ง", "ＩＶＯＲＹ", "ᴛɪɢᴇʀ", "🐘🦷", "✈️", "👨‍👩‍👧", "1️⃣", "🇻🇳",
    "\ud800", "a\udfffb", "e\u0301", "ﷺ", "㍻", "ｶﾞ", "Å", "Ω", "ǈ", "ʼn", "ᾈ",
)  # fmt: skip
SEPARATORS = (" ", "  ", ".", "-", "_", "*", "·", "•", "\n", "\t", "\u00a0", "", "‑", "–")


def _run(rnd: random.Random, script: str) -> str:
    ranges = SCRIPTS[script]
    out = []
    for _ in range(rnd.randint(1, 8)):
        lo, hi = rnd.choice(ranges)
        out.append(chr(rnd.randint(lo, hi)))
    return "".join(out)


def _token(rnd: random.Random, words: list[str]) -> str:
    roll = rnd.random()
    if roll < 0.35:
        return _run(rnd, rnd.choice(list(SCRIPTS)))
    if roll < 0.55 and words:
        return rnd.choice(words)
    if roll < 0.65:
        return rnd.choice(SPECIAL)
    if roll < 0.75:
        return rnd.choice(list(EMOJI))
    if roll < 0.85:  # a word mixing Latin and look-alikes or digits
        letters = [*"abcehiknoprstuvxy0134578@$", *CONFUSABLES]
        return "".join(rnd.choice(letters) for _ in range(rnd.randint(2, 9)))
    word = rnd.choice(words) if words else "ivory"
    gap = rnd.choice(SEPARATORS[:8])
    return gap.join(word)  # spaced / dotted letters


def corpus(n: int, seed: int = 13, words: list[str] | None = None) -> list[str]:
    """``n`` strings of 1–40 tokens, each token and separator drawn at random."""
    rnd = random.Random(seed)
    pool = list(words or [])
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rnd.randint(1, 40)):
            parts.append(_token(rnd, pool))
            parts.append(rnd.choice(SEPARATORS))
        text = "".join(parts)
        out.append(text.upper() if rnd.random() < 0.1 else text)
    return out
