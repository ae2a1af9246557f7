"""The Disputes tab: every dispute case, open and closed, by category and age."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.collections.tab import CollectionsTab
from ui.common.area import AreaContext


class DisputesTab(CollectionsTab):
    """Disputes: every dispute case, open and closed, by category and age."""

    title = "Disputes"

    def __init__(self, context: AreaContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Coming next."))
