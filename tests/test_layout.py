"""The layout issue 16 set up: every package imports on its own in a fresh interpreter, no module
imports another that (directly or through others) imports it back, imports inside functions
included, and no module of kb/ outgrows 400 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
CHECKED = ("kb", "kb_app", "ingest")  # ingest joins the graph so a cycle through it is seen too
MAX_LINES = 400


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the checked packages."""
    found = {}
    for package in CHECKED:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = module_files()
PACKAGES = sorted(name for name, path in MODULES.items() if path.name == "__init__.py")


def imported_modules(name: str, path: Path) -> set[str]:
    """The checked modules `name` imports anywhere in its file (top level, functions, branches).
    `from a import b` names module a.b when there is one, else a."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: `from . import x`, `from ..y import z`
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
            named = [f"{base}.{alias.name}" for alias in node.names]
            targets = [t if t in MODULES else base for t in named]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # `import kb.retrieval.search.x` -> the module
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_module_imports_itself_back_through_others():
    graph = {name: imported_modules(name, path) for name, path in MODULES.items()}
    assert import_cycles(graph) == []


def test_the_cycle_check_sees_a_circle_through_a_function_level_import(tmp_path):
    source = tmp_path / "a.py"
    source.write_text("import kb.answer\n\ndef late():\n    from kb.levels import assess_scenario\n")
    assert "kb.levels" in imported_modules("kb.retrieval.search", source)
    assert import_cycles({"x": {"y"}, "y": {"z"}, "z": {"x"}, "w": {"x"}}) == [["x", "y", "z"]]


def _import_alone(module: str) -> tuple[str, int, str]:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    return module, done.returncode, done.stderr[-2000:]


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_alone_in_a_fresh_interpreter(package):
    module, code, err = _import_alone(package)
    assert code == 0, err


@pytest.mark.slow
def test_each_module_imports_alone_in_a_fresh_interpreter():
    modules = [m for m in MODULES if not m.endswith("__main__")]  # running it is what __main__ does
    with ThreadPoolExecutor(max_workers=2) as pool:
        failed = [(m, err) for m, code, err in pool.map(_import_alone, modules) if code != 0]
    assert failed == []


def test_no_module_of_kb_is_over_400_lines():
    lengths = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in MODULES.items()
        if path.is_relative_to(ROOT / "kb")
    }
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}
