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
MAX_CHARS = 240
_THAI = re.compile("[\u0e00-\u0e7f]")
_KANA = re.compile("[\u3040-\u30ff]")
_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf]")
_LETTERS = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED))
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
    if _THAI.search(sample):
        return "th"
    if _KANA.search(sample):
        return "ja"
    if _HAN.search(sample) and len(_HAN.findall(sample)) * 4 >= len(_LETTERS.findall(sample)):
        return "zh"
    lang, _ = _identifier().classify(sample)
    return str(lang)
