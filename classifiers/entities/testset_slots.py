"""Slot fillers for the project-written entity test set (``models/entities/``).

Every filler returns ``(surface, gold)`` where ``gold`` is ``(type, value)`` or ``None``
for a planted distractor (an order number, a wallet with a broken checksum …). Values
are computed *by construction* (country code + national digits, amount × multiplier,
grams per unit), not by the extractor, so the test set checks the extractor rather than
repeating it. Phone numbers come from fictional or 555-style ranges; wallets and IBANs
are random bytes with valid checksums: no real person's data.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from classifiers.entities.numbers import format_amount

Gold = tuple[str, str] | None
Filler = Callable[[random.Random, str], tuple[str, Gold]]

# (country code, trunk prefix, national-number maker, formats over the national digits)
_PHONES: dict[str, tuple[str, str, Callable[[random.Random], str], tuple[str, ...]]] = {
    "VN": ("84", "0", lambda r: r.choice(["903", "913", "988", "934"]) + "555" + _d(r, 3),
           ("{t}{0:3} {3:6} {6:}", "{t}{0:3}.{3:6}.{6:}", "{t}{0:3}-{3:6}-{6:}", "{t}{0:}")),
    "ID": ("62", "0", lambda r: "8" + r.choice(["13", "57", "12", "21"]) + "5550" + _d(r, 4),
           ("{t}{0:3}-{3:7}-{7:}", "{t}{0:3} {3:7} {7:}", "{t}{0:}")),
    "CN": ("86", "", lambda r: "1" + r.choice(["38", "39", "58", "86"]) + "5550" + _d(r, 4),
           ("{0:3} {3:7} {7:}", "{0:3}-{3:7}-{7:}", "{0:}")),
    "TH": ("66", "0", lambda r: "8" + r.choice(["1", "9"]) + "555" + _d(r, 4),
           ("{t}{0:2} {2:5} {5:}", "{t}{0:2}-{2:5}-{5:}", "{t}{0:}")),
    "MY": ("60", "0", lambda r: "1" + r.choice(["2", "9"]) + "555" + _d(r, 4),
           ("{t}{0:2}-{2:5} {5:}", "{t}{0:2} {2:5} {5:}")),
    "MX": ("52", "", lambda r: "55" + "5555" + _d(r, 4), ("{0:2} {2:6} {6:}",)),
    "BR": ("55", "", lambda r: r.choice(["11", "21"]) + "95555" + _d(r, 4),
           ("({0:2}) {2:7}-{7:}", "{0:2} {2:7}-{7:}")),
    "FR": ("33", "0", lambda r: "655" + "55" + _d(r, 4),
           ("{t}{0:1} {1:3} {3:5} {5:7} {7:}", "{t}{0:1}.{1:3}.{3:5}.{5:7}.{7:}")),
    "DE": ("49", "0", lambda r: "151" + "5550" + _d(r, 4),
           ("{t}{0:3} {3:7} {7:}", "{t}{0:3}/{3:}")),
    "US": ("1", "", lambda r: r.choice(["212", "415", "312"]) + "55501" + _d(r, 2),
           ("({0:3}) {3:6}-{6:}", "{0:3}-{3:6}-{6:}", "{0:3}.{3:6}.{6:}")),
    "GB": ("44", "0", lambda r: "7700900" + _d(r, 3), ("{t}{0:4} {4:}",)),
    "ES": ("34", "", lambda r: "655" + "55" + _d(r, 4), ("{0:3} {3:6} {6:}",)),
}  # fmt: skip
LANG_REGION = {"en": "US", "zh": "CN", "vi": "VN", "id": "ID", "ms": "MY", "th": "TH",
               "es": "MX", "pt": "BR", "fr": "FR", "de": "DE"}  # fmt: skip
DIGIT_WORDS = {
    "en": "zero one two three four five six seven eight nine",
    "id": "nol satu dua tiga empat lima enam tujuh delapan sembilan",
    "ms": "kosong satu dua tiga empat lima enam tujuh lapan sembilan",
    "vi": "không một hai ba bốn năm sáu bảy tám chín",
    "zh": "零 一 二 三 四 五 六 七 八 九",
    "th": "ศูนย์ หนึ่ง สอง สาม สี่ ห้า หก เจ็ด แปด เก้า",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve",
    "pt": "zero um dois três quatro cinco seis sete oito nove",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun",
}


def _d(r: random.Random, n: int) -> str:
    return "".join(str(r.randrange(10)) for _ in range(n))


def _fmt(fmt: str, trunk: str, nat: str) -> str:
    out, i = [], 0
    while i < len(fmt):
        if fmt[i] != "{":
            out.append(fmt[i])
            i += 1
            continue
        j = fmt.index("}", i)
        spec = fmt[i + 1 : j]
        if spec == "t":
            out.append(trunk)
        else:
            a, b = spec.split(":")
            out.append(nat[int(a) : int(b)] if b else nat[int(a) :])
        i = j + 1
    return "".join(out)


def phone_parts(
    r: random.Random, lang: str, region: str | None = None, abroad: bool = False
) -> tuple[str, str, str, str]:
    """``(cc, trunk, national, formatted national)`` for the language's usual region (or,
    with ``abroad``, sometimes a UK number: only written internationally, since a listing
    with a US region hint cannot carry a UK number in national form)."""
    region = region or LANG_REGION.get(lang, "US")
    if abroad and lang == "en" and r.random() < 0.4:
        region = "GB"
    cc, trunk, make, formats = _PHONES[region]
    nat = make(r)
    return cc, trunk, nat, _fmt(r.choice(formats), trunk, nat)


def phone(r: random.Random, lang: str) -> tuple[str, Gold]:
    cc, _, nat, surface = phone_parts(r, lang)
    return surface, ("phone", f"+{cc}{nat}")


def phone_intl(r: random.Random, lang: str) -> tuple[str, Gold]:
    cc, trunk, nat, surface = phone_parts(r, lang, abroad=True)
    body = surface[len(trunk) :] if trunk and surface.startswith(trunk) else surface
    body = body.replace("(", "").replace(")", "")
    form = r.choice(["+{cc} {b}", "+{cc}{n}", "(+{cc}) {b}", "00{cc} {b}"])
    return form.format(cc=cc, b=body, n=nat), ("phone", f"+{cc}{nat}")


def phone_digits(r: random.Random, lang: str) -> tuple[str, Gold]:
    """International digits without ``+`` (after ``wa.me/``)."""
    cc, _, nat, _ = phone_parts(r, lang, abroad=True)
    return f"{cc}{nat}", ("phone", f"+{cc}{nat}")


def _national_digits(r: random.Random, lang: str) -> tuple[str, str]:
    region = LANG_REGION.get(lang, "US")
    cc, trunk, nat, _ = phone_parts(r, lang, region)
    return trunk + nat, f"+{cc}{nat}"


def phone_words(r: random.Random, lang: str) -> tuple[str, Gold]:
    digits, value = _national_digits(r, lang)
    words = DIGIT_WORDS[lang].split()
    sep = "" if lang in ("zh", "th") else " "
    return sep.join(words[int(c)] for c in digits), ("phone", value)


def phone_mixed(r: random.Random, lang: str) -> tuple[str, Gold]:
    digits, value = _national_digits(r, lang)
    words = DIGIT_WORDS[lang].split()
    parts = [words[int(c)] if r.random() < 0.4 else c for c in digits]
    out = parts[0]
    for prev, cur in zip(parts, parts[1:], strict=False):
        glue = "" if prev.isdigit() and cur.isdigit() else ("" if lang in ("zh", "th") else " ")
        out += glue + cur
    return out, ("phone", value)


def phone_fullwidth(r: random.Random, lang: str) -> tuple[str, Gold]:
    surface, gold = phone(r, lang)
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in surface), gold


def phone_spaced(r: random.Random, lang: str) -> tuple[str, Gold]:
    digits, value = _national_digits(r, lang)
    return r.choice([" ", ".", "-"]).join(digits), ("phone", value)


def phone_zw(r: random.Random, lang: str) -> tuple[str, Gold]:
    digits, value = _national_digits(r, lang)
    cut = r.randrange(2, len(digits) - 2)
    return digits[:cut] + "\u200b" + digits[cut:], ("phone", value)


_NAMES = ["ivy", "jay", "mo", "tusk", "horn", "linh", "budi", "wei", "somchai", "ana", "luc",
          "kai", "mei", "dewi", "tuan", "pong", "rosa", "joao", "hugo", "lena"]  # fmt: skip
_TAILS = ["88", "_shop", "99", "2024x", "_vn", ".art", "777", "_id", "55", "_deal"]


def _name(r: random.Random) -> str:
    base = r.choice(_NAMES) + r.choice(["", "trade", "store", "craft", "king"])
    return base + r.choice(_TAILS) + str(r.randrange(10))


def handle(at: bool) -> Callable[[str], Filler]:
    def for_platform(platform: str) -> Filler:
        def fill(r: random.Random, lang: str) -> tuple[str, Gold]:
            name = _name(r).replace(".", "_")
            return ("@" if at else "") + name, (f"handle:{platform}", name.lower())

        return fill

    return for_platform


_LINKS = {
    "telegram": ("t.me/{n}", "https://t.me/{n}", "telegram.me/{n}"),
    "line": ("line.me/ti/p/~{n}", "https://line.me/ti/p/~{n}"),
    "instagram": ("instagram.com/{n}", "https://www.instagram.com/{n}"),
    "facebook": ("facebook.com/{n}", "https://m.facebook.com/{n}", "fb.com/{n}"),
    "tiktok": ("tiktok.com/@{n}", "https://www.tiktok.com/@{n}"),
}


def link(platform: str) -> Filler:
    def fill(r: random.Random, lang: str) -> tuple[str, Gold]:
        name = _name(r).replace(".", "_") if platform != "instagram" else _name(r)
        return r.choice(_LINKS[platform]).format(n=name), (f"handle:{platform}", name.lower())

    return fill


def paypal_me(r: random.Random, lang: str) -> tuple[str, Gold]:
    name = _name(r).replace(".", "")
    return f"paypal.me/{name}", ("paypal", f"paypal.me/{name.lower()}")


def email(r: random.Random, lang: str) -> tuple[str, Gold]:
    local, host = _name(r).replace("_", "."), r.choice(["gmail", "proton", "yahoo", "mail"])
    tld = r.choice(["com", "me", "vn", "co.id", "fr"])
    value = f"{local}@{host}.{tld}".lower()
    return f"{local}@{host}.{tld}", ("email", value)


def email_obf(r: random.Random, lang: str) -> tuple[str, Gold]:
    local, host = _name(r).replace(".", "_"), r.choice(["gmail", "proton", "yahoo"])
    tld = r.choice(["com", "net", "me"])
    at, dot = r.choice(
        [(" [at] ", " [dot] "), ("(at)", "(dot)"), (" at ", " dot "), (" @ ", " . "),
         ("＠", "．"), (" (at) ", "."), ("[@]", "[.]")]
    )  # fmt: skip
    return f"{local}{at}{host}{dot}{tld}", ("email", f"{local}@{host}.{tld}".lower())


def money_value(amount: float, currency: str) -> str:
    return f"{format_amount(amount)} {currency}"
