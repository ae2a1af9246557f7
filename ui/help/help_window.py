"""The user guide's window: the pages of ``resources/help/`` in a ``QTextBrowser``, with
Back, Forward and Contents. One per main window, kept beside it (not modal)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QTextBrowser, QToolBar, QVBoxLayout, QWidget

from ui.help.topics import CONTENTS, HELP_DIR, page_name, page_url

DEFAULT_SIZE = QSize(840, 720)  # room for the screenshots, 760 pixels wide


class HelpWindow(QWidget):
    """Duly's user guide, opened at a page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Build the window (hidden); :meth:`show_page` opens it."""
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("helpWindow")
        self.setWindowTitle("Duly Help")
        self.resize(DEFAULT_SIZE)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setSearchPaths([str(HELP_DIR)])
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(False)  # the guide links only to its own pages
        self.browser.document().setDocumentMargin(18)
        self.browser.sourceChanged.connect(self._on_browser_source_changed)
        self._build_actions()
        bar = QToolBar("Help")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addActions([self.back_action, self.forward_action, self.contents_action])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(self.browser, 1)

    def show_page(self, page: str = CONTENTS) -> None:
        """Open the guide at ``page`` ("today.html", "settings.html#mail") and bring the
        window to the front."""
        self.browser.setSource(page_url(page))
        if self.isVisible():
            self.raise_()  # already open, perhaps behind the main window
        else:
            self.show()
        self.activateWindow()

    def current_page(self) -> str:
        """The page on show, as :meth:`show_page` takes it."""
        return page_name(self.browser.source())

    def _build_actions(self) -> None:
        self.back_action = QAction("&Back", self)
        self.back_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Back))
        self.back_action.setEnabled(False)
        self.back_action.triggered.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(self.back_action.setEnabled)
        self.forward_action = QAction("&Forward", self)
        self.forward_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Forward))
        self.forward_action.setEnabled(False)
        self.forward_action.triggered.connect(self.browser.forward)
        self.browser.forwardAvailable.connect(self.forward_action.setEnabled)
        self.contents_action = QAction("&Contents", self)
        self.contents_action.setShortcut(QKeySequence("Alt+Home"))
        self.contents_action.triggered.connect(
            lambda: self.browser.setSource(page_url(CONTENTS)))
        close_action = QAction("Close", self)
        close_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
        close_action.triggered.connect(self.close)
        for action in (self.back_action, self.forward_action, self.contents_action,
                       close_action):
            self.addAction(action)

    @Slot(QUrl)
    def _on_browser_source_changed(self, _url: QUrl) -> None:
        title = self.browser.documentTitle()
        self.setWindowTitle(f"{title} — Duly Help" if title else "Duly Help")
