"""The Write-offs tab: debts written off, with the VAT relief each allows."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.collections.tab import CollectionsTab
from ui.common.area import AreaContext


class WriteOffsTab(CollectionsTab):
    """Write-offs: debts written off, with the VAT relief each allows."""

    title = "Write-offs"

    def __init__(self, context: AreaContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Coming next."))
