"""The Help menu's actions: the user guide (F1, at the page of the area on show), the
keyboard shortcuts and reporting a problem. About stays with the window."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from models.log_file import log_file
from ui.help.topics import page_for_area

ShortcutGroups = Callable[[], Sequence[tuple[str, QWidget, bool]]]


class HelpMenu(QObject):
    """The Help menu's actions, on ``window`` so their shortcuts work everywhere in it."""

    def __init__(self, window: QWidget, area_key: Callable[[], str | None],
                 shortcut_groups: ShortcutGroups) -> None:
        """``area_key`` names the area on show (None: none); ``shortcut_groups`` gives the
        titles and holders of the actions Keyboard Shortcuts lists (see
        :func:`ui.help.shortcuts.shortcuts`)."""
        super().__init__(window)
        self._window = window
        self._area_key = area_key
        self._shortcut_groups = shortcut_groups
        self._help_window: QWidget | None = None
        self.guide_action = QAction("Duly &Help", window)
        self.guide_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.guide_action.setStatusTip("Open the user guide at the page about what is on show")
        self.guide_action.triggered.connect(self._on_guide_action_triggered)
        self.shortcuts_action = QAction("&Keyboard Shortcuts", window)
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+/"))
        self.shortcuts_action.setStatusTip("List every keyboard shortcut, area by area")
        self.shortcuts_action.triggered.connect(self._on_shortcuts_action_triggered)
        self.report_action = QAction("&Report a Problem…", window)
        self.report_action.setStatusTip("Open the folder with Duly's log file and say what "
                                        "to send")
        self.report_action.triggered.connect(self._on_report_action_triggered)

    def menu_actions(self) -> list[QAction]:
        """The actions, in the menu's order."""
        return [self.guide_action, self.shortcuts_action, self.report_action]

    def show_guide(self, page: str | None = None) -> QWidget:
        """Open the guide at ``page`` (default: the page of the area on show)."""
        from ui.help.help_window import HelpWindow

        if self._help_window is None:
            self._help_window = HelpWindow(self._window)
        assert isinstance(self._help_window, HelpWindow)
        self._help_window.show_page(page or page_for_area(self._area_key()))
        return self._help_window

    @Slot()
    def _on_guide_action_triggered(self) -> None:
        self.show_guide()

    @Slot()
    def _on_shortcuts_action_triggered(self) -> None:
        from ui.help.shortcuts import shortcuts
        from ui.help.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog.show_for(self._window, shortcuts(self._shortcut_groups()))

    @Slot()
    def _on_report_action_triggered(self) -> None:
        from ui.help.problem_report import report_problem

        report_problem(self._window, log_file())
