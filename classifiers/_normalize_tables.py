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
    # Breadth round: more Greek/Cyrillic forms, small capitals, Armenian look-alikes
    "ϲ": "c", "Ϲ": "C", "ϳ": "j", "ѵ": "v", "Ѵ": "V", "ԍ": "g", "ɢ": "g",
    "ɪ": "i", "ʀ": "r", "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ʜ": "h",
    "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ꜱ": "s",
    "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z", "օ": "o", "ս": "u", "ց": "g",
    "ϱ": "p", "ω": "w", "Ꮪ": "S", "Ꭺ": "A", "Ᏼ": "B", "Ꮯ": "C", "Ꭼ": "E", "Ꮋ": "H",
    "Ꮶ": "K", "Ꮇ": "M", "Ꮲ": "P", "Ꭲ": "T",
}  # fmt: skip

# The other direction: Latin look-alikes slipped into a mostly Cyrillic word.
LATIN_TO_CYRILLIC: dict[str, str] = {
    "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "k": "к",
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О",
    "P": "Р", "T": "Т", "X": "Х", "Y": "У",
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
    # Breadth round: animals traded live, and legal look-alikes' emoji (so rules see them)
    "🦉": "owl", "🦦": "otter", "🦥": "sloth", "🐸": "frog", "🪸": "coral", "🦚": "peacock",
    "🐼": "panda", "🦌": "deer", "🐃": "buffalo", "🐂": "ox", "🐄": "cow", "🦬": "bison",
    "🐈": "cat", "🐚": "shell", "🦛": "hippo", "🐋": "whale", "🐳": "whale", "🐡": "fish",
}  # fmt: skip

_SPECIAL_STRIP = {"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ħ": "h"}
# Not accents, but the same kind of optional spelling variation, folded in ``plain`` only
# (one character for one, so offsets hold): Arabic hamza-carrying alefs → bare alef, alef
# maqsura → ya, ta marbuta → ha; Devanagari chandrabindu → anusvara, and long ī/ū (vowel
# signs and letters) → short i/u, because Hindi posts write हाथी/हाथि, भालू/भालु, सूअर/सुअर
# either way (the short form is the common misspelling; no lexicon key tells them apart).
_SCRIPT_VARIANTS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ة": "ه",
    "ؤ": "و",
    "ئ": "ي",
    "ँ": "ं",
    "ी": "ि",
    "ू": "ु",
    "ई": "इ",
    "ऊ": "उ",
}


def _accent_table() -> dict[str, str]:
    """Latin letters with diacritics → base letter (one char each: offsets stay valid)."""
    table = dict(_SPECIAL_STRIP) | _SCRIPT_VARIANTS
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        char = chr(cp)
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:]):
            table[char] = decomposed[0]
    return table


STRIP_ACCENTS: dict[str, str] = _accent_table()
