"""Actions a page answers while it shows, each with its shortcut named in its tip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def page_action(page: QWidget, text: str, shortcut: QKeySequence | str | None,
                slot: Callable[[], None], *, tip: str, bar_text: str = "") -> QAction:
    """An action on ``page`` (so its shortcut works only while the page shows).

    ``bar_text`` is its shorter name on an action bar, so that the day's actions fit a
    1,280-pixel window; menus and tips keep the full ``text``.
    """
    action = QAction(text, page)
    if bar_text:
        action.setIconText(bar_text)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        native = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({native})")
    else:
        action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    page.addAction(action)
    return action
