"""Language identification for short, mixed-script listings, restricted to the languages
the lexicon covers.

Design notes
------------
Short listings fool statistical identifiers ("象牙 印鑑 15000円" has no kana; "Jual sisik
trenggiling, harga nego" is Indonesian and Malay alike), and the language decides which
context rules apply, so three kinds of evidence are combined, strongest first:

1. **Script.** Burmese, Khmer, Lao, Hangul, Devanagari, Arabic or Cyrillic letters making
   up half the letters or more → ``my``, ``km``, ``lo``, ``ko``, ``hi``, ``ar``, ``ru``
   (breadth round; the only supported language of each script). Thai letters → ``th``;
   kana (including half-width katakana) → ``ja``; Han without kana → ``ja`` when a
   Japanese-only character form or usage appears (shinjitai such as 売 円 実 価 込 駅 発,
   which Chinese writes 卖/賣 元 实/實 价/價 …), else ``zh``.
2. **Markers** for the pairs py3langid confuses on short text: Indonesian vs Malay
   (Rp/RM, "bisa"/"boleh", "uang"/"wang", "saja"/"sahaja", "gratis"/"percuma", …) and
   Vietnamese letters (ơ ư đ and stacked tone marks) for ``vi``.
3. **Lexicon evidence**: the caller may pass ``votes`` (language → weight of the lexicon
   entries it matched, e.g. from ``LexiconDetector``); they break an id/ms tie and add to
   py3langid's ranking of Latin-script text.
4. **py3langid**, a private identifier instance restricted to the supported languages (the
   process-wide default is left untouched). Its model ships inside the wheel: nothing
   downloads.

Only the first ``MAX_CHARS`` characters are read: listings are hostile and can be huge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

SUPPORTED = ("en", "zh", "vi", "th", "id", "ms", "es", "pt", "fr", "ja", "de")
# Breadth round: ar, ko, ru, hi, my, km, lo are decided by their scripts; sw and tl (Latin
# script) by their function words (``_SW_MARKERS``, ``_TL_MARKERS``).
SUPPORTED_NEW = ("ar", "ko", "sw", "ru", "hi", "my", "km", "lo", "tl")
# Swahili and Tagalog function words and trade words (two or more decide; py3langid
# itself, asked about sw/tl too, took Indonesian and English listings for Tagalog).
_SW_MARKERS = frozenset(
    "ya wa za kwa ni cha vya la bei inauzwa nauza tunauza zinauzwa natafuta nahitaji "
    "bado ipo zipo simu piga wasiliana pembe ndovu tembo kifaru mtoto watoto kasuku kobe "
    "sana kutoka hii hizi hapa".split()
)
_TL_MARKERS = frozenset(
    "ang ng mga sa po na ko ako mo ito may lang para binebenta benta magkano hanap "
    "naghahanap bibili sino saan kayo natin pa yung ung nang balat buto pawikan unggoy".split()
)
MAX_CHARS = 240
# One script, one supported language (Burmese, Khmer, Lao, Hangul, Devanagari, Arabic,
# Cyrillic): a listing goes to the script holding half of its letters or more, so an
# English contact line does not turn a Russian offer into English.
_SCRIPTS = (
    ("my", re.compile("[\u1000-\u109f]")),
    ("km", re.compile("[\u1780-\u17ff]")),
    ("lo", re.compile("[\u0e80-\u0eff]")),
    ("ko", re.compile("[\uac00-\ud7af\u1100-\u11ff\u3131-\u318e]")),
    ("hi", re.compile("[\u0900-\u097f]")),
    ("ar", re.compile("[\u0600-\u06ff\u0750-\u077f]")),
    ("ru", re.compile("[\u0400-\u04ff]")),
)
_THAI = re.compile("[\u0e00-\u0e7f]")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf]")
_LETTERS = re.compile(r"[^\W\d_]")
# Japanese-only character forms (shinjitai) and usages common in listings; each has a
# different form or is not used this way in simplified or traditional Chinese.
_JA_HAN = re.compile(
    "[売円実価込駅発図読変対応県伝楽薬営単浜悪亜拡択沢鉄辺険検験桜恵済続総緑壊権歓観剤雑挿巣蔵遅聴転廃髪払仏黙訳様頼覧猟涙暦労]"
)
_VI = re.compile("[ơưđƠƯĐạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
_WORD = re.compile(r"[a-z]+")
_ID_MARKERS = frozenset(
    "rp bisa uang saja gratis mau ongkir banget gan sis kak dong aja nggak gak enggak "
    "kok sudah belum mobil pakai dijamin bksda kampanye polisi cukai satwa jakarta "
    "surabaya medan makassar bandung bali kalimantan sumatera papua jawa kebun".split()
)
_MS_MARKERS = frozenset(
    "rm boleh wang sahaja percuma nak mahu tak kereta pos laju sila hantar sdn bhd "
    "berminat pm je polis kastam perhilitan kempen kuala lumpur johor penang pinang "
    "sabah sarawak selangor melaka kedah".split()
)


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED))
    return identifier


def _han_language(sample: str, votes: Mapping[str, float]) -> str:
    if _JA_HAN.search(sample):
        return "ja"
    return "ja" if votes.get("ja", 0.0) > votes.get("zh", 0.0) else "zh"


def _malay_or_indonesian(sample: str, votes: Mapping[str, float]) -> str | None:
    """``id``/``ms`` by markers, then lexicon votes; None when neither decides."""
    words = set(_WORD.findall(sample.lower()))
    id_hits, ms_hits = len(words & _ID_MARKERS), len(words & _MS_MARKERS)
    if id_hits != ms_hits:
        return "id" if id_hits > ms_hits else "ms"
    id_vote, ms_vote = votes.get("id", 0.0), votes.get("ms", 0.0)
    if id_vote != ms_vote:
        return "id" if id_vote > ms_vote else "ms"
    return None


def _latin(sample: str, votes: Mapping[str, float]) -> str:
    if _VI.search(sample):
        return "vi"
    words = set(_WORD.findall(sample.lower()))
    sw, tl = len(words & _SW_MARKERS), len(words & _TL_MARKERS)
    if max(sw, tl) >= 2 and sw != tl:
        return "sw" if sw > tl else "tl"
    ranked = _identifier().rank(sample)
    probs = {str(lang): float(p) for lang, p in ranked}
    total = sum(votes.values()) or 1.0
    for lang, weight in votes.items():
        if lang in probs:  # lexicon evidence nudges, it does not overrule clear text
            probs[lang] += 0.3 * weight / total
    best = max(probs, key=lambda k: probs[k])
    if best in ("id", "ms"):
        return _malay_or_indonesian(sample, votes) or best
    return best


def detect_language(
    text: str, hint: str | None = None, votes: Mapping[str, float] | None = None
) -> str | None:
    """ISO 639-1 code of ``text`` among ``SUPPORTED``; ``hint`` (e.g. TextDoc.lang) wins.

    ``votes``: optional lexicon evidence, language → weight (see module doc). Returns None
    for text with no letters.
    """
    if hint:
        return hint.lower().split("-")[0].split("_")[0]
    sample = text[:MAX_CHARS]
    letters = _LETTERS.findall(sample)
    if not letters:
        return None
    count, code = max((len(rx.findall(sample)), code) for code, rx in _SCRIPTS)
    if count * 2 >= len(letters):
        return code
    if _THAI.search(sample):
        return "th"
    if _KANA.search(sample):
        return "ja"
    if _HAN.search(sample) and len(_HAN.findall(sample)) * 4 >= len(letters):
        return _han_language(sample, votes or {})
    return _latin(sample, votes or {})
