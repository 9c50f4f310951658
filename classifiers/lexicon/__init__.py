"""The multilingual wildlife-trade lexicon: data files, their loader and the matcher.

``default_lexicon()`` loads the shipped data (once per process); ``Matcher`` finds its
terms, code words, context words, context rules and intent cues in normalised text.
"""

from classifiers.lexicon.loader import (
    LANGS,
    Commodity,
    ContextRule,
    ContextWord,
    IntentCue,
    Lexicon,
    Signal,
    Term,
    default_lexicon,
    load_lexicon,
)

__all__ = [
    "LANGS",
    "Commodity",
    "ContextRule",
    "ContextWord",
    "IntentCue",
    "Lexicon",
    "Signal",
    "Term",
    "default_lexicon",
    "load_lexicon",
]
