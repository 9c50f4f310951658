"""Query parameters that several routes share, each declared once.

Every class here is a FastAPI dependency, used as ``Annotated[SearchParams, Depends()]``:
FastAPI reads the dataclass ``__init__`` signature, so each field becomes one query
parameter with the same name, length cap, 422 on bad input and OpenAPI entry as if the
route had declared it itself. Routes that add parameters (paging, ``min_score``) use a
subclass, so the fields keep the order the routes have always listed them in.

Values arrive raw; ``AlertParams.alert_filter`` and ``SearchParams.search_query`` strip,
validate and cap them (with ``web.queries.clean``), so the pages and the JSON API
build their store filters the same way.

No ``from __future__ import annotations`` here: FastAPI resolves string annotations
against the globals of the dependency, and a class has none, so they must be real types.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query

from index.base import MAX_WINDOW, AlertFilter, SearchQuery
from web.queries import MAX_API_LIMIT, MAX_FIELD_CHARS, BadRequest, check_state, clean

Str = Annotated[str | None, Query(max_length=MAX_FIELD_CHARS)]
Limit = Annotated[int, Query(ge=1, le=MAX_API_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_WINDOW)]  # past it: 422, not a 500
Page = Annotated[int, Query(ge=1, le=100_000)]


@dataclass(frozen=True, slots=True)
class AlertParams:
    """The alert filters of the queue page, ``GET /api/alerts`` and the exports."""

    state: Str = None
    source: Str = None
    commodity: Str = None
    seller: Str = None
    network: Str = None

    def alert_filter(
        self, *, min_score: float | None = None, limit: int = 50, offset: int = 0
    ) -> AlertFilter:
        """The validated filter (limit capped, offset non-negative); raises
        ``BadRequest`` (a 422) on a bad value."""
        if min_score is not None and not 0.0 <= min_score <= 1.0:
            raise BadRequest("min_score must be in [0, 1]")
        return AlertFilter(
            state=check_state(clean(self.state, "state")),
            source=clean(self.source, "source"),
            commodity=clean(self.commodity, "commodity"),
            seller_id=clean(self.seller, "seller"),
            network=clean(self.network, "network"),
            min_score=min_score,
            limit=max(1, min(limit, MAX_API_LIMIT)),
            offset=max(0, offset),
        )


@dataclass(frozen=True, slots=True)
class AlertListParams(AlertParams):
    """``GET /api/alerts``: the alert filters, a minimum score and a limit/offset window."""

    min_score: float | None = None
    limit: Limit = 50
    offset: Offset = 0


@dataclass(frozen=True, slots=True)
class AlertPageParams(AlertParams):
    """The queue page: the alert filters, the desk's own filters (``web.queue``, checked
    there so a bad value gets an HTML answer) and a 1-based page number."""

    lang: Str = None
    min_score: Str = None
    max_score: Str = None
    since: Str = None
    until: Str = None
    flag: Str = None
    assignee: Str = None
    sort: Str = None
    group: Str = None
    page: Page = 1


@dataclass(frozen=True, slots=True)
class SearchParams:
    """The search filters of the search page, ``GET /api/search`` and the histogram."""

    q: Str = None
    source: Str = None
    commodity: Str = None
    intent: Str = None
    lang: Str = None
    kind: Str = None

    def search_query(self, *, limit: int = 20, offset: int = 0) -> SearchQuery:
        """The cleaned query (blank values mean "no filter"; limit capped, offset
        non-negative)."""
        return SearchQuery(
            text=clean(self.q, "q"),
            source=clean(self.source, "source"),
            commodity=clean(self.commodity, "commodity"),
            intent=clean(self.intent, "intent"),
            lang=clean(self.lang, "lang"),
            kind=clean(self.kind, "kind"),
            limit=max(1, min(limit, MAX_API_LIMIT)),
            offset=max(0, offset),
        )


@dataclass(frozen=True, slots=True)
class SearchListParams(SearchParams):
    """``GET /api/search``: the search filters and a limit/offset window."""

    limit: Limit = 20
    offset: Offset = 0


@dataclass(frozen=True, slots=True)
class SearchPageParams(SearchParams):
    """The search page: the search filters and a 1-based page number."""

    page: Page = 1


@dataclass(frozen=True, slots=True)
class HistogramParams:
    """``GET /api/histogram``: which listing date to count and per what interval (checked
    by ``Store.date_histogram``)."""

    field: Annotated[str, Query(max_length=40)] = "first_seen_at"
    interval: Annotated[str, Query(max_length=40)] = "day"
