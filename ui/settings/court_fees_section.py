"""Settings › Court fees: the court's fee to issue a money claim, band by band, edited in
place and saved as one table (models.court_fees checks it: no overlapping bands,
amounts in range). Fees change, so the user keeps them up to date here."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.changes import Change, changes
from models.court_fees import (
    ENGLAND_AND_WALES,
    SHIPPED_COURT_FEES,
    CourtFeeBand,
    band_from_words,
    court_fees,
    save_court_fees,
)
from models.errors import LedgerError
from models.money import format_amount
from ui.common.style import ERROR, mute, scale_font
from ui.common.tasks import Progress, TaskRunner

Index = QModelIndex | QPersistentModelIndex
HEADINGS = ("Court", "Currency", "Claim from", "Claim to", "Fee", "Percent", "At most",
            "Source")
_RIGHT = {2, 3, 4, 5, 6}


def band_words(band: CourtFeeBand) -> list[str]:
    """A band as the table shows it for editing: amounts in major units, "" for none."""
    def amount(minor: int | None) -> str:
        return "" if minor is None else format_amount(minor, band.currency).replace(",", "")
    return [band.jurisdiction, band.currency, amount(band.amount_from_minor),
            amount(band.amount_to_minor), amount(band.fee_minor),
            "" if band.percent is None else str(band.percent), amount(band.cap_minor),
            band.source]


class CourtFeesModel(QAbstractTableModel):
    """The bands as typed: each row eight texts, edited in place."""

    edited = Signal()
    """A cell, or the rows, changed since the table was read."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[list[str]] = []

    def set_bands(self, bands: list[CourtFeeBand]) -> None:
        """Show ``bands`` as read."""
        self.beginResetModel()
        self._rows = [band_words(b) for b in bands]
        self.endResetModel()

    def bands(self) -> list[CourtFeeBand]:
        """The rows as bands; LedgerError naming the first that will not read."""
        found = []
        for number, row in enumerate(self._rows, 1):
            try:
                found.append(band_from_words(*row))
            except LedgerError as error:
                raise LedgerError(error.field, f"Band {number}: {error.message}") from None
        return found

    def add_band(self) -> int:
        """Add a band after the last, starting a penny above it; returns its row."""
        last = self._rows[-1] if self._rows else None
        row = [ENGLAND_AND_WALES, "GBP", "", "", "", "", "", ""]
        if last is not None:
            row[0], row[1] = last[0], last[1]
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append(row)
        self.endInsertRows()
        self.edited.emit()
        return position

    def remove_band(self, position: int) -> None:
        """Take the band at ``position`` out."""
        if 0 <= position < len(self._rows):
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._rows[position]
            self.endRemoveRows()
            self.edited.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADINGS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        text = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 3 and not text:
                return "no limit"
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        text = str(value).strip()
        if self._rows[index.row()][index.column()] == text:
            return False
        self._rows[index.row()][index.column()] = text
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])
        self.edited.emit()
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADINGS[section]
        return None


class CourtFeesSection(QWidget):
    """The court fee table: edit, add and remove bands, save them, or put Duly's back."""

    saved = Signal(str)
    """The table was saved: what was done, for the page's notice line."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        title = QLabel("Court fees")
        scale_font(title, 1.1, bold=True)
        intro = QLabel("The court's fee to issue a money claim, by the amount claimed with "
                       "interest: the claim pack adds it to the total. Duly ships England & "
                       "Wales's (HMCTS leaflet EX50); fees change, so check them on gov.uk "
                       "before you claim. Give each band a fixed fee or a percentage (with "
                       "a cap, if any); amounts in the band's currency.")
        intro.setWordWrap(True)
        mute(intro)
        self.model = CourtFeesModel(self)
        self.model.edited.connect(self._on_model_edited)
        self.table = QTableView()
        self.table.setObjectName("courtFees")
        self.table.setAccessibleName("Court fees")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("courtFeesError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {ERROR};")
        self.add_button = QPushButton("&Add Band")
        self.remove_button = QPushButton("Re&move Band")
        self.reset_button = QPushButton("Use Duly's Fees")
        self.reset_button.setToolTip("Put back the England & Wales fees Duly ships")
        self.save_button = QPushButton("Save Fees")
        self.save_button.setDefault(True)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.reset_button.clicked.connect(self._on_reset_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self._dirty = False
        self._update_buttons()

    def reload(self) -> None:
        """Read the table again (what was typed and not saved is dropped)."""
        def work(_progress: Progress) -> list[CourtFeeBand]:
            return court_fees()

        self._tasks.run(work, latest=(self, "fees"), on_success=self._on_read)

    def clear(self) -> None:
        """Forget the table (the store closed)."""
        self._tasks.forget((self, "fees"))
        self.model.set_bands([])
        self.error_label.clear()
        self._dirty = False
        self._update_buttons()

    def _on_read(self, bands: list[CourtFeeBand]) -> None:
        self.model.set_bands(bands)
        self._dirty = False
        self._update_buttons()

    def _on_model_edited(self) -> None:
        self._dirty = True
        self.error_label.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))
        self.save_button.setEnabled(self._dirty)

    def _on_add_button_clicked(self) -> None:
        row = self.model.add_band()
        self.table.selectRow(row)
        self.table.edit(self.model.index(row, 2))

    def _on_remove_button_clicked(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.model.remove_band(rows[0].row())

    def _on_reset_button_clicked(self) -> None:
        self.model.set_bands(list(SHIPPED_COURT_FEES))
        self._on_model_edited()

    def _on_save_button_clicked(self) -> None:
        try:
            bands = self.model.bands()
        except LedgerError as error:
            self.error_label.setText(error.message)
            return

        def work(_progress: Progress) -> int:
            save_court_fees(bands)
            return len(bands)

        def failed(error: BaseException) -> bool:
            if not isinstance(error, LedgerError):
                return False
            self.error_label.setText(error.message)
            return True

        def done(count: int) -> None:
            self.saved.emit(f"Saved {count} court fee bands.")
            self.reload()

        self._tasks.run(work, writes=True, label="Saving the court fees…", on_success=done,
                        on_failure=failed, changes=changes(Change.POLICIES), initiator=self)
