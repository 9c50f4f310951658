"""Generate the demo corpus deterministically from the templates.

Each source gets fixed quotas of template kinds at epoch 0 (about 12.6% planted
overall, a third hard negatives, news mostly on the social feed). Templates are drawn
from a per-kind shuffled cycle, so every template is used before any is repeated; the
title/description variant, seller, city, price, obfuscation and image count are drawn
from a ``random.Random`` seeded by the source name. The same code makes the new items
of later epochs (``new_items``) and the robots-disallowed private listings.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

from wildtrace.demo.model import DemoItem, nice_price
from wildtrace.demo.obfuscate import apply_marks
from wildtrace.demo.people import SellerBook, city_currency, random_contact
from wildtrace.demo.photos import photo_kind
from wildtrace.demo.templates import Template, load_templates, load_world

# Epoch-0 counts per source and kind (sum: 150 / 110 / 80), before the reposts.
QUOTAS = {
    "bazaar": {"planted": 19, "hard": 46, "news": 3, "plain": 82},
    "tradepost": {"planted": 14, "hard": 35, "news": 2, "plain": 59},
    "wildfeed": {"planted": 10, "hard": 18, "news": 22, "plain": 30},
}
FIRST_NUM = {"bazaar": 1001, "tradepost": 20001, "wildfeed": 301}
BASE_TIME = datetime(2026, 11, 20, 10, 0, 0, tzinfo=UTC)  # epoch 0's "now"
HISTORY = timedelta(days=30)  # epoch-0 items were posted over the previous month
PRIVATE_COUNT = 6
# Extra image-only offers per source that repost known case photos under other sellers
# (issue 10). Drawn with their own generator, after the quotas, so the rest of the
# corpus is exactly what it was without them.
REPOSTS = {"bazaar": 4, "tradepost": 2, "wildfeed": 2}

_CHANNEL = r"(?:whatsapp|whats|wa|zalo|telegram|tele|wechat|微信|line|ไลน์|zap)"
_CHANNEL_WORD = re.compile(_CHANNEL + r"(?![A-Za-z])", re.IGNORECASE)
_CHANNEL_BEFORE_SLOT = re.compile(
    r"(?<![A-Za-z])" + _CHANNEL + r"\s*[:：]?\s*\{contact\}", re.IGNORECASE
)


def listing_id(source: str, num: int) -> str:
    if source == "bazaar":
        return str(num)
    if source == "tradepost":
        return f"tp{num}"
    return f"post-{num}"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _keep_slot(match: re.Match[str]) -> str:
    """Drop the channel word before ``{contact}``, keeping a space between words."""
    start = match.start()
    glued = start > 0 and not match.string[start - 1].isspace()
    return " {contact}" if glued else "{contact}"


class TemplateCycle:
    """Templates of one kind in a shuffled endless cycle, shared by the sources so that
    every template is used somewhere before any is used twice."""

    def __init__(self, templates: tuple[Template, ...], rng: random.Random) -> None:
        self._templates = templates
        self._rng = rng
        self._queue: list[Template] = []
        self._started = False

    def next(self, source: str) -> Template:
        for _ in range(2):
            for i, tpl in enumerate(self._queue):
                if tpl.allows(source):
                    return self._queue.pop(i)
            self._queue.extend(self._refill())
        raise ValueError(f"no template of this kind allows source {source!r}")

    def _refill(self) -> list[Template]:
        """A shuffled pass over all templates; the first pass puts pinned ones first."""
        pinned = [t for t in self._templates if t.pinned and not self._started]
        rest = [t for t in self._templates if t not in pinned]
        self._rng.shuffle(pinned)
        self._rng.shuffle(rest)
        self._started = True
        return pinned + rest


def new_cycles(rng: random.Random) -> dict[str, TemplateCycle]:
    return {kind: TemplateCycle(group, rng) for kind, group in load_templates().items()}


class ItemFactory:
    """Turns templates into ``DemoItem`` records for one source."""

    def __init__(
        self, source: str, rng: random.Random, cycles: dict[str, TemplateCycle] | None = None
    ) -> None:
        self.source = source
        self.rng = rng
        self.sellers = SellerBook(source)
        self.world = load_world()
        self.cycles = cycles if cycles is not None else new_cycles(rng)

    def make(self, kind: str, num: int, posted: datetime, id_prefix: str = "") -> DemoItem:
        tpl = self.cycles[kind].next(self.source)
        rng = self.rng
        seller = self.sellers.for_item(tpl, rng)
        city = seller.city or rng.choice(self.world["cities"][tpl.lang])[0]
        contact = seller.contact if tpl.planted else random_contact(tpl.lang, rng)
        # Title and description variants are written in pairs.
        variant = rng.randrange(max(len(tpl.titles), len(tpl.texts)))
        body = self._fill(tpl.texts[variant % len(tpl.texts)], city, contact)
        if not tpl.planted and tpl.usd is not None and self.rng.random() < 0.6:
            body += " " + self.rng.choice(self.world["extras"][tpl.lang])  # sellers' boilerplate
        title = self._fill(tpl.titles[variant % len(tpl.titles)], city, contact)
        price, currency = self._price(tpl, body, city)
        return DemoItem(
            source=self.source,
            num=num,
            listing_id=id_prefix + listing_id(self.source, num),
            title=title,
            body=body,
            price=price,
            currency=currency,
            seller_id=seller.id,
            seller_name=seller.name,
            lang=tpl.lang,
            location=city,
            created_at=iso(posted),
            category=tpl.category,
            tags=tpl.tags,
            n_images=self._image_count(tpl),
            image_kind=_image_kind(tpl, seller.ring),
            template=tpl.key,
            planted=tpl.planted,
            commodity=tpl.commodity,
            intent=tpl.intent,
            image_only=tpl.image_only,
            hard_negative=tpl.hard_negative,
        )

    def _fill(self, text: str, city: str, contact: str) -> str:
        if _CHANNEL_WORD.match(contact):  # "WhatsApp {contact}" + "WhatsApp +52..."
            text = _CHANNEL_BEFORE_SLOT.sub(_keep_slot, text)
        text = text.replace("{city}", city).replace("{contact}", contact)
        text = text.replace("{n}", str(self.rng.randint(2, 8)))
        return apply_marks(text, self.rng)

    def _price(self, tpl: Template, body: str, city: str) -> tuple[float | None, str | None]:
        # Social posts carry a price only when their text states one.
        if tpl.usd is None or (self.source == "wildfeed" and "{price}" not in body):
            return None, None
        currency = city_currency(city)
        usd = self.rng.uniform(*tpl.usd)
        return nice_price(usd * self.world["usd_rate"][currency], currency, self.rng), currency

    def _image_count(self, tpl: Template) -> int:
        if tpl.image_only:
            return self.rng.randint(1, 2)
        if tpl.planted:
            return self.rng.randint(1, 3)
        return self.rng.choice((0, 1, 1, 2, 2, 3))


def _image_kind(tpl: Template, ring: str | None) -> str:
    """Image-only offers repost a ring's photo or a case photo; other planted posts show
    the seller's own photo; everything else a plain drawing (``images.py``, ``photos.py``)."""
    if tpl.image_only:
        return photo_kind(tpl.image, ring)
    return f"own:{tpl.image}" if tpl.planted else tpl.image


def _kinds(source: str, rng: random.Random) -> list[str]:
    kinds = [kind for kind, n in QUOTAS[source].items() for _ in range(n)]
    rng.shuffle(kinds)
    return kinds


def base_items() -> dict[str, list[DemoItem]]:
    """Epoch 0 of every source, ordered by number (numbers grow with posting time)."""
    cycles = new_cycles(random.Random("wildtrace-demo:templates"))
    return {source: _base_source(source, cycles) for source in QUOTAS}


def _base_source(source: str, cycles: dict[str, TemplateCycle]) -> list[DemoItem]:
    rng = random.Random(f"wildtrace-demo:base:{source}")
    factory = ItemFactory(source, rng, cycles)
    kinds = _kinds(source, rng)
    offsets = sorted((rng.uniform(0, HISTORY.total_seconds()) for _ in kinds), reverse=True)
    items = [
        factory.make(kind, FIRST_NUM[source] + i, BASE_TIME - timedelta(seconds=offset))
        for i, (kind, offset) in enumerate(zip(kinds, offsets, strict=True))
    ]
    return items + _reposts(source, FIRST_NUM[source] + len(items))


def _reposts(source: str, first_num: int) -> list[DemoItem]:
    """Image-only offers reposting known photos: newest items, after the quota items."""
    rng = random.Random(f"wildtrace-demo:reposts:{source}")
    image_only = tuple(t for t in load_templates()["planted"] if t.image_only)
    factory = ItemFactory(source, rng, {"repost": TemplateCycle(image_only, rng)})
    return [
        factory.make("repost", first_num + i, BASE_TIME - timedelta(hours=REPOSTS[source] - i))
        for i in range(REPOSTS[source])
    ]


def new_items(source: str, epoch: int, first_num: int, count: int) -> list[DemoItem]:
    """Items that appear at ``epoch`` (>= 1), kinds drawn in the epoch-0 proportions."""
    rng = random.Random(f"wildtrace-demo:new:{source}:{epoch}")
    factory = ItemFactory(source, rng)
    quota = QUOTAS[source]
    kinds = rng.choices(list(quota), weights=list(quota.values()), k=count)
    start = BASE_TIME + timedelta(hours=epoch)
    return [
        factory.make(kind, first_num + i, start + timedelta(minutes=7 * i))
        for i, kind in enumerate(kinds)
    ]


def private_items() -> list[DemoItem]:
    """Bazaar listings under ``/private/`` (robots-disallowed; never part of the truth)."""
    rng = random.Random("wildtrace-demo:private")
    factory = ItemFactory("bazaar", rng)
    return [
        factory.make("planted", i, BASE_TIME - timedelta(days=i), id_prefix="p")
        for i in range(1, PRIVATE_COUNT + 1)
    ]
