"""The Collections area: disputes, referrals to agencies, write-offs and claims, one
tab each. The page owns the head and the tabs; each tab (a ``CollectionsTab``, in its
own module) reads and shows its own list and brings its own actions."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStackedLayout, QStackedWidget, QTabBar, QVBoxLayout, QWidget

from models.changes import Changes
from ui.collections.claims_tab import ClaimsTab
from ui.collections.disputes_tab import DisputesTab
from ui.collections.referrals_tab import ReferralsTab
from ui.collections.tab import CollectionsTab
from ui.collections.write_offs_tab import WriteOffsTab
from ui.common.area import AreaContext
from ui.common.page_actions import page_action
from ui.common.page_header import action_bar, page_head

TABS: tuple[type[CollectionsTab], ...] = (DisputesTab, ReferralsTab, WriteOffsTab,
                                          ClaimsTab)


class CollectionsPage(QWidget):
    """The area's page: a head, the tab strip, the shown tab's actions under it (they
    change with the tab, so they sit inside it), and the tab."""

    customer_requested = Signal(int)
    """The user asked to open a customer's account (their id)."""

    def __init__(self, context: AreaContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-collections")
        self.tabs_by_title: dict[str, CollectionsTab] = {}
        self._stale: set[str] = set()
        self._build(context)

    @property
    def reads(self) -> Changes:
        """Writes that make any tab stale (see ui/common/area.py)."""
        return frozenset().union(*(tab.reads for tab in self.tabs_by_title.values()))

    def reload(self) -> None:
        """Read the tab shown again; the others when next shown."""
        self._stale = set(self.tabs_by_title)
        self._reload_shown()

    def clear(self) -> None:
        """Forget every tab's list (the store was closed)."""
        for tab in self.tabs_by_title.values():
            tab.clear()
        self._stale = set(self.tabs_by_title)

    def menu_sections(self) -> list[list[QAction]]:
        """The area's menu: Open Customer, then each tab's actions, between separators."""
        return [[self.open_customer_action],
                *(tab.actions() for tab in self.tabs_by_title.values() if tab.actions())]

    def show_section(self, name: str) -> None:
        """Show the tab called ``name`` (e.g. "Disputes")."""
        tab = self.tabs_by_title.get(name)
        if tab is not None:
            self.tabs.setCurrentIndex(self.pages.indexOf(tab))

    def current_tab(self) -> CollectionsTab:
        """The tab on show."""
        tab = self.pages.currentWidget()
        assert isinstance(tab, CollectionsTab)
        return tab

    def _build(self, context: AreaContext) -> None:
        self.open_customer_action = page_action(
            self, "&Open Customer", "Ctrl+Shift+O", self._on_open_customer_action_triggered,
            tip="Open the account of the customer chosen in the list")
        top, self.notice_label = page_head("Collections", "collectionsNotice")
        self.tabs = QTabBar()
        self.tabs.setObjectName("collectionsTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setExpanding(False)
        self.pages = QStackedWidget()
        self.bars = QStackedLayout()
        for kind in TABS:
            tab = kind(context)
            tab.customer_requested.connect(self.customer_requested)
            tab.notice.connect(self.notice_label.setText)
            tab.choice_changed.connect(self._update_actions)
            self.tabs_by_title[tab.title] = tab
            self.tabs.addTab(tab.title)
            self.pages.addWidget(tab)
            bar = QWidget()
            bar.setLayout(action_bar([self.open_customer_action, *tab.actions()]))
            self.bars.addWidget(bar)
        self._stale = set(self.tabs_by_title)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._on_tabs_current_changed(self.tabs.currentIndex())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        layout.addLayout(self.bars)
        layout.addWidget(self.pages, 1)

    def _on_tabs_current_changed(self, index: int) -> None:
        self.bars.setCurrentIndex(index)
        self.pages.setCurrentIndex(index)
        for tab in self.tabs_by_title.values():
            tab.is_current = tab is self.pages.currentWidget()
            tab.update_actions()
        self._update_actions()
        self._reload_shown()

    def _update_actions(self) -> None:
        self.open_customer_action.setEnabled(self.current_tab().current_customer_id()
                                             is not None)

    def _on_open_customer_action_triggered(self) -> None:
        self.current_tab().open_chosen_customer()

    def _reload_shown(self) -> None:
        tab = self.current_tab()
        if tab.title in self._stale:
            self._stale.discard(tab.title)
            tab.reload()
