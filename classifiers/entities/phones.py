"""Phone numbers: runs of digits and digit words, split into numbers ``phonenumbers`` accepts.

Design notes
------------
* A run (``numwords.RUN``: digits or digit words with spaces, dots, dashes, brackets) is
  split into *groups* at its separators; the longest group sequence that ``phonenumbers``
  accepts is a number, and the groups left of and right of it are tried again. So a year,
  a price or a second number written on the same line does not glue onto a phone.
* Region: the listing's region hint, else the regions usual for its language, else only
  international numbers (``+``/``00`` or a ``wa.me`` link). A run of 10+ digits given as a
  messaging contact is also tried as international without its ``+``.
* Accepted: ``phonenumbers.is_valid_number``; or, when a channel or phone cue stands
  before it, a *possible* number (right length): fictional ranges (UK 07700 900xxx) and
  freshly allocated blocks are not in libphonenumber's validity tables.
* Not phones: runs with an order/tracking/catalogue cue as the nearest cue, runs glued to
  letters ("SKU12345678", "JT0012345678VN"), spans already claimed by prices, quantities,
  bank accounts, IBANs or wallets (those finders run first).
* Work is bounded: long runs are read in overlapping windows, and one text gets at most
  ``MAX_TRIES`` number look-ups (a listing of digit groups pages long is hostile; the
  numbers past the budget are not extracted).
* ``value`` is E.164; ``channel`` (whatsapp, zalo, line, viber, telegram, wechat, signal)
  says where the number is used, so one number is one entity whatever the app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from classifiers.entities.base import PHONE
from classifiers.entities.context import Context
from classifiers.entities.cues import cue_before
from classifiers.entities.numwords import RUN, Unit, units

LANG_REGIONS: dict[str, tuple[str, ...]] = {
    "en": ("US", "GB"),
    "zh": ("CN", "TW", "HK"),
    "vi": ("VN",),
    "id": ("ID",),
    "ms": ("MY",),
    "th": ("TH",),
    "es": ("MX", "ES"),
    "pt": ("BR", "PT"),
    "fr": ("FR",),
    "de": ("DE",),
    "ja": ("JP",),
}
_LINKS = {"wa.me/": "whatsapp", "zalo.me/": "zalo", "viber.me/": "viber", "signal.me/#p/": "signal"}
MAX_GROUPS = 24
MAX_TRIES = 4000  # phonenumbers look-ups per text; an ordinary listing needs a few dozen
# Dates are digit runs with dots, dashes or slashes too; they are set aside first.
_DATE = re.compile(
    r"(?<![\d.\-/])(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}|(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2})"
    r"(?![\d.\-/]\d)"
)


def find_phones(ctx: Context) -> None:
    text = ctx.text
    regions = _regions(ctx)
    for d in _DATE.finditer(text):
        if ctx.free(*d.span()):
            ctx.claim(*d.span())
    for m in RUN.finditer(text):
        start, end = m.span()
        us = units(text, start, end)
        if len(us) < 7:
            continue
        link = next((ch for lk, ch in _LINKS.items() if text.endswith(lk, 0, start)), None)
        cue = ("channel", link) if link else cue_before(text, start)
        if cue and cue[0] == "id":
            continue
        plus = text[start] == "+"
        groups = _groups(us)
        head, tail = _glued(text, start, end)
        groups = groups[1 if head else 0 : len(groups) - (1 if tail else 0)]
        plus = plus and not head
        if sum(len(g) for g in groups) < 7:
            continue
        cum = [0]
        for g in groups:
            cum.append(cum[-1] + len(g))
        run = _Run(groups, _breaks(text, groups), regions, cue, link is not None, cum)
        # Long runs (a list of numbers) are read in overlapping windows of MAX_GROUPS
        # groups, which bounds the work per run to a constant per group.
        for lo in range(0, max(1, len(groups) - MAX_GROUPS // 2), MAX_GROUPS // 2):
            _split(ctx, run, lo, min(len(groups), lo + MAX_GROUPS), plus and lo == 0)


def _regions(ctx: Context) -> tuple[str | None, ...]:
    if ctx.region:
        return (ctx.region.upper(),)
    return LANG_REGIONS.get((ctx.lang or "").split("-")[0].lower(), ()) or (None,)


def _glued(text: str, start: int, end: int) -> tuple[bool, bool]:
    """Whether the run's first/last group is glued to letters, i.e. part of a code
    ("SKU12345678", "JT0012345678VN", "12kg"): such a group is dropped, the rest of the
    run is still read. A channel word glued before ("WA0813…") is fine."""
    after = text[end : end + 1]
    tail = after.isalpha() and after.isascii()
    before = text[start - 1 : start]
    head = False
    if before.isalpha() and before.isascii():
        cue = cue_before(text, start, 8)
        head = not (cue and cue[0] == "channel")
    return head, tail


def _groups(us: list[Unit]) -> list[list[Unit]]:
    groups: list[list[Unit]] = []
    for u in us:
        if groups and groups[-1][-1].end == u.start and not u.word and not groups[-1][-1].word:
            groups[-1].append(u)
        else:
            groups.append([u])
    return groups


def _breaks(text: str, groups: list[list[Unit]]) -> frozenset[int]:
    """Boundaries ``k`` (between groups k-1 and k) a number may not cross: a comma next
    to a digit group ("100, 200, 300" are three numbers; "five, five" is one)."""
    out = set()
    for k in range(1, len(groups)):
        a, b = groups[k - 1][-1], groups[k][0]
        if "," in text[a.end : b.start] and not (a.word and b.word):
            out.add(k)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class _Run:
    groups: list[list[Unit]]
    breaks: frozenset[int]
    regions: tuple[str | None, ...]
    cue: tuple[str, str] | None
    link: bool
    cum: list[int]  # cum[k]: digits in groups[:k]


def _split(ctx: Context, run: _Run, lo: int, hi: int, plus: bool) -> None:
    """Find the longest accepted number in ``groups[lo:hi]``, then recurse either side;
    ``plus`` means a "+" stands before ``groups[lo]``."""
    groups, cum = run.groups, run.cum
    for size in range(hi - lo, 0, -1):
        for i in range(lo, hi - size + 1):
            j = i + size
            if not 7 <= cum[j] - cum[i] <= 17 or any(i < k < j for k in run.breaks):
                continue
            if ctx.phone_tries >= MAX_TRIES:
                return  # hostile text (pages of digit groups): bounded work, see notes
            ctx.phone_tries += 1
            digits = "".join(u.digit for g in groups[i:j] for u in g)
            lead = plus and i == lo
            number = _parse(digits, lead, run.regions, run.cue, run.link)
            if number is None:
                continue
            s = _bracket(ctx.text, groups[i][0].start - (1 if lead else 0), groups[j - 1][-1].end)
            e = groups[j - 1][-1].end
            if ctx.free(s, e):
                _add(ctx, number, s, e, groups[i:j], run.cue)
                _split(ctx, run, lo, i, plus)
                _split(ctx, run, j, hi, False)
                return


def _bracket(text: str, s: int, e: int) -> int:
    """Include an opening bracket before the number when its closing one is inside."""
    if s > 0 and text[s - 1] in "([" and (")" in text[s:e] or "]" in text[s:e]):
        return s - 1
    return s


@lru_cache(maxsize=4096)
def _parse(
    digits: str,
    plus: bool,
    regions: tuple[str | None, ...],
    cue: tuple[str, str] | None,
    link: bool,
) -> phonenumbers.PhoneNumber | None:
    cued = cue is not None
    if link:
        tries: list[tuple[str, str | None]] = [("+" + digits, None)]
    elif plus or digits.startswith("00"):
        tries = [("+" + digits.removeprefix("00"), None)]
    else:
        tries = [(digits, r) for r in regions if r]
        if cued and len(digits) >= 10 and not digits.startswith("0"):
            tries.append(("+" + digits, None))
    for candidate, region in tries:
        try:
            num = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num):
            return num
        if cued and phonenumbers.is_possible_number(num) and _possible_ok(num):
            return num
    return None


def _possible_ok(num: phonenumbers.PhoneNumber) -> bool:
    """A possible-but-not-valid number still needs a national part of 7+ digits."""
    return len(str(num.national_number)) >= 7 and num.country_code != 0


def _add(
    ctx: Context,
    num: phonenumbers.PhoneNumber,
    s: int,
    e: int,
    groups: list[list[Unit]],
    cue: tuple[str, str] | None,
) -> None:
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    channel = cue[1] if cue and cue[0] == "channel" else None
    spelled = any(u.word for g in groups for u in g) or None
    region = phonenumbers.region_code_for_number(num)
    valid = phonenumbers.is_valid_number(num)
    ctx.add(
        PHONE, e164, s, e, channel=channel, region=region, spelled=spelled, valid=valid or False
    )
