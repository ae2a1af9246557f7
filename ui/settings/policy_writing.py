"""Writes to the business's settings, one helper for every section of the Settings area.

The Settings page owns one :class:`PolicyWriting` and hands it to each section: while
any write runs, no section starts another, and once one is saved the page says so and
reads every setting again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal

from models.changes import Change, Changes, changes
from models.errors import LedgerError
from ui.common.form_writes import FormWrites

POLICIES: Changes = changes(Change.POLICIES)
"""What a write of the Settings area changes, unless it says otherwise."""


class PolicyWriting(FormWrites):
    """Runs the writes of the settings through the task helper, and counts them."""

    saved = Signal(str)
    """A write went through; what was saved, in words: read the settings again."""

    def write(self, work: Callable[[], Any], notice: str, *,
              done: Callable[[Any], None] | None = None,
              refused: Callable[[LedgerError], None] | None = None,
              changed: Changes = POLICIES) -> None:
        """Run ``work`` as a write of what is ``changed`` (the policies, unless said);
        then call ``done(result)`` and say ``notice`` was :attr:`saved`. A LedgerError
        goes to ``refused`` (re-open the dialog with the objection at its field) or is
        shown in a message box."""
        def finished(result: Any) -> None:
            if done is not None:
                done(result)
            self.saved.emit(notice)

        self.run(work, changed, done=finished, refused=refused)
