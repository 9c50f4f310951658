"""The architecture is checked by a machine: import contracts, the README's import graph
and the size limits (``tools/arch.py``, ``tools/sizes.py``; ``make lint`` runs both).

Each contract is also shown to *fail* on a small generated tree that breaks it, so a
checker that silently stopped looking would be caught here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import arch

README = arch.ROOT / "README.md"


def test_the_code_keeps_every_import_contract() -> None:
    assert arch.check() == []


def test_the_readme_shows_the_current_import_graph() -> None:
    text = README.read_text(encoding="utf-8")
    assert arch.readme_with_graph(text, arch.mermaid()) == text, "run `make graph`"


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
