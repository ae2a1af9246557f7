"""Writes to the business's settings, one helper for every section of the Settings area.

The Settings page owns one :class:`PolicyWriting` and hands it to each section: while
any write runs, no section starts another, and once one is saved the page says so and
reads every setting again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from models.changes import Change, changes
from models.errors import LedgerError
from ui.common import messages
from ui.common.tasks import Progress, TaskRunner


class PolicyWriting(QObject):
    """Runs the writes of the settings through the task helper, and counts them."""

    busy_changed = Signal()
    """A write started or ended: :attr:`busy` may differ."""
    saved = Signal(str)
    """A write went through; what was saved, in words: read the settings again."""

    def __init__(self, parent: QWidget, tasks: TaskRunner) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._writing = 0

    @property
    def busy(self) -> bool:
        """Whether a write is on its way."""
        return self._writing > 0

    def write(self, work: Callable[[], Any], notice: str, *,
              done: Callable[[Any], None] | None = None,
              refused: Callable[[LedgerError], None] | None = None) -> None:
        """Run ``work`` as a write of the policies; then call ``done(result)`` and say
        ``notice`` was :attr:`saved` (the stream of changes tells the other areas).
        A LedgerError goes to ``refused`` (re-open the dialog with the objection at its
        field) or is shown in a message box."""
        self._writing += 1
        self.busy_changed.emit()

        def run(_progress: Progress) -> object:
            return work()

        def succeeded(result: Any) -> None:
            self._writing -= 1
            if done is not None:
                done(result)
            self.saved.emit(notice)
            self.busy_changed.emit()

        def failed_first() -> None:
            self._writing -= 1
            self.busy_changed.emit()

        failed = messages.ledger_refusal(self._parent, refused, always=failed_first)
        # The page is the initiator: it reads the settings again itself, once saved.
        self._tasks.run(run, writes=True, changes=changes(Change.POLICIES),
                        initiator=self._parent, on_success=succeeded, on_failure=failed)
