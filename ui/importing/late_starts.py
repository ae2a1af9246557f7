"""The dry run's list of long-overdue accounts, each with where its reminders start: as
chosen for all (the default), or its own choice, picked in a combo on its row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QPainter, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from models.imports.plan import LateAccount
from models.imports.run import Start
from ui.common.list_table import list_table
from ui.common.rows_model import ALIGN, DISPLAY, EDIT, LEFT, RIGHT, ROOT, TOOLTIP

FOR_ALL = ""  # a row's choice: as chosen for all
FIRST = "first"  # the first reminder
BY_AGE = "age"  # the stage its age has reached
# Otherwise a row's choice is a stage's id.
Choice = str | int

_SHOWN_ROWS = 5  # rows the table shows before it scrolls


def start_of(choice: object) -> Start:
    """The start a choice names (the first reminder for anything else)."""
    if choice == BY_AGE:
        return Start(by_age=True)
    return Start(stage_id=choice) if isinstance(choice, int) else Start()


class StartsModel(QAbstractTableModel):
    """The accounts whose new invoices start late: customer, invoices, most overdue, and
    where they start (editable: a :data:`Choice`, kept by the customer's key in the file
    while the plan is worked out again)."""

    TITLES = ("Customer", "Invoices", "Most overdue", "Start at")
    START = 3  # the editable column
    _RIGHT = frozenset({1, 2})

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[LateAccount] = []
        self._chosen: dict[str, Choice] = {}
        self._options: list[tuple[str, Choice]] = [("For all", FOR_ALL)]

    def set_accounts(self, rows: Sequence[LateAccount],
                     stages: Sequence[tuple[int, str]]) -> None:
        """Show ``rows``, offering the stages ``(id, name)``; choices already made for
        accounts still listed are kept, while their stage is still offered."""
        self.beginResetModel()
        self._rows = list(rows)
        self._options = [("For all", FOR_ALL), ("First reminder", FIRST),
                         ("Stage its age has reached", BY_AGE),
                         *((f"“{name}”", stage_id) for stage_id, name in stages)]
        offered = {choice for _text, choice in self._options}
        keys = {row.customer_key for row in self._rows}
        self._chosen = {key: choice for key, choice in self._chosen.items()
                        if key in keys and choice in offered}
        self.endResetModel()

    def options(self) -> list[tuple[str, Choice]]:
        """The choices a row offers, with their words."""
        return list(self._options)

    def choices(self) -> dict[str, Start]:
        """The accounts given their own start, by the customer's key in the file."""
        return {key: start_of(choice) for key, choice in self._chosen.items()}

    def row_at(self, position: int) -> LateAccount | None:
        """The account at ``position``, or None."""
        return self._rows[position] if 0 <= position < len(self._rows) else None

    # --- QAbstractTableModel ---------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """The number of accounts listed (none under a row)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        """The number of columns."""
        return 0 if parent.isValid() else len(self.TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        """Column titles; counts right-aligned like their cells."""
        role = int(role)
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.TITLES):
            return None
        if role == DISPLAY:
            return self.TITLES[section]
        if role == ALIGN:
            return RIGHT if section in self._RIGHT else LEFT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        """A cell's text and alignment; the start column's choice to edit."""
        if not index.isValid():
            return None
        role = int(role)
        row, column = self._rows[index.row()], index.column()
        if role == DISPLAY:
            return self._text(row, column)
        if role == EDIT and column == self.START:
            return self._chosen.get(row.customer_key, FOR_ALL)
        if role == ALIGN:
            return RIGHT if column in self._RIGHT else LEFT
        if role == TOOLTIP and column == 0:
            return row.customer_name
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Rows are enabled; where each starts can be changed."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren
        if index.column() == self.START:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = EDIT) -> bool:
        """Choose where an account starts (one of :meth:`options`)."""
        if not index.isValid() or int(role) != EDIT or index.column() != self.START:
            return False
        if value not in {choice for _text, choice in self._options}:
            return False
        key = self._rows[index.row()].customer_key
        if value == FOR_ALL:
            self._chosen.pop(key, None)
        else:
            self._chosen[key] = value
        self.dataChanged.emit(index, index)
        return True

    def _text(self, row: LateAccount, column: int) -> str:
        if column == 0:
            return row.customer_name
        if column == 1:
            return f"{row.invoices:,}"
        if column == 2:
            return f"{row.most_overdue_days:,} day{'' if row.most_overdue_days == 1 else 's'}"
        chosen = self._chosen.get(row.customer_key, FOR_ALL)
        return next((text for text, choice in self._options if choice == chosen), "")


class _StillCombo(QComboBox):
    """A combo that the wheel scrolls past unless it has the focus: a row's choice is not
    changed by scrolling the table."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt's name)
        """Change the choice only when focused; else let the table scroll."""
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class StartDelegate(QStyledItemDelegate):
    """A combo of the model's choices in the start column, kept open on every row."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        """A combo of the row's choices; a choice is taken as soon as it is made."""
        model = index.model()
        assert isinstance(model, StartsModel)
        combo = _StillCombo(parent)
        combo.setObjectName("importAccountStart")
        combo.setAccessibleName(f"Start {model.data(model.index(index.row(), 0))} at")
        for text, choice in model.options():
            combo.addItem(text, choice)
        combo.currentIndexChanged.connect(lambda _i: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget,  # noqa: N802 (Qt's name)
                      index: QModelIndex | QPersistentModelIndex) -> None:
        """Show the row's choice."""
        assert isinstance(editor, QComboBox)
        position = editor.findData(index.data(EDIT))
        if position >= 0 and position != editor.currentIndex():
            blocked = editor.blockSignals(True)
            editor.setCurrentIndex(position)
            editor.blockSignals(blocked)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """The cell's background only: its combo shows the choice."""
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        cell.text = ""
        widget = cell.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, cell, painter, widget)

    def updateEditorGeometry(self, editor: QWidget,  # noqa: N802 (Qt's name)
                             option: QStyleOptionViewItem,
                             index: QModelIndex | QPersistentModelIndex) -> None:
        """The combo inside its cell, clear of the number before it."""
        editor.setGeometry(option.rect.adjusted(8, 1, -2, -1))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: QModelIndex | QPersistentModelIndex) -> None:
        """Keep the combo's choice."""
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), EDIT)


def starts_table(model: StartsModel) -> QTableView:
    """The accounts' table: the list look, a combo on each row, a few rows high."""
    table = list_table(model, "importAccountStarts",
                       "Where each long-overdue account starts its reminders")
    table.setSortingEnabled(False)
    table.horizontalHeader().setSortIndicatorShown(False)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the combos take the focus
    table.setItemDelegateForColumn(StartsModel.START, StartDelegate(table))
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in (1, 2, StartsModel.START):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
    rows = table.verticalHeader()
    rows.setDefaultSectionSize(max(rows.defaultSectionSize(),
                                   QComboBox().sizeHint().height() + 4))

    def reopen() -> None:
        probe = QComboBox()
        probe.addItems([text for text, _choice in model.options()])
        table.setColumnWidth(StartsModel.START, probe.sizeHint().width() + 16)
        for column in (1, 2):  # the widest of a few hundred rows at most: cheap
            table.setColumnWidth(column, max(header.sectionSizeHint(column),
                                             table.sizeHintForColumn(column)) + 12)
        for row in range(model.rowCount()):
            table.openPersistentEditor(model.index(row, StartsModel.START))
        shown = min(model.rowCount(), _SHOWN_ROWS)
        table.setFixedHeight(header.sizeHint().height() + 2 * table.frameWidth()
                             + shown * rows.defaultSectionSize())

    model.modelReset.connect(reopen)
    reopen()
    return table
