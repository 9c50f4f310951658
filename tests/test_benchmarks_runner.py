"""``python -m benchmarks`` (benchmarks/runner.py): the summary, the results file, failures
and skipped parts, over tiny real benchmark modules run in real subprocesses."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from benchmarks import runner

BENCHES = {
    "busy": """
        total = sum(i * i for i in range(2_000_000))  # some CPU to count
        print("| row | 1.00 |")
    """,
    "partial": """
        print("tier A measured")
        print("skipped: tier B (no cached store; build it with `make bench-data`)")
    """,
    "broken": """
        import sys
        print("half a table")
        sys.exit(3)
    """,
}


@pytest.fixture
def benches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    package = tmp_path / "fakebench"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, body in BENCHES.items():
        (package / f"bench_{name}.py").write_text(textwrap.dedent(body))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    return "fakebench.bench_{}"


def test_runs_each_in_turn_and_summarises(
    benches: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results"
    code = runner.main(["busy", "partial"], module=benches, results=results)
    out = capsys.readouterr().out
    assert code == 0
    assert "== fakebench.bench_busy ==" in out and "| row | 1.00 |" in out
    table = out[out.index("benchmark   ") :]
    assert [line.split()[0] for line in table.splitlines()[1:4]] == ["busy", "partial", "total"]
    assert "wall" in table and "min on" in table
    assert "not measured in this run:" in table
    assert "partial: skipped: tier B (no cached store" in table
    (saved,) = results.glob("run-*.json")
    record = json.loads(saved.read_text())
    assert record["total_seconds"] >= record["benchmarks"]["busy"]["seconds"]
    busy = record["benchmarks"]["busy"]
    assert busy["returncode"] == 0 and busy["cpu_seconds"] > 0 and busy["skipped"] == []
    assert "| row | 1.00 |" in busy["output"]
    assert len(busy["load_avg_before"]) == 3
    assert record["benchmarks"]["partial"]["skipped"] == [
        "skipped: tier B (no cached store; build it with `make bench-data`)"
    ]


def test_a_failing_benchmark_fails_the_run_and_the_rest_still_runs(
    benches: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = runner.main(["broken", "busy"], module=benches, results=tmp_path)
    captured = capsys.readouterr()
    assert code == 1
    assert "FAILED (3)" in captured.out and "half a table" in captured.out
    assert "failed: broken" in captured.err
    record = json.loads(next(tmp_path.glob("run-*.json")).read_text())
    assert record["benchmarks"]["broken"]["returncode"] == 3
    assert record["benchmarks"]["busy"]["returncode"] == 0


def test_every_benchmark_module_is_found() -> None:
    names = runner.available()
    assert {"scale", "networks", "crawl", "image", "workers"} <= set(names)
    assert names == sorted(names)
    assert all((Path(runner.__file__).parent / f"bench_{n}.py").is_file() for n in names)
    assert sys.executable  # the runner starts each one with this interpreter
