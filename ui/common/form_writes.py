"""A page's writes from its forms: through the task helper, counted, refusals re-asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from models.changes import Changes
from models.errors import LedgerError
from ui.common import messages
from ui.common.tasks import Progress, TaskRunner


class FormWrites(QObject):
    """Runs a page's writes, busy while any is on its way; the page is their initiator
    (it reads itself again once one went through; the stream tells the other areas)."""

    busy_changed = Signal()
    """A write started or ended: :attr:`busy` may differ."""

    def __init__(self, parent: QWidget, tasks: TaskRunner) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._writing = 0

    @property
    def busy(self) -> bool:
        """Whether a write is on its way."""
        return self._writing > 0

    def run(self, work: Callable[[], Any], what: Changes, *,
            done: Callable[[Any], None],
            refused: Callable[[LedgerError], None] | None = None) -> None:
        """Run ``work`` as a write that changes ``what``, then ``done(result)``. Bad input
        goes to ``refused`` (usually: re-open the form with the objection at its field),
        or is shown in a message box; another refusal is told as its kind needs."""
        self._writing += 1
        self.busy_changed.emit()

        def run(_progress: Progress) -> object:
            return work()

        def succeeded(result: Any) -> None:
            self._writing -= 1
            done(result)
            self.busy_changed.emit()

        def failed_first() -> None:
            self._writing -= 1
            self.busy_changed.emit()

        self._tasks.run(run, writes=True, changes=what, initiator=self._parent,
                        on_success=succeeded,
                        on_failure=messages.ledger_refusal(self._parent, refused,
                                                           always=failed_first))
