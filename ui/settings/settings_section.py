"""What the sections of the Settings area have in common: showing their part of the
settings as read, writing through the page's :class:`~ui.settings.policy_writing.PolicyWriting`
(and selecting what was saved once it is read back), and the pieces they are laid out with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.changes import Changes
from models.errors import LedgerError
from models.policies import PolicySettings
from ui.common.list_table import list_table
from ui.common.rows_model import RowsModel
from ui.common.style import mute, scale_font
from ui.settings.policy_writing import POLICIES, PolicyWriting


class SettingsSection(QWidget):
    """A section of the Settings area; nothing is shown until :meth:`show_settings`."""

    guarded = True
    """Whether the section changes policies, which only some users may (models.users)."""

    def __init__(self, writing: PolicyWriting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._writing = writing
        self._settings: PolicySettings | None = None
        self._refusal: str | None = None  # why the user may not change this section
        self._wanted: dict[str, object] = {}  # the row to select once a write is read back
        writing.busy_changed.connect(self._update_actions)

    def show_settings(self, settings: PolicySettings) -> None:
        """Show ``settings``: the rows selected stay selected, or the one just saved is."""
        wanted, self._wanted = self._wanted, {}
        self._settings = settings
        self._show(settings, wanted)
        self._show_details()
        self._update_actions()

    def clear(self) -> None:
        """Forget what is shown (the store closed)."""
        self._settings = None
        self._forget()
        self._update_actions()

    def set_refusal(self, why: str | None) -> None:
        """Why the person using the window may not change the section (None: they may),
        as the store says it: its controls are then disabled, each saying why."""
        self._refusal = why if self.guarded else None
        for control in self.findChildren(QWidget):
            if not isinstance(control, (QAbstractButton, QComboBox, QAbstractSpinBox)):
                continue
            own = control.property("ownToolTip")
            if own is None:
                own = control.toolTip()
                control.setProperty("ownToolTip", own)
            control.setToolTip(self._refusal or str(own))
        self._update_actions()

    # --- what each section does ---------------------------------------------------------

    def _show(self, settings: PolicySettings, wanted: dict[str, object]) -> None:
        """Fill the section; ``wanted`` names the rows to select, by table."""
        raise NotImplementedError

    def _forget(self) -> None:
        """Empty the section's tables and lists."""
        raise NotImplementedError

    def _update_actions(self) -> None:
        """Enable what applies now."""
        raise NotImplementedError

    def _show_details(self) -> None:
        """Say more about the row selected, where the section does."""

    # --- helpers ------------------------------------------------------------------------

    def _ready(self) -> bool:
        """Whether the settings are read, no write is on its way and the user may write."""
        return self._settings is not None and not self._writing.busy and self._refusal is None

    def _write(self, work: Callable[[], Any], notice: str, *, select: str | None = None,
               key: object = None,
               refused: Callable[[LedgerError], None] | None = None,
               changed: Changes = POLICIES) -> None:
        """Write through the page's helper; ``select`` names the table whose row ``key``
        (by default the id ``work`` returns) is selected once read back; ``changed``
        says what the write changes (the policies, unless said)."""

        def done(result: Any) -> None:
            wanted = key if key is not None else result
            if select is not None and wanted is not None:
                self._wanted[select] = wanted

        self._writing.write(work, notice, done=done, refused=refused, changed=changed)

    def _table(self, model: RowsModel, name: str, accessible: str,
               widths: dict[int, int]) -> QTableView:
        table = list_table(model, name, accessible)
        table.setParent(self)  # owned by Qt from the start, whatever Python collects
        header = table.horizontalHeader()
        for column, width in widths.items():
            header.resizeSection(column, width)
        table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        return table

    def _confirm(self, text: str, informative: str, confirm: str,
                 then: Callable[[], None]) -> None:
        """Ask before a removal; ``then`` runs if the user confirms."""
        box = QMessageBox(QMessageBox.Icon.Question, "Duly", text,
                          QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(informative)
        yes = box.addButton(confirm, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def clicked(button: QAbstractButton) -> None:
            if button is yes:
                then()

        box.buttonClicked.connect(clicked)
        box.open()

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, _selected: QItemSelection,
                                    _deselected: QItemSelection) -> None:
        self._show_details()
        self._update_actions()


# --- rows ---------------------------------------------------------------------------------

def selected_row(table: QTableView, model: RowsModel) -> Any:
    """The row selected in ``table``, if any."""
    index = table.currentIndex()
    if not index.isValid() or not table.selectionModel().isRowSelected(index.row()):
        return None
    return model.row_at(index.row())


def row_id(row: Any) -> object:
    """The id of ``row`` (None for no row)."""
    return row.id if row is not None else None


def select_key(table: QTableView, model: RowsModel, key: object) -> None:
    """Select the row ``key`` if it is shown, else the first row."""
    if model.rowCount() == 0:
        return
    found = model.position_of(key) if key is not None else -1
    index = model.index(max(found, 0), 0)
    table.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    table.scrollTo(index)


# --- pieces -------------------------------------------------------------------------------

def button(text: str, slot: Callable[[], None], tip: str) -> QPushButton:
    """A push button that runs ``slot``, never the default of a dialog."""
    widget = QPushButton(text)
    widget.setToolTip(tip)
    widget.setAutoDefault(False)
    widget.clicked.connect(slot)
    return widget


def buttons_row(widgets: list[QWidget]) -> QHBoxLayout:
    """Buttons from the left; a combo box (a filter) goes to the right."""
    row = QHBoxLayout()
    row.setSpacing(8)
    for widget in widgets:
        if isinstance(widget, QComboBox):
            row.addStretch(1)
        row.addWidget(widget)
    if not any(isinstance(w, QComboBox) for w in widgets):
        row.addStretch(1)
    return row


def lay_out_section(page: QWidget, title: str, intro: str, buttons: list[QWidget],
                    body: QWidget, foot: QWidget | None = None, *,
                    stretch: bool = False) -> None:
    """Lay ``page`` out as a section: its heading, what it is for, its buttons, its table
    or form."""
    heading = QLabel(title)
    scale_font(heading, 1.2, bold=True)
    words = QLabel(intro)
    words.setWordWrap(True)
    mute(words)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(8)
    layout.addWidget(heading)
    layout.addWidget(words)
    if buttons:
        layout.addLayout(buttons_row(buttons))
    layout.addWidget(body, 0 if stretch else 1)
    if foot is not None:
        layout.addWidget(foot)
    if stretch:
        layout.addStretch(1)


def detail_label(name: str) -> QLabel:
    """A quiet label of two lines or more under a table, saying more about its row."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setMinimumHeight(label.fontMetrics().lineSpacing() * 2)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    mute(label)
    return label
