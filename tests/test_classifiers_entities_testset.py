"""The project-written entity test set: reproducible from its templates, and the
extractor keeps its measured quality on it (≥ 0.95 precision and recall per type)."""

from __future__ import annotations

from classifiers.entities import ENTITY_TYPES, EntityExtractor
from classifiers.entities.testset import HANDWRITTEN, TESTSET, build, dumps, load, per_type, score


def test_shipped_generated_set_is_exactly_what_the_templates_give() -> None:
    assert TESTSET.read_text(encoding="utf-8") == dumps(build()), (
        "regenerate with: python -m classifiers.entities.testset --write"
    )


def test_test_set_size_languages_and_gold_spans() -> None:
    rows = load(TESTSET) + load(HANDWRITTEN)
    assert len(rows) >= 300
    assert len({r["lang"] for r in rows}) >= 8
    types = set()
    for row in rows:
        for gold in row["entities"]:
            start, end = gold["span"]
            assert 0 <= start < end <= len(row["text"])
            types.add(gold["type"])
    assert types <= set(ENTITY_TYPES)
    assert len(types) >= 18  # every type but the rarest handle platforms has gold


def test_precision_and_recall_per_type_at_least_095() -> None:
    result = score(EntityExtractor(), load(TESTSET) + load(HANDWRITTEN))
    low = {t: pr for t, pr in per_type(result).items() if min(pr) < 0.95}
    assert not low, f"types below 0.95 (precision, recall): {low}"
