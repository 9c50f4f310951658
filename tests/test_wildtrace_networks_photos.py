"""Shared photos in the seller graph (``link_listings`` + ``PhotoKeys``) over a SQLite
graph: reposts of one photo under different accounts and sources join one network,
different photos and unflagged listings do not, known photos survive a restart, and
merged networks are reported so stored alerts can follow."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from PIL import Image, ImageEnhance

from classifiers.base import Detection
from classifiers.image.hashes import pdq_hash
from classifiers.image.photo_keys import PhotoKeys
from classifiers.image.synthetic import scene
from crawlers.base import Listing
from wildtrace.config import load_settings
from wildtrace.networks import Networks, link_listings, open_networks


def _edited(seed: int, scale: float, quality: int, bright: float) -> tuple[str, int]:
    """PDQ of a repost of scene ``seed``: resized, brightened, JPEG re-encoded."""
    image = scene(seed, 320, 240)
    image = image.resize((round(320 * scale), round(240 * scale)))
    image = ImageEnhance.Brightness(image).enhance(bright)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return pdq_hash(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


def _listing(n: int, source: str, seller: str) -> Listing:
    return Listing(source=source, listing_id=str(n), url=f"https://x.invalid/{n}",
                   title="photo only", text="price in private", seller_id=seller,
                   fetched_at=f"2026-11-0{n}T00:00:00Z")  # fmt: skip


def _det(x: Listing, photos: list[tuple[str, int]], label: str = "wildlife") -> Detection:
    extra = {"photos": [{"sha256": f"{i:064x}", "pdq": p, "quality": q}
                        for i, (p, q) in enumerate(photos)]}  # fmt: skip
    return Detection(id=x.key, score=0.9 if label == "wildlife" else 0.1, label=label, extra=extra)


def _open(tmp_path: Path) -> Networks:
    cfg = tmp_path / "wildtrace.toml"
    cfg.write_text(f'[data]\ndir = "{tmp_path / "var"}"\n', encoding="utf-8")
    return open_networks(load_settings(str(cfg)))


def test_reposts_of_one_photo_join_accounts_across_sources(tmp_path: Path) -> None:
    listings = [_listing(1, "bazaar", "a"), _listing(2, "tradepost", "b"),
                _listing(3, "wildfeed", "@c"), _listing(4, "bazaar", "d")]  # fmt: skip
    dets = [
        _det(listings[0], [_edited(7, 1.0, 85, 1.0)]),
        _det(listings[1], [_edited(7, 0.7, 60, 1.15)]),  # the same photo, edited
        _det(listings[2], [_edited(8, 1.0, 85, 1.0)]),  # another photo
        _det(listings[3], [_edited(7, 0.8, 70, 0.9)], label="clean"),  # not flagged
    ]
    networks = _open(tmp_path)
    try:
        out = link_listings(networks, listings, dets)
    finally:
        networks.close()
    ids = [d.extra["network"] for d in out]
    assert ids[0] == ids[1] and len({ids[0], ids[2], ids[3]}) == 3
    networks = _open(tmp_path)  # known photos are read back from the graph
    try:
        later = _listing(5, "wildfeed", "@e")
        again = link_listings(networks, [later], [_det(later, [_edited(7, 0.9, 75, 1.05)])])
        sightings = networks.storage.sightings_of(networks.storage.nodes_with_prefix("photo|"))
    finally:
        networks.close()
    assert again[0].extra["network"] == ids[0]
    assert {s.listing_key for s in sightings} == {"bazaar:1", "tradepost:2", "wildfeed:3",
                                                  "wildfeed:5"}  # fmt: skip
    assert all(s.surface.startswith("image ") for s in sightings)


def test_merged_networks_are_relabelled_and_batch_ids_are_final(tmp_path: Path) -> None:
    """A later listing in the same batch can merge an earlier one's network: every
    detection gets the final id, and ids absorbed in earlier batches are relabelled."""
    photo_x, photo_y = _edited(21, 1.0, 90, 1.0), _edited(22, 1.0, 90, 1.0)
    first = [_listing(1, "bazaar", "a"), _listing(2, "tradepost", "b")]
    second = [_listing(3, "wildfeed", "@c"), _listing(4, "bazaar", "d")]
    renames: list[Mapping[str, str]] = []
    networks = _open(tmp_path)
    try:
        one = link_listings(networks, first, [_det(first[0], [photo_x]), _det(first[1], [photo_y])],
                            renames.append)  # fmt: skip
        assert one[0].extra["network"] != one[1].extra["network"] and renames == []
        two = link_listings(
            networks, second,
            [_det(second[0], [photo_x]), _det(second[1], [photo_x, photo_y])], renames.append,
        )  # fmt: skip
    finally:
        networks.close()
    final = two[1].extra["network"]
    assert two[0].extra["network"] == final  # not the id it had before the batch's merge
    assert len(renames) == 1 and set(renames[0].values()) == {final}
    absorbed = {one[0].extra["network"], one[1].extra["network"]} - {final}
    assert set(renames[0]) == absorbed


def test_photo_keys_find_near_duplicates_and_skip_flat_pictures() -> None:
    keys = PhotoKeys(max_distance=31, min_quality=50, linear_below=8, fold_at=16)
    first = keys.keys_for(*_edited(3, 1.0, 90, 1.0))
    assert keys.keys_for(*_edited(3, 0.75, 60, 1.1)) == first
    assert keys.keys_for(*_edited(4, 1.0, 90, 1.0)) != first
    flat = pdq_hash(Image.new("RGB", (200, 200), (120, 120, 120)))
    assert flat[1] < 50 and keys.keys_for(*flat) == []
    assert len(keys) == 2
    for seed in range(100, 160):  # past the linear tail: folded into the index, still exact
        keys.keys_for(*_edited(seed, 1.0, 90, 1.0))
    assert keys.keys_for(*_edited(3, 0.9, 70, 0.95)) == first
    assert len(keys) == 62 and keys._index.uses_mih and keys._tail_n < 16


def test_a_photo_linked_network_exports_as_valid_stix(tmp_path: Path) -> None:
    import stix2

    from alerts.networks.summary import summarise
    from web.network_export import to_csv, to_stix

    listings = [_listing(1, "bazaar", "a"), _listing(2, "tradepost", "b")]
    photo = _edited(31, 1.0, 90, 1.0)
    networks = _open(tmp_path)
    try:
        out = link_listings(networks, listings, [_det(x, [photo]) for x in listings])
        network = summarise(networks.storage, str(out[0].extra["network"]))
    finally:
        networks.close()
    assert network is not None and network.size == 2
    (ident,) = network.identifiers
    assert ident.type == "photo" and ident.value == photo[0]
    bundle = stix2.parse(to_stix(network), allow_custom=True)
    photos = [o for o in bundle.objects if o["type"] == "x-wildtrace-photo"]
    assert [(p["value"], p["hash_algorithm"]) for p in photos] == [(photo[0], "PDQ")]
    assert f"identifier,photo,{photo[0]}" in to_csv(network)
