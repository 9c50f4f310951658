"""The plain keyword baseline: what monitoring teams mostly do today.

A listing is a hit when its lower-cased title+text contains any keyword from one flat
list of English and native product words — no normalisation, no context, no code words,
no weights. It is implemented honestly (a fair list, in every corpus language) so that
``wildtrace eval-text`` can print it beside the learned detector on the same split.
"""

from __future__ import annotations

from collections.abc import Sequence

KEYWORDS: dict[str, tuple[str, ...]] = {
    "en": ("ivory", "tusk", "rhino horn", "pangolin", "tiger", "leopard", "bear bile",
           "gallbladder", "bear paw", "hornbill", "tortoiseshell", "hawksbill", "totoaba",
           "shahtoosh", "loris", "orangutan", "chimpanzee", "gibbon", "tamarin",
           "african grey", "macaw", "cockatoo", "radiated tortoise", "ploughshare"),
    "zh": ("象牙", "犀牛角", "犀角", "穿山甲", "虎", "豹", "熊胆", "熊膽", "熊掌", "犀鸟",
           "犀鳥", "鹤顶红", "鶴頂紅", "玳瑁", "金钱鳘", "金錢鰵", "沙图什", "沙圖什", "藏羚羊",
           "懒猴", "懶猴", "猩猩", "长臂猿", "長臂猿", "鹦鹉", "鸚鵡", "陆龟", "陸龜"),
    "ja": ("象牙", "犀角", "サイの角", "センザンコウ", "虎", "ヒョウ", "熊胆", "サイチョウ",
           "べっ甲", "タイマイ", "トトアバ", "シャトーシュ", "スローロリス", "オランウータン",
           "ヨウム", "コンゴウインコ", "ホウシャガメ"),
    "vi": ("ngà", "sừng tê", "tê tê", "hổ", "báo", "mật gấu", "tay gấu", "hồng hoàng",
           "đồi mồi", "totoaba", "cu li", "đười ươi", "vẹt", "rùa"),
    "th": ("งาช้าง", "นอแรด", "ตัวนิ่ม", "ลิ่น", "เสือ", "ดีหมี", "อุ้งตีนหมี", "นกชนหิน",
           "กระ", "ลิงลม", "อุรังอุตัง", "ชะนี", "นกแก้ว", "มาคอว์", "เต่า"),
    "id": ("gading", "cula badak", "trenggiling", "harimau", "macan", "empedu beruang",
           "rangkong", "penyu", "kukang", "orangutan", "kakatua", "nuri", "kura-kura"),
    "es": ("marfil", "colmillo", "cuerno de rinoceronte", "pangolín", "tigre", "jaguar",
           "leopardo", "bilis de oso", "cálao", "carey", "totoaba", "buche", "loris",
           "orangután", "chimpancé", "guacamayo", "cacatúa", "loro gris", "tortuga"),
    "pt": ("marfim", "presa de elefante", "chifre de rinoceronte", "pangolim", "tigre",
           "onça", "bílis de urso", "calau", "tartaruga-de-pente", "totoaba", "orangotango",
           "chimpanzé", "arara", "cacatua", "papagaio", "jabuti"),
    "fr": ("ivoire", "défense", "corne de rhinocéros", "pangolin", "tigre", "léopard",
           "bile d'ours", "calao", "écaille", "totoaba", "shahtoosh", "loris",
           "orang-outan", "chimpanzé", "perroquet gris", "ara ", "cacatoès", "tortue"),
    "de": ("elfenbein", "stoßzahn", "nashorn", "rhinozeros", "schuppentier", "tiger",
           "leopard", "bärengalle", "hornvogel", "schildpatt", "karettschildkröte",
           "totoaba", "shahtoosh", "plumplori", "orang-utan", "schimpanse", "graupapagei",
           "ara", "kakadu", "schildkröte"),
}
ALL_KEYWORDS = tuple(sorted({k for words in KEYWORDS.values() for k in words}))


def keyword_hit(text: str) -> bool:
    """True when any keyword (any language) is a substring of the lower-cased text."""
    low = text.lower()
    return any(k in low for k in ALL_KEYWORDS)


def predict(texts: Sequence[str]) -> list[bool]:
    return [keyword_hit(t) for t in texts]
