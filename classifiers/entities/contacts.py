"""E-mail addresses and messaging/social handles (``handle:<platform>``).

Design notes
------------
* E-mail: the plain form, and the obfuscations sellers use against scrapers —
  ``name [at] host [dot] com``, ``name(at)host(dot)com``, ``name @ host . com``, and the
  word form ``name at host dot com`` (the word form needs a word or bracketed "dot" too:
  "me at shop.com" is an English sentence, not an address). Value: ``local@domain``,
  lower-case; the span covers the whole obfuscated surface.
* Handles from links (``t.me/…``, ``line.me/ti/p/…``, ``instagram.com/…``,
  ``facebook.com/…``, ``tiktok.com/@…``, ``zalo.me/<name>``): certain, the link is the
  span. Handles from context: a platform word ("Telegram", "微信", "加V", "vx", "LINE ID")
  followed by a name; the name needs a ``:``/``@`` after the platform word or a digit,
  ``_`` or ``.`` in it, so "Instagram for more photos" stays a sentence. An ``@name``
  alone counts only with a platform word nearby on the same line ("DM @ivy_55 on TG").
* A number after a platform word is the phone finder's (it runs first): one number, one
  entity, whatever the app.
"""

from __future__ import annotations

import re

from classifiers.entities.base import EMAIL, PAYPAL, handle_type
from classifiers.entities.context import Context

_LOCAL = r"[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_ATW = r"at|AT|arobase|arroba"
_DOTW = r"dot|DOT|point|punto|ponto|titik|chấm|点|點"
_AT = rf"(?:\s?[\[\(\{{<]\s?(?:{_ATW}|@)\s?[\]\)\}}>]\s?|@|\s@\s|\s(?:{_ATW})\s)"
_DOT_OBF = rf"(?:\s?[\[\(\{{<]\s?(?:{_DOTW}|\.)\s?[\]\)\}}>]\s?|\s(?:{_DOTW})\s|\s\.\s)"
_DOT = rf"(?:{_DOT_OBF}|\.)"
_EMAIL = re.compile(
    f"(?<![\\w.%+\\-@])(?P<local>{_LOCAL}(?:{_DOT_OBF}{_LOCAL})*)(?P<at>{_AT})"
    f"(?P<dom>{_LABEL}(?:{_DOT}{_LABEL})*)(?P<dot>{_DOT})(?P<tld>[A-Za-z]{{2,10}})(?![\\w\\-@])"
)
_DOT_SPLIT = re.compile(_DOT)
_DOT_OBF_SPLIT = re.compile(_DOT_OBF)
# Obfuscated addresses must end in a real top-level domain: "ig @ shop.trader" and
# "me at home dot now" are sentences.
_TLDS = frozenset(
    "com net org info biz io co me app shop store online xyz vn id cn hk tw th my sg ph jp kr "
    "fr de es pt br mx uk us ru in au ca nl be ch it pl eu at se no dk fi ie nz za ke ng edu "
    "gov mail email".split()
)


_NAME = r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{1,30}[A-Za-z0-9_])?"
_HTTP = r"(?:https?://)?(?:www\.|m\.)?"
_LINK_PATHS = {
    "telegram": r"(?:t|telegram)\.(?:me|dog)/(?!joinchat|\+)@?",
    "line": r"line\.me/(?:R/)?ti/p/(?:~|%40|@)?",
    "instagram": r"(?:instagram\.com|instagr\.am)/(?!p/|reel|explore|stories)",
    "facebook": r"(?:facebook\.com|fb\.com|fb\.me)/(?:profile\.php\?id=)?"
    r"(?!groups|marketplace|pages|share|events|photo)",
    "tiktok": r"tiktok\.com/@",
}
_LINKS: list[tuple[str, re.Pattern[str]]] = [
    (platform, re.compile(f"{_HTTP}{path}(?P<n>{_NAME})", re.I))
    for platform, path in _LINK_PATHS.items()
] + [("zalo", re.compile(_HTTP + r"zalo\.me/(?P<n>[A-Za-z_][A-Za-z0-9_.\-]{2,30})", re.I))]
_PAYPAL_ME = re.compile(rf"(?:https?://)?(?:www\.)?paypal\.me/(?P<n>{_NAME})", re.I)

PLATFORM_WORDS: dict[str, tuple[str, ...]] = {
    "telegram": ("telegram", "tele", "tg", "电报", "電報", "飞机", "飛機"),
    "wechat": ("wechat", "we chat", "weixin", "微信", "薇信", "威信", "加v", "加微", "vx", "wx",
               "v信", "加薇"),
    "line": ("line id", "line", "ไลน์", "ライン"),
    "zalo": ("zalo",),
    "signal": ("signal",),
    "instagram": ("instagram", "insta", "ig"),
    "facebook": ("facebook", "fb"),
    "tiktok": ("tiktok", "tik tok"),
}  # fmt: skip
_PLATFORM_OF = {w: p for p, ws in PLATFORM_WORDS.items() for w in ws}
_PWORD = "|".join(
    re.escape(w).replace("\\ ", r"\s?")
    if not w.isascii()
    else f"(?<![^\\W_]){re.escape(w).replace(chr(92) + ' ', chr(92) + 's?')}(?![^\\W_])"
    for w in sorted(_PLATFORM_OF, key=len, reverse=True)
)
_CTX_HANDLE = re.compile(
    f"(?P<p>{_PWORD})\\s?(?:id|ID|Id|号|號)?\\s?(?P<sep>[:：=]\\s?|-\\s)?(?P<at>@)?\\s?(?P<n>{_NAME})",
    re.IGNORECASE,
)
_AT_NAME = re.compile(f"(?<![\\w@.])@(?P<n>{_NAME})")
_PLATFORM_NEAR = re.compile(_PWORD, re.IGNORECASE)
_AMBIGUOUS = {"line", "signal", "tele", "insta", "ig", "fb", "tg"}
_STOP = {"me", "us", "for", "only", "please", "inbox", "ib", "dm", "pm", "chat", "ok", "here",
         "and", "or", "the", "to", "with", "at", "on", "is", "id", "number", "no", "nomor", "số",
         "account", "group", "channel", "ready", "available", "order", "contact", "call",
         "via", "hoặc", "atau", "o", "ou", "et", "und", "y", "e", "pay", "payment"}  # fmt: skip


def find_emails(ctx: Context) -> None:
    for m in _EMAIL.finditer(ctx.text):
        at, dom, tld = m.group("at"), m.group("dom"), m.group("tld")
        local_parts = _DOT_OBF_SPLIT.split(m.group("local"))
        obfuscated = at != "@" or len(local_parts) > 1 or bool(_DOT_OBF_SPLIT.search(dom))
        obfuscated = obfuscated or m.group("dot") != "."
        if obfuscated and tld.lower() not in _TLDS:
            continue
        if at.strip() not in ("@", "") and at.strip()[0].isalpha() and not _has_obf_dot(m):
            continue  # "me at shop.com": a sentence, not an address
        labels = _DOT_SPLIT.split(dom)
        value = f"{'.'.join(local_parts)}@{'.'.join(labels)}.{tld}".lower()
        ctx.add(EMAIL, value, *m.span(), obfuscated=obfuscated)


def _has_obf_dot(m: re.Match[str]) -> bool:
    return m.group("dot") != "." or bool(_DOT_OBF_SPLIT.search(m.group("dom")))


def find_links(ctx: Context) -> None:
    for platform, pattern in _LINKS:
        for m in pattern.finditer(ctx.text):
            ctx.add(handle_type(platform), m.group("n").lower(), *m.span(), link=True)
    for m in _PAYPAL_ME.finditer(ctx.text):
        ctx.add(PAYPAL, f"paypal.me/{m.group('n').lower()}", *m.span(), link=True)


def find_handles(ctx: Context) -> None:
    text = ctx.text
    for m in _CTX_HANDLE.finditer(text):
        name = m.group("n")
        if name.lower() in _STOP or name.isdigit() or name.lower() in _PLATFORM_OF:
            continue
        if not (m.group("sep") or m.group("at") or re.search(r"[\d_.]", name)):
            continue
        where = _PLATFORM_OF[re.sub(r"\s+", " ", m.group("p").lower())]
        start = m.start("at") if m.group("at") else m.start("n")
        ctx.add(handle_type(where), name.lower(), start, m.end("n"))
    for m in _AT_NAME.finditer(text):
        platform = _nearby_platform(text, m.start(), m.end())
        if platform and m.group("n").lower() not in _STOP:
            ctx.add(handle_type(platform), m.group("n").lower(), *m.span())


def _nearby_platform(text: str, start: int, end: int) -> str | None:
    """The platform named closest to an ``@name`` on its line (30 characters either side)."""
    lo = max(0, start - 30, text.rfind("\n", 0, start) + 1)
    nl = text.find("\n", end)
    hi = min(len(text), end + 30, nl if nl >= 0 else len(text))
    best: tuple[int, str] | None = None
    for m in _PLATFORM_NEAR.finditer(text, lo, hi):
        if m.group().islower() and m.group() in _AMBIGUOUS:
            continue  # "see you @home, line up": English words, not the apps
        if m.end() <= start or m.start() >= end:
            dist = start - m.end() if m.end() <= start else m.start() - end
            platform = _PLATFORM_OF[re.sub(r"\s+", " ", m.group().lower())]
            if best is None or dist < best[0]:
                best = (dist, platform)
    return best[1] if best else None
