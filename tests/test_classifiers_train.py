"""Corpus generation, keyword baseline, feedback folding, metrics, and a tiny training run."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from classifiers.train import baseline, corpus
from classifiers.train.data import CORPUS_PATH, lang_tag, load_corpus, select
from classifiers.train.feedback import load_feedback
from classifiers.train.metrics import hard_negative_fpr, prf, reliability

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return load_corpus()


def test_generator_reproduces_the_shipped_corpus(tmp_path: Path) -> None:
    corpus.write(corpus.generate(), tmp_path)
    assert (tmp_path / "text_corpus.jsonl").read_bytes() == CORPUS_PATH.read_bytes()


def test_corpus_meets_the_issue_floor(rows: list[dict[str, Any]]) -> None:
    assert len(rows) >= 2500
    assert len({lang_tag(r) for r in rows}) >= 10
    assert {r["commodity"] for r in rows if r["commodity"]} >= {
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
    }
    kinds = Counter(r["negative_kind"] for r in rows)
    hard = sum(
        kinds[k]
        for k in (
            "colour_material",
            "brand_place",
            "faux",
            "lookalike_animal",
            "other_species",
            "news",
            "awareness",
        )
    )
    assert hard / len(rows) >= 0.40 and min(kinds[k] for k in kinds if k) > 100
    assert {r["intent"] for r in rows if r["label"] == "wildlife"} == {"sell", "buy"}
    # The seven script-level obfuscations, plus round five's run-together and punctuation splits.
    assert {r["obfuscation"] for r in rows if r["obfuscation"]} == {
        "spaced", "leet", "cyrillic", "fullwidth", "zero_width", "cjk_spacing", "emoji",
        "run_together", "punct_split",
    }  # fmt: skip
    assert len({r["id"] for r in rows}) == len(rows)


def test_held_out_templates_never_reach_training(rows: list[dict[str, Any]]) -> None:
    train_templates = {r["template"] for r in select(rows, "train")}
    for split in ("dev", "test"):
        held = {r["template"] for r in rows if r.get("held_out") == split}
        assert held and not held & train_templates
        assert all(r["split"] == split for r in rows if r.get("held_out") == split)


def test_keyword_baseline_is_naive() -> None:
    assert baseline.keyword_hit("Ivory-coloured wedding dress")  # no context
    assert baseline.keyword_hit("Customs seized 40 kg of rhino horn")  # news too
    assert not baseline.keyword_hit("white plastic bangle, old stock")  # no code words
    assert not baseline.keyword_hit("r.h.i.n.o horn")  # no normalisation


def test_feedback_rows_fold_into_training(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    lines = [
        {
            "id": "a1",
            "text": "象牙 bangle, WeChat me",
            "title": "",
            "lang": "zh",
            "label": "wildlife",
            "commodity": "ivory",
            "intent": "sell",
            "source": "triage",
        },
        {
            "id": "a2",
            "text": "ivory paint",
            "label": "clean",
            "commodity": "ivory",
            "intent": "sell",
            "source": "triage",
        },
        {"id": "a3", "text": "no label"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n", encoding="utf-8")
    got = load_feedback([path])
    assert [r["id"] for r in got] == ["fb:a1", "fb:a2"]
    assert got[0]["split"] == "train" and got[0]["commodity"] == "ivory"
    assert got[1]["commodity"] is None and got[1]["negative_kind"] == "feedback"


def test_metrics_by_hand() -> None:
    m = prf([True, True, False, False], [True, False, True, False])
    assert (m["p"], m["r"], m["f1"]) == (0.5, 0.5, 0.5)
    ece, table = reliability([0.05, 0.15, 0.95, 0.95], [False, False, True, True])
    assert ece == pytest.approx((0.05 + 0.15 + 0.05 + 0.05) / 4)
    assert sum(b["n"] for b in table) == 4
    fpr = hard_negative_fpr(
        [
            {"label": "clean", "negative_kind": "news"},
            {"label": "clean", "negative_kind": "faux"},
            {"label": "clean", "negative_kind": "generic"},
        ],
        [True, False, True],
    )
    assert fpr["all"] == 0.5 and fpr["news"] == 1.0


def test_tiny_training_run_writes_loadable_artefacts(
    rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    from classifiers.text.encoder_cache import CachedEncoder
    from classifiers.text.encoders import USEEncoder
    from classifiers.text.learned import LearnedDetector, _lexicon
    from classifiers.train.data import to_docs
    from classifiers.train.train import save_model, train_model

    rng = np.random.default_rng(0)
    small = [rows[i] for i in rng.choice(len(rows), 300, replace=False)]
    small = [r for r in small if r["split"] in ("train", "dev")]
    lexicon = _lexicon()
    # Through a still-empty embedding cache, as `train-text --embed-cache` first runs: an
    # empty cache has len() 0 and must still count as an encoder.
    encoder = CachedEncoder(USEEncoder(), tmp_path / "embed-cache")
    model = train_model(small, encoder, lexicon, char_features=2**12, c_grid=(10.0,))
    assert 0 < len(encoder) <= len(small) and encoder.path.is_file()
    out = save_model(model, tmp_path / "model", {"thresholds": {"queue": 0.5}})
    assert (out / "heads.npz").stat().st_size < 5_000_000
    meta = json.loads((out / "meta.json").read_text())
    assert meta["spec"]["encoder"] == "use" and meta["train_data_sha256"]
    detector = LearnedDetector(out, lexicon=lexicon)
    dets = detector.classify(to_docs(small[:20]))
    assert [d.id for d in dets] == [r["id"] for r in small[:20]]
    assert all(0.0 <= d.score <= 1.0 and d.reasons[-1].kind == "model" for d in dets)


def test_cascade_bounds_route_stage1_mistakes_to_the_encoder() -> None:
    from classifiers.text.model import Prediction
    from classifiers.train.cascade import choose_bounds

    rows: list[dict[str, Any]] = [
        {"label": "clean", "negative_kind": "generic", "intent": None},
        {"label": "clean", "negative_kind": "news", "intent": "other"},
        {"label": "wildlife", "negative_kind": None, "intent": "sell"},
        {"label": "wildlife", "negative_kind": None, "intent": "buy"},
        {"label": "clean", "negative_kind": "faux", "intent": None},
    ]
    sell, buy = [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]
    intents = np.array([sell, sell, sell, buy, sell])
    # Stage 1 is confidently wrong on rows 1 and 3; the full model is right everywhere.
    first = Prediction(np.array([0.001, 0.95, 0.999, 0.04, 0.3]), np.zeros((5, 1)), intents)
    second = Prediction(np.array([0.01, 0.02, 0.99, 0.97, 0.1]), np.zeros((5, 1)), intents)
    cfg = choose_bounds(rows, first, second, ["buy", "other", "sell"], threshold=0.5)
    lo, hi = cfg["clean_below"], cfg["wildlife_from"]
    exits = [p < lo or p >= hi for p in first.prob]
    assert exits == [True, False, True, False, False]
    assert cfg["dev_cascade"]["f1"] == cfg["dev_full"]["f1"] == 1.0
    assert cfg["dev_exit"]["all"] == pytest.approx(0.4)


def _sha(lines: list[str]) -> str:
    return hashlib.sha256("".join(lines).encode()).hexdigest()


# The test split as shipped in round two (commit cb7a7a1): ids, titles, texts, labels and
# intents. Round three added train/dev rows only; test figures stay comparable.
ROUND_TWO_TEST_SHA = "8c3e1768b22752de85bd755c67e830791904b0277db4886021de8670d84590bd"
# Whole rows, after the commodity key tortoiseshell was renamed turtle_shell.
TEST_ROWS_SHA = "6e1755b8fd2e9a03c247a37098e052e733b173d67fc3182fb31f0f9bf9415357"


def test_the_test_split_is_byte_identical_to_round_two(rows: list[dict[str, Any]]) -> None:
    test = [r for r in rows if r["split"] == "test"]
    assert len(test) == 786
    fields = ("id", "title", "text", "label", "intent")
    assert _sha(["\t".join(r[f] for f in fields) + "\n" for r in test]) == ROUND_TWO_TEST_SHA
    full = [json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in test]
    assert _sha(full) == TEST_ROWS_SHA


def test_extra_rows_are_train_or_dev_and_never_repeat_a_test_row(
    rows: list[dict[str, Any]],
) -> None:
    extra = [r for r in rows if "-x" in r["id"]]
    assert len(extra) > 4000
    assert {r["split"] for r in extra} == {"train", "dev"}
    test_texts = {(r["title"], r["text"]) for r in rows if r["split"] == "test"}
    assert not test_texts & {(r["title"], r["text"]) for r in extra}
    # Code-word-only offers cover every commodity.
    coded = {r["commodity"] for r in extra if "-code:" in r["template"]}
    assert len(coded) == 12


def test_ordinary_goods_negatives_share_the_offer_templates(rows: list[dict[str, Any]]) -> None:
    """Round four: ordinary goods written through the same cue-less sell templates as the
    wildlife offers, in every language, train/dev only, so sales style alone is not a cue."""
    ordinary = [r for r in rows if ":x-ordinary-" in r["template"]]
    assert len(ordinary) > 1500
    assert {lang_tag(r) for r in ordinary} == {lang_tag(r) for r in rows}
    assert {r["label"] for r in ordinary} == {"clean"}
    assert {r["negative_kind"] for r in ordinary} == {"generic"}
    assert {r["split"] for r in ordinary} == {"train", "dev"}
    kinds = Counter(r["template"].split(":")[1] for r in ordinary)
    assert kinds["x-ordinary-sell"] > 500 and kinds["x-ordinary-listing"] > 500
    # As many ordinary sales posts as cue-less wildlife sell offers in the extra rows.
    offers = [r for r in rows if ":x-sell:" in r["template"] and r["label"] == "wildlife"]
    assert len(ordinary) >= len(offers)
