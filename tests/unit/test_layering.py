"""The arrows point one way: ui -> reports -> models, and ui -> models."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN = {
    "models": {"PySide6", "shiboken6", "ui", "reports", "reportlab"},
    "reports": {"PySide6", "shiboken6", "ui"},
    "ui": {"peewee", "playhouse", "sqlite3"},
}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a file imports, at any depth of the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_it_may(layer: str) -> None:
    files = sorted((ROOT / layer).rglob("*.py"))
    assert files, f"{layer}/ has no Python files"
    offenders = {str(f.relative_to(ROOT)): sorted(imported_modules(f) & FORBIDDEN[layer])
                 for f in files}
    assert {f: names for f, names in offenders.items() if names} == {}


@pytest.mark.parametrize("layer", ["ui", "reports"])
def test_only_models_hold_the_tables_to_query(layer: str) -> None:
    # Without the peewee model classes (models.schema) or the database object no
    # query can be built; the window and the documents ask models/ for plain rows.
    offenders = {}
    for path in sorted((ROOT / layer).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("models.schema", "models"):
                found |= {f"{node.module}.{a.name}" for a in node.names
                          if node.module == "models.schema" or a.name == "schema"}
            elif isinstance(node, ast.ImportFrom) and node.module == "models.db":
                found |= {f"models.db.{a.name}" for a in node.names if a.name == "database"}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name == "models.schema"}
        if found:
            offenders[str(path.relative_to(ROOT))] = sorted(found)
    assert offenders == {}


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from PySide6.QtCore import QObject\n")
    assert "PySide6" in imported_modules(sample)


def test_headless_commands_load_neither_qt_nor_reportlab(tmp_path: Path) -> None:
    probe = (
        "import sys, main\n"
        f"code = main.main(['--db', {str(tmp_path / 's.sqlite')!r}, 'demo', '--customers', '3'])\n"
        f"code += main.main(['--db', {str(tmp_path / 's.sqlite')!r}, 'check'])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'reportlab'))\n"
        "print(code, heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    assert result.stdout.strip().splitlines()[-1] == "0 []"


# --- no import cycles, no area importing another ------------------------------------

PROJECT = ("models", "reports", "ui")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_imports(path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports, lazily inside functions too (a lazy import
    only hides a cycle until the day it runs first), but not under TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    hidden = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
              and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            submodules = {f"{node.module}.{a.name}" for a in node.names}
            found |= (submodules & known) or ({node.module} & known)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for layer in PROJECT for p in (ROOT / layer).rglob("*.py")}
    known = set(files)
    return {name: project_imports(path, known) - {name} for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_round_a_circle() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


# The areas of the navigation, and what every area may use: ui/common's widgets and
# helpers, ui/contacts, the contact log that is at hand wherever a customer is, the
# import wizard, and ui/help, the user guide and the Help menu.
AREA_PACKAGES = ("today", "accounts", "customers", "plans", "insights", "templates", "settings",
                 "collections")
SHARED_PACKAGES = ("common", "contacts", "importing", "help")


def area_offenders(graph: dict[str, set[str]]) -> dict[str, list[str]]:
    """Modules of an area (or a shared package) importing from another area."""
    offenders = {}
    for name, imports in graph.items():
        package = name.split(".")[1] if name.startswith("ui.") and "." in name else ""
        if package not in AREA_PACKAGES + SHARED_PACKAGES:
            continue
        allowed = (package, "common") if package in SHARED_PACKAGES \
            else (package, *SHARED_PACKAGES)
        others = sorted(i for i in imports if i.startswith("ui.") and "." in i
                        and i.split(".")[1] not in allowed)
        if others:
            offenders[name] = others
    return offenders


def test_no_area_of_the_window_imports_another() -> None:
    # What two areas share lives in ui/common (or, if it is a rule, in models/); the
    # window frame (ui/window) is the one place that knows every area.
    assert area_offenders(import_graph()) == {}


def test_the_area_check_sees_an_area_importing_another() -> None:
    graph = {"ui.today.page": {"ui.customers.dialog", "ui.common.tasks", "ui.contacts.log"},
             "ui.contacts.log": {"ui.today.page"}, "ui.window.main": {"ui.today.page"}}
    assert area_offenders(graph) == {"ui.today.page": ["ui.customers.dialog"],
                                     "ui.contacts.log": ["ui.today.page"]}


def test_every_package_of_the_window_is_an_area_or_shared() -> None:
    packages = {p.name for p in (ROOT / "ui").iterdir() if (p / "__init__.py").exists()}
    assert packages == {"window", *AREA_PACKAGES, *SHARED_PACKAGES}
