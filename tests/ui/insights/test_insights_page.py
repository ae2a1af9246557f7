"""The Insights area on the demo: the business's figures by month as charts with their
tables, one currency at a time over the period chosen, each chart saved as a picture,
each table exported, and the whole page printed as a PDF report."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QWidget

from models.business_figures import FORMULAS, business_figures, cash_expected, top_debtors
from reports.table_files import TableFormat
from tests.conftest import DEMO_TODAY
from tests.helpers import pdf_pages
from ui.common.pdf_preview import PdfPreviewDialog
from ui.common.rows_model import TOOLTIP
from ui.common.tasks import TaskRunner
from ui.insights.glance_view import EMPTY, FIGURES, WORKING_TEXT
from ui.insights.insights_page import PERIOD_KEY, InsightsPage


@pytest.fixture
def tasks(window: QWidget):
    runner = TaskRunner(window)
    yield runner
    runner.stop_all()


@pytest.fixture
def page(qtbot, window: QWidget, tasks: TaskRunner, settings: QSettings, demo_store):
    page = InsightsPage(tasks, lambda: DEMO_TODAY, settings, window)
    page.resize(window.size())
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.reload()
        assert page.glance.is_working()
        assert page.glance.working_label.text() == WORKING_TEXT == "Working out the figures…"
    return page


def visible(qtbot, parent: QWidget, kind: type) -> object:
    def found() -> list:
        return [d for d in parent.findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=20000)
    return found()[0]


def cell(model, row: int, column: int) -> str:
    return model.data(model.index(row, column))


def test_the_page_shows_the_models_figures_for_the_currency_chosen(page):
    assert page.glance.stack.currentIndex() == FIGURES
    assert page.months() == 12
    assert [page.currency_combo.itemText(n) for n in range(page.currency_combo.count())] \
        == ["EUR", "GBP", "USD"]
    assert page.currency_combo.isVisible()  # several currencies: the choice is offered
    figures = business_figures(DEMO_TODAY, 12)
    for currency in ("EUR", "GBP"):
        page.set_currency(currency)
        months = figures.of_currency(currency)
        latest = months[-1]
        dso = page.glance.sections["dso"].model
        assert dso.rowCount() == 12
        assert [cell(dso, 11, c) for c in range(6)] == [
            "Oct 2026", str(latest.dso), str(latest.dso_standard),
            str(latest.best_possible_dso), str(latest.best_possible_dso_standard),
            str(latest.average_days_delinquent)]
        cei = page.glance.sections["cei"].model
        assert cell(cei, 11, 4) == f"{latest.cei}%"
        aging = page.glance.sections["aging"].model
        assert cell(aging, 0, 1) == f"{months[0].aging[0] / 100:,.2f}"
        tiles = page.glance.tiles
        assert tiles["dso"].value() == f"{latest.dso} days"
        assert tiles["best"].value() == f"{latest.best_possible_dso} days"
        assert tiles["add"].value() == f"{latest.average_days_delinquent} days"
        assert tiles["cei"].value() == f"{latest.cei}%"
        assert tiles["receivables"].value() == f"{latest.receivables_minor / 100:,.2f} {currency}"
        chart = page.glance.sections["dso"].chart
        assert chart.categories()[-1] == "Oct 2026"
        assert chart.series()[0].values[-1] == float(latest.dso)
        stacked = page.glance.sections["aging"].chart
        assert [s.values[-1] for s in stacked.series()] == [float(b) for b in latest.aging]
    debtors = [d for d in top_debtors(DEMO_TODAY) if d.currency == "GBP"]
    model = page.glance.sections["debtors"].model
    assert [cell(model, n, 0) for n in range(model.rowCount())] == [d.name for d in debtors]
    weeks = [w for w in cash_expected(DEMO_TODAY).weeks if w.currency == "GBP"]
    cash = page.glance.sections["cash"].model
    assert [cell(cash, n, 4) for n in range(4)] == [f"{w.total_minor / 100:,.2f}"
                                                     for w in weeks]


def test_each_figure_names_its_formula(page):
    dso = page.glance.sections["dso"].model
    assert FORMULAS["dso"] in dso.headerData(1, Qt.Orientation.Horizontal, TOOLTIP)
    assert FORMULAS["best_possible_dso"] in dso.headerData(3, Qt.Orientation.Horizontal,
                                                           TOOLTIP)
    assert FORMULAS["average_days_delinquent"] in dso.headerData(
        5, Qt.Orientation.Horizontal, TOOLTIP)
    cei = page.glance.sections["cei"].model
    assert FORMULAS["cei"] in cei.headerData(4, Qt.Orientation.Horizontal, TOOLTIP)
    assert page.glance.tiles["cei"].toolTip() == FORMULAS["cei"]
    assert FORMULAS["dso"] in page.glance.tiles["dso"].accessibleDescription()
    assert page.glance.tiles["add"].toolTip() == FORMULAS["average_days_delinquent"]


def test_the_tables_are_sound_item_models(page, qtmodeltester):
    for section in page.glance.sections.values():
        qtmodeltester.check(section.model)


def test_the_period_chosen_changes_the_months_and_is_remembered(page, settings, qtbot):
    dso = page.glance.sections["dso"]
    for months in (6, 24, 18, 12):
        page.set_months(months)
        assert dso.model.rowCount() == months
        assert len(dso.chart.categories()) == months
        assert len(page.glance.sections["aging"].chart.categories()) == months
        assert cell(dso.model, months - 1, 0) == "Oct 2026"
    page.set_months(6)
    assert cell(dso.model, 0, 0) == "May 2026"
    assert int(settings.value(PERIOD_KEY)) == 6
    assert page.shown().figures.month_ends[0].isoformat() == "2026-05-31"


def test_a_chart_is_walked_with_the_keys_and_describes_itself(page, qtbot):
    chart = page.glance.sections["dso"].chart
    assert chart.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert chart.accessibleName() == "Days sales outstanding chart"
    assert "Days by month end" in chart.accessibleDescription()
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_End)
    assert chart.current() == 11
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    assert chart.current() == 10
    latest = business_figures(DEMO_TODAY, 12).of_currency("EUR")[-2]
    assert chart.accessibleDescription().startswith(
        f"September 2026; DSO: {latest.dso:.1f} days")
    assert chart.describe(10) == chart.accessibleDescription().replace("; ", "\n")
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    assert chart.current() == 0


def test_a_table_exports_to_csv_and_all_tables_to_a_workbook(page, qtbot, tmp_path: Path):
    page.glance.export_table("dso", TableFormat.CSV)
    dialog = visible(qtbot, page, QFileDialog)
    assert isinstance(dialog, QFileDialog)
    assert dialog.selectedFiles()[0].endswith("Days sales outstanding EUR 2026-11-24.csv")
    target = tmp_path / "dso.csv"
    dialog.fileSelected.emit(str(target))
    qtbot.waitUntil(lambda: "Exported" in page.notice(), timeout=20000)
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["Month end", "DSO (count-back)", "DSO (standard)",
                       "Best possible DSO (count-back)", "Best possible DSO (standard)",
                       "Average days delinquent"]
    latest = business_figures(DEMO_TODAY, 12).of_currency("EUR")[-1]
    assert rows[-1][:2] == ["2026-10-31", str(latest.dso)]
    assert len(rows) == 13
    dialog.close()

    page.export_action.trigger()
    dialog = visible(qtbot, page, QFileDialog)
    workbook = tmp_path / "all.xlsx"
    dialog.fileSelected.emit(str(workbook))
    qtbot.waitUntil(workbook.exists, timeout=20000)
    book = load_workbook(workbook)
    assert book.sheetnames == ["DSO EUR", "CEI EUR", "Aging EUR", "Top debtors EUR",
                               "Cash expected EUR"]
    aging = book["Aging EUR"]
    assert Decimal(str(aging.cell(row=13, column=2).value)) == Decimal(latest.aging[0]) / 100
    assert aging.cell(row=13, column=2).data_type == "n"


def test_a_chart_saves_as_a_png_picture(page, qtbot, tmp_path: Path):
    chart = page.glance.sections["aging"].chart
    page.glance.save_chart("aging")
    dialog = visible(qtbot, page, QFileDialog)
    assert isinstance(dialog, QFileDialog) and dialog.defaultSuffix() == "png"
    folder = tmp_path / "pictures"
    folder.mkdir()
    target = folder / "aging.png"
    dialog.fileSelected.emit(str(target))
    qtbot.waitUntil(lambda: "Saved the chart" in page.notice(), timeout=20000)
    image = QImage(str(target))
    assert not image.isNull()
    assert (image.width(), image.height()) == (chart.grab().width(), chart.grab().height())
    assert [p.name for p in folder.iterdir()] == ["aging.png"]  # nothing half-written


def test_the_page_prints_as_a_pdf_report(page, qtbot):
    page.set_months(6)
    page.print_action.trigger()
    preview = visible(qtbot, page.window(), PdfPreviewDialog)
    try:
        assert preview.windowTitle() == "Insights as of 24 Nov 2026"
        text = "\n".join(p for p, _ in pdf_pages(Path(preview.pdf.path).read_bytes()))
        assert "The business at a glance, as of 24 November 2026" in text
        assert "the last 6 months (May 2026 to October 2026)" in text
        for currency in ("EUR", "GBP", "USD"):
            assert f"Amounts in {currency}" in text
        assert "Łukaszewski S.A." in text
    finally:
        preview.reject()


def test_a_debtor_opens_their_account(page, qtbot):
    table = page.glance.sections["debtors"].table
    model = page.glance.sections["debtors"].model
    first = model.rows()[0]
    with qtbot.waitSignal(page.customer_requested) as opened:
        table.doubleClicked.emit(model.index(0, 0))
    assert opened.args == [first.customer_id]


def test_a_book_with_no_invoices_says_so(qtbot, window, tasks, company_file):
    from models import db

    store = db.open_store(company_file)
    try:
        page = InsightsPage(tasks, lambda: DEMO_TODAY, None, window)
        with qtbot.waitSignal(page.loaded, timeout=20000):
            page.reload()
        assert page.glance.stack.currentIndex() == EMPTY
        assert not page.currency_combo.isVisible() and not page.currency_label.isVisible()
        assert not page.print_action.isEnabled() and not page.export_action.isEnabled()
    finally:
        store.close()


def test_the_area_opens_from_the_window(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    window.show_area("insights")
    page = window.page("insights")
    assert page.objectName() == "page-insights"
    qtbot.waitUntil(lambda: page.glance.stack.currentIndex() == FIGURES, timeout=30000)
    assert [page.tabs.tabText(n) for n in range(page.tabs.count())] == [
        "At a glance", "What works"]
    menu = window.area_menu("insights")
    assert menu is not None and menu.isEnabled()
    assert [a.text() for a in menu.actions() if not a.isSeparator()][:2] == [
        "&Print Report…", "&Export All Tables…"]


def test_what_works_is_worked_out_when_its_tab_is_first_shown_and_exports_its_tables(
        qtbot, page, tmp_path: Path):
    assert page.what_works.answer is None  # nothing read while the tab is hidden
    with qtbot.waitSignal(page.what_works.loaded, timeout=60000):
        page.tabs.setCurrentWidget(page.what_works)
    assert page.what_works.answer is not None
    assert page.what_works.answer.as_of == DEMO_TODAY
    page.export_action.trigger()
    dialog = visible(qtbot, page, QFileDialog)
    assert "What works" in dialog.selectedFiles()[0]
    target = tmp_path / "what-works.xlsx"
    dialog.fileSelected.emit(str(target))
    qtbot.waitUntil(lambda: target.exists(), timeout=20000)
    assert load_workbook(target).sheetnames == [s.title[:31] for s in page.what_works.sheets()]
