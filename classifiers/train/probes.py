"""Generated probe listings: plain offers and requests of every commodity in every language.

Design notes
------------
* Generated from the lexicon's own data (product terms, explicit intent cues) plus one
  price and one contact format per language, so every commodity × language pair is
  covered without anyone hand-picking cases. Deterministic (seeded), so a failure names
  a listing that reproduces.
* Used by the intent / fusion tests (an explicit cue decides intent; a confident,
  trade-context lexicon hit is never silently vetoed) and by the robustness suite
  (neutral edits — "raw", "script", "photo", "old", punctuation, emoji — keep label and
  intent; ``python -m classifiers.train.robustness`` reports the share that flips).
* These are probes of *behaviour*, not a measure of accuracy: they use the lexicon's own
  words, so they say nothing about vocabulary the lexicon lacks (that is what the corpus
  test split and the challenge sets measure).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from classifiers.lexicon.loader import LANGS, Lexicon, default_lexicon

EXPLICIT = 1.0  # as scoring.json's explicit_intent_weight
PRICE = {
    "en": "$450", "de": "450 €", "es": "450 €", "pt": "R$ 450", "fr": "450 €",
    "id": "Rp 4.500.000", "ms": "RM 450", "vi": "4.500.000đ", "th": "4,500 บาท",
    "zh-hans": "4500元", "zh-hant": "4500元", "ja": "45,000円",
    "ar": "450 دولار", "ko": "45만원", "sw": "TSh 450,000", "ru": "45 000 руб",
    "hi": "₹45,000", "my": "450,000 ကျပ်", "km": "450 ដុល្លារ", "lo": "4,500,000 ກີບ",
    "tl": "₱25,000",
}  # fmt: skip
CONTACT = {
    "en": "WhatsApp +1 555 0147", "de": "WhatsApp +49 555 0147", "es": "WhatsApp +34 555 0147",
    "pt": "zap +55 11 5550 1234", "fr": "WhatsApp +33 555 0147", "id": "WA 0812 5550 7788",
    "ms": "WA 012 555 0147", "vi": "Zalo 0555 123 401", "th": "Line: @seller555",
    "zh-hans": "微信 wx_seller555", "zh-hant": "LINE: seller555", "ja": "LINE: seller555",
    "ar": "واتساب +971 55 501 4700", "ko": "카톡 seller555", "sw": "WhatsApp +255 755 014 700",
    "ru": "Телеграм @seller555", "hi": "WhatsApp +91 98555 01470", "my": "Viber 09 555 014 70",
    "km": "Telegram @seller555", "lo": "WhatsApp +856 20 5550 1470", "tl": "GCash 0917 555 0147",
}  # fmt: skip
NEUTRAL = {
    "en": ("raw", "script", "photo", "old"), "de": ("Foto", "alt"), "es": ("foto", "viejo"),
    "pt": ("foto", "velho"), "fr": ("photo", "vieux"), "id": ("foto", "lama"),
    "ms": ("gambar", "lama"), "vi": ("ảnh", "cũ"), "th": ("รูป", "เก่า"),
    "zh-hans": ("照片", "旧"), "zh-hant": ("照片", "舊"), "ja": ("写真", "古い"),
    "ar": ("صورة", "قديم"), "ko": ("사진", "오래된"), "sw": ("picha", "zamani"),
    "ru": ("фото", "старый"), "hi": ("फोटो", "पुराना"), "my": ("ဓာတ်ပုံ", "ဟောင်း"),
    "km": ("រូបថត", "ចាស់"), "lo": ("ຮູບ", "ເກົ່າ"), "tl": ("larawan", "luma"),
}  # fmt: skip
EMOJI = ("🔥", "📦✅", "😍💯")
_NO_SPACE = ("zh-hans", "zh-hant", "ja", "th", "my", "km", "lo")


@dataclass(frozen=True, slots=True)
class Probe:
    """One generated listing with what it must read as."""

    id: str
    text: str
    lang: str
    commodity: str
    intent: str  # sell or buy: the explicit cue it carries


def _has(langs: tuple[str, ...], lang: str) -> bool:
    return lang in langs or (lang.startswith("zh") and "zh" in langs)


def products(lexicon: Lexicon, lang: str, commodity: str) -> list[str]:
    """Strong product names of ``commodity`` in ``lang`` (the lexicon's own)."""
    return sorted(
        t.term
        for t in lexicon.terms
        if t.commodity == commodity and t.type == "product" and t.weight >= 2.0
        and _has(t.langs, lang)
    )  # fmt: skip


def cues(lexicon: Lexicon, lang: str, intent: str) -> list[str]:
    """Explicit cues (weight ≥ ``EXPLICIT``) of ``intent`` in ``lang``."""
    return sorted(
        c.cue
        for c in lexicon.intents
        if c.intent == intent and c.weight >= EXPLICIT and _has(c.langs, lang)
    )


def _latin_seam(left: str, right: str) -> bool:
    """Both sides of the join are Latin letters (a romanised cue or name)."""
    return left[-1:].isascii() and left[-1:].isalpha() and right[:1].isascii()


def compose(lang: str, cue: str, product: str, intent: str) -> str:
    """One plain listing: the cue, the product, a price and a contact. Languages written
    without spaces join cue and product directly, except romanised words, which are
    spaced in every script ("mean luk promat khla khmum", not "mean lukpromat …")."""
    sep = "" if lang in _NO_SPACE and not _latin_seam(cue, product) else " "
    price, contact = PRICE[lang], CONTACT[lang]
    if intent == "buy":
        return f"{cue}{sep}{product}{sep or ' '}{contact}"
    return f"{cue}{sep}{product}, {price}. {contact}"


def plain_offers(
    lexicon: Lexicon | None = None, per_pair: int = 2, seed: int = 20261130
) -> Iterator[Probe]:
    """``per_pair`` sell offers and one buy request per commodity × language."""
    lex = lexicon or default_lexicon()
    rng = random.Random(seed)
    for lang in LANGS:
        sells, buys = cues(lex, lang, "sell"), cues(lex, lang, "buy")
        for commodity in sorted(lex.commodities):
            names = products(lex, lang, commodity) or products(lex, "en", commodity)
            if not names or not sells or not buys:
                continue
            for k in range(per_pair + 1):
                intent = "buy" if k == per_pair else "sell"
                cue = rng.choice(buys if intent == "buy" else sells)
                text = compose(lang, cue, rng.choice(names), intent)
                yield Probe(f"{lang}-{commodity}-{k}", text, lang, commodity, intent)


def neutral_edits(probe: Probe) -> Iterator[tuple[str, str]]:
    """``(edit name, text)`` variants with neutral words added or removed (see module doc)."""
    text, lang = probe.text, probe.lang
    sep = "" if lang in _NO_SPACE else " "
    for word in NEUTRAL["en"] + NEUTRAL[lang]:
        yield f"append {word}", f"{text} {word}"
        yield f"prepend {word}", f"{word}{sep or ' '}{text}"
    for emoji in EMOJI:
        yield f"emoji {emoji}", f"{emoji} {text} {emoji}"
    yield "punctuation !!!", f"{text}!!!"
    yield "punctuation dashes", text.replace(", ", " - ")
    yield "punctuation removed", "".join(ch for ch in text if ch not in ",.:;!")
    yield "price removed", text.replace(PRICE[lang], "").replace(" , ", " ")
