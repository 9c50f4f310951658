"""Context words: which messaging channel a number is given for, which words make a number
an order/tracking/catalogue number, and which make it a phone at all.

Design notes
------------
* A cue counts only in a short window before the number on the same line, and the
  *nearest* cue wins: "Order 4471-2209 · WhatsApp 0903 555 123" has an order number and a
  WhatsApp number, not two of either.
* Latin cues need word edges; CJK and Thai cues don't (those scripts have no spaces).
"""

from __future__ import annotations

import re

CHANNELS: dict[str, tuple[str, ...]] = {
    "whatsapp": ("whatsapp", "whats app", "whatsap", "whats", "wa", "w.a", "wsp", "wpp", "zap",
                 "zapzap", "واتساب", "วอทส์แอพ"),
    "zalo": ("zalo", "za lo"),
    "line": ("line id", "line", "ไลน์", "ライン"),
    "viber": ("viber",),
    "telegram": ("telegram", "tele", "tg"),
    "wechat": ("wechat", "we chat", "weixin", "微信", "薇信", "威信", "加v", "加微", "vx", "wx",
               "v信", "加薇"),
    "signal": ("signal",),
    "alipay": ("alipay", "支付宝", "支付寶"),
}  # fmt: skip
PHONE_WORDS = (
    "phone", "tel", "call", "sms", "text me", "hp", "no hp", "nomor", "sđt", "sdt", "đt", "dt",
    "điện thoại", "gọi", "liên hệ", "lh", "电话", "電話", "手机", "手機", "联系", "聯繫", "telp",
    "telefon", "telefone", "teléfono", "telefono", "tél", "tel.", "โทร", "móvil", "movil",
    "celular", "cel", "hotline", "mobile", "contact", "contato", "contacto", "hubungi", "portable",
    "handy", "ring", "ring me", "text", "llámame", "llama", "ligue", "appelez", "appelle",
    "ruf an", "anrufen", "whatsapp me",
)  # fmt: skip
ID_WORDS = (
    "order", "order no", "invoice", "tracking", "track", "awb", "ref", "reference", "sku",
    "item no", "item", "catalog", "catalogue", "cat no", "lot", "serial", "s/n", "isbn", "model",
    "part no", "receipt", "mã đơn", "đơn hàng", "mã vận đơn", "vận đơn", "mã sp", "订单", "訂單",
    "单号", "單號", "运单", "快递", "货号", "貨號", "编号", "編號", "resi", "pesanan", "no resi",
    "kode", "pedido", "commande", "suivi", "rastreio", "rastreamento", "seguimiento",
    "artikel", "bestellung", "sendung", "เลขพัสดุ", "คำสั่งซื้อ", "รหัส", "注文", "id sản phẩm",
    "code", "no.", "nr", "#",
)  # fmt: skip
# German compounds: "Bestellnummer", "Sendungsnummer", "Artikelnr." — stems that start an
# id word (a prefix match), where "-nummer" alone would also catch "Handynummer".
ID_STEMS = ("bestell", "sendung", "artikel", "rechnung", "kunden", "auftrag", "paketnummer")
_CJKISH = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff]")


def _alternation(words: list[str], prefix: bool = False) -> str:
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        esc = re.escape(w).replace("\\ ", r"\s?")
        if _CJKISH.search(w) or not w[-1].isalnum():
            parts.append(esc)
        elif prefix:
            parts.append(f"(?<![^\\W_]){esc}[^\\W\\d_]*")
        else:
            parts.append(f"(?<![^\\W_]){esc}(?![^\\W\\d_])")
    return "|".join(parts)


_CHANNEL_OF = {w: ch for ch, ws in CHANNELS.items() for w in ws}
_CUE = re.compile(
    "(?P<channel>"
    + _alternation(list(_CHANNEL_OF))
    + ")|(?P<id>"
    + _alternation(list(ID_WORDS))
    + "|"
    + _alternation(list(ID_STEMS), prefix=True)
    + ")|(?P<phone>"
    + _alternation(list(PHONE_WORDS))
    + ")",
    re.IGNORECASE,
)
WINDOW = 32
_GENERIC = {"no.", "nr", "#", "code", "kode"}


def cue_before(text: str, pos: int, window: int = WINDOW) -> tuple[str, str] | None:
    """The nearest cue in ``text[pos-window:pos]`` on the same line: ``(kind, what)`` with
    kind ``channel`` (what = channel name), ``id`` or ``phone``; ``None`` when there is none."""
    lo = max(0, pos - window)
    nl = text.rfind("\n", lo, pos)
    lo = nl + 1 if nl >= 0 else lo
    cues = list(_CUE.finditer(text, lo, pos))
    if not cues:
        return None
    last = cues[-1]
    if last.lastgroup == "id" and last.group().lower() in _GENERIC and len(cues) > 1:
        last = cues[-2]  # "WA no. 0813…": the number is WhatsApp's, "no." only says "number"
    kind = last.lastgroup or ""
    if kind == "channel":
        return kind, _CHANNEL_OF.get(re.sub(r"\s+", " ", last.group().lower()), "")
    return kind, last.group().lower()
