"""The versions Duly runs on below the window, for About and for reporting a problem."""

from __future__ import annotations

import platform
import sqlite3


def python_version() -> str:
    """The Python running Duly, e.g. "3.11.7"."""
    return platform.python_version()


def sqlite_version() -> str:
    """The SQLite library the store is read and written with, e.g. "3.40.1"."""
    return sqlite3.sqlite_version
