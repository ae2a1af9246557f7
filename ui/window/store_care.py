"""Keeping the open store safe and in step: its daily backup, File › Back Up Now…,
Restore… and Export All Data…, noticing what a scheduled Duly (or, on a server, another
person) wrote meanwhile, and finding a server's lost connection again.

The window owns one :class:`StoreCare`, puts its :attr:`~StoreCare.actions` in the File
menu, reads its areas again when :attr:`~StoreCare.other_writes_seen` fires, as after
its own writes, and shows :attr:`~StoreCare.connection_notice` in its status bar.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from models.errors import Refusal
from ui.common import file_pickers, messages
from ui.common.tasks import Progress, TaskRunner
from ui.window.store_switching import StoreSwitcher

if TYPE_CHECKING:  # the store's modules are imported once the window has painted
    from models.backup import BackupSummary, BackupTaken, Restored
    from models.db import OtherWrites, Store
    from reports.export_all import ExportSummary

# How often the window asks whether another process wrote to the store (SQLite, or what
# the server announced), and, while a server's connection is lost, tries it again.
OTHER_WRITES_POLL_MS = 2000
# How long the status bar says the connection is back.
BACK_NOTICE_MS = 10_000
# How often the window looks whether the daily backup is due (it runs when the last
# is a day old), and how long after a store opens it first looks: start-up first.
BACKUP_CHECK_MS = 60 * 60 * 1000
FIRST_BACKUP_CHECK_MS = 30 * 1000


class StoreCare(QObject):
    """The open store's backups, restore and export, and its other writers."""

    other_writes_seen = Signal()
    """Another process (a scheduled Duly command) wrote to the open store."""
    backup_taken = Signal(object)
    """A backup was taken (its ``BackupTaken``), by itself or asked for."""
    backup_failed = Signal(str)
    """The daily backup failed: why, in words."""
    connection_notice = Signal(str, int)
    """The connection to the store's server was lost or is back: the words for the
    status bar, and for how long (ms; 0 until the next)."""

    def __init__(self, window: QWidget, tasks: TaskRunner, switcher: StoreSwitcher) -> None:
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._switcher = switcher
        self._watch: OtherWrites | None = None
        self._reconnecting = False
        self._poll = QTimer(self)
        self._poll.setInterval(OTHER_WRITES_POLL_MS)
        self._poll.timeout.connect(self._on_poll_timeout)
        self._daily = QTimer(self)
        self._daily.setInterval(BACKUP_CHECK_MS)
        self._daily.timeout.connect(self.back_up_if_due)

        self.back_up_action = QAction("&Back Up Now…", self)
        self.back_up_action.setStatusTip("Copy the store to the backup folder now")
        self.back_up_action.triggered.connect(self._on_back_up_action_triggered)
        self.restore_action = QAction("&Restore…", self)
        self.restore_action.setStatusTip("Put a backup in place of the store")
        self.restore_action.triggered.connect(self._on_restore_action_triggered)
        self.export_action = QAction("E&xport All Data…", self)
        self.export_action.setStatusTip("Write everything to a ZIP of CSV files, one per table")
        self.export_action.triggered.connect(self._on_export_action_triggered)
        self.actions = (self.back_up_action, self.restore_action, self.export_action)
        self._enable(False)
        switcher.opened.connect(self._on_switcher_opened)
        switcher.closed.connect(self._on_switcher_closed)

    # --- the daily backup ---------------------------------------------------------------

    def back_up_if_due(self) -> None:
        """Take the daily backup off the GUI thread if the last is a day old; say so in
        the status bar only if it fails."""
        store = self._switcher.store
        if store is None or store.server is not None:
            return
        path = store.path
        from models.backup import backup_due, take_backup

        def work(_progress: Progress) -> BackupTaken | None:
            now = dt.datetime.now()
            return take_backup(path, now) if backup_due(path, now) else None

        def failed(error: BaseException) -> bool:
            words = error.message if isinstance(error, Refusal) else str(error)
            self.backup_failed.emit(f"The daily backup failed: {words}")
            return True

        self._tasks.run(work, latest=(self, "daily"), store_path=path,
                        on_success=self._on_daily_backup_done, on_failure=failed)

    def _on_daily_backup_done(self, taken: BackupTaken | None) -> None:
        if taken is not None:
            self.backup_taken.emit(taken)

    # --- noticing another Duly's writes -------------------------------------------------

    @Slot()
    def _on_poll_timeout(self) -> None:
        watch = self._watch
        if watch is None:
            return
        if watch.lost is None and watch.happened():
            self.other_writes_seen.emit()
        if watch.lost is not None:
            self._try_again(watch.lost)

    # --- a server's connection lost and found again -------------------------------------

    def _try_again(self, lost: str) -> None:
        """Say the connection is lost and try it again off the GUI thread (one try at a
        time: the server is given a few seconds to answer)."""
        self.connection_notice.emit(lost, 0)  # again each time: a hint may have hidden it
        if self._reconnecting:
            return
        self._reconnecting = True
        from models.db import OtherWrites, StoreError

        def work(_progress: Progress) -> None:
            OtherWrites.reconnect()

        def still_away(error: BaseException) -> bool:
            self._reconnecting = False
            return isinstance(error, StoreError)  # tried again at the next poll

        self._tasks.run(work, latest=(self, "reconnect"), on_success=self._on_reconnected,
                        on_failure=still_away)

    def _on_reconnected(self, _result: None) -> None:
        self._reconnecting = False
        from models.db import reopen_connection

        reopen_connection()  # this thread's connection too, lost with the others
        store = self._switcher.store
        where = store.server.name if store is not None and store.server is not None \
            else "the server"
        self.connection_notice.emit(f"Connected again to {where}; reading everything "
                                    f"again.", BACK_NOTICE_MS)
        if self._watch is not None:
            self._watch.happened()  # whatever it heard is read now, with the rest
        self.other_writes_seen.emit()  # what others wrote meanwhile: all read again

    # --- the store opening and closing --------------------------------------------------

    @Slot(object)
    def _on_switcher_opened(self, store: Store) -> None:
        from models.db import OtherWrites

        self._enable(True)
        self._watch = OtherWrites()
        self._poll.start()
        if store.server is not None:  # a server's backups are the server's own
            self.back_up_action.setEnabled(False)
            self.restore_action.setEnabled(False)
            return
        self._daily.start()
        QTimer.singleShot(FIRST_BACKUP_CHECK_MS, self, self.back_up_if_due)

    @Slot()
    def _on_switcher_closed(self) -> None:
        self._enable(False)
        self._poll.stop()
        self._daily.stop()
        self._watch = None
        self._reconnecting = False
        self._tasks.forget((self, "daily"))
        self._tasks.forget((self, "reconnect"))

    def _enable(self, enabled: bool) -> None:
        for action in self.actions:
            action.setEnabled(enabled)

    # --- File › Back Up Now… ------------------------------------------------------------

    @Slot()
    def _on_back_up_action_triggered(self) -> None:
        store = self._switcher.store
        if store is None:
            return
        path = store.path
        from models.backup import take_backup

        def work(_progress: Progress) -> BackupTaken:
            return take_backup(path, dt.datetime.now())

        self._tasks.run(work, label="Backing up…", store_path=path,
                        on_success=self._on_back_up_done)

    def _on_back_up_done(self, taken: BackupTaken) -> None:
        self.backup_taken.emit(taken)
        removed = (f" {len(taken.removed)} older backup(s) were removed, as the rotation "
                   f"keeps only so many." if taken.removed else "")
        messages.show_message(self._window, QMessageBox.Icon.Information, "Backed up",
                              f"Backed up to {taken.path}",
                              informative=f"The copy was checked once written.{removed}")

    # --- File › Restore… ----------------------------------------------------------------

    @Slot()
    def _on_restore_action_triggered(self) -> None:
        store = self._switcher.store
        if store is None:
            return
        from models.backup import backup_folder

        folder = backup_folder(store.path)
        chosen = file_pickers.choose_backup_to_restore(
            self._window, folder if folder.is_dir() else store.path.parent)
        if chosen is not None:
            self.preview_restore(chosen)

    def preview_restore(self, backup: Path) -> None:
        """Show what ``backup`` holds, and restore it if the user confirms."""
        store = self._switcher.store
        if store is None:
            return
        from models.backup import read_backup
        from ui.window.restore_dialog import RestoreDialog

        def work(_progress: Progress) -> BackupSummary:
            return read_backup(backup)

        self._tasks.run(work, label="Reading the backup…",
                        on_success=lambda summary: RestoreDialog.ask(
                            self._window, summary, store.path.name,
                            lambda yes: self._restore(summary) if yes else None))

    def _restore(self, summary: BackupSummary) -> None:
        store = self._switcher.store
        if store is None:
            return
        path = store.path
        from models.backup import restore_backup

        def prepare(_progress: Progress) -> Restored:
            return restore_backup(summary.path, path, dt.datetime.now())

        self._switcher.reopen_after(prepare, label="Restoring the backup…",
                                    on_success=self._on_restored)

    def _on_restored(self, restored: Restored) -> None:
        messages.show_message(
            self._window, QMessageBox.Icon.Information, "Restored",
            f"Restored the backup of {restored.summary.taken_at:%Y-%m-%d %H:%M}.",
            informative=f"The store as it was before is kept at {restored.kept_copy}.")

    # --- File › Export All Data… --------------------------------------------------------

    @Slot()
    def _on_export_action_triggered(self) -> None:
        store = self._switcher.store
        if store is None:
            return
        suggested = Path.home() / f"{store.path.stem} data {dt.date.today().isoformat()}.zip"
        target = file_pickers.choose_export_path(self._window, suggested)
        if target is not None:
            self.export_to(target)

    def export_to(self, target: Path) -> None:
        """Write everything in the store to ``target``, a ZIP of CSV files."""
        store = self._switcher.store
        if store is None:
            return
        from reports.export_all import export_all

        def work(progress: Progress) -> ExportSummary:
            return export_all(target, progress)

        self._tasks.run(work, label="Exporting all data…", store_path=store.path,
                        on_success=self._on_exported)

    def _on_exported(self, summary: ExportSummary) -> None:
        messages.show_message(
            self._window, QMessageBox.Icon.Information, "Exported",
            f"Wrote {sum(summary.rows.values()):,} rows of {len(summary.rows)} tables to "
            f"{summary.path}",
            informative="One CSV file per table, with a README.txt saying what the "
                        "columns hold.")
