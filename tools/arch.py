"""The architecture, checked by a machine: import contracts and the import graph.

``python tools/arch.py check`` walks every module's AST (imports inside functions
included) and prints each import that breaks a contract, exiting 1 if there is one:

* Stage packages (``STAGES``) import each other only through the other stage's contract
  module (``<stage>.base``); inside one stage anything goes.
* No stage imports the composition root (``wildtrace``); ``common`` (the leaf layer)
  imports no project package at all.
* ``wildtrace.commands.*`` never reaches store backends (``index.sqlite*``, ``index.es_*``,
  ``index.elasticsearch``) nor a private name (``_x``) or private module of another package.
* No import cycle between packages, nor between the contract modules.

``python tools/arch.py graph`` prints the package/contract import graph as a Mermaid
diagram; ``make graph`` writes it into README.md between the ``import-graph`` markers
(``tests/test_architecture.py`` fails if the README's copy is stale).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("crawlers", "classifiers", "index", "alerts", "web")
LEAF = "common"
ROOT_PACKAGE = "wildtrace"
PACKAGES = (LEAF, *STAGES, ROOT_PACKAGE)
BACKEND_INTERNALS = ("index.es_", "index.sqlite", "index.elasticsearch")
COMMANDS = "wildtrace.commands"
README_START = "<!-- import-graph:start (make graph) -->"
README_END = "<!-- import-graph:end -->"


@dataclass(frozen=True, slots=True)
class Import:
    source: str  # importing module
    target: str  # imported module (a submodule when ``from pkg import submodule``)
    names: tuple[str, ...]  # names taken from it (``from m import a, b``)
    path: str
    line: int


def package_of(module: str) -> str:
    return module.split(".", 1)[0]


def contract_of(package: str) -> str:
    return f"{package}.base"


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """``dotted module name → file`` for every module of the project's packages."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(
    module: str, path: Path, known: Iterable[str], root: Path = ROOT
) -> Iterator[Import]:
    known = set(known)
    rel = path.relative_to(root).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, (), rel, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path.name == "__init__.py", node)
            plain: list[str] = []
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:
                    yield Import(module, sub, (), rel, node.lineno)
                else:
                    plain.append(alias.name)
            if plain:
                yield Import(module, target, tuple(plain), rel, node.lineno)


def project_imports(root: Path = ROOT) -> list[Import]:
    files = module_files(root)
    return [
        imp
        for module, path in files.items()
        for imp in imports_of(module, path, files, root)
        if package_of(imp.target) in PACKAGES
    ]


def _private(dotted: str) -> bool:
    return any(part.startswith("_") and part != "__init__" for part in dotted.split("."))


def violations(imports: Iterable[Import]) -> Iterator[str]:
    for imp in imports:
        src, dst = package_of(imp.source), package_of(imp.target)
        where = f"{imp.path}:{imp.line}: {imp.source} imports {imp.target}"
        if src == LEAF and dst != LEAF:
            yield f"{where}: `{LEAF}` is the leaf layer and imports no project package"
        elif src in STAGES and dst == ROOT_PACKAGE:
            yield f"{where}: a stage never imports the composition root `{ROOT_PACKAGE}`"
        elif src in STAGES and dst in STAGES and src != dst and imp.target != contract_of(dst):
            yield f"{where}: stages meet only through contracts (use {contract_of(dst)})"
        if imp.source.startswith(COMMANDS):
            yield from _command_violations(imp, where)


def _command_violations(imp: Import, where: str) -> Iterator[str]:
    if imp.target.startswith(BACKEND_INTERNALS):
        yield f"{where}: commands never reach store backend internals"
    if imp.target.startswith(COMMANDS):
        return
    if _private(imp.target):
        yield f"{where}: commands never import a private module"
    for name in imp.names:
        if name.startswith("_"):
            yield f"{where}: commands never import a private name ({name})"


def package_graph(imports: Iterable[Import]) -> dict[str, set[str]]:
    """``package → packages it imports`` (self-imports left out)."""
    graph: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for imp in imports:
        src, dst = package_of(imp.source), package_of(imp.target)
        if src != dst:
            graph[src].add(dst)
    return graph


def contract_graph(imports: Iterable[Import]) -> dict[str, set[str]]:
    """The contract layer: ``<stage>.base`` modules and the leaf modules they import."""
    graph: dict[str, set[str]] = {contract_of(s): set() for s in STAGES if s != "web"}
    for imp in imports:
        if imp.source in graph and imp.target != imp.source:
            graph[imp.source].add(imp.target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle found by a depth-first walk (each reported once, from its entry)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return found


def check(root: Path = ROOT) -> list[str]:
    imports = project_imports(root)
    problems = list(violations(imports))
    for name, graph in (("package", package_graph(imports)), ("contract", contract_graph(imports))):
        problems += [f"{name} import cycle: {' -> '.join(c)}" for c in cycles(graph)]
    return problems


def mermaid(root: Path = ROOT) -> str:
    """Packages and the contract modules they import, as a Mermaid flowchart."""
    imports = project_imports(root)
    edges: set[tuple[str, str]] = set()
    for imp in imports:
        src, dst = package_of(imp.source), package_of(imp.target)
        if src == dst:
            continue
        node = imp.source if imp.source == contract_of(src) else src
        # Stage-to-stage edges name the contract module; the root's edges only packages.
        target = imp.target if dst in STAGES and src != ROOT_PACKAGE else dst
        edges.add((node, target))
    lines = ["```mermaid", "flowchart TD"]
    lines += [f"    {_node(a)} --> {_node(b)}" for a, b in sorted(edges)]
    lines.append("```")
    return "\n".join(lines)


def _node(name: str) -> str:
    return f'{name.replace(".", "_")}["{name}"]'


def readme_with_graph(text: str, graph: str) -> str:
    start, end = text.index(README_START), text.index(README_END)
    return f"{text[: start + len(README_START)]}\n{graph}\n{text[end:]}"


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "check":
        problems = check()
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    if command == "graph":
        print(mermaid())
        return 0
    if command == "readme":
        readme = ROOT / "README.md"
        readme.write_text(readme_with_graph(readme.read_text("utf-8"), mermaid()), "utf-8")
        return 0
    print("usage: tools/arch.py check|graph|readme", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
