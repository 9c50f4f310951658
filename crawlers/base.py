"""The crawl stage's contract: the immutable ``Listing`` record.

A listing is what one fetch of one advert or post said, at one moment, from one URL.
Every later stage (classifiers, stores, alerts) receives ``Listing`` objects and never
reaches back into the crawler. Records are frozen: a change on the site becomes a *new*
version with a new ``content_hash``; the old version stays as captured (evidence is
never rewritten).

Two hashes, two jobs:

* ``content_hash`` covers what the seller wrote (title, text, price, seller, images),
  not when we looked. Equal hashes mean "unchanged", so incremental crawls skip them.
* ``evidence_sha256`` is the SHA-256 of the raw response body as downloaded, stored
  content-addressed in the evidence folder, so an investigator can prove what the page
  said; ``warc_ref`` names the request/response exchange in the crawl's WARC file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

MAX_TITLE_CHARS = 500
MAX_TEXT_CHARS = 20_000
MAX_IMAGES = 20

KINDS = ("listing", "post")


def content_hash(
    *,
    title: str,
    text: str,
    price: float | None,
    currency: str | None,
    seller_id: str | None,
    images: tuple[str, ...],
) -> str:
    """SHA-256 over the seller-authored fields, canonically serialised."""
    canonical = json.dumps(
        [title, text, price, currency, seller_id, list(images)],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Listing:
    """One captured version of one listing or post."""

    source: str
    listing_id: str
    url: str
    title: str
    text: str
    fetched_at: str
    price: float | None = None
    currency: str | None = None
    seller_id: str | None = None
    seller_name: str | None = None
    seller_url: str | None = None
    images: tuple[str, ...] = ()
    kind: str = "listing"
    lang_hint: str | None = None
    region_hint: str | None = None
    posted_at: str | None = None
    location: str | None = None
    evidence_sha256: str | None = None
    # SHA-256 of each image kept as evidence (files under the evidence store).
    image_sha256: tuple[str, ...] = ()
    # The response record of the page in the crawl's WARC file ("warc/<source>/<file>#<offset>",
    # see crawlers.warc); empty for versions captured before WARC files were written.
    warc_ref: str = ""
    content_hash: str = field(default="")

    def __post_init__(self) -> None:
        if not self.source or not self.listing_id:
            raise ValueError("a listing needs a source and a listing_id")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        # Caps protect every later stage from hostile, oversized pages.
        object.__setattr__(self, "title", self.title[:MAX_TITLE_CHARS])
        object.__setattr__(self, "text", self.text[:MAX_TEXT_CHARS])
        object.__setattr__(self, "images", tuple(self.images)[:MAX_IMAGES])
        object.__setattr__(self, "image_sha256", tuple(self.image_sha256)[:MAX_IMAGES])
        expected = content_hash(
            title=self.title,
            text=self.text,
            price=self.price,
            currency=self.currency,
            seller_id=self.seller_id,
            images=self.images,
        )
        if self.content_hash and self.content_hash != expected:
            raise ValueError(f"content_hash mismatch for {self.key}: record was altered")
        object.__setattr__(self, "content_hash", expected)

    @property
    def key(self) -> str:
        """Stable identity across versions: ``source:listing_id``."""
        return f"{self.source}:{self.listing_id}"

    def to_dict(self) -> dict[str, Any]:
        # Not ``dataclasses.asdict``: it deep-copies every value, and was half the cost of
        # storing a listing (every field here is immutable; tuples become lists below).
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        data["images"] = list(self.images)
        data["image_sha256"] = list(self.image_sha256)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Listing:
        """Build from a dict, ignoring unknown keys; raises ``ValueError`` on bad input."""
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        for required in ("source", "listing_id", "url", "fetched_at"):
            if not isinstance(kwargs.get(required), str):
                raise ValueError(f"listing field {required!r} missing or not a string")
        kwargs["title"] = str(kwargs.get("title") or "")
        kwargs["text"] = str(kwargs.get("text") or "")
        kwargs["images"] = tuple(str(i) for i in kwargs.get("images") or ())
        kwargs["image_sha256"] = tuple(str(i or "") for i in kwargs.get("image_sha256") or ())
        price = kwargs.get("price")
        kwargs["price"] = None if price in (None, "") else float(price)
        return cls(**kwargs)


_FIELD_NAMES = tuple(f.name for f in fields(Listing))
