"""The architecture is checked by a machine: import contracts, the README's import graph
and the size limits (``tools/arch.py``, ``tools/sizes.py``; ``make lint`` runs both).

Each contract is also shown to *fail* on a small generated tree that breaks it, so a
checker that silently stopped looking would be caught here.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

from tools import arch, sizes

README = arch.ROOT / "README.md"


def test_the_code_keeps_every_import_contract() -> None:
    assert arch.check() == []


def test_the_readme_shows_the_current_import_graph() -> None:
    text = README.read_text(encoding="utf-8")
    assert arch.readme_with_graph(text, arch.mermaid()) == text, "run `make graph`"


def test_no_module_or_function_is_over_its_size_limit() -> None:
    root = sizes.ROOT
    found = [
        b for p in sizes.python_files() for b in sizes.breaches(p, p.relative_to(root).as_posix())
    ]
    assert found == []


def test_size_limits_report_long_modules_and_functions(tmp_path: Path) -> None:
    long_function = "def f() -> None:\n" + "    x = 1\n" * 60
    path = tmp_path / "m.py"
    path.write_text(long_function + "\n" * 300, encoding="utf-8")
    found = list(sizes.breaches(path, "index/m.py"))
    assert any("module has" in b for b in found)
    assert any("function f has 61 lines" in b for b in found)
    assert not [b for b in sizes.breaches(path, "tests/test_m.py") if "function" in b]


def _tree(root: Path, files: dict[str, str]) -> Path:
    for package in arch.PACKAGES:
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").write_text("", encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"index/x.py": "from crawlers.profiles import Profile\n"}, "meet only through contracts"),
        ({"alerts/x.py": "def f():\n    import wildtrace.config\n"}, "composition root"),
        ({"common/x.py": "from crawlers.base import Listing\n"}, "leaf layer"),
        ({"wildtrace/commands/x.py": "from index.es_bulk import bulk\n"}, "backend internals"),
        ({"wildtrace/commands/x.py": "from index.sqlite import _x\n"}, "backend internals"),
        ({"wildtrace/commands/x.py": "from wildtrace.pipeline import _hidden\n"}, "private name"),
        (
            {"index/base.py": "import alerts.base\n", "alerts/base.py": "import index.base\n"},
            "import cycle",
        ),
    ],
)
def test_a_broken_contract_is_reported(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    problems = arch.check(_tree(tmp_path, files))
    assert any(expected in p for p in problems), problems


def test_imports_inside_a_stage_and_through_contracts_pass(tmp_path: Path) -> None:
    files = {
        "index/x.py": "from crawlers.base import Listing\nfrom index import y\n",
        "index/y.py": "from common.clock import utc_now\n",
        "classifiers/image/x.py": "from classifiers.base import Detection\nfrom . import y\n",
        "wildtrace/x.py": "from index.sqlite import SqliteStore\n",
    }
    assert arch.check(_tree(tmp_path, files)) == []


def _top_level_imports(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def _requirement_names(requirements: list[str]) -> set[str]:
    return {
        re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


def test_every_imported_package_is_declared() -> None:
    project = tomllib.loads((arch.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _requirement_names(project["dependencies"])
    dev = runtime | _requirement_names(project["optional-dependencies"]["dev"])
    distributions = importlib.metadata.packages_distributions()
    local = {*arch.PACKAGES, "tools", "benchmarks", "es_server"}
    local |= {p.stem for p in (arch.ROOT / "tests").glob("*.py")}
    for folders, allowed in ((arch.PACKAGES, runtime), (("tests", "benchmarks", "tools"), dev)):
        for folder in folders:
            for name in sorted(_top_level_imports(arch.ROOT / folder) - local):
                if name in sys.stdlib_module_names or name == "__future__":
                    continue
                dists = {d.lower().replace("_", "-") for d in distributions.get(name, [name])}
                assert dists & allowed, f"{folder} imports {name} ({dists}): not declared"
