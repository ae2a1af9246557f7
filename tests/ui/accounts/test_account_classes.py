"""The Accounts list's Class column: how each customer pays, read after the list shows,
sortable, filtered by a choice beside the other filters, its reasons in the tooltip."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from models.accounts import AccountRow, overdue_accounts
from models.customer_class import Classification, customer_classes
from models.kinds import CustomerClass
from tests.conftest import DEMO_TODAY
from ui.accounts.accounts_model import (
    COLUMN_CLASS,
    COLUMN_CUSTOMER,
    READING_CLASS,
    SORT_ROLE,
    AccountFilter,
    AccountsModel,
)
from ui.accounts.accounts_page import AccountsPage

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
DISPLAY, TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
LOAD_TIMEOUT_MS = 20_000
RANK = {kind: rank for rank, kind in enumerate(CustomerClass)}


@pytest.fixture
def demo_rows(demo_store) -> list[AccountRow]:
    return overdue_accounts(DEMO_TODAY, today=DEMO_TODAY)


@pytest.fixture
def classes(demo_store) -> dict[int, Classification]:
    return customer_classes(DEMO_TODAY)


def class_texts(model: AccountsModel) -> list[str]:
    return [model.data(model.index(row, COLUMN_CLASS), DISPLAY)
            for row in range(model.rowCount())]


def test_the_class_column_says_nothing_firm_until_the_classes_are_read(
        qtbot, demo_rows, classes):
    model = AccountsModel()
    model.set_rows(demo_rows, DEMO_TODAY)
    assert set(class_texts(model)) == {READING_CLASS}
    assert model.data(model.index(0, COLUMN_CLASS), TOOLTIP) == \
        "Reading how this customer pays…"

    model.set_classes(classes, DEMO_TODAY)

    assert class_texts(model) == [classes[row.customer_id].kind.word
                                  for row in model.visible_rows()]
    # Figures for another day: the classes read for today are not shown as theirs.
    model.set_rows(demo_rows, DEMO_TODAY.replace(day=1))
    assert set(class_texts(model)) == {READING_CLASS}


def test_the_class_s_reasons_are_in_its_tooltip(qtbot, demo_rows, classes):
    model = AccountsModel()
    model.set_rows(demo_rows, DEMO_TODAY)
    model.set_classes(classes, DEMO_TODAY)
    for row in range(model.rowCount()):
        found = classes[model.row_at(row).customer_id]
        tip = model.data(model.index(row, COLUMN_CLASS), TOOLTIP)
        assert tip.splitlines() == [f"{found.kind.word}:",
                                    *(f"• {reason}" for reason in found.reasons)]


@pytest.mark.parametrize("order", [ASC, DESC])
def test_the_class_column_sorts_by_class_then_name(qtbot, demo_rows, classes, order):
    model = AccountsModel()
    model.set_rows(demo_rows, DEMO_TODAY)
    model.set_classes(classes, DEMO_TODAY)

    model.sort(COLUMN_CLASS, order)

    ranks = [RANK[classes[row.customer_id].kind] for row in model.visible_rows()]
    assert ranks == sorted(ranks, reverse=order == DESC)
    assert len(set(ranks)) >= 2  # the demo has more than one class among its accounts
    assert [model.data(model.index(row, COLUMN_CLASS), SORT_ROLE)
            for row in range(model.rowCount())] == ranks


def test_classes_arriving_re_sort_a_list_sorted_by_class(qtbot, demo_rows, classes):
    model = AccountsModel()
    model.set_rows(demo_rows, DEMO_TODAY)
    model.sort(COLUMN_CLASS, DESC)

    model.set_classes(classes, DEMO_TODAY)

    ranks = [RANK[classes[row.customer_id].kind] for row in model.visible_rows()]
    assert ranks == sorted(ranks, reverse=True)


def test_the_class_filter_keeps_the_customers_of_that_class(qtbot, demo_rows, classes):
    model = AccountsModel()
    model.set_rows(demo_rows, DEMO_TODAY)
    kind = classes[demo_rows[0].customer_id].kind
    model.set_filter(AccountFilter(customer_class=kind))
    assert model.rowCount() == 0  # not read yet: none is known to be of that class

    model.set_classes(classes, DEMO_TODAY)

    expected = [r for r in demo_rows if classes[r.customer_id].kind is kind]
    assert sorted(model.visible_rows(), key=lambda r: (r.customer_id, r.currency)) == \
        sorted(expected, key=lambda r: (r.customer_id, r.currency))
    assert set(class_texts(model)) == {kind.word}
    assert not AccountFilter(customer_class=kind).is_empty()


def test_the_model_keeps_qts_rules_as_the_classes_arrive(qtmodeltester, qtbot, demo_rows,
                                                         classes):
    model = AccountsModel()
    model.set_rows(demo_rows, DEMO_TODAY)
    qtmodeltester.check(model)
    model.sort(COLUMN_CLASS, ASC)
    model.set_classes(classes, DEMO_TODAY)
    model.set_filter(AccountFilter(customer_class=CustomerClass.RELIABLE))
    model.set_classes({}, DEMO_TODAY)
    model.set_classes(classes, DEMO_TODAY)
    model.set_filter(AccountFilter())
    model.sort(COLUMN_CUSTOMER, DESC)
    model.set_classes(classes, DEMO_TODAY)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(demo_rows)


# --- the page ------------------------------------------------------------------------

@pytest.fixture
def page(qtbot, demo_store, show_page, window, runner, settings) -> AccountsPage:
    """The page on the demo company, today's list and classes loaded."""
    page = show_page(AccountsPage(runner, lambda: DEMO_TODAY, window, settings=settings))
    with qtbot.waitSignal(page.classes_loaded, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    return page


def test_the_page_reads_the_classes_after_the_list_shows(qtbot, demo_store, show_page,
                                                         window, runner, settings, classes):
    page = show_page(AccountsPage(runner, lambda: DEMO_TODAY, window, settings=settings))
    with qtbot.waitSignal(page.accounts_loaded, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    # The list is on show before its classes: the column says they are on their way.
    assert page.model.rowCount() and page.body.currentWidget() is page.table
    if not page.model.classes_shown:
        assert page.model.cell_text(0, COLUMN_CLASS) == READING_CLASS
    qtbot.waitUntil(lambda: page.model.classes_shown, timeout=LOAD_TIMEOUT_MS)
    for row in range(page.model.rowCount()):
        customer_id = page.model.row_at(row).customer_id
        assert page.model.cell_text(row, COLUMN_CLASS) == classes[customer_id].kind.word


def test_choosing_a_class_beside_the_filters_keeps_those_customers(qtbot, page, classes):
    kinds = {classes[row.customer_id].kind for row in page.model.rows()}
    combo = page.class_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Any class", *(kind.word for kind in CustomerClass)]
    kind = sorted(kinds, key=RANK.__getitem__)[0]

    combo.setCurrentIndex(combo.findData(kind.value))

    assert page.model.rowCount() == sum(classes[r.customer_id].kind is kind
                                        for r in page.model.rows())
    assert {page.model.cell_text(row, COLUMN_CLASS)
            for row in range(page.model.rowCount())} == {kind.word}
    assert " of " in page.count_label.text()

    combo.setCurrentIndex(0)
    assert page.model.rowCount() == len(page.model.rows())


def test_a_class_no_account_has_says_no_account_matches(qtbot, page, classes):
    held = {classes[row.customer_id].kind for row in page.model.rows()}
    missing = [kind for kind in CustomerClass if kind not in held]
    if not missing:
        pytest.skip("every class is among the demo's overdue accounts")
    page.class_combo.setCurrentIndex(page.class_combo.findData(missing[0].value))
    assert page.model.rowCount() == 0
    assert page.message_label.text() == "No accounts match the filters."
    page.clear_filters_button.click()
    assert page.class_combo.currentIndex() == 0
    assert page.model.rowCount() == len(page.model.rows())
