"""The Templates area's list: each template's name, language, channel, tone and the stages
that send it (in every language: a customer gets the version in theirs).

The row being edited with changes not yet saved is marked with a bullet, and a
new template not yet saved stands in the list as a draft row (``DRAFT_ID``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QColor, QFont

from models.kinds import Channel, Tone
from models.language import language_name
from ui.common.rows_model import DISPLAY, QUIET, TOOLTIP, Column, Paint, RowsModel

DRAFT_ID = 0
"""The id of a new template until it is saved (the store's ids start at 1)."""
UNSAVED_MARK = "• "

def channel_text(channel: str) -> str:
    """A channel as the window names it: E-mail, Letter."""
    return Channel.word_for(channel)


def used_by_text(used_by: tuple[str, ...]) -> str:
    """How many follow-up stages send a template, shortly: "3 stages", "Not used"."""
    if not used_by:
        return "Not used"
    return f"{len(used_by)} stage{'' if len(used_by) == 1 else 's'}"


def used_by_tooltip(used_by: tuple[str, ...]) -> str:
    """Every stage sending a template, one a line."""
    if not used_by:
        return "No follow-up stage sends this template."
    return "Sent by these follow-up stages:\n" + "\n".join(used_by)


class TemplatesModel(RowsModel):
    """The templates (``TemplateRow``), with the one holding unsaved changes marked."""

    NAME, LANGUAGE, CHANNEL, TONE, USED_BY = range(5)
    columns = (
        Column("Name", lambda r: r.name, lambda r: r.name.casefold()),
        Column("Language", lambda r: language_name(r.language), lambda r: r.language),
        Column("Channel", lambda r: channel_text(r.channel), lambda r: r.channel),
        Column("Tone", lambda r: Tone.word_for(r.tone), lambda r: r.tone),
        Column("Used by", lambda r: used_by_text(r.used_by), lambda r: len(r.used_by),
               tooltip=lambda r: used_by_tooltip(r.used_by)),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._unsaved: int | None = None

    def unsaved_id(self) -> int | None:
        """The template marked as holding unsaved changes, if any."""
        return self._unsaved

    def set_unsaved(self, template_id: int | None) -> None:
        """Mark ``template_id`` (None: none) as holding unsaved changes."""
        if template_id == self._unsaved:
            return
        before, self._unsaved = self._unsaved, template_id
        for key in (before, template_id):
            position = self.position_of(key) if key is not None else -1
            if position >= 0:
                self.dataChanged.emit(self.index(position, 0),
                                      self.index(position, len(self.columns) - 1))

    def update_row(self, row: Any) -> None:
        """Show ``row`` in place of the row with its id (where it stands, unsorted)."""
        position = self.position_of(row.id)
        if position < 0:
            return
        self._rows[position] = row
        self._all = [row if self.row_key(r) == row.id else r for r in self._all]
        self.dataChanged.emit(self.index(position, 0), self.index(position,
                                                               len(self.columns) - 1))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        """As ``RowsModel``; the name of the template with unsaved changes is marked."""
        value = super().data(index, role)
        if index.isValid() and index.column() == self.NAME and int(role) in (DISPLAY, TOOLTIP):
            row = self._rows[index.row()]
            if row.id == self._unsaved:
                if int(role) == DISPLAY:
                    return UNSAVED_MARK + str(value)
                return ("A new template, not saved yet" if row.id == DRAFT_ID
                        else "Changes not saved yet")
        return value

    def _foreground(self, row: Any, column: int) -> Paint:
        if column == self.USED_BY and not row.used_by:
            return QColor(QUIET)
        return None

    def _font(self, row: Any, column: int) -> Paint:
        if row.id == DRAFT_ID:
            font = QFont()
            font.setItalic(True)
            return font
        return None
