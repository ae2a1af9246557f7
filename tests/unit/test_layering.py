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
