"""Where an intent cue sits: opening a line ("WTB …", "收购 …"), or inside a question.

A sell cue asked about is the asker's words: "Anyone have ivory for sale?", "Hat jemand
Elfenbein zu verkaufen?", "有人出售象牙吗？", "Ada orang jual gading?".

Why: a request often names the act it wants from a seller, so the seller's verb ("for
sale", "zu verkaufen", "出售", "jual", "à vendre") sits inside the buyer's question, and
the lexicon read it as a sell cue: the request came out ``sell`` whenever no buy cue of
its own outweighed it (round twelve: requests read as offers were the largest intent
error class on the second challenge set, in aggregate).

What: a sell cue whose clause is a question — the clause ends with "?"/"？" or with a
question particle (吗, 嗎, ไหม, không) — and which does not open that clause counts as a
*buy* cue of the same weight. Clauses end at sentence punctuation, commas and line
breaks, so a seller's "Ivory bangle for sale, anyone interested?" keeps its sell cue
(the question is another clause), and "Selling ivory?" (the cue opens the clause: an
announcement with a question mark) stays ``sell`` too — unless the cue is a weak one, a
price or delivery word that a buyer asks about ("Preis für den Armreif?", "Versand nach
Wien möglich?"). A weak cue that is the whole question ("Harga? PM") is the sellers'
idiom ("price? message me") and is left alone. Buy cues are left alone too: a
seller's rhetorical "Looking for ivory? We have it" is rarer than the buyer's question.
"""

from __future__ import annotations

import re

# What ends a clause: sentence punctuation (Latin, CJK, Thai/Devanagari none), commas,
# semicolons, line breaks.
_BREAK = re.compile(r"[.!?;,\n。！？；，、]")
_QUESTION_MARK = re.compile(r"[?？]")
# Question particles that end a clause without a question mark.
_PARTICLE = re.compile(r"(?:吗|嗎|ไหม|มั้ย|không)\W*\Z", re.IGNORECASE)
_OPENS = re.compile(r"[\W_]*\Z")  # only spaces, punctuation, emoji before the cue


def asked(original: str, start: int, end: int, *, weak: bool = False) -> bool:
    """True when the cue at ``original[start:end]`` sits inside a question clause and,
    unless it is ``weak`` (a price or delivery word: "Price?", "Versand möglich?"), does
    not open it."""
    before = _BREAK.search(original[::-1], len(original) - start)
    clause_start = len(original) - before.start() if before else 0
    after = _BREAK.search(original, end)
    clause_end = after.start() if after else len(original)
    if _OPENS.match(original, clause_start, start) and (
        not weak or _OPENS.match(original, end, clause_end)  # "Price?" alone
    ):
        return False
    if after and _QUESTION_MARK.match(original, after.start()):
        return True
    return _PARTICLE.search(original, end, clause_end) is not None


def opens_line(original: str, start: int) -> bool:
    """True when only spaces/punctuation/emoji precede ``start`` on its line."""
    line_start = original.rfind("\n", 0, start) + 1
    return _OPENS.match(original, line_start, start) is not None
