"""Slot fillers for the entity test set: wallets, IBANs, bank accounts, prices,
quantities and the distractors (order/tracking/catalogue numbers, years, dates, wallets
and IBANs with a broken checksum). See ``testset_slots.py`` for the conventions."""

from __future__ import annotations

import random
import re

from classifiers.entities.checksums import (
    B58_ALPHABET,
    b58check_encode,
    eip55,
    iban_with_check,
    segwit_encode,
)
from classifiers.entities.testset_slots import Gold, money_value


def _bytes(r: random.Random, n: int) -> bytes:
    return bytes(r.randrange(256) for _ in range(n))


def btc(r: random.Random, lang: str) -> tuple[str, Gold]:
    addr = b58check_encode(bytes([r.choice([0x00, 0x05])]) + _bytes(r, 20))
    return addr, ("crypto_btc", addr)


def btc_bech32(r: random.Random, lang: str) -> tuple[str, Gold]:
    addr = segwit_encode("bc", 0, _bytes(r, 20))
    return addr, ("crypto_btc", addr)


def btc_taproot(r: random.Random, lang: str) -> tuple[str, Gold]:
    addr = segwit_encode("bc", 1, _bytes(r, 32))
    return addr, ("crypto_btc", addr)


def eth(r: random.Random, lang: str) -> tuple[str, Gold]:
    addr = eip55("0x" + _bytes(r, 20).hex())
    return addr, ("crypto_eth", addr.lower())


def eth_lower(r: random.Random, lang: str) -> tuple[str, Gold]:
    addr = "0x" + _bytes(r, 20).hex()
    return addr, ("crypto_eth", addr)


def tron(r: random.Random, lang: str) -> tuple[str, Gold]:
    addr = b58check_encode(b"\x41" + _bytes(r, 20))
    return addr, ("crypto_tron", addr)


def _corrupt(r: random.Random, text: str, alphabet: str, lo: int) -> str:
    i = r.randrange(lo, len(text))
    choices = [c for c in alphabet if c != text[i]]
    return text[:i] + r.choice(choices) + text[i + 1 :]


def btc_bad(r: random.Random, lang: str) -> tuple[str, Gold]:
    return _corrupt(r, btc(r, lang)[0], B58_ALPHABET, 1), None


def tron_bad(r: random.Random, lang: str) -> tuple[str, Gold]:
    return _corrupt(r, tron(r, lang)[0], B58_ALPHABET, 1), None


def eth_bad(r: random.Random, lang: str) -> tuple[str, Gold]:
    """A mixed-case address whose case pattern is not its EIP-55 checksum."""
    addr = eip55("0x" + _bytes(r, 20).hex())
    letters = [i for i, c in enumerate(addr) if i > 1 and c.isalpha()]
    i = r.choice(letters)
    return addr[:i] + addr[i].swapcase() + addr[i + 1 :], None


def bech32_bad(r: random.Random, lang: str) -> tuple[str, Gold]:
    return _corrupt(r, btc_bech32(r, lang)[0], "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 4), None


_BBAN = {"DE": "n18", "GB": "a4n14", "FR": "n23", "ES": "n20", "NL": "a4n10", "IT": "a1n22",
         "PT": "n21", "BE": "n12", "CH": "n17"}  # fmt: skip


def _iban(r: random.Random) -> str:
    country = r.choice(list(_BBAN))
    bban = ""
    for kind, count in re.findall(r"([an])(\d+)", _BBAN[country]):
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if kind == "a" else "0123456789"
        bban += "".join(r.choice(alphabet) for _ in range(int(count)))
    return iban_with_check(country, bban)


def _group(iban: str, r: random.Random) -> str:
    if r.random() < 0.3:
        return iban
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def iban(r: random.Random, lang: str) -> tuple[str, Gold]:
    code = _iban(r)
    return _group(code, r), ("iban", code)


def iban_bad(r: random.Random, lang: str) -> tuple[str, Gold]:
    code = _iban(r)
    i = r.randrange(4, len(code))
    swap = str((int(code[i]) + 1 + r.randrange(8)) % 10) if code[i].isdigit() else "X"
    if swap == code[i]:
        swap = "Y"
    return _group(code[:i] + swap + code[i + 1 :], r), None


def account(r: random.Random, lang: str) -> tuple[str, Gold]:
    n = r.choice([10, 12, 13, 16])
    digits = str(r.randrange(1, 10)) + "".join(str(r.randrange(10)) for _ in range(n - 1))
    if r.random() < 0.4 and n % 4 == 0:
        surface = " ".join(digits[i : i + 4] for i in range(0, n, 4))
    else:
        surface = digits
    return surface, ("bank_account", digits)


_PAY = {"paypal": ("PayPal", "paypal", "Paypal"), "alipay": ("支付宝", "Alipay", "alipay"),
        "wechat_pay": ("微信支付", "WeChat Pay", "wechat pay")}  # fmt: skip


def mention(kind: str) -> object:
    def fill(r: random.Random, lang: str) -> tuple[str, Gold]:
        return r.choice(_PAY[kind]), (kind, kind)

    return fill


# (surface pattern, currency, multiplier); {a} is the amount as written, {v} its value.
_PRICES: dict[str, list[tuple[str, str, float]]] = {
    "en": [("${a}", "USD", 1), ("US$ {a}", "USD", 1), ("£{a}", "GBP", 1), ("{a} USD", "USD", 1),
           ("€{a}", "EUR", 1)],
    "zh": [("{a}元", "CNY", 1), ("¥{a}", "CNY", 1), ("RMB {a}", "CNY", 1), ("{a}万元", "CNY", 1e4)],
    "vi": [("{a}đ", "VND", 1), ("{a}k", "VND", 1e3), ("{a} triệu", "VND", 1e6),
           ("{a} VND", "VND", 1), ("{a}tr", "VND", 1e6)],
    "id": [("Rp {a}", "IDR", 1), ("Rp{a}", "IDR", 1), ("{a}rb", "IDR", 1e3), ("{a} jt", "IDR", 1e6),
           ("IDR {a}", "IDR", 1)],
    "th": [("฿{a}", "THB", 1), ("{a} บาท", "THB", 1), ("{a} baht", "THB", 1)],
    "ms": [("RM {a}", "MYR", 1), ("RM{a}", "MYR", 1), ("{a} ringgit", "MYR", 1)],
    "es": [("{a} pesos", "MXN", 1), ("MXN {a}", "MXN", 1), ("{a} €", "EUR", 1),
           ("{a} euros", "EUR", 1)],
    "pt": [("R$ {a}", "BRL", 1), ("R${a}", "BRL", 1), ("{a} reais", "BRL", 1)],
    "fr": [("{a} €", "EUR", 1), ("{a} euros", "EUR", 1), ("EUR {a}", "EUR", 1)],
    "de": [("{a} €", "EUR", 1), ("{a} EUR", "EUR", 1), ("{a} Euro", "EUR", 1)],
}  # fmt: skip
_THOUSANDS = {"en": ",", "zh": ",", "th": ",", "ms": ",", "vi": ".", "id": ".", "es": ".",
              "pt": ".", "fr": ".", "de": "."}  # fmt: skip


def price(r: random.Random, lang: str) -> tuple[str, Gold]:
    pattern, currency, mult = r.choice(_PRICES[lang])
    if mult >= 1e6:
        whole, frac = r.randrange(1, 30), r.choice([0, 0, 5])
        amount = whole + frac / 10
        dec = "." if lang in ("zh", "en") else ","
        written = f"{whole}{dec}{frac}" if frac else str(whole)
        if pattern == "{a}tr" and frac:
            written = f"{whole}tr{frac}"
            pattern = "{a}"
    elif mult == 1e4:
        amount = r.randrange(1, 20)
        written = str(amount)
    elif mult == 1e3:
        amount = r.randrange(50, 999)
        written = str(amount)
    else:
        amount = r.randrange(20, 5000) * (1000 if currency in ("VND", "IDR") else 1)
        sep = _THOUSANDS[lang]
        written = (
            f"{amount:,}".replace(",", sep) if amount >= 1000 and r.random() < 0.8 else str(amount)
        )
    return pattern.format(a=written), ("price", money_value(amount * mult, currency))


_UNITS = {
    "en": [("kg", 1000), (" kg", 1000), ("g", 1), (" grams", 1), (" pcs", 0), (" pairs", 0)],
    "zh": [("公斤", 1000), ("克", 1), ("斤", 500), ("只", 0), ("根", 0), ("千克", 1000)],
    "vi": [(" lạng", 100), (" kg", 1000), (" con", 0), (" cái", 0), ("kg", 1000)],
    "id": [(" ons", 100), (" kg", 1000), (" ekor", 0), (" biji", 0), ("gr", 1)],
    "th": [(" กก.", 1000), (" กรัม", 1), (" ตัว", 0), (" ชิ้น", 0), (" ขีด", 100)],
    "ms": [(" kg", 1000), (" ekor", 0), (" gram", 1), (" biji", 0)],
    "es": [(" kg", 1000), (" gramos", 1), (" piezas", 0), (" unidades", 0)],
    "pt": [(" kg", 1000), (" gramas", 1), (" peças", 0), ("kg", 1000)],
    "fr": [(" kg", 1000), (" g", 1), (" pièces", 0)],
    "de": [(" kg", 1000), (" g", 1), (" Stück", 0)],
}  # fmt: skip


def qty(r: random.Random, lang: str) -> tuple[str, Gold]:
    unit, grams = r.choice(_UNITS[lang])
    amount = r.choice([1, 2, 3, 5, 10, 12, 20, 50, 100, 250, 500])
    if grams:
        value = f"{amount * grams:g} g" if amount * grams < 1e6 else f"{int(amount * grams)} g"
    else:
        value = f"{amount} pcs"
    return f"{amount}{unit}", ("quantity", value)


def order_no(r: random.Random, lang: str) -> tuple[str, Gold]:
    return str(r.randrange(10**9, 10**11)), None


def tracking(r: random.Random, lang: str) -> tuple[str, Gold]:
    form = r.choice(["JT{d}VN", "SPXID{d}", "LX{d}CN", "{d}", "1Z{d}"])
    return form.format(d=str(r.randrange(10**10, 10**12))), None


def catalogue(r: random.Random, lang: str) -> tuple[str, Gold]:
    return r.choice(["{a}-{b}", "{a}{b}", "{a}.{b}"]).format(
        a=r.randrange(1000, 9999), b=r.randrange(1000, 99999)
    ), None


def year(r: random.Random, lang: str) -> tuple[str, Gold]:
    return str(r.randrange(1950, 2026)), None


def date(r: random.Random, lang: str) -> tuple[str, Gold]:
    d, m, y = r.randrange(1, 29), r.randrange(1, 13), r.randrange(2018, 2026)
    return r.choice([f"{d:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{d:02d}.{m:02d}.{y}"]), None
