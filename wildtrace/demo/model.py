"""The demo corpus's record (``DemoItem``) and the small vocabularies it uses.

A ``DemoItem`` is one listing or post as the demo sites serve it, *plus* its ground
truth (``planted``, ``commodity``, ``intent``, ``image_only``, ``hard_negative``). The
sites render only the public fields; the truth leaves the process only through
``wildtrace.demo.truth``.

The body is stored with a ``{price}`` placeholder so a price edit between epochs
changes the rendered text too (a content change, as on a real site).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

SOURCES = ("bazaar", "tradepost", "wildfeed")
LANGS = ("en", "zh", "vi", "th", "id", "es", "fr", "pt")
INTENTS = ("sell", "buy", "other")

# Commodity keys follow the groups of shared/domain.md.
COMMODITIES = (
    "ivory",
    "rhino_horn",
    "pangolin",
    "big_cat",
    "bear_bile",
    "hornbill_casque",
    "turtle_shell",
    "totoaba_maw",
    "shahtoosh",
    "live_primate",
    "live_bird",
    "live_reptile",
)

# Bazaar categories: slug -> display name.
CATEGORIES = {
    "antiques": "Antiques & Collectibles",
    "jewellery": "Jewellery & Watches",
    "fashion": "Fashion",
    "health": "Health & Beauty",
    "home": "Home & Garden",
    "pets": "Pets & Animals",
    "electronics": "Electronics",
    "vehicles": "Vehicles & Bikes",
    "food": "Food & Drink",
    "services": "Services & Travel",
}

# Image path prefix per source (contract: /img, /media, /pic).
IMAGE_PREFIX = {"bazaar": "/img/", "tradepost": "/media/", "wildfeed": "/pic/"}

# currency -> (prefix, suffix, decimals shown)
_CURRENCY_STYLE = {
    "USD": ("$", "", 2),
    "GBP": ("£", "", 2),
    "EUR": ("", " €", 2),
    "CNY": ("¥", "", 0),
    "HKD": ("HK$", "", 0),
    "VND": ("", "₫", 0),
    "THB": ("", " บาท", 0),
    "IDR": ("Rp ", "", 0),
    "MXN": ("MX$", "", 0),
    "BRL": ("R$ ", "", 2),
    "ZAR": ("R ", "", 0),
    "SGD": ("S$", "", 2),
    "MYR": ("RM", "", 0),
    "NGN": ("₦", "", 0),
    "XOF": ("", " FCFA", 0),
}


def format_price(amount: float, currency: str) -> str:
    """A price as a seller would write it: ``$29.99``, ``1,200,000₫``, ``Rp 450,000``."""
    prefix, suffix, decimals = _CURRENCY_STYLE.get(currency, ("", f" {currency}", 2))
    if decimals and amount != int(amount):
        number = f"{amount:,.2f}"
    else:
        number = f"{int(round(amount)):,}"
    return f"{prefix}{number}{suffix}"


def nice_price(value: float, currency: str, rng: random.Random) -> float:
    """Round a raw amount the way sellers do: two significant digits, sometimes ``.99``."""
    if value < 10:
        return max(0.5, round(value * 2) / 2)
    step = 10 ** (math.floor(math.log10(value)) - 1)
    rounded = round(value / step) * step
    if _CURRENCY_STYLE.get(currency, ("", "", 2))[2] and rounded < 1000 and rng.random() < 0.3:
        rounded -= 0.01
    return float(round(rounded, 2))


@dataclass(frozen=True, slots=True)
class DemoItem:
    """One listing/post of one demo source at one epoch, with its ground truth."""

    source: str
    num: int
    listing_id: str
    title: str
    body: str
    price: float | None
    currency: str | None
    seller_id: str
    seller_name: str
    lang: str
    location: str
    created_at: str
    category: str | None
    tags: tuple[str, ...]
    n_images: int
    image_kind: str
    template: str
    planted: bool
    commodity: str | None
    intent: str
    image_only: bool
    hard_negative: bool
    edits: int = 0

    @property
    def text(self) -> str:
        """The body as served: the placeholder replaced by the current price."""
        if self.price is None or self.currency is None:
            return self.body.replace("{price}", "")
        return self.body.replace("{price}", format_price(self.price, self.currency))

    @property
    def price_text(self) -> str:
        if self.price is None or self.currency is None:
            return ""
        return format_price(self.price, self.currency)

    @property
    def key(self) -> str:
        """The evaluation key: ``source:listing_id``."""
        return f"{self.source}:{self.listing_id}"

    def image_names(self) -> list[str]:
        """File names (``<id>-<n>.png``); wildfeed uses the post number, not ``post-N``."""
        stem = str(self.num) if self.source == "wildfeed" else self.listing_id
        return [f"{stem}-{n}.png" for n in range(1, self.n_images + 1)]

    def image_paths(self) -> list[str]:
        return [IMAGE_PREFIX[self.source] + name for name in self.image_names()]

    def truth(self) -> dict[str, object]:
        return {
            "source": self.source,
            "listing_id": self.listing_id,
            "planted": self.planted,
            "commodity": self.commodity,
            "intent": self.intent,
            "lang": self.lang,
            "image_only": self.image_only,
            "hard_negative": self.hard_negative,
        }
