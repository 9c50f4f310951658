"""Language identification restricted to the languages the lexicon covers.

Design: scripts decide first (Thai, kana, Han are unambiguous and short listings fool
statistical models), then py3langid — a private identifier instance restricted to the
supported languages, so the process-wide py3langid default is left untouched. The model
ships inside the py3langid wheel: nothing downloads. Only the first ``MAX_CHARS``
characters are read: listings are hostile and can be huge.
"""

from __future__ import annotations

import re
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

SUPPORTED = ("en", "zh", "vi", "th", "id", "ms", "es", "pt", "fr", "ja", "de")
# Breadth round: ar, ko, ru, hi, my, km, lo are decided by their scripts; sw and tl (Latin
# script) by py3langid among the Latin-script languages.
SUPPORTED_NEW = ("ar", "ko", "sw", "ru", "hi", "my", "km", "lo", "tl")
MAX_CHARS = 240
_THAI = re.compile("[\u0e00-\u0e7f]")
# One script, one language among those supported (Burmese, Khmer, Lao, Hangul, Devanagari,
# Arabic, Cyrillic): checked in this order; a listing mixing scripts goes to the script
# with the most letters.
_SCRIPTS = (
    ("my", re.compile("[\u1000-\u109f]")),
    ("km", re.compile("[\u1780-\u17ff]")),
    ("lo", re.compile("[\u0e80-\u0eff]")),
    ("ko", re.compile("[\uac00-\ud7af\u1100-\u11ff]")),
    ("hi", re.compile("[\u0900-\u097f]")),
    ("ar", re.compile("[\u0600-\u06ff\u0750-\u077f]")),
    ("ru", re.compile("[\u0400-\u04ff]")),
)
_KANA = re.compile("[\u3040-\u30ff]")
_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf]")
_LETTERS = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED) + ["sw", "tl"])
    return identifier


def detect_language(text: str, hint: str | None = None) -> str | None:
    """ISO 639-1 code of ``text`` among ``SUPPORTED``; ``hint`` (e.g. TextDoc.lang) wins.

    Returns None for text with no letters.
    """
    if hint:
        return hint.lower().split("-")[0].split("_")[0]
    sample = text[:MAX_CHARS]
    if not _LETTERS.search(sample):
        return None
    letters = len(_LETTERS.findall(sample))
    counts = [(len(rx.findall(sample)), code) for code, rx in _SCRIPTS]
    count, code = max(counts)
    if count * 2 >= letters:  # a script of its own holds half the letters or more
        return code
    if _THAI.search(sample):
        return "th"
    if _KANA.search(sample):
        return "ja"
    if _HAN.search(sample) and len(_HAN.findall(sample)) * 4 >= len(_LETTERS.findall(sample)):
        return "zh"
    lang, _ = _identifier().classify(sample)
    return str(lang)
