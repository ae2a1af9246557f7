"""The Claims tab of the Collections area: letters before action and claim packs."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.collections.tab import CollectionsTab
from ui.common.area import AreaContext


class ClaimsTab(CollectionsTab):
    """Claims: letters before action and claim packs."""

    title = "Claims"

    def __init__(self, context: AreaContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Coming next."))
