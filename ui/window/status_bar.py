"""The window's status bar: the open company at a glance, and a place of its own for hints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QSizePolicy,
    QStatusBar,
    QStyle,
    QStyleOption,
    QWidget,
)

from models.dates import full_date, long_date, weekday_date
from models.money import format_money
from ui.common.area import Badge
from ui.common.elided_label import ElidedLabel
from ui.common.style import mute

if TYPE_CHECKING:  # the store's modules are imported once the window has painted
    from models.company import BusinessDetails
    from models.overview import StoreOverview


class StatusBar(QStatusBar):
    """The business, its counts, today's work and what is overdue, beside a hint line.

    A menu item's or button's status tip goes to :attr:`hint`, laid out beside
    the labels, so a hint never covers them (Qt's own message would be drawn
    over the bar's ordinary widgets, or hide them).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(True)
        self.hint = ElidedLabel()
        self.hint.setObjectName("statusHint")
        self.hint.setContentsMargins(6, 0, 6, 0)
        self.hint.hide()
        self.business = QLabel()
        font = self.business.font()
        font.setBold(True)
        self.business.setFont(font)
        # Which server and database, for a store on a server (hidden for a file).
        self.server = QLabel()
        self.server.setObjectName("statusServer")
        self.counts = QLabel()
        # Counts stay whole. The money overdue keeps its room before the day's work: Today's
        # page and the navigation's count say the work too, while nothing else on screen
        # says what is overdue. The day's work takes the room left, cut short with "…"
        # (its count first, so in sight); in a narrow window the overdue list gives way.
        self.counts.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.worklist = ElidedLabel()
        self.worklist.setObjectName("worklistSummary")
        self.worklist.setMinimumWidth(1)
        self.overdue = ElidedLabel()
        self.overdue.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.today = QLabel()
        mute(self.today)
        parts: list[QWidget] = []
        self._server_separator = _separator()
        for label in (self.business, self.server, self.counts, self.worklist, self.overdue):
            label.setContentsMargins(6, 0, 6, 0)
            if parts:
                parts.append(self._server_separator if label is self.server else _separator())
            parts.append(label)
        self.today.setContentsMargins(6, 0, 6, 0)
        # Everything is a permanent widget: Qt neither hides nor paints over those.
        self.addPermanentWidget(self.hint, 2)
        for widget in parts:
            self.addPermanentWidget(widget, 1 if widget is self.worklist else 0)
        self.addPermanentWidget(self.today)
        self.widgets: list[QWidget] = [*parts, self.today]
        self.messageChanged.connect(self._on_self_message_changed)

    def show_closed(self) -> None:
        """No store is open: the bar shows only hints."""
        for widget in self.widgets:
            widget.hide()

    def show_opening(self, name: str) -> None:
        """The store called ``name`` is being opened: the bar says only that."""
        for widget in self.widgets:  # the overdue label, empty, keeps the words on the left
            widget.setVisible(widget in (self.business, self.overdue))
        self.business.setText(f"Opening {name}…")
        self.overdue.setText("")

    def show_store(self, business: BusinessDetails | None, today: dt.date,
                   overview: StoreOverview | None, *, server: str | None = None) -> None:
        """The open store's business, its server (words, None for a file), its counts and
        what is overdue on ``today`` (the overview None: still being counted)."""
        for widget in self.widgets:
            widget.show()
        self.server.setText(server or "")
        for widget in (self.server, self._server_separator):
            widget.setVisible(server is not None)
        self.business.setText(business.name if business is not None
                              else "No business details yet")
        self.today.setText(f"Today: {weekday_date(today)}")
        if overview is None:
            self.counts.setText("Counting invoices…")
            self.overdue.setText("")
            self.overdue.setToolTip("")
            return
        self.counts.setText(f"{_count(overview.customers, 'customer')} · "
                            f"{_count(overview.open_invoices, 'open invoice')}")
        home = business.currency if business is not None else ""
        totals = sorted(overview.overdue, key=lambda t: (t.currency != home, t.currency))
        if not totals:
            self.overdue.setText("Nothing overdue")
        else:
            self.overdue.setText("Overdue: " + " · ".join(
                f"{format_money(t.overdue_minor, t.currency)} ({t.overdue_invoices})"
                for t in totals))
        self.overdue.setToolTip(
            f"{self.overdue.text()}\n\nOpen invoices past their due date on "
            f"{long_date(today)}, per currency (number of invoices in brackets).")

    def show_badges(self, badges: Iterable[Badge], today: dt.date) -> None:
        """The areas' counts in words: "3 to do today · 2 e-mails not sent"."""
        text = " · ".join(badge.summary for badge in badges)
        self.worklist.setText(text)
        self.worklist.setToolTip(f"{text}\n\nAs of {full_date(today)}." if text else "")

    def _on_self_message_changed(self, message: str) -> None:
        self.hint.setText(message)
        self.hint.setToolTip(message)
        self.hint.setVisible(bool(message))

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the bar without Qt's own message text: the hint label shows it."""
        option = QStyleOption()
        option.initFrom(self)
        painter = QPainter(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option,
                                   painter, self)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.VLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    line.setFixedHeight(14)
    return line
