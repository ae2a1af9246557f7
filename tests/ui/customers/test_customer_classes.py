"""How each customer pays, in the Customers area: the list's Class column and filter,
and the "How they pay" panel of the account with the class's reasons and the suggestion."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from models.customer_account import customer_list
from models.customer_class import Classification, assessed_profile, customer_classes
from models.kinds import CustomerClass
from tests.conftest import DEMO_TODAY
from tests.ui.customers.test_customers_page import CHRONIC, open_page
from ui.common.rows_model import SORT_ROLE
from ui.customers.customer_account_view import PROFILE_TAB
from ui.customers.customer_list_model import READING_CLASS, CustomerListModel
from ui.customers.payment_profile_panel import READING

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
TOOLTIP = Qt.ItemDataRole.ToolTipRole
RANK = {kind: rank for rank, kind in enumerate(CustomerClass)}
CLASS = CustomerListModel.CLASS
TIMEOUT_MS = 20_000


@pytest.fixture
def classes(demo_store) -> dict[int, Classification]:
    return customer_classes(DEMO_TODAY)


@pytest.fixture
def model(qtbot, demo_store) -> CustomerListModel:
    model = CustomerListModel()
    model.set_rows(customer_list(DEMO_TODAY, today=DEMO_TODAY))
    return model


def class_texts(model: CustomerListModel) -> list[str]:
    return [model.index(row, CLASS).data() for row in range(model.rowCount())]


# --- the list's model ------------------------------------------------------------------

def test_the_class_column_says_it_is_reading_then_each_class_and_why(model, classes):
    assert set(class_texts(model)) == {READING_CLASS}
    model.set_classes(classes)
    assert class_texts(model) == [classes[row.id].kind.word for row in model.rows()]
    first = model.rows()[0]
    assert model.index(0, CLASS).data(TOOLTIP).splitlines() == [
        f"{classes[first.id].kind.word}:", *(f"• {r}" for r in classes[first.id].reasons)]


@pytest.mark.parametrize("order", [ASC, DESC])
def test_the_list_sorts_by_class(model, classes, order):
    model.set_classes(classes)
    model.sort(CLASS, order)
    ranks = [RANK[classes[row.id].kind] for row in model.rows()]
    assert ranks == sorted(ranks, reverse=order == DESC) and len(set(ranks)) >= 3
    assert [model.index(r, CLASS).data(SORT_ROLE) for r in range(model.rowCount())] == ranks


def test_the_class_filter_keeps_that_class_with_the_search(model, classes):
    kind = classes[CHRONIC].kind
    model.set_class_filter(kind)
    assert model.rowCount() == 0  # not read yet: none is known to be of that class
    model.set_classes(classes)
    assert {classes[row.id].kind for row in model.rows()} == {kind}
    assert model.rowCount() == sum(c.kind is kind for c in classes.values())
    model.set_search_text(model.rows()[0].name)
    assert 1 <= model.rowCount() < sum(c.kind is kind for c in classes.values()) + 1
    model.set_class_filter(None)
    model.set_search_text("")
    assert model.rowCount() == model.total_count()


def test_the_list_model_keeps_qts_rules_as_the_classes_arrive(qtmodeltester, model, classes):
    qtmodeltester.check(model)
    model.sort(CLASS, ASC)
    model.set_classes(classes)
    model.set_class_filter(CustomerClass.RELIABLE)
    model.set_classes(None)
    model.set_classes(classes)
    model.set_class_filter(None)
    model.sort(CustomerListModel.NAME, DESC)
    model.set_classes(classes)
    qtmodeltester.check(model, force_py=True)


# --- the page ----------------------------------------------------------------------------

@pytest.fixture
def page(qtbot, window, demo_store):
    page = open_page(qtbot, window)
    qtbot.waitUntil(lambda: page.customers.classes_shown, timeout=TIMEOUT_MS)
    yield page
    page.tasks.stop_all()


@pytest.fixture
def window(qtbot) -> QWidget:
    window = QWidget()
    window.resize(1280, 800)
    qtbot.addWidget(window)
    return window


def test_the_list_shows_each_customer_s_class_and_filters_by_it(page, classes):
    assert [page.customers.index(r, CLASS).data() for r in range(page.customers.rowCount())] \
        == [classes[row.id].kind.word for row in page.customers.rows()]
    combo = page.list_panel.class_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Any class", *(kind.word for kind in CustomerClass)]
    kind = classes[CHRONIC].kind
    combo.setCurrentIndex(combo.findData(kind.value))
    assert {classes[row.id].kind for row in page.customers.rows()} == {kind}
    assert " of " in page.count_label.text()


def test_the_account_shows_how_they_pay_with_the_reasons_and_the_suggestion(qtbot, page):
    with qtbot.waitSignal(page.profile_loaded, timeout=TIMEOUT_MS,
                          check_params_cb=lambda i: i == CHRONIC):
        page.show_customer(CHRONIC)
    _profile, classification, suggestion = assessed_profile(CHRONIC, DEMO_TODAY)
    panel = page.view.profile_panel
    lines = panel.texts()
    assert lines[0] == classification.kind.word
    for reason in classification.reasons:
        assert f"• {reason}" in lines
    assert f"What to do: {suggestion}" in lines
    assert any(line.startswith("Last 12 months") for line in lines)
    assert any(line.startswith("Promises: ") for line in lines)
    assert any(line.startswith("Trend: ") for line in lines)
    # Beside the flags, the class in a word: a link to the panel, the reasons in its tip.
    assert classification.kind.word in page.view.class_link.text()
    assert classification.reasons[0] in page.view.class_link.toolTip()
    page.view.class_link.linkActivated.emit("profile")
    assert page.view.tabs.currentIndex() == PROFILE_TAB
    assert page.view.tabs.tabText(PROFILE_TAB) == "How they pay"


def test_another_customer_s_profile_is_not_shown_while_theirs_is_read(qtbot, page, classes):
    with qtbot.waitSignal(page.profile_loaded, timeout=TIMEOUT_MS):
        page.show_customer(CHRONIC)
    other = next(cid for cid in classes if cid != CHRONIC)
    with qtbot.waitSignal(page.profile_loaded, timeout=TIMEOUT_MS,
                          check_params_cb=lambda i: i == other):
        page.show_customer(other)
        assert page.view.profile_panel.texts() == [READING]
        assert page.view.class_link.isHidden()
    assert page.view.profile_panel.texts()[0] == classes[other].kind.word


def test_the_list_is_wide_enough_for_a_long_name_and_every_class_word(qtbot, page):
    view = page.list_panel.list_view
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(CustomerListModel.NAME) > 0, timeout=TIMEOUT_MS)
    metrics = view.fontMetrics()
    assert header.sectionSize(CustomerListModel.NAME) >= metrics.horizontalAdvance(
        "Kowalczyk Sp. z o.o.")
    assert header.sectionSize(CLASS) >= max(metrics.horizontalAdvance(kind.word)
                                            for kind in CustomerClass)


def test_every_class_but_at_risk_has_a_customer_in_the_demo(classes):
    # At risk would need recent unanswered reminders or broken promises: models/demo.py.
    assert {found.kind for found in classes.values()} == set(CustomerClass) - {
        CustomerClass.AT_RISK}
