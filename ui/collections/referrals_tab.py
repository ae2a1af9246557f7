"""The Referrals tab: accounts handed to a collection agency, and how each stands."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.collections.tab import CollectionsTab
from ui.common.area import AreaContext


class ReferralsTab(CollectionsTab):
    """Referrals: accounts handed to a collection agency, and how each stands."""

    title = "Referrals"

    def __init__(self, context: AreaContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Coming next."))
