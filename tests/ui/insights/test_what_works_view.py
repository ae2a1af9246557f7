"""What works in the window (issue 18): worked out off the GUI thread with a progress bar
and a Cancel button, shown as two sound tables, for all customers or one class, and
handed over as worksheets of numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from models.kinds import CustomerClass
from models.what_works import METHOD
from tests.conftest import DEMO_TODAY
from ui.common.tasks import TaskRunner
from ui.insights.what_works_model import ComparisonsModel, WhatWorksModel
from ui.insights.what_works_view import WhatWorksView

TIMEOUT_MS = 60_000


def halves(_as_of: dt.date, progress: Callable[[int, int], None]) -> dict[int, CustomerClass]:
    """A stand-in classification: odd customers recurring late payers, even ones reliable."""
    from models.schema import Customer

    ids = [cid for (cid,) in Customer.select(Customer.id).tuples()]
    progress(len(ids), len(ids))
    return {cid: CustomerClass.RECURRING_LATE if cid % 2 else CustomerClass.RELIABLE
            for cid in ids}


@pytest.fixture
def view(qtbot, window: QWidget, demo_store) -> Iterator[WhatWorksView]:
    tasks = TaskRunner(window)
    view = WhatWorksView(tasks, window, classes=halves)
    view.resize(window.size())
    window.show()
    qtbot.waitExposed(window)
    yield view
    tasks.stop_all()


def loaded(qtbot, view: WhatWorksView) -> WhatWorksView:
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT_MS):
        view.load(DEMO_TODAY)
    return view


def test_the_tables_are_sound_item_models(qtbot, view: WhatWorksView, qtmodeltester) -> None:
    loaded(qtbot, view)
    assert view.rows.rowCount() > 0
    qtmodeltester.check(view.rows)
    qtmodeltester.check(view.comparisons)
    view.show_class(CustomerClass.RELIABLE)
    qtmodeltester.check(view.rows)


def test_empty_models_are_sound_too(qtmodeltester) -> None:
    qtmodeltester.check(WhatWorksModel())
    qtmodeltester.check(ComparisonsModel())


def test_the_work_shows_its_progress_and_then_the_rows_of_all_customers(
        qtbot, view: WhatWorksView) -> None:
    loaded(qtbot, view)
    assert not view.busy_row.isVisible()
    assert (view.progress_bar.value(), view.progress_bar.maximum()) == (100, 100)
    rows = view.rows.rows()
    assert rows and all(r.customer_class is None for r in rows)
    channels = {r.value for r in rows if r.aspect == "channel"}
    assert {"Call", "E-mail"} <= channels
    call = next(r for r in rows if r.value == "Call")
    position = view.rows.position_of((None, "channel", "Call"))
    assert view.rows.data(view.rows.index(position, 2)) == str(call.cases)
    assert view.method_label.toolTip() == METHOD
    assert view.rows_table.toolTip() == METHOD
    assert "; as of 24 Nov 2026; baseline from 60 customers'" in view.summary_label.text()


def test_a_class_chosen_shows_its_rows_only(qtbot, view: WhatWorksView) -> None:
    loaded(qtbot, view)
    words = [view.class_combo.itemText(i) for i in range(view.class_combo.count())]
    assert words == ["All customers", "Reliable", "Recurring late payer"]
    view.show_class(CustomerClass.RECURRING_LATE)
    shown = view.rows.rows()
    assert shown and all(r.customer_class is CustomerClass.RECURRING_LATE for r in shown)
    assert all(c.customer_class is CustomerClass.RECURRING_LATE
               for c in view.comparisons.rows())


def test_a_row_on_too_few_cases_says_so(qtbot, view: WhatWorksView) -> None:
    loaded(qtbot, view)
    few = [n for n, r in enumerate(view.rows.rows()) if not r.enough]
    assert few
    assert view.rows.data(view.rows.index(few[0], 8)) == "–"  # no uplift on so few
    assert view.rows.data(view.rows.index(few[0], 9)) == "not enough cases yet"


def test_the_tables_go_out_as_worksheets_of_numbers(qtbot, view: WhatWorksView) -> None:
    assert view.sheets() == []
    loaded(qtbot, view)
    rows, comparisons, baseline = view.sheets()
    assert rows.title == "What works" and len(rows.rows) == view.rows.rowCount()
    first = rows.rows[0]
    assert isinstance(first[3], int)  # cases
    assert all(isinstance(v, Decimal) or v is None for v in first[4:7])  # paid 7/14/30 %
    assert comparisons.header[0] == "Class" and baseline.title == "Baseline"


def test_cancel_stops_the_work_and_keeps_what_was_shown(qtbot, window: QWidget,
                                                        demo_store) -> None:
    def endless(_as_of: dt.date, progress: Callable[[int, int], None]) -> dict:
        done = 0
        while True:  # until the user cancels: progress() then raises
            done += 1
            progress(done % 100, 100)

    tasks = TaskRunner(window)
    view = WhatWorksView(tasks, window, classes=endless)
    try:
        with qtbot.waitSignal(view.stopped, timeout=TIMEOUT_MS):
            view.load(DEMO_TODAY)
            assert view.busy_row.isVisibleTo(view)
            view.cancel_button.click()
        assert not view.busy_row.isVisibleTo(view)
        assert view.answer is None and view.rows.rowCount() == 0
    finally:
        tasks.stop_all()


def test_with_no_two_templates_at_a_stage_the_comparison_says_not_enough_cases_yet(
        qtbot, view: WhatWorksView) -> None:
    assert not view.comparisons_empty.isVisibleTo(view)  # nothing said before it is read
    loaded(qtbot, view)
    assert view.comparisons.rowCount() == 0  # the demo's reminders: one template a stage
    assert view.comparisons_empty.isVisibleTo(view)
    assert not view.comparisons_table.isVisibleTo(view)
    assert view.comparisons_empty.text().startswith("Not enough cases yet")


def test_every_column_shows_whole_in_the_room_a_1180_pixel_window_gives_it(
        qtbot, view: WhatWorksView) -> None:
    # The Insights page beside the navigation in a window 1,180 pixels wide: 935 pixels.
    view.resize(935, 600)
    loaded(qtbot, view)
    header = view.rows_table.horizontalHeader()
    assert header.length() <= view.rows_table.viewport().width()
    assert "\n" in view.rows.headerData(3, Qt.Orientation.Horizontal)  # "Paid in" over "7 days"
