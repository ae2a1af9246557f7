"""Help → Keyboard Shortcuts lists every shortcut of the window and its areas, read from
the actions themselves: one added to a page shows up without anyone listing it."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

from ui.common.page_actions import page_action
from ui.help.help_window import HelpWindow
from ui.help.shortcuts import Shortcut
from ui.help.shortcuts_dialog import ShortcutsDialog
from ui.window.areas import AREAS


def open_shortcuts(window) -> ShortcutsDialog:
    """Help → Keyboard Shortcuts, and the dialog it opened."""
    window.help.shortcuts_action.trigger()
    dialogs = window.findChildren(ShortcutsDialog)
    assert dialogs and dialogs[-1].isVisible()
    return dialogs[-1]


def in_the_window(action: QAction, window: QWidget) -> bool:
    """Whether ``action`` belongs to the window itself or a page, not to a dialog or the
    guide's own window."""
    holder = action.parent()
    while holder is not None and holder is not window:
        if isinstance(holder, QDialog | HelpWindow):
            return False
        holder = holder.parent()
    return holder is window


def name_and_keys(action: QAction) -> tuple[str, str]:
    """An action as a user reads it in a menu: its words and its keys."""
    text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    keys = ", ".join(key.toString(QKeySequence.SequenceFormat.NativeText)
                     for key in action.shortcuts())
    return text, keys


def test_the_list_is_every_shortcut_of_the_window_and_its_areas(open_window, demo_file):
    window = open_window(demo_file)

    listed = open_shortcuts(window).listed()

    every = [name_and_keys(action) for action in window.findChildren(QAction)
             if action.shortcuts() and in_the_window(action, window)]
    assert Counter((row.action, row.keys) for row in listed) == Counter(every)
    assert len(every) > 50  # every area's page was built and read


def test_each_shortcut_is_listed_under_the_area_it_works_in(open_window, demo_file):
    window = open_window(demo_file)

    listed = set(open_shortcuts(window).listed())

    for area in AREAS:
        for action in window.page(area.key).findChildren(QAction):
            if action.shortcuts():
                assert Shortcut(area.title, *name_and_keys(action)) in listed
    for action in (window.new_company_action, window.log_contact_action,
                   window.help.guide_action, *window.go_actions):
        assert Shortcut("General", *name_and_keys(action)) in listed
    assert Shortcut("General", "Duly Help", "F1") in listed
    assert Shortcut("Today", "Print Due Letters…", "Ctrl+Shift+P") in listed
    assert Shortcut("Accounts", "Find Account", "Ctrl+F") in listed
    assert Shortcut("Customers", "Record Payment…", "Ctrl+P") in listed
    groups = list(dict.fromkeys(row.group for row in open_shortcuts(window).listed()))
    assert groups == ["General", *(a.title for a in AREAS if a.build is not None)]


def test_a_new_action_shows_up_without_being_listed_by_hand(open_window, demo_file):
    window = open_window(demo_file)
    plans = window.page("plans")
    page_action(plans, "&Chase Everyone", "Ctrl+Alt+K", lambda: None, tip="A new action")

    listed = open_shortcuts(window).listed()

    assert Shortcut("Plans", "Chase Everyone", "Ctrl+Alt+K") in listed


def test_the_shortcuts_open_from_the_keyboard_on_the_welcome_page(open_window, qtbot,
                                                                  qtmodeltester):
    window = open_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    qtbot.keyClick(window, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)

    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    assert Shortcut("General", "Open Demo Company", "Ctrl+Shift+D") in dialog.listed()
    qtmodeltester.check(dialog.tree.model())
