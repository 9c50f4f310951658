"""Character tables used by :mod:`classifiers.normalize`.

Built by hand for this project (no runtime downloads): the homoglyphs are the Cyrillic and
Greek letters that render like Latin ones in common fonts (the subset of Unicode's
confusables list that traders actually use); emoji concepts follow the animals and
products in ``shared/domain.md``. All mappings are one character to one character except
emoji, so offsets stay simple.
"""

from __future__ import annotations

import unicodedata

# Cyrillic / Greek / odd Latin look-alikes → ASCII. Both cases: folding runs before
# lower-casing, since upper-case Cyrillic Н/В look like H/B but their lower forms do not.
CONFUSABLES: dict[str, str] = {
    # Cyrillic upper
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ї": "I", "Ј": "J",
    "Ѕ": "S", "Ԁ": "D", "Ү": "Y", "Һ": "H", "Ԛ": "Q", "Ԝ": "W", "Ь": "b",
    # Cyrillic lower
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ү": "y", "һ": "h", "ԛ": "q", "ԝ": "w", "ь": "b", "п": "n",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y",
    # Latin oddities
    "ı": "i", "ȷ": "j", "ɑ": "a", "ǀ": "l", "ɡ": "g", "ɩ": "i", "ʏ": "y",
}  # fmt: skip

# Leetspeak, applied only inside words that mix letters and digits.
LEET: dict[str, str] = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
}  # fmt: skip

# Emoji → concept words (surrounded by spaces when substituted). ✈ is the Vietnamese
# sellers' code for "bán" (sell).
EMOJI: dict[str, str] = {
    "🐘": "elephant", "🦣": "mammoth", "🦏": "rhino", "🐯": "tiger", "🐅": "tiger",
    "🦁": "lion", "🐆": "leopard", "🐻": "bear", "🐻‍❄": "bear", "🦷": "tooth",
    "🦴": "bone", "🐢": "turtle", "🦜": "parrot", "🐦": "bird", "🦅": "bird",
    "🐒": "monkey", "🐵": "monkey", "🦧": "orangutan", "🦍": "gorilla", "🦎": "lizard",
    "🐍": "snake", "🐊": "crocodile", "🐟": "fish", "🐠": "fish", "🦈": "shark",
    "🦔": "pangolin", "✈": "bán", "🛩": "bán", "💰": "price", "💵": "price",
    "📞": "phone", "☎": "phone", "📱": "phone", "📿": "beads",
}  # fmt: skip

_SPECIAL_STRIP = {"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ħ": "h"}


def _accent_table() -> dict[str, str]:
    """Latin letters with diacritics → base letter (one char each: offsets stay valid)."""
    table = dict(_SPECIAL_STRIP)
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        char = chr(cp)
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:]):
            table[char] = decomposed[0]
    return table


STRIP_ACCENTS: dict[str, str] = _accent_table()
