"""A date field for dialogs: typed in the user's own way, or picked from a calendar."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QWidget

from ui.common.resources import icon

# Tried after the locale's own short and long formats: ISO first, then the day
# written out ("2 Dec 2026") as people type it whatever their locale.
_EXTRA_FORMATS = ("yyyy-MM-dd", "d MMM yyyy", "d MMMM yyyy", "d MMM yy", "MMM d yyyy",
                  "MMMM d yyyy", "d.M.yyyy", "d/M/yyyy", "d-M-yyyy")


def read_typed_date(text: str, locale: QLocale | None = None) -> dt.date | None:
    """The day ``text`` names in ``locale``'s short or long format, ISO, or "2 Dec 2026".

    None when it names no day.
    """
    locale = locale or QLocale()
    words = " ".join(text.replace(",", " ").split())
    if not words:
        return None
    short = locale.dateFormat(QLocale.FormatType.ShortFormat)
    formats = (short if "yyyy" in short else short.replace("yy", "yyyy"), short,
               locale.dateFormat(QLocale.FormatType.LongFormat).replace(",", ""),
               *_EXTRA_FORMATS)
    for fmt in formats:
        for reader in (locale, QLocale.c()):
            day = reader.toDate(words, " ".join(fmt.split()))
            if day.isValid():
                # Two-digit years are this century's, not 1900's.
                year = day.year() + 100 if "yyyy" not in fmt and day.year() < 2000 \
                    else day.year()
                return dt.date(year, day.month(), day.day())
    return None


class DateField(QLineEdit):
    """A line for a day: ISO, the user's locale format or "2 Dec 2026", or the calendar.

    What is typed becomes ISO (YYYY-MM-DD) when the field is left or the form
    is read (:meth:`normalise`); a day it cannot read stays as typed so the
    form can say what is wrong with it.
    """

    def __init__(self, day: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(day.isoformat() if day is not None else "", parent)
        short = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
        self.setPlaceholderText("YYYY-MM-DD")
        self.setToolTip(f"A day as YYYY-MM-DD, {short.lower()} or 2 Dec 2026; "
                        "or pick it from the calendar")
        self.calendar_action = QAction(icon("today"), "Pick from the calendar", self)
        self.calendar_action.setToolTip("Pick the day from a calendar (Alt+Down)")
        self.calendar_action.triggered.connect(self.show_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.calendar = QCalendarWidget(self)
        self.calendar.setWindowFlags(Qt.WindowType.Popup)
        self.calendar.setGridVisible(False)
        self.calendar.clicked.connect(self._on_calendar_clicked)
        self.calendar.activated.connect(self._on_calendar_clicked)
        self.editingFinished.connect(self.normalise)

    def date(self) -> dt.date | None:
        """The day typed or picked, or None if it names no day."""
        return read_typed_date(self.text())

    def normalise(self) -> None:
        """Write the day typed as YYYY-MM-DD (left as typed if it names no day)."""
        day = self.date()
        if day is not None and self.text() != day.isoformat():
            self.setText(day.isoformat())
            self.textEdited.emit(self.text())

    def show_calendar(self) -> None:
        """Open the calendar under the field on the day typed (or today)."""
        day = self.date() or dt.date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self.calendar.move(self.mapToGlobal(QPoint(0, self.height())))
        self.calendar.show()
        self.calendar.setFocus()

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        """Alt+Down or F4 opens the calendar, as in a combo box."""
        if (event.key() == Qt.Key.Key_Down
                and event.modifiers() & Qt.KeyboardModifier.AltModifier) \
                or event.key() == Qt.Key.Key_F4:
            self.show_calendar()
            return
        super().keyPressEvent(event)

    def _on_calendar_clicked(self, day: QDate) -> None:
        self.calendar.hide()
        self.setText(dt.date(day.year(), day.month(), day.day()).isoformat())
        self.textEdited.emit(self.text())
        self.setFocus()
