"""Where the window finds Duly's icons."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

RESOURCES_DIR = Path(__file__).resolve().parents[2] / "resources"
ICONS_DIR = RESOURCES_DIR / "icons"


def icon_path(name: str) -> Path:
    """The SVG file of the icon called ``name`` (e.g. ``"today"``)."""
    return ICONS_DIR / f"{name}.svg"


def icon(name: str) -> QIcon:
    """The icon called ``name``, drawn sharp at any size."""
    return QIcon(str(icon_path(name)))
