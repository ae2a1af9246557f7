"""Dates in dialogs: typed the user's way or picked from a calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, QLocale, Qt

from ui.common.date_field import DateField, read_typed_date

GB = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
US = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
DEC_2 = dt.date(2026, 12, 2)


@pytest.mark.parametrize("typed", ["02/12/2026", "2 Dec 2026", "2026-12-02",
                                   "2 December 2026", "2.12.2026", " 2 Dec, 2026 "])
def test_a_british_user_types_a_day_their_way(typed):
    assert read_typed_date(typed, GB) == DEC_2


def test_an_american_user_types_the_month_first():
    assert read_typed_date("12/2/2026", US) == DEC_2
    assert read_typed_date("Dec 2, 2026", US) == DEC_2


@pytest.mark.parametrize("typed", ["", "31/02/2026", "the 31st", "2026-13-01"])
def test_what_names_no_day_is_not_read(typed):
    assert read_typed_date(typed, GB) is None


def test_a_day_typed_in_words_becomes_iso_when_the_field_is_left(qtbot):
    field = DateField(dt.date(2026, 11, 24))
    qtbot.addWidget(field)
    field.setText("2 Dec 2026")
    with qtbot.waitSignal(field.textEdited):
        field.editingFinished.emit()
    assert field.text() == "2026-12-02"
    assert field.date() == DEC_2


def test_a_day_it_cannot_read_stays_as_typed_for_the_form_to_explain(qtbot):
    field = DateField(dt.date(2026, 11, 24))
    qtbot.addWidget(field)
    field.setText("31/02/2026")
    field.normalise()
    assert field.text() == "31/02/2026"
    assert field.date() is None


# The offscreen platform cannot raise a pop-up or grab the keyboard for it.
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")
def test_the_calendar_opens_on_the_day_and_a_click_fills_the_field(qtbot):
    field = DateField(dt.date(2026, 11, 24))
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(field.calendar.isVisible)
    assert field.calendar.selectedDate() == QDate(2026, 11, 24)
    with qtbot.waitSignal(field.textEdited):
        field.calendar.clicked.emit(QDate(2026, 12, 2))
    assert field.text() == "2026-12-02"
    assert not field.calendar.isVisible()
