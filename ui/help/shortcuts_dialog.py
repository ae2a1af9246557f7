"""Help → Keyboard Shortcuts: every shortcut of the window and its areas, by area."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
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
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcutsTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Keys"])
        self.tree.setRootIsDecorated(False)
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
        return [Shortcut(group.text(0), group.child(row).text(0), group.child(row).text(1))
                for group in map(self.tree.topLevelItem, range(self.tree.topLevelItemCount()))
                for row in range(group.childCount())]

    def _fill(self, found: Sequence[Shortcut]) -> None:
        groups: dict[str, QTreeWidgetItem] = {}
        for shortcut in found:
            group = groups.get(shortcut.group)
            if group is None:
                group = QTreeWidgetItem(self.tree, [shortcut.group])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFirstColumnSpanned(True)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[shortcut.group] = group
            item = QTreeWidgetItem(group, [shortcut.action, shortcut.keys])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.tree.expandAll()
