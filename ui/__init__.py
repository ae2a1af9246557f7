"""Duly's window: PySide6 widgets, dialogs and background tasks over ``models/``.

Imports inside functions, throughout ``ui/``, are deliberate: the window paints
before it imports what it does not show yet (an area's page, the follow-up
engine, reportlab, QtPdf), which keeps start-up within 2x a bare Qt window
(``tests/benchmarks/bench_startup.py``). They are imported when first needed.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6

# Shown in About; a test keeps it equal to the version in setup.cfg.
VERSION = "0.1.0"


def _read_sources_quickly() -> None:
    """PySide6 asks of each module imported after it whether its source mentions
    "PySide6" (for its optional ``__feature__`` switches), through ``inspect.getsource``,
    which decodes the whole file into the line cache: about 20 ms of CPU for the 160
    modules imported before Today's list shows. The same question is answered here by
    searching the file's bytes; modules without a ``.py`` file keep PySide6's own way."""
    feature = sys.modules.get("shibokensupport.feature")
    asked = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or asked is None or getattr(asked, "duly", False):
        return

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(asked(module))

    setattr(uses_pyside, "duly", True)  # noqa: B010 - a function's mark, not typed
    setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010 - PySide6's own name


_read_sources_quickly()
del PySide6
