"""The demo corpus (shape, trader rings, determinism, obfuscation) and the evaluation of
alert keys against its ground truth; no servers."""

from __future__ import annotations

import random
import re
from collections import Counter

from wildtrace.demo import COMMODITIES, demo_truth, evaluate, snapshot
from wildtrace.demo.corpus import base_items
from wildtrace.demo.images import render_png
from wildtrace.demo.obfuscate import apply_marks

ATOM = "{http://www.w3.org/2005/Atom}"


def test_corpus_shape_languages_and_planted_share() -> None:
    truth = demo_truth(0)
    counts = Counter(t["source"] for t in truth)
    assert len(truth) >= 300
    assert counts == {"bazaar": 150, "tradepost": 110, "wildfeed": 80}
    assert len({t["lang"] for t in truth}) >= 6
    planted = [t for t in truth if t["planted"]]
    assert 0.10 <= len(planted) / len(truth) <= 0.15
    assert len({t["commodity"] for t in planted}) >= 10
    assert {t["intent"] for t in planted} == {"sell", "buy"}
    assert all(t["commodity"] in COMMODITIES for t in planted)
    assert all(t["commodity"] is None and not t["image_only"] for t in truth if not t["planted"])
    hard = [t for t in truth if t["hard_negative"]]
    assert len(hard) >= 80
    assert not any(t["planted"] for t in hard)
    assert sum(t["hard_negative"] for t in truth if t["source"] == "wildfeed") >= 30
    image_only = [i for i in snapshot(0).all_items() if i.image_only]
    assert len(image_only) >= 4
    assert all(i.planted and i.n_images >= 1 for i in image_only)
    for source in counts:  # planted share holds per source, not only overall
        share = sum(t["planted"] for t in truth if t["source"] == source) / counts[source]
        assert 0.10 <= share <= 0.15, source


def test_trader_rings_link_sellers_across_sources() -> None:
    items = [i for i in snapshot(0).all_items() if i.planted]
    by_seller = Counter((i.source, i.seller_id) for i in items)
    assert max(by_seller.values()) >= 3  # some sellers post several wildlife items
    contact = "seng_art88"
    assert len({i.source for i in items if contact in i.text or i.seller_name == contact}) >= 2


def test_corpus_is_deterministic_and_obfuscated() -> None:
    assert base_items() == base_items()
    assert render_png.__wrapped__("ivory", "x") == render_png.__wrapped__("ivory", "x")
    assert render_png("ivory", "x") != render_png("ivory", "y")
    texts = " ".join(i.title + " " + i.text for i in snapshot(0).all_items())
    assert "\u200b" in texts
    assert "іvоrу" in texts
    assert "🦏" in texts
    assert "鹤顶红" in texts
    assert any("\uff01" <= ch <= "\uff5e" for ch in texts)  # full-width look-alikes
    assert re.search(r"\w(?:\.\w){3,}", texts)  # dotted: r.h.i.n.o
    marked = apply_marks("[[rhino|dotted]] [[象牙|spaced]] [[ngà|zerowidth]]", random.Random(1))
    assert marked == "r.h.i.n.o 象 牙 n\u200bg\u200bà"


def test_evaluate_scores_alert_keys() -> None:
    truth = demo_truth(0)
    planted = {f"{t['source']}:{t['listing_id']}" for t in truth if t["planted"]}
    negative = next(f"{t['source']}:{t['listing_id']}" for t in truth if t["hard_negative"])
    perfect = evaluate(planted, 0)
    assert perfect["planted_recall"] == 1.0
    assert perfect["negative_false_alert_rate"] == 0.0
    assert perfect["precision"] == 1.0
    assert perfect["image_only_recall"] == 1.0
    assert sum(s["found"] for s in perfect["by_source"].values()) == len(planted)
    assert len(perfect["by_lang"]) >= 6
    half = sorted(planted)[: len(planted) // 2]
    scored = evaluate(set(half) | {negative, "bazaar:p1"}, 0)
    assert scored["found"] == len(half)
    assert scored["false_alert_keys"] == [negative]
    assert scored["hard_negative_false_alert_rate"] == round(1 / scored["hard_negatives"], 4)
    assert scored["unknown_keys"] == ["bazaar:p1"]
    assert len(scored["missed"]) == len(planted) - len(half)
    assert evaluate(set(), 0)["planted_recall"] == 0.0
