"""``wildtrace index refresh`` and ``status`` on the embedded SQLite store: text a run
stored but did not index (it was killed, say) is indexed on demand, and the lag shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factories import make_listing

from index.base import SearchQuery
from index.sqlite import SqliteStore
from wildtrace.cli import main


def test_refresh_indexes_what_a_run_left_queued(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "wildtrace.toml"
    config.write_text(f'[data]\ndir = "{tmp_path / "var"}"\n')
    assert main(["--config", str(config), "index", "init"]) == 0
    writer = SqliteStore(tmp_path / "var" / "wildtrace.db")
    writer.init()
    writer.upsert_listings([make_listing(listing_id=str(n), title="okapi hide") for n in range(3)])
    capsys.readouterr()
    assert main(["--config", str(config), "index", "status"]) == 0
    assert json.loads(capsys.readouterr().out)["index_lag"] == 3
    assert main(["--config", str(config), "index", "refresh"]) == 0
    assert json.loads(capsys.readouterr().out) == {"indexed": 3, "index_lag": 0}
    reader = SqliteStore(tmp_path / "var" / "wildtrace.db")
    assert reader.search(SearchQuery(text="okapi")).total == 3
    for store in (writer, reader):
        store.close()
