"""Out-of-range and unknown values stop the program at load, naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from wildtrace.config import ConfigError, iter_settings, load_settings

BAD = [
    ("web", "port", "99999", "must be <= 65535"),
    ("web", "port", "-1", "must be >= 0"),
    ("web", "page_size", "0", "must be >= 1"),
    ("classifier", "queue_threshold", "2.0", "must be <= 1"),
    ("classifier", "takedown_threshold", "-0.1", "must be >= 0"),
    ("classifier", "batch_size", "0", "must be >= 1"),
    ("classifier", "kind", '"magic"', "must be one of learned, lexicon"),
    ("store", "backend", '"mongo"', "must be one of sqlite, elasticsearch"),
    ("store", "es_timeout", "-5", "must be >= 0.001"),
    ("store", "es_chunk_size", "0", "must be >= 1"),
    ("crawl", "timeout", "-1", "must be >= 0"),
    ("crawl", "subprocess_timeout", "0", "must be >= 1"),
    ("demo", "market_port", "70000", "must be <= 65535"),
]


@pytest.mark.parametrize(("section", "key", "value", "problem"), BAD)
def test_a_bad_value_in_the_file_names_file_and_key(
    tmp_path: Path, section: str, key: str, value: str, problem: str
) -> None:
    path = tmp_path / "wildtrace.toml"
    path.write_text(f"[{section}]\n{key} = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path, env={})
    assert str(path) in str(err.value) and key in str(err.value) and problem in str(err.value)


def test_a_bad_value_in_the_environment_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="WILDTRACE_CLASSIFIER_BATCH_SIZE.*must be >= 1"):
        load_settings(env={"WILDTRACE_CLASSIFIER_BATCH_SIZE": "0"})


def test_every_default_passes_its_own_checks() -> None:
    assert load_settings(env={}) is not None
    assert len(list(iter_settings())) > 30
