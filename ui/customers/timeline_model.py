"""A customer's timeline as a table: contacts, money, promises and events, newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont

from models.money import format_money
from models.timeline import TimelineEntry
from ui.common.rows_model import QUIET, Column, RowsModel, format_day
from ui.common.style import ACCENT, WARNING

_STATUS_WORDS = {"follow-up": "Follow-up due", "follow-up done": "Follow-up done",
                 "void": "Void", "open": "Open", "kept": "Kept", "broken": "Broken"}


def when(entry: TimelineEntry) -> str:
    """The day, and the time when the event has one (payments and the like are by day)."""
    day = format_day(entry.at.date())
    return day if entry.at.time() == dt.time() else f"{day}, {entry.at:%H:%M}"


def first_line(entry: TimelineEntry) -> str:
    """The detail's first line, with "…" when more lines follow (shown in the tooltip)."""
    lines = entry.detail.splitlines()
    if not lines:
        return ""
    return f"{lines[0]} …" if len(lines) > 1 else lines[0]


def status_words(entry: TimelineEntry) -> str:
    """The entry's status in words ("Broken", "Follow-up due"), "" if it has none."""
    return _STATUS_WORDS.get(entry.status, entry.status.replace("_", " ").capitalize())


def _amount(entry: TimelineEntry) -> str:
    return "" if entry.amount_minor is None else format_money(entry.amount_minor, entry.currency)


def _detail_tooltip(entry: TimelineEntry) -> str:
    return f"{entry.title}\n{entry.detail}" if entry.detail else entry.title


class TimelineModel(RowsModel):
    """Timeline entries, newest first; broken promises stand out, voided money is struck."""

    WHEN, WHAT, DETAILS, AMOUNT, STATUS = range(5)
    columns = (
        Column("When", when, lambda e: e.at),
        Column("What", lambda e: e.title, lambda e: e.title.casefold(),
               tooltip=_detail_tooltip),
        Column("Details", first_line, lambda e: e.detail.casefold(), tooltip=_detail_tooltip),
        Column("Amount", _amount,
               lambda e: (e.currency, e.amount_minor if e.amount_minor is not None else 0),
               money=True),
        Column("Status", status_words, status_words),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._kinds: frozenset[str] = frozenset()
        self._warning = QBrush(QColor(WARNING))
        self._accent = QBrush(QColor(ACCENT))
        self._quiet = QBrush(QColor(QUIET))
        self._bold = QFont()
        self._bold.setBold(True)
        self._struck = QFont()
        self._struck.setStrikeOut(True)

    @property
    def kinds(self) -> frozenset[str]:
        """The kinds of entry shown (empty: every kind)."""
        return self._kinds

    def total_count(self) -> int:
        """How many entries the model holds, shown or not."""
        return len(self._all)

    def set_kinds(self, kinds: Collection[str]) -> None:
        """Show only entries of ``kinds`` (empty: everything), without reading them again."""
        self._kinds = frozenset(kinds)
        self.refilter()

    def row_key(self, row: TimelineEntry) -> object:
        """Entries have no id of their own: what happened when tells them apart."""
        return (row.kind, row.at, row.title, row.contact_id)

    def _accepts(self, row: TimelineEntry) -> bool:
        return not self._kinds or row.kind in self._kinds

    def _foreground(self, row: TimelineEntry, column: int) -> QBrush | None:
        if row.status == "void":
            return self._quiet
        if row.status == "broken" and column in (self.WHAT, self.STATUS):
            return self._warning
        if column == self.STATUS and row.status in ("kept", "open", "follow-up"):
            return self._accent
        if column == self.STATUS and row.status == "follow-up done":
            return self._quiet
        return None

    def _font(self, row: TimelineEntry, column: int) -> QFont | None:
        if row.status == "void":
            return self._struck
        if row.status == "broken" and column == self.STATUS:
            return self._bold
        return None
