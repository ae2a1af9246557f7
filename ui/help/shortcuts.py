"""The window's keyboard shortcuts, read from its actions themselves (never a list kept
by hand, so it cannot fall behind)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


class Shortcut(NamedTuple):
    """One action's shortcut: where it works, what it does, and its keys as shown."""

    group: str  # "General" or an area's title
    action: str  # the action's name without its mnemonic, e.g. "Record Payment…"
    keys: str  # e.g. "Ctrl+P" (several: "Ctrl+Q, Alt+F4")


def shortcuts(groups: Sequence[tuple[str, QWidget, bool]]) -> list[Shortcut]:
    """Every action with a shortcut in each of ``groups``: a title, the widget holding
    the actions, and whether to take its descendants' actions too (an area's page) or
    only its own (the window, whose descendants are the pages). In the actions' order."""
    found: list[Shortcut] = []
    for title, owner, descendants in groups:
        options = (Qt.FindChildOption.FindChildrenRecursively if descendants
                   else Qt.FindChildOption.FindDirectChildrenOnly)
        found.extend(Shortcut(title, action_name(action), keys_of(action))
                     for action in with_shortcuts(owner.findChildren(QAction, "", options)))
    return found


def with_shortcuts(actions: Iterable[QAction]) -> list[QAction]:
    """The ``actions`` that have a shortcut, each once."""
    seen: set[int] = set()
    kept = []
    for action in actions:
        if action.shortcuts() and id(action) not in seen:
            seen.add(id(action))
            kept.append(action)
    return kept


def action_name(action: QAction) -> str:
    """An action's text as a menu shows it: without the "&" of its mnemonic."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")


def keys_of(action: QAction) -> str:
    """An action's shortcuts in the platform's words, e.g. "Ctrl+Shift+P"."""
    return ", ".join(key.toString(QKeySequence.SequenceFormat.NativeText)
                     for key in action.shortcuts())
