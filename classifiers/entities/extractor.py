"""``EntityExtractor``: every finder over one text, in the order that keeps types apart.

Design notes
------------
* Order (see ``context.py``): wallets → IBANs → e-mails → links → payment mentions →
  bank accounts → prices → quantities → phones → handles. Checksummed identifiers first
  because they are certain; money and weights before phones so "Rp 1.500.000" and
  "500g" never become phone digits; handles last so a number after "微信" is a phone.
* The text is folded once (``fold.py``) and every finder reads the folded text; spans
  map back to the original, so ``text[start:end] == entity.surface`` always.
* Input is capped (``MAX_CHARS``) because scraped text is hostile; mentions beyond the
  cap are not extracted (the caller is told by ``truncated``).
* ``lang`` and ``region`` are hints; with neither, the language is detected
  (``classifiers.lang``) to choose phone regions and local money words.
"""

from __future__ import annotations

from collections.abc import Callable

from classifiers.entities.base import Entity
from classifiers.entities.contacts import find_emails, find_handles, find_links
from classifiers.entities.context import Context
from classifiers.entities.crypto import find_crypto
from classifiers.entities.finance import find_bank_accounts, find_ibans, find_payment_mentions
from classifiers.entities.fold import fold
from classifiers.entities.money import Rates, find_prices, find_quantities, load_rates
from classifiers.entities.phones import find_phones
from classifiers.lang import detect_language

MAX_CHARS = 100_000
VERSION = "1"


class EntityExtractor:
    """Extracts entity mentions from listing text. Stateless apart from the rate table,
    so one instance serves every thread and every listing."""

    name = "entities"
    version = VERSION

    def __init__(self, rates: Rates | None = None) -> None:
        self.rates = rates or load_rates()
        self._finders: list[Callable[[Context], None]] = [
            find_crypto,
            find_ibans,
            find_emails,
            find_links,
            find_payment_mentions,
            find_bank_accounts,
            lambda ctx: find_prices(ctx, self.rates),
            find_quantities,
            find_phones,
            find_handles,
        ]

    @property
    def model_tag(self) -> str:
        return f"{self.name}@{self.version}"

    def extract(
        self, text: str, lang: str | None = None, region: str | None = None
    ) -> list[Entity]:
        """Entity mentions in ``text``, sorted by position."""
        text = text[:MAX_CHARS]
        if not text.strip():
            return []
        if not lang and not region:
            lang = detect_language(text)
        ctx = Context(fold(text), lang=lang, region=region)
        for finder in self._finders:
            finder(ctx)
        return sorted(ctx.found, key=lambda e: (e.start, e.end))
