"""Starting the window: the application object, the first store, the event loop."""

from __future__ import annotations

import contextlib
import gc
import sys
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from models.log_file import start_log_file, stop_log_file
from models.places import default_store_path, is_server_address
from ui import VERSION
from ui.common.collector import GuiThreadCollector
from ui.common.resources import icon
from ui.window.main_window import LAST_SERVER_KEY, MainWindow


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, named so QSettings and the desktop know it as Duly."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv if argv is None else argv)
    app.setApplicationName("Duly")
    app.setOrganizationName("Duly")
    app.setApplicationVersion(VERSION)
    app.setDesktopFileName("duly")
    app.setWindowIcon(icon("duly"))
    if app.findChild(GuiThreadCollector) is None:
        GuiThreadCollector(app)
    return app


def startup_stores(db_path: Path | str | None,
                   last_server: str | None = None) -> tuple[Path | str | None, Path]:
    """The store to open at start (None: welcome) and where the user's own company lives.

    ``db_path`` (from ``--db``) stands in for the user's own store: if it
    does not exist yet, the welcome page offers to start the company there. A server's
    address (``--db postgresql://…``) is opened as it is. Without ``--db``, the store on
    a server the window last had open (``last_server``) is opened again.
    """
    if is_server_address(db_path):
        return str(db_path), default_store_path()
    if db_path is None and last_server and is_server_address(last_server):
        return last_server, default_store_path()
    own = Path(db_path).expanduser() if db_path is not None else default_store_path()
    return (own if own.exists() else None), own


class OpenedFiles(QObject):
    """Opens the store files the desktop hands a running Duly: macOS sends a file
    double-clicked in the Finder to the application as an event, not on the command
    line (Qt's ``QFileOpenEvent``)."""

    def __init__(self, app: QApplication, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file()
            if path:
                self._window.open_store_file(Path(path))
                return True
        return False


def run_window(db_path: Path | str | None, opened: Path | None = None,
               log_folder: Path | None = None) -> int:
    """Show Duly's window on ``db_path`` (a file or a server's address; None: the user's
    own store, or the store on a server last open), or on the store
    file ``opened`` (one double-clicked in the file manager), logging to ``log_folder``
    (None: the user log folder); the exit code."""
    app = create_application()
    # What start-up made (modules, classes, Qt's wrappers) lives as long as the window:
    # kept out of the collector's sight, no full collection on the GUI thread walks it
    # again (one once Today's list is shown on the big book: 16.5 -> 10.1 ms).
    gc.freeze()
    with contextlib.suppress(OSError):  # no log folder (read-only home): run without one
        start_log_file(log_folder)
    settings = QSettings()
    last_server = settings.value(LAST_SERVER_KEY)
    store_path, own = startup_stores(db_path, last_server if opened is None
                                     and isinstance(last_server, str) else None)
    if opened is not None:
        store_path = opened
    window = MainWindow(store_path=store_path, own_store_path=own, settings=settings)
    files = OpenedFiles(app, window)
    window.show()
    code = app.exec()
    app.removeEventFilter(files)
    # Destroy the widget tree now, while every Python object it calls back is
    # whole; left to Python's cycle collector it can be torn down half-cleared
    # and crash (seen with the Accounts page under PySide6 6.11).
    shiboken6.delete(window)
    stop_log_file()
    return code
