"""``index.rules``: the upsert plan as a pure function (the contract suite runs it through
both backends; here each rule is pinned on its own)."""

from __future__ import annotations

from factories import at, make_alert, make_listing

from index.rules import Head, plan_alert_upsert, plan_upsert


def _head(version: int, digest: str, *, classified: bool = True) -> Head:
    return Head(version, digest, at(0), at(1), classified)


def test_a_new_listing_is_version_one_and_fresh() -> None:
    item = make_listing(fetched_at=at(5))
    plan = plan_upsert([item], {})
    assert plan.new_keys == [item.key]
    assert plan.versions == [(item, 1)]
    assert plan.heads[item.key] == Head(1, item.content_hash, at(5), at(5))
    assert plan.result.fresh_keys == (item.key,)


def test_an_unchanged_classified_listing_only_moves_last_seen() -> None:
    item = make_listing(fetched_at=at(9))
    plan = plan_upsert([item], {item.key: _head(3, item.content_hash)})
    assert plan.versions == []
    assert plan.heads[item.key].last_seen_at == at(9)
    assert plan.heads[item.key].first_seen_at == at(0)
    assert (plan.result.unchanged, plan.result.fresh_keys) == (1, ())


def test_an_unchanged_unclassified_listing_stays_fresh() -> None:
    item = make_listing()
    plan = plan_upsert([item], {item.key: _head(1, item.content_hash, classified=False)})
    assert plan.result.fresh_keys == (item.key,)
    assert plan.versions == []


def test_last_seen_never_moves_back() -> None:
    item = make_listing(fetched_at=at(0))
    stored = Head(1, item.content_hash, at(0), at(20), True)
    assert plan_upsert([item], {item.key: stored}).heads[item.key].last_seen_at == at(20)


def test_a_change_is_the_next_version_and_keeps_first_seen() -> None:
    item = make_listing(price=1.0, fetched_at=at(9))
    plan = plan_upsert([item], {item.key: _head(4, "old")})
    assert plan.versions == [(item, 5)]
    assert plan.changed_keys == [item.key]
    assert plan.heads[item.key] == Head(5, item.content_hash, at(0), at(9))
    assert (plan.result.new, plan.result.changed) == (0, 1)


def test_changes_within_one_batch_are_compared_in_order() -> None:
    a1, b, a2 = (
        make_listing(text="ivory", fetched_at=at(1)),
        make_listing(text="bone", fetched_at=at(2)),
        make_listing(text="ivory", fetched_at=at(3)),
    )
    plan = plan_upsert([a1, b, a2, a2], {})
    assert [v for _, v in plan.versions] == [1, 2, 3]
    assert plan.latest[a1.key] == a2
    result = plan.result
    assert (result.new, result.changed, result.unchanged) == (1, 2, 1)
    assert result.fresh_keys == (a1.key,)


def test_heads_cover_exactly_the_batch_keys() -> None:
    one, two = make_listing(listing_id="1"), make_listing(listing_id="2")
    other = make_listing(listing_id="3")
    plan = plan_upsert([one, two], {other.key: _head(1, other.content_hash)})
    assert list(plan.heads) == [one.key, two.key]


def test_alert_upsert_plan_creates_new_and_refreshes_existing() -> None:
    old, new = make_alert(make_listing(listing_id="1")), make_alert(make_listing(listing_id="2"))
    plan = plan_alert_upsert([old, new], {old.id})
    assert plan.created == [new]
    assert plan.refreshed == [old]
    assert [(e.alert_id, e.action, e.actor, e.to_state) for e in plan.entries] == [
        (new.id, "created", "rule:threshold", "new")
    ]
