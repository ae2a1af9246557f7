"""Icons, the desktop entry, the version, and the window layer's rules."""

from __future__ import annotations

import ast
import configparser
from pathlib import Path

import pytest

from ui import VERSION
from ui.common.resources import RESOURCES_DIR, icon, icon_path
from ui.window.areas import AREAS

REPO = Path(__file__).resolve().parents[3]
UI = REPO / "ui"
ICONS = ["duly", "demo-company", "new-company", "open-store", *[a.icon for a in AREAS]]


@pytest.mark.parametrize("name", ICONS)
@pytest.mark.parametrize("size", [16, 32, 256])
def test_each_icon_draws_something_at_every_size(qapp, name, size):
    assert icon_path(name).is_file()
    image = icon(name).pixmap(size, size).toImage()

    assert image.width() == size
    step = max(1, size // 16)
    painted = [(x, y) for x in range(0, size, step) for y in range(0, size, step)
               if image.pixelColor(x, y).alpha() > 0]
    assert len(painted) >= 8


def test_the_desktop_entry_names_duly():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(RESOURCES_DIR / "duly.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]

    # %f: a Duly store double-clicked in the file manager opens in the window.
    assert (desktop["Type"], desktop["Name"], desktop["Exec"], desktop["Icon"]) == (
        "Application", "Duly", "duly %f", "duly")
    assert desktop["MimeType"] == "application/x-duly-store;"
    assert {"Office", "Finance"} <= set(filter(None, desktop["Categories"].split(";")))


def test_the_about_version_matches_the_package_version():
    metadata = configparser.ConfigParser()
    metadata.read(REPO / "setup.cfg")

    assert metadata["metadata"]["version"] == VERSION


QUERY_METHODS = {"where", "join", "order_by", "group_by", "execute_sql", "select", "raw"}


@pytest.mark.parametrize("source", sorted(UI.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(UI)))
def test_the_window_layer_builds_no_queries(source):
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) \
                else [node.module or ""]
            assert not any(m.split(".")[0] in {"peewee", "playhouse", "sqlite3"}
                           for m in modules), f"{source.name} imports the database"
            if isinstance(node, ast.ImportFrom):
                assert node.module != "models.schema", f"{source.name} imports tables"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in QUERY_METHODS:
            # "".join(...) on a literal string is text, not a query.
            assert isinstance(node.func.value, ast.Constant), \
                f"{source.name}:{node.lineno} calls .{node.func.attr}()"
