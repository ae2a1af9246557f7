"""Help → Keyboard Shortcuts: every shortcut of the window and its areas, by area."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ui.common.style import mute
from ui.help.shortcuts import Shortcut


class ShortcutsDialog(QDialog):
    """The shortcuts, one group per area, to read (and leave open while working)."""

    def __init__(self, found: Sequence[Shortcut], parent: QWidget | None = None) -> None:
        """Show ``found`` grouped in their order."""
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard Shortcuts")
        self.resize(560, 640)
        intro = QLabel("An area's shortcuts work while that area is on show; the general "
                       "ones work everywhere in the window.")
        intro.setWordWrap(True)
        mute(intro)
        # A small static list: a standard item model is enough (see ARCHITECTURE.md).
        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels(["Action", "Keys"])
        self.tree = QTreeView()
        self.tree.setObjectName("shortcutsTree")
        self.tree.setModel(self.model)
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self._fill(found)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)

    @classmethod
    def show_for(cls, parent: QWidget, found: Sequence[Shortcut]) -> ShortcutsDialog:
        """Open the dialog over ``parent`` (not modal); it deletes itself when closed."""
        dialog = cls(found, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setModal(False)
        dialog.show()
        return dialog

    def listed(self) -> list[Shortcut]:
        """The shortcuts as the dialog lists them."""
        return [Shortcut(group.text(), group.child(row, 0).text(), group.child(row, 1).text())
                for group in map(self.model.item, range(self.model.rowCount()))
                for row in range(group.rowCount())]

    def _fill(self, found: Sequence[Shortcut]) -> None:
        groups: dict[str, QStandardItem] = {}
        for shortcut in found:
            group = groups.get(shortcut.group)
            if group is None:
                group = _item(shortcut.group, selectable=False)
                font = group.font()
                font.setBold(True)
                group.setFont(font)
                self.model.appendRow([group, _item("", selectable=False)])
                self.tree.setFirstColumnSpanned(self.model.rowCount() - 1, QModelIndex(), True)
                groups[shortcut.group] = group
            group.appendRow([_item(shortcut.action), _item(shortcut.keys)])
        self.tree.expandAll()


def _item(text: str, *, selectable: bool = True) -> QStandardItem:
    item = QStandardItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable if selectable
                  else Qt.ItemFlag.ItemIsEnabled)
    return item
