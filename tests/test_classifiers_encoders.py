"""The packaged sentence encoders load offline and embed sensibly."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.text.encoders import HFEncoder, USEEncoder, make_encoder, minilm_path

pytestmark = pytest.mark.slow

PAIRS = [
    (
        "Selling a carved ivory bangle, message me on WhatsApp",
        "Ivory bracelet for sale, contact via WhatsApp",
        "The city council approved a new bus timetable",
    ),
]


@pytest.fixture(scope="module")
def minilm() -> HFEncoder:
    return HFEncoder()


@pytest.fixture(scope="module")
def use() -> USEEncoder:
    return USEEncoder()


def _cos(v: np.ndarray, i: int, j: int) -> float:
    return float(v[i] @ v[j])


@pytest.mark.parametrize("name", ["minilm", "use"])
def test_vectors_are_normalised_float32(name: str, minilm: HFEncoder, use: USEEncoder) -> None:
    enc = minilm if name == "minilm" else use
    vecs = enc.encode(["hello world", "", "象牙手镯" * 400])
    assert vecs.shape == (3, enc.dim) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert enc.encode([]).shape == (0, enc.dim)


@pytest.mark.parametrize("name", ["minilm", "use"])
def test_paraphrase_closer_than_unrelated(name: str, minilm: HFEncoder, use: USEEncoder) -> None:
    enc = minilm if name == "minilm" else use
    for a, b, c in PAIRS:
        v = enc.encode([a, b, c])
        assert _cos(v, 0, 1) > _cos(v, 0, 2) + 0.2


def test_use_is_multilingual(use: USEEncoder) -> None:
    v = use.encode(["ivory bracelet for sale", "出售象牙手镯", "mountain bike for sale"])
    assert _cos(v, 0, 1) > _cos(v, 1, 2)


def test_hf_encoder_loads_any_local_checkpoint_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    enc = make_encoder(f"hf:{minilm_path()}")
    assert enc.dim == 384 and enc.name.startswith("hf:")
    assert enc.encode(["x"]).shape == (1, 384)


def test_batches_give_the_same_vectors(minilm: HFEncoder) -> None:
    texts = [f"listing number {i} with some words" for i in range(5)]
    assert np.allclose(
        minilm.encode(texts, batch_size=2), minilm.encode(texts, batch_size=8), atol=1e-4
    )


def test_unknown_encoder_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown encoder"):
        make_encoder("word2vec")
