"""Size limits: no module over 300 lines, no function over 50 lines (outside tests).

``python tools/sizes.py`` prints every breach as ``path:line: message`` and exits 1 if
there is any. Generated data and tests' functions are exempt (see the constants).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 50
SKIP_DIRS = {".venv", "var", ".git", "build", "node_modules", "__pycache__"}
# Generated data (pinned by reproduction tests), not code anyone edits by hand.
GENERATED = {"classifiers/_normalize_tables.py"}
GENERATED_DIRS = ("models/challenge/source/",)


def python_files(root: Path = ROOT) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        if not SKIP_DIRS.intersection(path.relative_to(root).parts):
            yield path


def _exempt(rel: str) -> bool:
    return rel in GENERATED or rel.startswith(GENERATED_DIRS)


def breaches(path: Path, rel: str) -> Iterator[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.count("\n")
    if lines > MAX_MODULE_LINES and not _exempt(rel):
        yield f"{rel}:1: module has {lines} lines (max {MAX_MODULE_LINES})"
    if rel.startswith("tests/") or _exempt(rel):
        return
    for node in ast.walk(ast.parse(source, filename=rel)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - start + 1
            if length > MAX_FUNCTION_LINES:
                yield (
                    f"{rel}:{node.lineno}: function {node.name} has {length} lines "
                    f"(max {MAX_FUNCTION_LINES})"
                )


def main() -> int:
    found = [b for p in python_files() for b in breaches(p, p.relative_to(ROOT).as_posix())]
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
