"""Run by bench_startup: start Duly's window or a bare one, print when it first paints.

The time is CLOCK_MONOTONIC, which the parent also reads before starting this
process, so the difference is process start to first paint of the main window.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView


class _FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            print(time.monotonic(), flush=True)
            os._exit(0)
        return False


def _watch_first_paint() -> None:
    """Install the paint watcher just before the event loop starts."""
    original = QApplication.exec
    watcher = _FirstPaint()

    def exec_with_watcher(*args: object) -> int:
        QApplication.instance().installEventFilter(watcher)
        return original(*args)

    QApplication.exec = staticmethod(exec_with_watcher)  # type: ignore[method-assign]


def bare() -> int:
    """The floor: an empty QMainWindow holding a QTableView."""
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QTableView())
    window.resize(1200, 780)
    window.show()
    return app.exec()


def main() -> int:
    _watch_first_paint()
    if sys.argv[1] == "bare":
        return bare()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from ui.window.app import run_window

    return run_window(Path(sys.argv[2]))


if __name__ == "__main__":
    sys.exit(main())
