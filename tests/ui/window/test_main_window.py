"""The main window as a user meets it: opening stores, areas, status bar, memory."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel, QMessageBox

from models.changes import Change, changes
from models.company import business_details
from models.money import format_money
from models.overview import store_overview
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from ui import VERSION
from ui.common.area import Area, AreaContext, Badge
from ui.common.messages import UNEXPECTED
from ui.window.areas import AREAS
from ui.window.main_window import MainWindow, first_start_size
from ui.window.placeholder_page import PlaceholderPage


def test_the_window_opens_on_the_demo_company(open_window, demo_file):
    window = open_window(demo_file)

    assert window.windowTitle() == "Duly — Harbour & Finch Ltd (demo)"
    assert not window.showing_welcome()
    assert window.current_area() == AREAS[0]


def test_each_area_is_reached_by_clicking_the_navigation(open_window, demo_file, qtbot):
    window = open_window(demo_file)

    for row in [*range(1, len(AREAS)), 0]:
        rect = window.nav.visualItemRect(window.nav.item(row))
        qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        area = AREAS[row]
        assert window.current_area() == area
        page = window.pages.currentWidget()
        assert page.isVisible()
        if isinstance(page, PlaceholderPage):
            assert page.area == area
            assert page.coming_label.text().endswith("coming next.")
        else:
            assert page.objectName() == f"page-{area.key}"
        assert window.go_actions[row].isChecked()


def test_each_area_is_reached_by_its_ctrl_number_shortcut(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    with qtbot.waitActive(window):
        window.activateWindow()

    for index in reversed(range(len(AREAS))):
        action = window.go_actions[index]
        assert action.shortcut() == QKeySequence(f"Ctrl+{index + 1}")
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1.value + index),
                       Qt.KeyboardModifier.ControlModifier)
        assert window.current_area() == AREAS[index]


def test_go_actions_switch_areas_and_wait_for_a_store(open_window, demo_file, qtbot):
    welcome = open_window()
    assert not any(action.isEnabled() for action in welcome.go_actions)
    welcome.close()

    window = open_window(demo_file)
    for index, action in enumerate(window.go_actions):
        action.trigger()
        assert window.current_area() == AREAS[index]
        assert window.nav.currentRow() == index


def test_file_and_help_actions_have_their_shortcuts(open_window):
    window = open_window()

    assert window.new_company_action.shortcut() == QKeySequence("Ctrl+N")
    assert window.open_store_action.shortcut() == QKeySequence("Ctrl+O")
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")
    assert window.help.guide_action.shortcut() == QKeySequence("F1")
    assert not window.open_demo_action.shortcut().isEmpty()


def test_navigation_model_is_a_sound_item_model(open_window, qtmodeltester):
    window = open_window()

    qtmodeltester.check(window.nav.model())
    assert [window.nav.item(row).text() for row in range(window.nav.count())] == [
        "Today", "Accounts", "Customers", "Plans", "Insights", "Collections", "Templates",
        "Settings"]


def test_status_bar_shows_the_demo_companys_overview(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=10000)

    expected = store_overview(DEMO_TODAY)
    business, counts, overdue = window.status_texts()
    assert business == "Harbour & Finch Ltd"
    assert counts == (f"{expected.customers:,} customers · "
                      f"{expected.open_invoices:,} open invoices")
    assert expected.overdue, "the demo company has overdue invoices"
    for total in expected.overdue:
        assert f"{format_money(total.overdue_minor, total.currency)} " \
               f"({total.overdue_invoices})" in overdue
    # The business's own currency comes first.
    assert overdue.startswith("Overdue: ")
    assert overdue.split(" · ")[0].split(" (")[0].endswith(" GBP")


def test_status_bar_on_a_new_company_says_nothing_is_overdue(open_window, company_file,
                                                             qtbot):
    window = open_window(company_file)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=10000)

    assert window.status_texts() == ("Bramble Bakery", "0 customers · 0 open invoices",
                                     "Nothing overdue")
    assert window.windowTitle() == "Duly — Bramble Bakery"


def test_overview_is_loaded_off_the_gui_thread_after_the_window_shows(
        qtbot, settings, own_store_path, company_file):
    window = MainWindow(store_path=company_file, own_store_path=own_store_path,
                        settings=settings, today=DEMO_TODAY)
    qtbot.addWidget(window)
    # Built but not shown: the window has not asked for the overview yet.
    assert window.overview is None and not window.tasks.busy

    window.show()
    qtbot.waitUntil(lambda: window.overview is not None, timeout=10000)
    assert window.overview.customers == 0


def test_a_file_that_is_not_a_store_is_refused_and_left_alone(open_window, tmp_path, qtbot):
    notes = tmp_path / "notes.sqlite"
    content = b"Call Mrs Patel about invoice 1043 on Monday.\n"
    notes.write_bytes(content)

    window = open_window(notes)
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)))

    box = visible_message_boxes(window)[0]
    assert "notes.sqlite is not a Duly store" in box.text()
    assert box.icon() == QMessageBox.Icon.Warning
    assert window.showing_welcome()
    assert window.windowTitle() == "Duly"
    assert notes.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["notes.sqlite"]


def test_a_missing_store_falls_back_to_welcome(open_window, tmp_path, qtbot):
    window = open_window(tmp_path / "gone.sqlite")
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)))

    assert "There is no Duly store" in visible_message_boxes(window)[0].text()
    assert window.showing_welcome()
    assert not (tmp_path / "gone.sqlite").exists()


def test_a_refused_file_leaves_the_open_company_open(open_window, company_file, tmp_path,
                                                     monkeypatch, qtbot):
    window = open_window(company_file)
    notes = tmp_path / "notes.sqlite"
    notes.write_bytes(b"not a store")
    monkeypatch.setattr("ui.common.file_pickers.choose_store_to_open", lambda parent, folder: notes)

    window.open_store_action.trigger()

    assert visible_message_boxes(window)
    assert window.store_path == company_file.absolute()
    assert window.windowTitle() == "Duly — Bramble Bakery"
    assert notes.read_bytes() == b"not a store"


def test_open_store_switches_to_the_chosen_company(open_window, company_file, demo_file,
                                                   monkeypatch, qtbot):
    window = open_window(company_file)
    monkeypatch.setattr("ui.common.file_pickers.choose_store_to_open",
                        lambda parent, folder: demo_file)

    with qtbot.waitSignal(window.store_closed):
        window.open_store_action.trigger()

    assert window.store_path == demo_file.absolute()
    assert window.windowTitle() == "Duly — Harbour & Finch Ltd (demo)"
    assert business_details().name == "Harbour & Finch Ltd"
    qtbot.waitUntil(lambda: window.overview is not None, timeout=10000)
    assert window.overview.customers > 0


def test_window_size_position_layout_and_area_are_remembered(
        qtbot, settings, own_store_path, company_file):
    first = MainWindow(store_path=company_file, own_store_path=own_store_path,
                       settings=settings, today=DEMO_TODAY)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(760, 520)
    first.move(10, 50)
    qtbot.waitUntil(lambda: first.workspace.width() == 760)
    first.workspace.setSizes([260, 500])
    first.show_area("insights")
    assert first.workspace.sizes()[0] == 260
    geometry = first.geometry()
    first.close()

    second = MainWindow(store_path=company_file, own_store_path=own_store_path,
                        settings=settings, today=DEMO_TODAY)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)

    assert second.geometry() == geometry
    assert second.current_area().key == "insights"
    assert second.workspace.sizes()[0] == 260


def test_first_start_gets_a_default_size_centred_on_screen(open_window):
    window = open_window()

    available = QGuiApplication.primaryScreen().availableGeometry()
    assert (window.size().width(), window.size().height()) == first_start_size(
        available.width(), available.height())
    offset = window.geometry().center() - available.center()
    assert abs(offset.x()) <= 4 and abs(offset.y()) <= 4
    assert window.current_area() is None


def test_settings_from_a_broken_file_do_not_stop_the_window(qtbot, tmp_path, own_store_path):
    settings = QSettings(str(tmp_path / "odd.ini"), QSettings.Format.IniFormat)
    settings.setValue("window/geometry", "not a geometry")
    settings.setValue("window/area", "nowhere")
    window = MainWindow(own_store_path=own_store_path, settings=settings, today=DEMO_TODAY)
    qtbot.addWidget(window)

    assert window.size().width() > 0
    assert window.nav.currentRow() == 0


def test_about_names_duly_and_its_version(open_window, qtbot):
    window = open_window()

    window.about_action.trigger()

    about = window.findChild(QMessageBox, "about")
    assert about is not None and about.isVisible()
    assert f"Duly {VERSION}" in about.text()


@pytest.mark.parametrize("start", ["welcome", "company"])
def test_quit_closes_the_window_and_the_store(open_window, company_file, start):
    window = open_window(company_file if start == "company" else None)

    window.quit_action.trigger()

    assert not window.isVisible()
    assert window.store_path is None
    # The store's lock is released: it can be opened again at once.
    from models import db

    db.open_store(company_file).close()


@pytest.mark.parametrize("wrecked", ["first page", "business table"])
def test_a_damaged_store_is_reported_in_the_users_words_and_left_alone(
        open_window, company_file, qtbot, wrecked):
    content = bytearray(company_file.read_bytes())
    page = int.from_bytes(content[16:18], "big")
    if wrecked == "first page":
        # Keep the 100-byte header (it still looks like a Duly store); wreck the schema.
        start, end = 100, page
    else:
        # The store opens, then reading the business fails.
        with closing(sqlite3.connect(company_file)) as connection:
            (root,) = connection.execute(
                "SELECT rootpage FROM sqlite_master WHERE name = 'business'").fetchone()
        start, end = (root - 1) * page, root * page
    content[start:end] = b"\xa5" * (end - start)
    company_file.write_bytes(bytes(content))

    window = open_window(company_file)
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)))

    box = visible_message_boxes(window)[0]
    assert "damaged" in box.text()
    assert box.text() != UNEXPECTED
    assert window.showing_welcome()
    assert company_file.read_bytes() == bytes(content)


def test_our_own_bug_while_opening_is_reported_with_details(open_window, company_file,
                                                            monkeypatch, qtbot):
    def broken_open(path, create=False, check_later=False, password=None):
        raise RuntimeError("migration 7 forgot a column")

    monkeypatch.setattr("models.db.open_store", broken_open)
    window = open_window(company_file)
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)))

    box = visible_message_boxes(window)[0]
    assert box.text() == UNEXPECTED
    assert "migration 7 forgot a column" in box.detailedText()
    assert window.showing_welcome()


def test_in_a_narrow_window_the_counts_stay_whole_and_the_overdue_list_gives_way(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    qtbot.waitUntil(lambda: window.overview is not None, timeout=10000)
    overdue = window.status_texts()[2]

    window.resize(640, 480)
    qtbot.waitUntil(lambda: window.width() == 640)

    counts = window.status.counts
    assert counts.width() >= counts.sizeHint().width()
    assert window.status.overdue.is_elided()
    assert window.status.overdue.toolTip().startswith(overdue)


class _ProbePage(QLabel):
    """A throwaway area's page: it reads every kind of change and counts its reloads."""

    reads = changes(Change.MONEY)

    def __init__(self, context: AreaContext) -> None:
        super().__init__("Probe")
        self.context = context
        self.reloads = 0

    def reload(self) -> None:
        self.reloads += 1

    def clear(self) -> None:
        pass

    def actions_for_menu(self) -> list[QAction]:
        action = QAction("&Probe Something", self)
        action.setShortcut(QKeySequence("Ctrl+Alt+P"))
        return [action]


def test_a_new_area_is_its_registry_entry_and_nothing_else(qtbot, settings, own_store_path,
                                                           demo_file):
    probe = Area(key="probe", title="Probe", icon="insights", shortcut="Ctrl+9",
                 build=_ProbePage, menu="&Probe",
                 badge=lambda _as_of: Badge(7, "7 probes"),
                 badge_reads=changes(Change.MONEY))
    window = MainWindow(store_path=demo_file, own_store_path=own_store_path,
                        settings=settings, today=DEMO_TODAY, areas=(*AREAS, probe))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    item = window.nav.item(len(AREAS))
    assert item.text() == "Probe"  # in the navigation
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    go = next(a for a in view.actions() if a.text() == "&Probe")  # in the View menu
    assert go.shortcut() == QKeySequence("Ctrl+9")
    qtbot.waitUntil(lambda: window.nav_badge("probe") == "7", timeout=10000)  # its badge

    go.trigger()  # its shortcut's action shows it, built on first show
    page = window.page("probe")
    assert isinstance(page, _ProbePage) and window.current_area() == probe
    assert [a.text() for a in window.area_menu("probe").actions()] == ["&Probe Something"]
    assert window.area_menu("probe").isEnabled()

    # A write that changed what it reads reloads it; one that did not leaves it alone.
    reloads = page.reloads
    window.tasks.changed.emit(changes(Change.TEMPLATES), None)
    assert page.reloads == reloads
    window.tasks.changed.emit(changes(Change.MONEY), None)
    assert page.reloads == reloads + 1
    window.tasks.changed.emit(changes(Change.MONEY), page)  # its own write: it knows
    assert page.reloads == reloads + 1
