"""The entities stage's contract: text in, ``Entity`` mentions out.

Design notes
------------
* An ``Entity`` is one *mention*: its ``span`` points into the text exactly as the seller
  wrote it (``text[start:end] == surface``), and ``value`` is the normalised identifier
  that links mentions across listings (E.164 phone, lower-case e-mail, compact IBAN …).
  The same number written twice gives two mentions with one value.
* ``type`` is one of :data:`ENTITY_TYPES`, or ``handle:<platform>`` for messaging and
  social handles. A number given as a WhatsApp/Zalo/Line contact is still a ``phone``:
  the channel is an attribute (``attrs["channel"]``), so one number is one identifier.
* Identifiers with a checksum (IBAN, wallets) are only reported when the checksum holds.
* ``attrs`` carries type-specific facts (channel, bank, amount and currency, grams …);
  all values are JSON scalars so records travel through JSONL and both stores as is.
* Extraction never raises on odd text; it takes a language and region *hint* (either may
  be missing) because "0903 555 123" is a phone in Vietnam and nothing in Germany.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PHONE = "phone"
EMAIL = "email"
IBAN = "iban"
BANK_ACCOUNT = "bank_account"
PAYPAL = "paypal"
ALIPAY = "alipay"
WECHAT_PAY = "wechat_pay"
CRYPTO_BTC = "crypto_btc"
CRYPTO_ETH = "crypto_eth"
CRYPTO_TRON = "crypto_tron"
PRICE = "price"
QUANTITY = "quantity"
HANDLE_PLATFORMS = (
    "telegram",
    "wechat",
    "line",
    "zalo",
    "signal",
    "instagram",
    "facebook",
    "tiktok",
)
ENTITY_TYPES = (
    PHONE,
    EMAIL,
    IBAN,
    BANK_ACCOUNT,
    PAYPAL,
    ALIPAY,
    WECHAT_PAY,
    CRYPTO_BTC,
    CRYPTO_ETH,
    CRYPTO_TRON,
    PRICE,
    QUANTITY,
) + tuple(f"handle:{p}" for p in HANDLE_PLATFORMS)
# Types that identify a person or an account (they link sellers); price and quantity
# describe an offer, and bare payment-method mentions are weak signals only.
IDENTIFIER_TYPES = frozenset(
    {PHONE, EMAIL, IBAN, BANK_ACCOUNT, CRYPTO_BTC, CRYPTO_ETH, CRYPTO_TRON}
    | {f"handle:{p}" for p in HANDLE_PLATFORMS}
)


def handle_type(platform: str) -> str:
    return f"handle:{platform}"


@dataclass(frozen=True, slots=True)
class Entity:
    """One mention of an entity in a text."""

    type: str
    value: str
    start: int
    end: int
    surface: str
    attrs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.type not in ENTITY_TYPES:
            raise ValueError(f"unknown entity type {self.type!r}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span ({self.start}, {self.end})")

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    @property
    def key(self) -> tuple[str, str]:
        """What links mentions: the type and the normalised value."""
        return self.type, self.value

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": self.type,
            "value": self.value,
            "span": [self.start, self.end],
            "surface": self.surface,
        }
        data.update(self.attrs)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        attrs = {k: v for k, v in data.items() if k not in ("type", "value", "span", "surface")}
        start, end = data["span"]
        return cls(
            type=str(data["type"]),
            value=str(data["value"]),
            start=int(start),
            end=int(end),
            surface=str(data.get("surface", "")),
            attrs=attrs,
        )
