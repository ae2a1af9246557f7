"""The Qt binding Duly is pinned to keeps Python's own objects alive.

PySide6 6.12.0 on CPython 3.11 dropped a reference to ``None`` on every Qt
call that returns nothing and to ``True`` on every signal emitted, so a
window in use aborted within minutes ("none_dealloc"). This guards the pin.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

CALLS = 2000


class _Emitter(QObject):
    happened = Signal()


def test_qt_calls_do_not_eat_references_to_none(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        widget.update()
    assert sys.getrefcount(None) > before - CALLS // 2


def test_signals_do_not_eat_references_to_true() -> None:
    emitter = _Emitter()
    before = sys.getrefcount(True)
    for _ in range(CALLS):
        emitter.happened.emit()
    assert sys.getrefcount(True) > before - CALLS // 2
