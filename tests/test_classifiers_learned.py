"""The shipped learned detector: loads its artefacts, matches the shipped lexicon, classifies
held-out listings in several languages, explains which cascade stage decided, and gives
calibrated, monotone scores."""

from __future__ import annotations

import json
import logging
import random
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from classifiers.base import Detection, TextDoc
from classifiers.text.learned import SHIPPED_DIR, LearnedDetector
from classifiers.text.lexicon_detector import LexiconDetector
from classifiers.train.data import load_corpus, select, to_docs
from classifiers.train.train import INTENT_PREFIXES


@pytest.fixture(scope="module")
def lexicon(lexicon_detector: LexiconDetector) -> LexiconDetector:
    return lexicon_detector  # the session's (conftest.py)


@pytest.fixture(scope="module")
def detector(learned_detector: LearnedDetector) -> LearnedDetector:
    return learned_detector  # the session's (conftest.py)


def _meta(folder: Path) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return meta


def test_shipped_artefacts_are_small_and_pickle_free() -> None:
    for folder, encoder in ((SHIPPED_DIR, "use"), (SHIPPED_DIR / "stage1", None)):
        assert (folder / "heads.npz").stat().st_size < 5_000_000
        np.load(folder / "heads.npz", allow_pickle=False).close()
        meta = _meta(folder)
        assert meta["spec"]["encoder"] == encoder and meta["train_data_sha256"]
        assert set(meta["thresholds"]) == {"queue", "takedown"}
    cascade = _meta(SHIPPED_DIR)["cascade"]
    assert 0 < cascade["clean_below"] < 0.5 < cascade["wildlife_from"] <= 1.0


def test_shipped_models_match_the_shipped_lexicon(lexicon: LexiconDetector) -> None:
    """A lexicon edit changes the features: retrain (`wildtrace train-text`) with it."""
    for folder in (SHIPPED_DIR, SHIPPED_DIR / "stage1"):
        meta = _meta(folder)
        assert meta["lexicon_version"] == lexicon.version, f"{folder} is stale: retrain"
        assert meta["spec"]["lexicon_names"] == lexicon.feature_names()


def test_stale_model_warns_once(
    lexicon: LexiconDetector, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stale = tmp_path / "text"
    shutil.copytree(SHIPPED_DIR, stale, ignore=shutil.ignore_patterns("*.md"))
    meta = _meta(stale)
    meta["lexicon_version"] = "0ld"
    (stale / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="classifiers.text.learned"):
        LearnedDetector(stale, lexicon=lexicon, cascade=False)
        LearnedDetector(stale, lexicon=lexicon, cascade=False)
    warnings = [r for r in caplog.records if "retrain" in r.getMessage()]
    assert len(warnings) == 1 and "0ld" in warnings[0].getMessage()
    assert warnings[0].levelno == logging.WARNING


def test_label_head_does_not_read_intent(detector: LearnedDetector) -> None:
    for heads in (detector.full, detector.stage1):
        assert heads is not None
        spec = heads.spec
        cols = [
            spec.encoder_dim + i
            for i, n in enumerate(spec.lexicon_names)
            if n.startswith(INTENT_PREFIXES)
        ]
        assert cols and not heads.label.weights[cols].any()


@pytest.mark.parametrize("lang", ["en", "zh", "vi", "th", "es", "de", "ja"])
def test_held_out_positives_and_hard_negatives(detector: LearnedDetector, lang: str) -> None:
    rows = [r for r in select(load_corpus(), "test") if r["lang"] == lang and r["held_out"]]
    dets = detector.classify(to_docs(rows))
    right = sum(d.is_hit == (r["label"] == "wildlife") for r, d in zip(rows, dets, strict=True))
    assert right / len(rows) >= 0.85


def test_detection_fields_and_reasons(detector: LearnedDetector) -> None:
    docs = [
        TextDoc("a", "Selling r.h.i.n.o horn powder, no papers, WhatsApp +84 912 3456"),
        TextDoc("b", "Customs at Heathrow seized 40 kg of rhino horn, two arrested."),
        TextDoc("c", "", title=""),
    ]
    a, b, c = detector.classify(docs)
    assert a.is_hit and a.commodity == "rhino_horn" and a.cites_appendix == "I"
    assert a.species and a.intent == "sell"
    assert any(r.kind == "term" and r.span for r in a.reasons)
    assert a.reasons[-1].kind == "model" and "p(wildlife)" in a.reasons[-1].detail
    assert not b.is_hit and b.commodity is None
    assert not c.is_hit and 0.0 <= c.score <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Compramos colmillos de marfil al por mayor, pagamos al contado",
        "Nous achetons de la corne de rhinocéros, paiement rapide",
        "象牙の置物を大量に買い取ります、高価買取",
        "Wir kaufen Elfenbein-Schnitzereien, zahlen bar",
        "Kami beli sisik trenggiling dalam jumlah besar",
        "We buy pangolin scales in bulk, top price paid",
    ],
)
def test_buyer_phrasings_read_as_buy(detector: LearnedDetector, text: str) -> None:
    (det,) = detector.classify([TextDoc("x", text)])
    assert det.is_hit and det.intent == "buy"


@pytest.mark.parametrize(
    "text",
    [
        # Hand-written for round four, not in the corpus: plain goods in the sales style.
        "Handmade silver ring with a small garnet, gift boxed, ships next day. $65. DM me",
        "Forest honey, 250 g jar, raw and unfiltered, £9. WhatsApp 07700 900123",
        "Trà ô long Bảo Lộc thượng hạng, hộp 200g, 180.000đ, ship toàn quốc, ib em",
        "出 全新AirPods Pro 二代 未拆封 1299元 包邮 私聊",
        "手作り竹かご バッグ 3,800円 送料込 DMください",
        "Kit de pneus aro 15 seminovos, R$ 600, chama no zap",
        "100% pure lavender essential oil, 30ml, wholesale available, ready stock",
    ],
)
def test_ordinary_goods_in_sales_style_are_not_hits(detector: LearnedDetector, text: str) -> None:
    (det,) = detector.classify([TextDoc("x", text)])
    assert not det.is_hit and det.score < 0.3


def test_cascade_stages(detector: LearnedDetector) -> None:
    docs = [
        TextDoc("0", "Kids bicycle, 20 inch, blue, barely used, pick up in Leeds"),
        TextDoc("1", "Carved ivory bangle for sale, old stock, no papers, WhatsApp me"),
    ]
    clean, hit = detector.classify(docs)
    assert clean.extra["stage"] == 1 and "stage 1" in clean.reasons[-1].detail
    assert "confidently clean" in clean.reasons[-1].detail and not clean.is_hit
    assert hit.is_hit and hit.extra["stage"] in (1, 2)
    everything = LearnedDetector(lexicon=detector.lexicon)
    everything.bounds = (0.0, 1.01)  # no exits: the cascade is the full model
    full = LearnedDetector(lexicon=detector.lexicon, cascade=False)
    cas, ref = everything.classify(docs), full.classify(docs)
    assert [d.extra["stage"] for d in cas] == [2, 2]
    assert "stage 2" in cas[0].reasons[-1].detail and "stage" not in ref[0].extra
    assert [d.score for d in cas] == pytest.approx([d.score for d in ref])


def test_scores_are_probabilities_and_monotone_in_evidence(detector: LearnedDetector) -> None:
    docs = [
        TextDoc("0", "wooden dining table for sale, pick up only"),
        TextDoc("1", "ivory coloured wedding dress for sale"),
        TextDoc("2", "carved ivory bangle for sale, old stock, no papers, WhatsApp me"),
    ]
    scores = [d.score for d in detector.classify(docs)]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] < 0.2 and scores[2] > 0.8 and scores[1] < scores[2]


def test_empty_batch(detector: LearnedDetector) -> None:
    assert detector.classify([]) == []


def _batches(n_batches: int, size: int) -> list[list[TextDoc]]:
    """Different batches (mixed languages, hits and clean rows) from the test split."""
    rows = select(load_corpus(), "test")
    step = max(1, len(rows) // (n_batches * size))
    picked = rows[::step][: n_batches * size]
    docs = to_docs(picked)
    return [docs[i : i + size] for i in range(0, len(docs), size)]


def _same(a: Detection, b: Detection) -> bool:
    x, y = a.to_dict(), b.to_dict()
    return abs(x.pop("score") - y.pop("score")) < 1e-6 and x == y


@pytest.mark.parametrize("cascade", [True, False])
def test_one_detector_classifies_from_many_threads(lexicon: LexiconDetector, cascade: bool) -> None:
    """One instance shared by threads (as the scheduler does): every batch's detections
    equal a single-threaded run of the same batch, whatever ran beside it."""
    shared = LearnedDetector(lexicon=lexicon, cascade=cascade)
    batches = _batches(8, 12)
    alone = [shared.classify(b) for b in batches]
    work = [i for _ in range(3) for i in range(len(batches))]
    random.Random(7).shuffle(work)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda i: (i, shared.classify(batches[i])), work))
    for i, dets in results:
        assert [d.id for d in dets] == [d.id for d in batches[i]]
        assert all(_same(a, b) for a, b in zip(dets, alone[i], strict=True)), f"batch {i}"


def test_lexicon_evaluate_is_one_call(lexicon: LexiconDetector) -> None:
    """Detections and features of a batch come from one call and agree with the parts."""
    (docs,) = _batches(1, 10)
    batch = lexicon.evaluate(docs)
    assert [d.to_dict() for d in batch.detections] == [d.to_dict() for d in lexicon.classify(docs)]
    assert np.array_equal(batch.features, lexicon.features(docs))
    assert not hasattr(lexicon, "_last")
