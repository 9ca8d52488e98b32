"""The core (KPI engine, importer, work functions, CLI) imports without Streamlit, and no dashboard module
imports itself back through a chain of others."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Packages whose every module must import without Streamlit, and single modules alike.
CORE_PACKAGES = ("dashboard/kpi", "dashboard/importer", "dashboard/work", "db", "seed")
CORE_MODULES = ("dashboard.cli", "dashboard.config", "dashboard.i18n", "dashboard.auth.cli_users")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _core_modules() -> list[str]:
    names = list(CORE_MODULES)
    for package in CORE_PACKAGES:
        # Alembic's env.py and the revisions run only inside Alembic.
        paths = [path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts]
        names += sorted(_module_name(path) for path in paths)
    return names


def test_core_imports_without_streamlit() -> None:
    modules = _core_modules()
    assert "dashboard.kpi.portfolio" in modules and "dashboard.work.visits" in modules
    script = (
        "import importlib, sys\n"
        "class Blocked:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('streamlit', 'streamlit_authenticator', 'altair'):\n"
        "            raise ImportError(f'{name} is blocked')\n"
        "sys.meta_path.insert(0, Blocked())\n"
        f"for name in {modules!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as exc:\n"
        "        print(f'{name}: {exc}')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "", f"modules that need Streamlit:\n{run.stdout}"


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """The dashboard modules `module` imports, in its body or inside a function: an import put in a function
    to break a cycle still ties the two modules together."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:  # a submodule when there is one, else a name in the module
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    # A module's own packages are already being imported when it runs: importing from them is no cycle.
    ancestors = {".".join(module.split(".")[:n]) for n in range(1, module.count(".") + 2)}
    return {name for name in found if name in known and name not in ancestors}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()
    for start in sorted(graph):
        stack: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        on_path = {start}
        while stack:
            node, pending = stack[-1]
            if not pending:
                stack.pop()
                on_path.discard(node)
                done.add(node)
                continue
            nxt = pending.pop()
            if nxt in on_path:
                path = [name for name, _ in stack]
                return [*path[path.index(nxt) :], nxt]
            if nxt not in done:
                stack.append((nxt, sorted(graph[nxt])))
                on_path.add(nxt)
    return None


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles_among_dashboard_modules() -> None:
    paths = {_module_name(path): path for path in (ROOT / "dashboard").rglob("*.py")}
    known = set(paths)
    graph = {name: _imports(path, name, known) for name, path in paths.items()}
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_months_are_added_in_one_place() -> None:
    """The KPI engine, the seed and SQLite's pl_add_months add months with dashboard/kpi/periods.py alone."""
    found = []
    for folder in ("dashboard", "db", "seed", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef) and node.name in ("add_months", "shift_months"):
                    found.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert sorted(found) == ["dashboard/kpi/periods.py:add_months", "dashboard/kpi/periods.py:shift_months"]
