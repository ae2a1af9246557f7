"""The head every area page opens with: its title with a notice line beside it (what
the page last did, in the accent colour), and a bar of its actions as buttons."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton

from ui.common.style import ACCENT, scale_font


def page_head(title: str, notice_name: str) -> tuple[QHBoxLayout, QLabel]:
    """The title row and its notice label (object name ``notice_name``)."""
    heading = QLabel(title)
    heading.setObjectName("pageTitle")
    scale_font(heading, 1.5, bold=True)
    notice = QLabel()
    notice.setObjectName(notice_name)
    notice.setTextFormat(Qt.TextFormat.PlainText)
    notice.setStyleSheet(f"color: {ACCENT};")
    notice.setMinimumWidth(1)
    notice.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    row = QHBoxLayout()
    row.addWidget(heading)
    row.addWidget(notice, 1)
    return row, notice


def action_bar(actions: Iterable[QAction]) -> QHBoxLayout:
    """A row of text buttons, one for each action, then room for what the page adds."""
    bar = QHBoxLayout()
    bar.setSpacing(6)
    for action in actions:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addWidget(button)
    bar.addStretch(1)
    return bar
