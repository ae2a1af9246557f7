"""File › Move Store to a Server… (on a file) and Move Store to a File… (on a server):
the store is closed, moved off the GUI thread with its progress and a Cancel button,
opened again, and the window says what moved and offers to open the moved store.

The window owns one :class:`StoreMover` and puts its :attr:`~StoreMover.action` in the
File menu.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from models.places import default_store_path
from ui.common import file_pickers
from ui.common.tasks import Progress, TaskRunner
from ui.window.store_switching import StoreSwitcher

if TYPE_CHECKING:
    from models.db import Store
    from models.move_store import MovedStore

TO_SERVER = "Move Store to a &Server…"
TO_FILE = "Move Store to a &File…"


class StoreMover(QObject):
    """Moves the open store between its file and a PostgreSQL server."""

    def __init__(self, window: QWidget, tasks: TaskRunner, switcher: StoreSwitcher) -> None:
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._switcher = switcher
        self.action = QAction(TO_SERVER, self)
        self.action.setStatusTip("Copy every row of the store to another place, checked "
                                 "on both sides; the store stays as it is")
        self.action.setEnabled(False)
        self.action.triggered.connect(self._on_action_triggered)
        self.moved_box: QMessageBox | None = None
        switcher.opened.connect(self._on_switcher_opened)
        switcher.closed.connect(self._on_switcher_closed)

    @Slot(object)
    def _on_switcher_opened(self, store: Store) -> None:
        self.action.setText(TO_FILE if store.server is not None else TO_SERVER)
        self.action.setEnabled(True)

    @Slot()
    def _on_switcher_closed(self) -> None:
        self.action.setEnabled(False)

    @Slot()
    def _on_action_triggered(self) -> None:
        store = self._switcher.store
        if store is None:
            return
        if store.server is None:
            from ui.window.move_store_dialog import MoveStoreDialog  # when asked, not at start

            MoveStoreDialog.ask(self._window, store.path.name,
                                lambda address: self.move_to(address) if address else None)
            return
        chosen = file_pickers.choose_new_store_path(self._window, default_store_path().parent)
        if chosen is not None:
            self.move_to(chosen)

    def move_to(self, target: Path | str) -> None:
        """Move the open store to ``target`` (a server's empty database, or a new file),
        then open the store again and offer to open the moved one."""
        store = self._switcher.store
        if store is None:
            return
        source: Path | str = store.server.url if store.server is not None else store.path

        def work(progress: Progress) -> MovedStore:
            # Imported when asked for: check's rules bring Babel, which the window's
            # start does without.
            from models.move_store import move_store

            return move_store(source, target, progress)

        self._switcher.reopen_after(work, label="Moving the store…", cancellable=True,
                                    on_success=lambda moved: self._on_moved(moved, target))

    def _on_moved(self, moved: MovedStore, target: Path | str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Moved", moved.summary(),
                          QMessageBox.StandardButton.NoButton, self._window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(f"The store is now also in {moved.target}; {moved.source} "
                               f"stays as it was. Open the moved store?")
        self.open_button = box.addButton("Open the Moved Store",
                                         QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not Now", QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        opening = self.open_button
        box.finished.connect(lambda _result: self._switcher.open_store_file(target)
                             if box.clickedButton() is opening else None)
        self.moved_box = box
        box.open()
