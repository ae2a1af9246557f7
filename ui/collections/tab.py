"""What each tab of the Collections area is: a widget with what it reads, how it is
read again and cleared, its actions (for its bar and the area's menu), the customer of
the row chosen, and two signals the page passes on (a customer to open, a notice)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractItemModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTableView, QWidget

from models.changes import Changes
from ui.common.area import AreaContext
from ui.common.list_table import list_table


class CollectionsTab(QWidget):
    """One tab of the Collections area (see ``collections_page``).

    A tab's actions all sit in the area's menu, so their shortcuts must differ from
    every other tab's; only the shown tab's are enabled (``update_actions``).
    """

    title = ""
    """The tab's name, e.g. "Disputes"."""
    reads: Changes = frozenset()
    """Writes that make what the tab shows stale (see ui/common/area.py)."""

    customer_requested = Signal(int)
    """The user asked to open a customer's account (their id)."""
    notice = Signal(str)
    """What the tab just did, for the page's notice line."""
    choice_changed = Signal()
    """The row chosen changed (the page's Open Customer follows it)."""

    def __init__(self, context: AreaContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.is_current = False  # set by the page

    def reload(self) -> None:
        """Read what the tab shows again, as it stands today."""

    def clear(self) -> None:
        """Forget what is shown (the store was closed)."""

    def actions(self) -> list[QAction]:
        """The tab's own actions, for its bar and the area's menu."""
        return []

    def current_customer_id(self) -> int | None:
        """The customer of the row chosen in the list (None: no row chosen)."""
        return None

    def update_actions(self) -> None:
        """Enable the actions that fit the row chosen, if the tab is shown; else none."""
        if not self.is_current:
            for action in self.actions():
                action.setEnabled(False)
            return
        self.enable_actions()

    def tab_list(self, model: QAbstractItemModel, name: str, accessible: str,
                 widths: Sequence[int], *, chosen: Callable[..., None]) -> QTableView:
        """The tab's main list over ``model``: its columns' widths, ``chosen`` called when
        the row chosen changes, a double-click opening the row's customer, and the tab's
        actions on its context menu."""
        table = list_table(model, name, accessible)
        table.setParent(self)
        header = table.horizontalHeader()
        for column, width in enumerate(widths):
            header.resizeSection(column, width)
        table.selectionModel().selectionChanged.connect(chosen)
        table.doubleClicked.connect(self.open_chosen_customer)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        table.addActions(self.actions())
        return table

    def open_chosen_customer(self, *_args: object) -> None:
        """Ask for the account of the row chosen's customer (if a row is chosen)."""
        customer_id = self.current_customer_id()
        if customer_id is not None:
            self.customer_requested.emit(customer_id)

    def enable_actions(self) -> None:
        """Enable each action as the row chosen allows (the tab is shown)."""
        for action in self.actions():
            action.setEnabled(True)
