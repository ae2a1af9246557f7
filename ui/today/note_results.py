"""The notes found by Today's search: a heading saying how many match, and their table."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from models.contacts import NOTES_FOUND_AT_MOST, NoteHit
from ui.common.list_table import list_table
from ui.common.style import scale_font
from ui.today.note_search_model import NoteSearchModel, RichTextDelegate


class NoteResults(QWidget):
    """The results pane under the worklist; hidden while nothing is searched."""

    customer_requested = Signal(int)
    """The user opened a note (Enter or double-click): its customer is wanted."""
    selection_changed = Signal()
    """The note in hand changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.searched = ""  # the text the results on show are for
        self.model = NoteSearchModel(self)
        self.label = QLabel()
        self.label.setObjectName("noteResultsHeading")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setMinimumWidth(1)
        scale_font(self.label, 1.0, bold=True)
        self.table = list_table(self.model, "noteResults", "Notes found")
        self.table.setItemDelegateForColumn(NoteSearchModel.NOTE, RichTextDelegate(self.table))
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self._size_columns()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.table, 1)
        self.hide()

    def show_hits(self, text: str, hits: list[NoteHit]) -> None:
        """The notes matching ``text``, the first in hand; none and hidden when text is ""."""
        self.searched = text
        self.model.set_rows(hits if text else [])
        if not text:
            self.hide()
            return
        count = self.model.rowCount()
        if count == 0:
            self.label.setText(f"No notes match “{text}”")
        else:
            self.label.setText(f"{count:,} note{'' if count == 1 else 's'} match “{text}”"
                               + (f" (the latest {count})" if count >= NOTES_FOUND_AT_MOST
                                  else ""))
            self._select(0)
        self.show()

    def current_hit(self) -> NoteHit | None:
        """The note selected in the results, if any."""
        if not self.searched:
            return None
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row())

    def _select(self, row: int) -> None:
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        pad = 24
        header.resizeSection(NoteSearchModel.WHEN,
                             metrics.horizontalAdvance("30 Sep 2026 10:30") + pad)
        header.resizeSection(NoteSearchModel.CUSTOMER, metrics.horizontalAdvance("M" * 14) + pad)
        header.resizeSection(NoteSearchModel.KIND, metrics.horizontalAdvance("Meeting") + pad)

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        hit = self.model.row_at(index.row()) if index.isValid() else None
        if hit is not None:
            self.customer_requested.emit(hit.customer_id)

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, _selected: QItemSelection,
                                    _deselected: QItemSelection) -> None:
        self.selection_changed.emit()
