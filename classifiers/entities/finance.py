"""IBANs, bank accounts named with their bank, and payment-method mentions (PayPal,
Alipay, WeChat Pay).

Design notes
------------
* IBAN: a country code with a registry length, two check digits, then exactly as many
  characters as the registry says, in any grouping (spaces or dashes between groups);
  mod-97 decides. The next character must not continue the code. Value: compact,
  upper-case.
* Bank account: a bare digit run is far too common (order numbers, dates, phones), so an
  account needs a bank name or an account word ("rek", "STK", "số tài khoản", "账号",
  "เลขบัญชี", "account no", "CLABE") at most ~24 characters before it on the same line,
  with no messaging word between (so "BCA … WA 0813…" leaves the WhatsApp number alone).
  6–20 digits, grouped or not. Value: the digits; ``bank`` names the bank when given.
* Payment mentions ("PayPal", "支付宝", "微信支付") are recorded with the method as value:
  a weak signal for networks, never a link on its own. A ``paypal.me/<name>`` link is an
  identifier (contacts finder).
"""

from __future__ import annotations

import re

from classifiers.entities.base import ALIPAY, BANK_ACCOUNT, IBAN, PAYPAL, WECHAT_PAY
from classifiers.entities.checksums import IBAN_LENGTHS, iban_ok
from classifiers.entities.context import Context
from classifiers.entities.cues import cue_before

_IBAN_HEAD = re.compile(r"(?<![A-Za-z0-9])(?P<cc>[A-Za-z]{2})\d{2}")

BANKS = (
    "BCA", "BNI", "BRI", "Mandiri", "CIMB Niaga", "CIMB", "Maybank", "Public Bank", "RHB",
    "Vietcombank", "VCB", "Techcombank", "ACB", "BIDV", "Agribank", "MB Bank", "MBBank",
    "VPBank", "Sacombank", "TPBank", "VietinBank", "ICBC", "工商银行", "中国银行", "建设银行",
    "农业银行", "招商银行", "交通银行", "中國銀行", "Bank of China", "Kasikorn", "KBank",
    "กสิกร", "SCB", "ไทยพาณิชย์", "Bangkok Bank", "กรุงเทพ", "Krungthai", "กรุงไทย", "HSBC",
    "Barclays", "Lloyds", "NatWest", "Chase", "Wells Fargo", "Bank of America", "Santander",
    "Bradesco", "Itaú", "Itau", "Banco do Brasil", "Caixa", "Nubank", "BBVA", "Banorte",
    "Banamex", "Citibanamex", "BNP Paribas", "Société Générale", "Crédit Agricole",
    "Deutsche Bank", "Sparkasse", "Commerzbank", "DBS", "OCBC", "UOB",
)  # fmt: skip
ACCOUNT_WORDS = (
    "rekening", "no rek", "no. rek", "rek", "norek", "stk", "số tài khoản", "tài khoản", "tk",
    "account number", "account no", "account", "acc no", "acct", "a/c", "账号", "帐号", "账户",
    "賬號", "帳號", "卡号", "卡號", "银行卡", "เลขบัญชี", "บัญชี", "cuenta", "conta", "clabe",
    "compte", "konto", "rib", "ngân hàng", "bank", "banco", "banque", "银行", "銀行", "ธนาคาร",
)  # fmt: skip


def _words(words: tuple[str, ...]) -> str:
    out = []
    for w in sorted(words, key=len, reverse=True):
        esc = re.escape(w).replace("\\ ", r"\s?")
        out.append(esc if not w.isascii() else f"(?<![^\\W_]){esc}(?![^\\W_])")
    return "|".join(out)


_ACCOUNT = re.compile(
    f"(?:(?P<bank>{_words(BANKS)})|(?P<word>{_words(ACCOUNT_WORDS)}))"
    r"(?P<gap>[^\d\n]{0,24}?)(?P<num>(?<![\d+])\d(?:[ \-]?\d){5,19})(?![\d])",
    re.IGNORECASE,
)
_BANK_CANON = {b.lower(): b for b in BANKS}
_BANK_IN_GAP = re.compile(_words(BANKS), re.IGNORECASE)
_PAYMENT = re.compile(
    r"(?P<wechat_pay>wechat\s?pay|weixin\s?pay|微信支付|微信转账|微信轉賬|微信付款)"
    r"|(?P<alipay>(?<![A-Za-z])alipay(?![A-Za-z])|支付宝|支付寶|(?<![A-Za-z])zhifubao(?![A-Za-z]))"
    r"|(?P<paypal>(?<![A-Za-z])pay\s?pal(?![A-Za-z.]))",
    re.IGNORECASE,
)
_PAY_TYPES = {"wechat_pay": WECHAT_PAY, "alipay": ALIPAY, "paypal": PAYPAL}


def find_ibans(ctx: Context) -> None:
    text = ctx.text
    for m in _IBAN_HEAD.finditer(text):
        length = IBAN_LENGTHS.get(m.group("cc").upper())
        if length is None:
            continue
        end, compact = _consume(text, m.start(), length)
        if end and iban_ok(compact):
            ctx.add(IBAN, compact, m.start(), end, country=compact[:2])
        elif end and ctx.free(m.start(), end):
            ctx.claim(m.start(), end)  # IBAN-shaped but failing mod-97: no phone in it


def _consume(text: str, start: int, length: int) -> tuple[int, str]:
    """Read ``length`` alphanumerics from ``start``, allowing one space or dash between
    them; ``(0, "")`` unless the code ends exactly there."""
    chars: list[str] = []
    i = start
    while i < len(text) and len(chars) < length:
        c = text[i]
        if c.isascii() and c.isalnum():
            chars.append(c.upper())
            i += 1
        elif c in " -" and chars and i + 1 < len(text) and text[i + 1].isalnum():
            i += 1
        else:
            break
    if len(chars) != length or (i < len(text) and text[i].isascii() and text[i].isalnum()):
        return 0, ""
    return i, "".join(chars)


def find_bank_accounts(ctx: Context) -> None:
    text = ctx.text
    for m in _ACCOUNT.finditer(text):
        gap_cue = cue_before(text, m.start("num"), len(m.group("gap")) + 1)
        if gap_cue and gap_cue[0] in ("channel", "phone"):
            continue
        digits = re.sub(r"\D", "", m.group("num"))
        bank = m.group("bank") or _bank_in(m.group("gap")) or _bank_in(_before(text, m.start()))
        canon = _BANK_CANON.get(re.sub(r"\s+", " ", bank).lower(), bank) if bank else None
        ctx.add(BANK_ACCOUNT, digits, *m.span("num"), bank=canon)


def _bank_in(text: str) -> str | None:
    found = _BANK_IN_GAP.search(text)
    return found.group() if found else None


def _before(text: str, pos: int) -> str:
    lo = max(0, pos - 24, text.rfind("\n", 0, pos) + 1)
    return text[lo:pos]


def find_payment_mentions(ctx: Context) -> None:
    for m in _PAYMENT.finditer(ctx.text):
        kind = m.lastgroup or ""
        ctx.add(_PAY_TYPES[kind], kind, *m.span())
