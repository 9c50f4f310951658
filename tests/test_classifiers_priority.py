"""Detection priority: a separate, explained 0-100 ranking (CITES appendix, commodity,
quantity, advertised value, sell vs buy) that orders hits the probability cannot."""

from __future__ import annotations

import pytest

from classifiers.base import Detection, TextDoc
from classifiers.priority import advertised_usd, assess, quantity
from classifiers.text.lexicon_detector import LexiconDetector


@pytest.mark.parametrize(
    ("text", "usd"),
    [
        ("rhino horn 15kg, $45,000 firm", 45_000),
        ("Bán móng hổ, giá 5tr, Zalo 0555123401", 200),
        ("Jual sisik trenggiling Rp 4.500.000", 288),
        ("象牙手镯 3500元 包邮", 490),
        ("象牙 印鑑 15,000円", 102),
        ("call 0555 123 401, no price", None),
    ],
)
def test_advertised_value_in_rough_dollars(text: str, usd: float | None) -> None:
    got = advertised_usd(text)
    assert (got is None) if usd is None else got == pytest.approx(usd, rel=0.01)


def test_quantity_reads_weights_counts_and_bulk() -> None:
    assert quantity("15kg of scales")[0] > quantity("2kg of scales")[0] > 0
    assert quantity("500g powder")[1] == "quantity 0.5 kg"
    assert quantity("x20 bags")[1] == "quantity 20 pieces"
    assert quantity("wholesale only")[1] == "bulk or wholesale offer"
    assert quantity("one bangle") == (0.0, None)


def test_every_part_is_explained_and_orders_hits() -> None:
    big = assess("rhino horn 15kg wholesale, $45,000", True, "rhino_horn", "I", "sell")
    small = assess("parrot chick, $80", True, "live_bird", "II", "buy")
    assert big.value > small.value
    assert any("CITES Appendix I" in r for r in big.reasons)
    assert any("quantity 15 kg" in r for r in big.reasons)
    assert any("US$45,000" in r for r in big.reasons)
    assert sum(float(r.rsplit("(+", 1)[1].rstrip(")")) for r in big.reasons) == big.value
    assert assess("rhino horn", False, None, None, "other").value == 0.0


def test_detectors_fill_priority_and_old_data_loads(lexicon_detector: LexiconDetector) -> None:
    (hit, clean) = lexicon_detector.classify(
        [TextDoc("a", "Selling rhino horn 2kg, $30,000, WhatsApp"), TextDoc("b", "blue sofa")]
    )
    assert hit.priority is not None and hit.priority > 50 and hit.priority_reasons
    assert clean.priority == 0.0 and clean.priority_reasons == ("not a hit",)
    assert Detection.from_dict(hit.to_dict()).to_dict() == hit.to_dict()
    old = {k: v for k, v in hit.to_dict().items() if not k.startswith("priority")}
    restored = Detection.from_dict(old)
    assert restored.priority is None and restored.priority_reasons == ()
    with pytest.raises(ValueError, match="priority"):
        Detection(id="x", score=0.5, label="clean", priority=101.0)


def test_prices_in_the_new_languages_markets() -> None:
    from classifiers.priority import advertised_usd

    assert advertised_usd("السعر 500 ريال") == 500 * 0.27
    assert advertised_usd("웅담 50만원") == 50e4 * 0.00073
    assert advertised_usd("цена 50000 руб") == 50000 * 0.011
    assert advertised_usd("₱1500") == 1500 * 0.017
