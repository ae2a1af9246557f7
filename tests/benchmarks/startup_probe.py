"""Run by bench_startup and bench_window_today: start Duly's window or a bare one, print
when it first paints (or, with ``today``, when Today's list and its count are shown).

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


def today(store: Path, day: str) -> int:
    """Duly's window opened on Today for ``day``: prints when the list is shown, then
    when the navigation's count is (each on its own line, the list first), and exits."""
    import datetime as dt
    import shutil
    import tempfile

    from PySide6.QtCore import QSettings

    from ui.today.today_page import TodayPage
    from ui.window.app import create_application
    from ui.window.main_window import MainWindow

    shown: dict[str, float] = {}
    folder = tempfile.mkdtemp(prefix="duly-probe-")

    def seen(what: str) -> None:
        shown.setdefault(what, time.monotonic())
        if len(shown) == 2:
            print(shown["list"], flush=True)
            print(shown["count"], flush=True)
            # os._exit skips every clean-up, so the settings folder goes first.
            shutil.rmtree(folder, ignore_errors=True)
            os._exit(0)

    listed = TodayPage._on_load_task_succeeded
    counted = MainWindow._show_badge

    def list_shown(page: TodayPage, *args: object) -> None:
        listed(page, *args)  # type: ignore[arg-type]
        seen("list")

    def count_shown(window: MainWindow, key: str, badge: object) -> None:
        counted(window, key, badge)  # type: ignore[arg-type]
        if key == "today" and badge is not None:
            seen("count")

    TodayPage._on_load_task_succeeded = list_shown  # type: ignore[method-assign]
    MainWindow._show_badge = count_shown  # type: ignore[method-assign]
    app = create_application(sys.argv[:1])
    settings = QSettings(os.path.join(folder, "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, settings=settings, today=dt.date.fromisoformat(day))
    window.show()
    return app.exec()


def main() -> int:
    if sys.argv[1] == "bare":
        _watch_first_paint()
        return bare()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    if sys.argv[1] == "today":
        return today(Path(sys.argv[2]), sys.argv[3])
    _watch_first_paint()
    from ui.window.app import run_window

    return run_window(Path(sys.argv[2]))


if __name__ == "__main__":
    sys.exit(main())
