"""The window frame: the main window, the area registry, navigation, the welcome
page and starting a company."""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6  # noqa: F401 - loads the import hook answered more cheaply below


def _ask_the_file_whether_it_uses_pyside() -> None:
    """PySide6 asks of every module imported after it whether its source mentions
    PySide6 (for its ``__feature__`` switches), through ``inspect.getsource``: that
    tokenizes each module's whole source and keeps its lines in ``linecache`` for the
    life of the process (about 130 modules before the window's first paint, tens of
    milliseconds, and some 15 MiB kept). The same question is answered from the
    file's bytes; a module without a source file is asked as before."""
    feature = sys.modules.get("shibokensupport.feature")
    asked = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or asked is None or getattr(asked, "reads_the_file", False):
        return

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(asked(module))
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(asked(module))

    uses_pyside.reads_the_file = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]


_ask_the_file_whether_it_uses_pyside()
