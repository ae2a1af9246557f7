"""The left of the Customers area: a search and a class to narrow by, the customers they
find, how many, and a button to add one. The page says which customer is chosen; the
panel says which one the user picks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QItemSelection, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.customer_account import CustomerListRow
from models.customer_class import Classification
from models.kinds import CustomerClass
from ui.common.rows_model import ID_ROLE
from ui.common.style import mute
from ui.customers.customer_list_model import CustomerListModel

# A long name as customers have them ("Kowalczyk Sp. z o.o."): the list is made wide
# enough to show one whole, so the class column does not cut the names short.
_TYPICAL_LONG_NAME = "Kowalczyk Sp. z o.o."


class CustomerListPanel(QWidget):
    """Every customer, searchable by name or account code, with their count."""

    customer_selected = Signal(int)
    """The user selected a customer in the list (their id)."""
    first_chosen = Signal(int)
    """Return was pressed in the search: show the first customer found (their id)."""
    searched = Signal()
    """The search changed, and what the list shows with it."""

    def __init__(self, add_customer_action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(180)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("customerSearch")
        self.search_edit.setPlaceholderText("Search by name or account code")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)

        self.class_combo = QComboBox()
        self.class_combo.setObjectName("customerClassFilter")
        self.class_combo.setAccessibleName("Class")
        self.class_combo.setToolTip("Only customers of this class: how they pay, from their "
                                    "history")
        self.class_combo.addItem("Any class", "")
        for kind in CustomerClass:
            self.class_combo.addItem(kind.word, kind.value)
        self.class_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.class_combo.currentIndexChanged.connect(self._on_class_combo_current_index_changed)

        self.customers = CustomerListModel(self)
        self._fit_pending = False
        self.list_view = self._build_list_view()
        self.list_view.viewport().installEventFilter(self)
        self.list_view.horizontalHeader().sectionResized.connect(
            self._on_header_section_resized)

        self.count_label = QLabel()
        mute(self.count_label)
        self.add_customer_button = QPushButton("Add Customer…")
        self.add_customer_button.setToolTip(add_customer_action.toolTip())
        self.add_customer_button.clicked.connect(add_customer_action.trigger)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.add_customer_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 8, 12)
        layout.setSpacing(8)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.class_combo)
        layout.addLayout(filters)
        layout.addWidget(self.list_view, 1)
        layout.addLayout(bottom)

    def preferred_width(self) -> int:
        """The width the list needs to show most names whole beside the balance, the
        overdue amount and every class's word (in this font)."""
        view = self.list_view
        metrics = view.fontMetrics()
        money = metrics.horizontalAdvance("99,999.99 GBP") + 16
        return (self._name_room() + 2 * money + self._class_room()
                + view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
                + 2 * view.frameWidth() + 8)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The list resized (or its scroll bar came or went): the class gives way
        before the names do."""
        if event.type() == QEvent.Type.Resize and watched is self.list_view.viewport():
            self._fit_class_column_soon()
        return super().eventFilter(watched, event)

    def _name_room(self) -> int:
        return self.list_view.fontMetrics().horizontalAdvance(_TYPICAL_LONG_NAME) + 16

    def _class_room(self) -> int:
        metrics = self.list_view.fontMetrics()
        return max(metrics.horizontalAdvance(kind.word) for kind in CustomerClass) + 12

    def _on_header_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column in (CustomerListModel.BALANCE, CustomerListModel.OVERDUE):
            self._fit_class_column_soon()  # the amounts' columns fitted their contents

    def _fit_class_column_soon(self) -> None:
        """Fit the class column once the view and its header have laid themselves out
        (during their layout a section's new size would be undone)."""
        if not self._fit_pending:
            self._fit_pending = True
            QTimer.singleShot(0, self._fit_class_column)

    def _fit_class_column(self) -> None:
        """Every class's word whole when the list has room for it beside a long name;
        else the class is cut short ("Recurring late p…", whole in its tooltip) and the
        names keep their room."""
        self._fit_pending = False
        view = self.list_view
        header = view.horizontalHeader()
        beside = sum(header.sectionSize(c) for c in (CustomerListModel.BALANCE,
                                                     CustomerListModel.OVERDUE))
        left = view.viewport().width() - beside - self._name_room()
        least = view.fontMetrics().horizontalAdvance(CustomerClass.RELIABLE.word) + 16
        header.resizeSection(CustomerListModel.CLASS,
                             max(least, min(self._class_room(), left)))

    def set_rows(self, rows: Sequence[CustomerListRow]) -> None:
        """List ``rows`` (as the search lets through) and count them."""
        self.customers.set_rows(rows)
        self._update_count()

    def set_classes(self, classes: Mapping[int, Classification] | None) -> None:
        """Show each customer's class (None: they are being read); the selected customer
        stays selected."""
        selected = self._selected_id()
        self.customers.set_classes(classes)
        if selected is not None and self.customers.position_of(selected) >= 0:
            self.select_customer(selected)  # the same customer: the page reads nothing
        self._update_count()

    def clear(self) -> None:
        """Forget the search and every customer."""
        self.search_edit.clear()
        self.class_combo.setCurrentIndex(0)
        self.set_rows([])
        self.customers.set_classes(None)

    def reveal(self, customer_id: int) -> None:
        """Clear a search or a class filter that hides ``customer_id``."""
        if self.customers.position_of(customer_id) < 0 and self.customers.search_text:
            self.search_edit.clear()
        if self.customers.position_of(customer_id) < 0 and self.customers.class_filter:
            self.class_combo.setCurrentIndex(0)

    def select_customer(self, customer_id: int) -> None:
        """Select ``customer_id`` if it is listed; else select nothing."""
        position = self.customers.position_of(customer_id)
        if position < 0:
            self.list_view.clearSelection()
            return
        index = self.customers.index(position, 0)
        self.list_view.setCurrentIndex(index)
        self.list_view.selectRow(position)
        self.list_view.scrollTo(index)

    def focus_search(self) -> None:
        """Put the cursor in the search, its text selected to be typed over."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    # --- slots ---------------------------------------------------------------------

    def _on_search_edit_text_changed(self, text: str) -> None:
        self.customers.set_search_text(text)
        self._update_count()
        self.searched.emit()

    def _on_class_combo_current_index_changed(self, _index: int) -> None:
        chosen = str(self.class_combo.currentData() or "")
        self.customers.set_class_filter(CustomerClass(chosen) if chosen else None)
        self._update_count()
        self.searched.emit()

    def _on_search_edit_return_pressed(self) -> None:
        first = self.customers.row_at(0)
        if first is not None:
            self.first_chosen.emit(first.id)
            self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_list_view_selection_changed(self, _selected: QItemSelection,
                                        _deselected: QItemSelection) -> None:
        rows = self.list_view.selectionModel().selectedRows()
        if rows:  # else a search or reload cleared it: the account stays shown
            self.customer_selected.emit(rows[0].data(ID_ROLE))

    # --- helpers -------------------------------------------------------------------

    def _build_list_view(self) -> QTableView:
        view = QTableView()
        view.setObjectName("customerList")
        view.setAccessibleName("Customers")
        view.setModel(self.customers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(CustomerListModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CustomerListModel.BALANCE,
                                    QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CustomerListModel.OVERDUE,
                                    QHeaderView.ResizeMode.ResizeToContents)
        # The class gets the width of the longest class's word when the list has room
        # for it beside a long name, else gives way so the names show (_fit_class_column).
        header.setSectionResizeMode(CustomerListModel.CLASS, QHeaderView.ResizeMode.Interactive)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        view.selectionModel().selectionChanged.connect(self._on_list_view_selection_changed)
        return view

    def _selected_id(self) -> int | None:
        rows = self.list_view.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def _update_count(self) -> None:
        total = self.customers.total_count()
        shown = self.customers.rowCount()
        noun = "customer" if total == 1 else "customers"
        self.count_label.setText(f"{total:,} {noun}" if shown == total
                                 else f"{shown:,} of {total:,} {noun}")
