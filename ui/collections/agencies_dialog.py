"""The agencies' directory: each agency with its rating, contact, commission, what it
is good at and how many cases it was given; add one or edit one
(:class:`~ui.common.agency_dialog.AgencyDialog`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from models.agencies import MAX_RATING, AgencyDraft, AgencyRow, add_agency, agencies, update_agency
from models.changes import Change, changes
from models.errors import LedgerError
from ui.common.agency_dialog import AgencyDialog
from ui.common.form_writes import FormWrites
from ui.common.list_table import list_table
from ui.common.rows_model import Column, RowsModel
from ui.common.style import mute
from ui.common.tasks import Progress, TaskRunner

# The directory is the business's own record.
AGENCY_CHANGES = changes(Change.BUSINESS)


def _stars(row: AgencyRow) -> str:
    return "★" * row.rating + "☆" * (MAX_RATING - row.rating) if row.rating else "unrated"


class AgenciesModel(RowsModel):
    """The agencies of the directory, best rated first until sorted."""

    columns = (
        Column("Agency", lambda r: r.name, lambda r: r.name.casefold(),
               tooltip=lambda r: "\n".join(p for p in (r.fees and f"Fees: {r.fees}",
                                                       r.notes and f"Notes: {r.notes}") if p)
               or None),
        Column("Rating", _stars, lambda r: r.rating or 0),
        Column("Contact", lambda r: " ".join(p for p in (r.contact_name, r.phone, r.email) if p),
               lambda r: r.contact_name.casefold()),
        Column("Commission", lambda r: r.commission_words,
               lambda r: r.commission_percent if r.commission_percent is not None else -1),
        Column("Good at", lambda r: " ".join(r.strengths.split()),
               lambda r: r.strengths.casefold()),
        Column("Cases", lambda r: str(r.referrals), lambda r: r.referrals, money=True),
    )


class AgenciesDialog(QDialog):
    """The directory with Add and Edit; each write goes through the task helper."""

    loaded = Signal()
    """The directory was read and is on show."""

    @classmethod
    def show_directory(cls, parent: QWidget, tasks: TaskRunner, currency: str = ""
                       ) -> AgenciesDialog:
        """Open the directory (window-modal) and read it."""
        dialog = cls(parent, tasks, currency)
        dialog.open()
        dialog.reload()
        return dialog

    def __init__(self, parent: QWidget | None, tasks: TaskRunner, currency: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("agenciesDialog")
        self.setWindowTitle("Agencies")
        self.resize(880, 420)
        self.tasks = tasks
        self.currency = currency
        self.writes = FormWrites(self, tasks)
        self.model = AgenciesModel(self)
        self.table = list_table(self.model, "agenciesTable", "Collection agencies")
        for column, width in enumerate((170, 80, 190, 160, 160, 50)):
            self.table.horizontalHeader().resizeSection(column, width)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        words = QLabel("The agencies you may refer accounts to. Your notes and rating say how "
                       "each treats your customers.")
        words.setWordWrap(True)
        mute(words)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.add_button = QPushButton("&Add Agency…")
        self.add_button.setObjectName("addAgency")
        self.add_button.clicked.connect(lambda: self.add())
        self.edit_button = QPushButton("&Edit Agency…")
        self.edit_button.setObjectName("editAgency")
        self.edit_button.clicked.connect(lambda: self.edit())
        buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.edit_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(words)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self._update_buttons()

    def reload(self) -> None:
        """Read the directory again."""
        def read(_progress: Progress) -> list[AgencyRow]:
            return agencies()

        self.tasks.run(read, on_success=self._on_read, latest=(self, "load"))

    def current_agency(self) -> AgencyRow | None:
        """The agency chosen in the list."""
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        return row if isinstance(row, AgencyRow) else None

    def add(self, error: LedgerError | None = None, draft: AgencyDraft | None = None) -> None:
        """Ask for a new agency's details, then add it."""
        AgencyDialog.ask(self, lambda typed: self._save(None, typed), currency=self.currency,
                         error=error, draft=draft)

    def edit(self, error: LedgerError | None = None, draft: AgencyDraft | None = None) -> None:
        """Ask for the chosen agency's details, then save them."""
        agency = self.current_agency()
        if agency is not None:
            AgencyDialog.ask(self, lambda typed: self._save(agency, typed), agency=agency,
                             error=error, draft=draft)

    def _save(self, agency: AgencyRow | None, draft: AgencyDraft | None) -> None:
        if draft is None:
            return

        def work() -> Any:
            if agency is None:
                return add_agency(draft)
            update_agency(agency.id, draft)
            return agency.id

        def refused(error: LedgerError) -> None:
            if agency is None:
                self.add(error, draft)
            else:
                self.edit(error, draft)

        self.writes.run(work, AGENCY_CHANGES, done=lambda _id: self.reload(), refused=refused)

    def _on_read(self, rows: list[AgencyRow]) -> None:
        chosen = self.current_agency()
        self.model.set_rows(rows)
        position = self.model.position_of(chosen.id) if chosen is not None else -1
        if position >= 0:
            self.table.selectRow(position)
        elif rows:
            self.table.selectRow(0)
        self._update_buttons()
        self.loaded.emit()

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.edit()

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.current_agency() is not None)
