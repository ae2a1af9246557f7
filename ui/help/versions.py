"""What About names: the versions of Duly and of what it runs on."""

from __future__ import annotations

import PySide6
from PySide6.QtCore import qVersion

from models.versions import python_version, sqlite_version
from ui import VERSION


def versions() -> str:
    """Duly's version and Qt's, PySide6's, Python's and SQLite's, in one line."""
    return (f"Duly {VERSION}, Qt {qVersion()}, PySide6 {PySide6.__version__}, "
            f"Python {python_version()}, SQLite {sqlite_version()}")
