"""The packaged EfficientNet-Lite0: loads offline, reads real photos sensibly, feeds
concepts and a trainable head.

The only real photographs available offline are scikit-learn's two sample images (a
Chinese temple and a flower); they check the weights and preprocessing (top classes
must be buildings / a daisy), not wildlife recognition, which cannot be measured here.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from classifiers.image.analyze import ImageAnalyzer
from classifiers.image.concepts import load_concepts, parse_concepts
from classifiers.image.encoder import EfficientNetLite0Encoder, weights_path
from classifiers.image.head import HeadError, ImageHead, train_head
from classifiers.image.synthetic import scene_jpeg

SAMPLES = Path(__import__("sklearn.datasets").datasets.__file__).parent / "images"
PALACE, BELL_COTE, MONASTERY, CASTLE, DAISY = 698, 442, 663, 483, 985


@pytest.fixture(scope="module")
def encoder() -> EfficientNetLite0Encoder:
    return EfficientNetLite0Encoder()


def _photo(name: str) -> np.ndarray:
    return np.asarray(Image.open(SAMPLES / name).convert("RGB"))


def test_weights_come_from_the_installed_package() -> None:
    path = weights_path()
    assert path.is_file() and "site-packages" in str(path)


def test_real_photos_get_sensible_imagenet_classes(encoder: EfficientNetLite0Encoder) -> None:
    out = encoder.encode([_photo("china.jpg"), _photo("flower.jpg")])
    assert out.probs.shape == (2, 1000) and out.embeddings.shape == (2, 1280)
    assert np.allclose(out.probs.sum(axis=1), 1.0, atol=1e-4)
    assert np.allclose(np.linalg.norm(out.embeddings, axis=1), 1.0, atol=1e-5)
    temple_top = set(np.argsort(out.probs[0])[::-1][:5].tolist())
    assert temple_top & {PALACE, BELL_COTE, MONASTERY, CASTLE}
    assert int(np.argmax(out.probs[1])) == DAISY


def test_concept_table_is_valid_and_scores_are_probabilities(
    encoder: EfficientNetLite0Encoder,
) -> None:
    concepts = load_concepts()
    names = {c.name for c in concepts}
    assert {"elephant", "tiger", "snow_leopard", "macaw", "pangolin_nearest"} <= names
    assert all(0 <= i < 1000 for c in concepts for i in c.classes)
    signals = ImageAnalyzer(encoder=encoder).analyze([scene_jpeg(1)]).signals[0]
    assert set(signals.concepts) == names
    assert all(0.0 <= v <= 1.0 for v in signals.concepts.values())
    with pytest.raises(ValueError, match="row 2"):
        parse_concepts("concept\tcommodity\tclasses\nx\t\t1200:nope\n")


def test_head_trains_saves_as_arrays_and_refuses_other_encoders(
    encoder: EfficientNetLite0Encoder, tmp_path: Path
) -> None:
    # Two visually different families of procedural images stand in for triage labels.
    images = [np.asarray(Image.open(__import__("io").BytesIO(scene_jpeg(s)))) for s in range(12)]
    flipped = [np.ascontiguousarray(im[:, :, ::-1] // 3) for im in images[:6]]
    emb = encoder.encode(images[6:] + flipped).embeddings
    labels = np.array([0] * 6 + [1] * 6)
    head = train_head(emb, labels, encoder.model_tag)
    head.save(tmp_path)
    loaded = ImageHead.load(tmp_path, encoder.model_tag)
    assert np.allclose(loaded.predict(emb), head.predict(emb), atol=1e-5)
    assert ((loaded.predict(emb) > 0.5) == labels.astype(bool)).mean() == 1.0  # training fit
    with np.load(tmp_path / "head.npz", allow_pickle=False) as data:
        assert set(data.files) == {"coef", "intercept"}
    with pytest.raises(HeadError, match="trained on"):
        ImageHead.load(tmp_path, "other@1")
    with pytest.raises(HeadError, match="at least 2"):
        train_head(emb[:3], np.array([0, 0, 1]), encoder.model_tag)


def test_the_folded_channels_last_network_computes_what_the_packaged_one_does() -> None:
    import torch

    from classifiers.image.effnet import load_lite0, to_input
    from classifiers.image.encoder import preprocess

    plain = load_lite0(str(weights_path()), for_inference=False)
    folded = load_lite0(str(weights_path()))
    assert not [m for m in folded.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    scene = np.asarray(Image.open(io.BytesIO(scene_jpeg(3))).convert("RGB"))
    photos = [_photo("china.jpg"), _photo("flower.jpg"), scene]
    batch = torch.from_numpy(np.stack([preprocess(p) for p in photos]))
    with torch.inference_mode():
        feats, logits = plain(batch)
        feats2, logits2 = folded(to_input(batch))
    assert torch.allclose(feats, feats2, atol=1e-4) and torch.allclose(logits, logits2, atol=1e-3)
    assert torch.equal(logits.argmax(dim=1), logits2.argmax(dim=1))
