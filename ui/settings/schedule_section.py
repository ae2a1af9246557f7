"""Settings › Schedule: the nightly job (set up as a systemd user timer) and how it last
ran, and where backups go and how many are kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from models.backup import MAX_KEPT, BackupSettings, Rotation, backup_folder, backup_settings
from models.backup import set_backup_settings as save_backup_settings
from models.changes import Change, changes
from models.dates import short_date
from models.db import open_store_file
from models.errors import Refusal
from models.schedule import (
    NIGHTLY_TIME,
    LastRun,
    install_nightly_job,
    last_runs,
    remove_nightly_job,
)
from ui.common.elided_label import ElidedLabel
from ui.common.list_table import list_table
from ui.common.rows_model import Column, RowsModel
from ui.common.style import ACCENT, ERROR, mute, scale_font
from ui.common.tasks import Progress, TaskRunner


@dataclass(frozen=True)
class ScheduleView:
    """What the section shows, read together."""

    store: Path | None
    settings: BackupSettings
    folder: Path | None
    runs: list[LastRun]


def outcome_text(run: LastRun) -> str:
    """How a run ended, in words: "Backed up to …", or "Failed: …"."""
    return run.outcome if run.succeeded or run.outcome.startswith("Failed") \
        else f"Failed: {run.outcome}"


class LastRunsModel(RowsModel):
    """Each scheduled command's last run, the latest first."""

    columns = (
        Column("When", lambda r: f"{short_date(r.at.date())} {r.at:%H:%M}", lambda r: r.at),
        Column("Command", lambda r: r.command, lambda r: r.command),
        Column("How it ended", outcome_text, outcome_text, tooltip=outcome_text),
    )


class ScheduleSection(QWidget):
    """Sets up the nightly job and the backups; nothing is read until :meth:`reload`."""

    loaded = Signal()
    """What the section shows was read."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleSection")
        self._tasks = tasks
        self._view: ScheduleView | None = None
        self._folder: Path | None = None  # as chosen, not yet saved (None: the default)

        title = QLabel("Schedule")
        scale_font(title, 1.1, bold=True)
        intro = QLabel("Duly can do the night's work by itself, even with this window open: "
                       "send the e-mail reminders due, then back up your store.")
        intro.setWordWrap(True)
        mute(intro)
        self.time_edit = QTimeEdit(QTime(NIGHTLY_TIME.hour, NIGHTLY_TIME.minute))
        self.time_edit.setDisplayFormat("HH:mm")
        self.install_button = QPushButton("Set Up the &Nightly Job")
        self.install_button.clicked.connect(self._on_install_button_clicked)
        self.remove_button = QPushButton("&Remove the Nightly Job")
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        row = QHBoxLayout()
        row.addWidget(QLabel("Every day at"))
        row.addWidget(self.time_edit)
        row.addWidget(self.install_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        self.install_label = QLabel()
        self.install_label.setWordWrap(True)
        self.install_label.setTextFormat(Qt.TextFormat.PlainText)
        runs_title = QLabel("Last runs")
        scale_font(runs_title, 1.0, bold=True)
        self.runs_model = LastRunsModel(self)
        self.runs_table = list_table(self.runs_model, "lastRuns", "Last runs")
        self.runs_table.setMaximumHeight(self.runs_table.verticalHeader().defaultSectionSize()
                                         * 4 + 8)
        self.runs_label = QLabel()
        mute(self.runs_label)

        backups_title = QLabel("Backups")
        scale_font(backups_title, 1.1, bold=True)
        backups_intro = QLabel("A backup is taken each day while Duly is open, and each "
                               "night by the nightly job. Keep them on a USB stick or a "
                               "synced folder to be safe from a broken disk.")
        backups_intro.setWordWrap(True)
        mute(backups_intro)
        self.folder_label = ElidedLabel(tip_when_cut=True)
        self.folder_label.setTextFormat(Qt.TextFormat.PlainText)
        self.choose_button = QPushButton("&Choose Folder…")
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.default_button = QPushButton("Use the &Default")
        self.default_button.clicked.connect(self._on_default_button_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.choose_button)
        folder_row.addWidget(self.default_button)
        folder_row.addStretch(1)
        self.daily_spin, self.weekly_spin, self.monthly_spin = (
            self._count_spin(), self._count_spin(), self._count_spin())
        form = QFormLayout()
        form.addRow("Folder:", self.folder_label)
        form.addRow("", folder_row)
        form.addRow("Keep daily:", self.daily_spin)
        form.addRow("Keep weekly:", self.weekly_spin)
        form.addRow("Keep monthly:", self.monthly_spin)
        self.save_button = QPushButton("&Save Backup Settings")
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.notice_label = QLabel()
        self.notice_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_label.setWordWrap(True)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.notice_label, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (title, intro):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.install_label)
        layout.addWidget(runs_title)
        layout.addWidget(self.runs_table)
        layout.addWidget(self.runs_label)
        layout.addSpacing(12)
        layout.addWidget(backups_title)
        layout.addWidget(backups_intro)
        layout.addLayout(form)
        layout.addLayout(save_row)
        layout.addStretch(1)
        self._update_actions()

    def _count_spin(self) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, MAX_KEPT)
        spin.setMaximumWidth(spin.fontMetrics().horizontalAdvance("0000") + 60)
        return spin

    # --- reading ------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the settings and the last runs again."""
        def work(_progress: Progress) -> ScheduleView:
            store = open_store_file()
            settings = backup_settings()
            folder = backup_folder(store, settings) if store is not None else None
            return ScheduleView(store, settings, folder, last_runs())

        self._tasks.run(work, latest=(self, "load"), on_success=self._show)

    def clear(self) -> None:
        """Forget what is shown (the store closed)."""
        self._tasks.forget((self, "load"))
        self._view = None
        self.runs_model.set_rows([])
        self.runs_label.clear()
        self.folder_label.clear()
        self.install_label.clear()
        self.notice_label.clear()
        self._update_actions()

    def _show(self, view: ScheduleView) -> None:
        self._view = view
        self._folder = view.settings.folder
        self.folder_label.setText(str(view.folder or ""))
        rotation = view.settings.rotation
        self.daily_spin.setValue(rotation.daily)
        self.weekly_spin.setValue(rotation.weekly)
        self.monthly_spin.setValue(rotation.monthly)
        self.runs_model.set_rows(view.runs)
        self.runs_table.resizeColumnToContents(0)
        self.runs_table.setVisible(bool(view.runs))
        self.runs_label.setText("" if view.runs else "The nightly job has not run yet.")
        self.runs_label.setVisible(not view.runs)
        self._update_actions()
        self.loaded.emit()

    def _update_actions(self) -> None:
        ready = self._view is not None and self._view.store is not None
        for widget in (self.install_button, self.remove_button, self.choose_button,
                       self.default_button, self.save_button):
            widget.setEnabled(ready)

    # --- the nightly job ----------------------------------------------------------------

    def _on_install_button_clicked(self) -> None:
        if self._view is None or self._view.store is None:
            return
        store = self._view.store
        time = self.time_edit.time()
        at = dt.time(time.hour(), time.minute())

        def work(_progress: Progress) -> str:
            return install_nightly_job(store, at)

        self.install_label.setText("Setting up the nightly job…")
        self._tasks.run(work, label="Setting up the nightly job…",
                        on_success=lambda words: self._say(self.install_label, words),
                        on_failure=self._job_failed)

    def _on_remove_button_clicked(self) -> None:
        def work(_progress: Progress) -> str:
            return remove_nightly_job()

        self.install_label.setText("Removing the nightly job…")
        self._tasks.run(work, label="Removing the nightly job…",
                        on_success=lambda words: self._say(self.install_label, words),
                        on_failure=self._job_failed)

    def _job_failed(self, error: BaseException) -> bool:
        if not isinstance(error, Refusal):
            return False
        self._say(self.install_label, error.message, ok=False)
        return True

    # --- backups ------------------------------------------------------------------------

    def _on_choose_button_clicked(self) -> None:
        start = str(self._view.folder) if self._view is not None and self._view.folder \
            else str(Path.home())
        name = QFileDialog.getExistingDirectory(self, "Where should backups go?", start)
        if name:
            self._folder = Path(name)
            self.folder_label.setText(name)

    def _on_default_button_clicked(self) -> None:
        self._folder = None
        if self._view is not None and self._view.store is not None:
            self.folder_label.setText(str(backup_folder(self._view.store, BackupSettings(
                None, Rotation()))))

    def _on_save_button_clicked(self) -> None:
        chosen = BackupSettings(self._folder, Rotation(
            self.daily_spin.value(), self.weekly_spin.value(), self.monthly_spin.value()))

        def work(_progress: Progress) -> None:
            save_backup_settings(chosen)

        def failed(error: BaseException) -> bool:
            if not isinstance(error, Refusal):
                return False
            self._say(self.notice_label, error.message, ok=False)
            return True

        self._tasks.run(work, writes=True, changes=changes(Change.BUSINESS), initiator=self,
                        on_success=lambda _none: self._saved(), on_failure=failed)

    def _saved(self) -> None:
        self._say(self.notice_label, "Backup settings saved.")
        self.reload()

    def _say(self, label: QLabel, words: str, *, ok: bool = True) -> None:
        label.setText(words)
        label.setStyleSheet(f"color: {ACCENT if ok else ERROR};")
