"""What an area of the window is: one entry of the registry, and what its page offers.

An area is its package under ``ui/`` plus one :class:`Area`, declared in the
package's ``__init__`` and listed in ``ui/window/areas.py``. The window builds
the page the first time the area is shown (``build``, which imports the page's
module only then, so start-up never pays for an area not yet seen), puts it in
the navigation and the View menu with its shortcut, and keeps it current.

A page is a ``QWidget`` with:

- ``reads``: the :data:`~models.changes.Changes` that make what it shows stale;
  after a write that changed any of them (one the page did not run itself), the
  window calls ``reload()`` at once if the page is on show, or when next shown;
- ``reload()`` and ``clear()`` (the store was closed);

and, if it has them:

- ``actions_for_menu()`` (the actions of the area's menu) or
  ``menu_sections()`` (the same, in groups between separators);
- ``contact_in_hand()``: the customer (and Today item) Log Contact is for;
- a ``current_changed`` signal: what is in hand changed;
- ``has_unsaved_changes()`` and ``ask_to_save(then)``: work the user would lose;
- ``show_section(name)``: a part of the page another area can ask for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from models.changes import Changes

if TYPE_CHECKING:
    from ui.common.tasks import TaskRunner


@dataclass(frozen=True)
class Badge:
    """What the navigation shows beside an area: a count, and what it counts in words
    (for the tooltip and the status bar)."""

    count: int
    summary: str


@dataclass(frozen=True)
class AreaContext:
    """What the window hands an area when it builds the area's page."""

    tasks: TaskRunner
    today: Callable[[], dt.date]
    settings: QSettings
    window: QWidget
    log_contact_action: QAction
    import_action: QAction  # File → Import…, for an empty state's button
    contact_logger: Callable[[], object]  # the window's ContactLogger, made on first use
    open_customer: Callable[[int], None]
    show_area: Callable[[str, str], None]  # an area's key, and a section of it ("": none)


@dataclass(frozen=True)
class Area:
    """One area of the window: its place in the navigation and how its page is made."""

    key: str
    title: str
    icon: str
    shortcut: str  # e.g. "Ctrl+1"
    build: Callable[[AreaContext], QWidget] | None = None  # None: not built yet
    coming: str = ""  # what the area will do, shown until it is built
    menu: str = ""  # the title of the area's menu, if it has one
    log_contact_in_menu: bool = False  # Log Contact closes the area's menu
    badge: Callable[[dt.date], Badge] | None = None  # read off the GUI thread
    badge_reads: Changes = field(default_factory=frozenset)
    opens_customers: bool = False  # its page shows a customer's account: show_customer(id)
