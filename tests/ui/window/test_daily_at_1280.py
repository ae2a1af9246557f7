"""The window as used daily on a 1,280×800 screen: nothing a user needs hides."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.common.elided_label import ElidedLabel
from ui.customers.timeline_model import TimelineModel


def _at_1280(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280)
    return window


def test_a_hint_in_the_status_bar_never_covers_its_labels(open_window, demo_file, qtbot):
    window = _at_1280(open_window, demo_file, qtbot)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=10000)
    bar = window.statusBar()
    labels = [window.status.business, window.status.counts, window.status.overdue,
              window.status.today]

    # What hovering a menu item does: its status tip goes to the status bar.
    bar.showMessage("Record money received from this customer")
    qtbot.waitUntil(lambda: bar.hint.isVisible())

    assert bar.hint.text() == "Record money received from this customer"
    assert all(label.isVisible() for label in labels)
    for label in labels:
        assert not bar.hint.geometry().intersects(label.geometry())
    assert window.status_texts()[0] == "Harbour & Finch Ltd"

    bar.clearMessage()
    qtbot.waitUntil(lambda: not bar.hint.isVisible())


def test_every_area_and_settings_section_fits_a_1280_by_800_screen(
        open_window, demo_file, qtbot):
    # The class thresholds' long form made Settings grow the window to 837 pixels high,
    # past the screen's foot; a long section now scrolls.
    window = _at_1280(open_window, demo_file, qtbot)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=10000)
    for key in ("today", "accounts", "customers", "plans", "insights", "collections",
                "templates", "settings"):
        window.show_area(key)
        qtbot.waitUntil(lambda: not window.tasks.busy, timeout=10000)
        least = window.minimumSizeHint()
        assert least.width() <= 1280 and least.height() <= 800, key
    settings = window.page("settings")
    for section in ("classes", "business", "defaults", "schedule", "mail"):
        settings.show_section(section)
        assert window.minimumSizeHint().height() <= 800, section
        assert window.size().toTuple() == (1280, 800), section


def test_the_money_overdue_shows_whole_and_the_days_work_gives_way(
        open_window, demo_file, qtbot):
    window = _at_1280(open_window, demo_file, qtbot)
    status = window.status
    qtbot.waitUntil(lambda: window.overview is not None and bool(status.worklist.text()),
                    timeout=10000)
    qtbot.waitUntil(lambda: status.overdue.width() >= status.overdue.sizeHint().width())

    assert status.overdue.text().startswith("Overdue: ")
    assert not status.overdue.is_elided()
    # The day's work is cut short, its count first and in sight.
    assert status.worklist.is_elided()
    count = status.worklist.text().split(":")[0]
    assert count.endswith(" to do")
    assert status.worklist.width() > status.worklist.fontMetrics().horizontalAdvance(count)


def test_the_timelines_details_have_the_widest_column_at_1280_by_800(
        open_window, demo_file, qtbot):
    window = _at_1280(open_window, demo_file, qtbot)
    window.show_area("customers")
    page = window.page("customers")
    with qtbot.waitSignal(page.account_loaded, timeout=10000):
        page.show_customer(10)
    view = page.view
    view.tabs.setCurrentWidget(view.timeline_table.parentWidget())
    table = view.timeline_table
    qtbot.waitUntil(lambda: table.isVisible() and view.timeline.rowCount() > 0)
    header = table.horizontalHeader()
    details = header.sectionSize(TimelineModel.DETAILS)
    assert details > header.sectionSize(TimelineModel.WHAT)
    assert details >= 180
    # What is cut short is whole in the tooltip.
    index = view.timeline.index(0, TimelineModel.DETAILS)
    entry = view.timeline.row_at(0)
    assert entry.detail in view.timeline.data(index, Qt.ItemDataRole.ToolTipRole)


def test_a_long_customer_name_is_cut_with_the_whole_name_in_its_tooltip(qtbot):
    label = ElidedLabel(tip_when_cut=True)
    qtbot.addWidget(label)
    name = "Johnson Brothers International Holdings and Distribution Company LLC"
    label.setText(name)
    label.resize(200, 30)
    label.show()
    qtbot.waitUntil(lambda: label.toolTip() == name)
    assert label.is_elided()
    label.resize(label.fontMetrics().horizontalAdvance(name) + 40, 30)
    qtbot.waitUntil(lambda: label.toolTip() == "")


def test_an_accounts_invoices_show_every_column_whole_at_1280_by_800(
        open_window, demo_file, qtbot):
    window = _at_1280(open_window, demo_file, qtbot)
    window.show_area("customers")
    page = window.page("customers")
    with qtbot.waitSignal(page.account_loaded, timeout=10000):
        page.show_customer(12)  # has an invoice "Overdue, part paid"
    table = page.view.invoices_table
    qtbot.waitUntil(lambda: table.isVisible() and page.view.invoices.rowCount() > 0)
    header = table.horizontalHeader()
    used = sum(header.sectionSize(n) for n in range(header.count()))
    assert used <= table.viewport().width()  # nothing hides to the right
    assert table.horizontalScrollBar().maximum() == 0
