"""What About names: the versions of Duly and of what it runs on."""

from __future__ import annotations

import platform
import sqlite3

import PySide6
from PySide6.QtCore import qVersion

from ui import VERSION


def versions() -> str:
    """Duly's version and Qt's, PySide6's, Python's and SQLite's, in one line."""
    return (f"Duly {VERSION}, Qt {qVersion()}, PySide6 {PySide6.__version__}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")
