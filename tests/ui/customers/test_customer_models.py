"""The Customers area's table models: sound item models that sort on raw values."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex, Qt

from models.customer_account import (
    AllocationRow,
    CustomerListRow,
    InvoiceRow,
    MoneyInRow,
    customer_invoices,
    customer_list,
    customer_money_in,
)
from models.ledger import oldest_first
from tests.conftest import DEMO_TODAY
from ui.common.rows_model import ID_ROLE, SORT_ROLE
from ui.customers.customer_list_model import CustomerListModel
from ui.customers.invoices_model import (
    AllocationModel,
    InvoicesModel,
    invoice_status,
)
from ui.customers.money_in_model import MoneyInModel

DISPLAY = Qt.ItemDataRole.DisplayRole
DAY = dt.date(2026, 11, 24)


def invoice(number: str, *, id: int, amount: int, paid: int = 0, due: dt.date = DAY,
            status: str = "open", days: int = 0, currency: str = "GBP") -> InvoiceRow:
    return InvoiceRow(id=id, number=number, issue_date=due - dt.timedelta(days=30),
                      due_date=due, currency=currency, amount_minor=amount, paid_minor=paid,
                      open_minor=0 if status == "void" else amount - paid,
                      days_overdue=days, status=status,
                      dispute_reason="Arrived damaged" if status == "disputed" else "")


def texts(model, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


@pytest.fixture
def demo_rows(demo_store):
    """The demo's customers, and the first customer's invoices and money received."""
    return (customer_list(DEMO_TODAY, today=DEMO_TODAY), customer_invoices(1, DEMO_TODAY),
            customer_money_in(1))


def test_each_model_is_a_sound_item_model(demo_rows, qtmodeltester):
    customers, invoices, money_in = demo_rows
    for model, rows in ((CustomerListModel(), customers), (InvoicesModel(), invoices),
                        (MoneyInModel(), money_in)):
        model.set_rows(rows)
        assert model.rowCount() == len(rows) > 0
        qtmodeltester.check(model, force_py=True)
        model.sort(3 if model.columnCount() > 3 else 1, Qt.SortOrder.DescendingOrder)
        qtmodeltester.check(model, force_py=True)


def test_the_allocation_model_is_sound_in_both_modes(demo_rows, qtmodeltester):
    _customers, invoices, _money_in = demo_rows
    open_invoices = [r for r in invoices if r.open_minor > 0]
    model = AllocationModel(open_invoices, "GBP", lambda row: "1.00")
    model.set_preview({row.id: part for row, part in oldest_first(open_invoices, 10_000)})
    qtmodeltester.check(model, force_py=True)
    model.set_choosing(True)
    model.setData(model.index(0, AllocationModel.INVOICE), Qt.CheckState.Checked.value,
                  Qt.ItemDataRole.CheckStateRole)
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, AllocationModel.PAY).data() == "1.00"


def test_amounts_sort_by_value_not_by_their_text():
    model = InvoicesModel()
    model.set_rows([invoice("A", id=1, amount=97_836), invoice("B", id=2, amount=120_410),
                    invoice("C", id=3, amount=9_000)])

    model.sort(InvoicesModel.AMOUNT, Qt.SortOrder.AscendingOrder)

    # As text, "1,204.10" would come before "90.00" and "978.36".
    assert texts(model, InvoicesModel.NUMBER) == ["C", "A", "B"]
    assert model.index(0, InvoicesModel.AMOUNT).data(SORT_ROLE) == ("GBP", 9_000)


def test_dates_sort_by_date_not_by_their_text():
    model = InvoicesModel()
    model.set_rows([invoice("A", id=1, amount=1, due=dt.date(2026, 9, 8)),
                    invoice("B", id=2, amount=1, due=dt.date(2026, 10, 1)),
                    invoice("C", id=3, amount=1, due=dt.date(2026, 9, 28))])

    model.sort(InvoicesModel.DUE, Qt.SortOrder.DescendingOrder)

    # As text, "8 Sep" would sort above "28 Sep" and "1 Oct".
    assert texts(model, InvoicesModel.NUMBER) == ["B", "C", "A"]


def test_a_selection_follows_its_row_when_the_table_is_sorted(qtbot):
    from PySide6.QtWidgets import QTableView

    model = InvoicesModel()
    model.set_rows([invoice("A", id=1, amount=300), invoice("B", id=2, amount=100),
                    invoice("C", id=3, amount=200)])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.selectRow(0)

    model.sort(InvoicesModel.AMOUNT, Qt.SortOrder.AscendingOrder)

    selected = view.selectionModel().selectedRows()
    assert [model.row_at(i.row()).number for i in selected] == ["A"]
    assert selected[0].row() == 2


def test_money_is_right_aligned_and_text_left_aligned():
    model = InvoicesModel()
    model.set_rows([invoice("A", id=1, amount=100)])
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    assert model.index(0, InvoicesModel.AMOUNT).data(Qt.ItemDataRole.TextAlignmentRole) == right
    assert model.index(0, InvoicesModel.NUMBER).data(Qt.ItemDataRole.TextAlignmentRole) == left
    assert model.headerData(InvoicesModel.OPEN, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.TextAlignmentRole) == right


@pytest.mark.parametrize("row, words", [
    (invoice("A", id=1, amount=100), "Open"),
    (invoice("A", id=1, amount=100, days=12), "Overdue"),
    (invoice("A", id=1, amount=100, paid=40, days=12), "Overdue, part paid"),
    (invoice("A", id=1, amount=100, paid=100, status="paid"), "Paid"),
    (invoice("A", id=1, amount=100, status="disputed", days=3), "Disputed"),
    (invoice("A", id=1, amount=100, status="with_agency", days=99), "With agency"),
    (invoice("A", id=1, amount=100, status="written_off"), "Written off"),
    (invoice("A", id=1, amount=100, status="void"), "Void"),
])
def test_an_invoices_status_is_shown_in_words(row, words):
    assert invoice_status(row) == words


def test_disputed_and_agency_invoices_are_visibly_marked():
    model = InvoicesModel()
    model.set_rows([invoice("D", id=1, amount=100, status="disputed"),
                    invoice("W", id=2, amount=100, status="with_agency"),
                    invoice("O", id=3, amount=100)])
    background = Qt.ItemDataRole.BackgroundRole

    assert model.index(0, 0).data(background) is not None
    assert model.index(1, 0).data(background) is not None
    assert model.index(2, 0).data(background) is None
    assert "Arrived damaged" in model.index(0, InvoicesModel.STATUS).data(
        Qt.ItemDataRole.ToolTipRole)


def test_a_voided_payment_is_struck_through_and_keeps_no_credit():
    voided = MoneyInRow(kind="payment", id=7, date=DAY, reference="BACS 1", method="card",
                        currency="GBP", amount_minor=5_000, allocated_minor=0,
                        unallocated_minor=0, voided=True, allocations=())
    live = MoneyInRow(kind="credit note", id=7, date=DAY, reference="CN-1", method="damaged",
                      currency="GBP", amount_minor=5_000, allocated_minor=2_000,
                      unallocated_minor=3_000, voided=False,
                      allocations=(AllocationRow(3, "INV-3", DAY, 2_000),))
    model = MoneyInModel()
    model.set_rows([voided, live])

    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).strikeOut()
    assert model.index(0, MoneyInModel.KIND).data() == "Payment (void)"
    assert model.index(0, MoneyInModel.CREDIT).data() == ""
    assert model.index(1, 0).data(Qt.ItemDataRole.FontRole) is None
    assert model.index(1, MoneyInModel.CREDIT).data() == "30.00 GBP"
    assert model.index(1, MoneyInModel.APPLIED).data() == "INV-3 (20.00)"
    assert model.index(0, MoneyInModel.METHOD).data() == "Card"
    assert model.index(1, MoneyInModel.METHOD).data() == "damaged"
    # A payment and a credit note may share an id; the model tells them apart.
    assert model.position_of(("credit note", 7)) == 1
    assert model.index(1, 0).data(ID_ROLE) == ("credit note", 7)


def test_a_method_duly_does_not_know_is_shown_as_written():
    # A method typed or imported ("BACS") was capitalised like Duly's own: "Bacs".
    rows = [MoneyInRow(kind="payment", id=n, date=DAY, reference="", method=method,
                       currency="GBP", amount_minor=5_000, allocated_minor=0,
                       unallocated_minor=5_000, voided=False, allocations=())
            for n, method in enumerate(("bank transfer", "BACS", "PayPal"), start=1)]
    model = MoneyInModel()
    model.set_rows(rows)
    assert texts(model, MoneyInModel.METHOD) == ["Bank transfer", "BACS", "PayPal"]


def customer(id: int, name: str, code: str, balance: int = 0) -> CustomerListRow:
    return CustomerListRow(id=id, code=code, name=name, currency="EUR",
                           balance_minor=balance, overdue_minor=0, on_hold=False)


def test_the_customer_list_is_searched_by_every_word_of_name_or_code():
    model = CustomerListModel()
    model.set_rows([customer(1, "Müller GmbH", "C00004"),
                    customer(2, "Müller Gastro KG", "C00010"),
                    customer(3, "Dubois SARL", "C00005")])

    model.set_search_text("  müller  gmbh ")
    assert texts(model, 0) == ["Müller GmbH"]

    model.set_search_text("c0000")
    assert model.rowCount() == 2 and model.total_count() == 3

    model.set_search_text("")
    assert model.rowCount() == 3


def test_a_search_keeps_the_chosen_sort_order():
    model = CustomerListModel()
    model.set_rows([customer(1, "Alpha", "C1", 300), customer(2, "Alpine", "C2", 100),
                    customer(3, "Beta", "C3", 200)])
    model.sort(CustomerListModel.BALANCE, Qt.SortOrder.AscendingOrder)

    model.set_search_text("alp")

    assert texts(model, 0) == ["Alpine", "Alpha"]
    assert model.index(0, 0).data(ID_ROLE) == 2
    assert not model.index(0, 0, model.index(0, 0)).isValid()
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


def test_oldest_first_pays_the_earliest_due_invoice_first():
    rows = [invoice("NEW", id=1, amount=500, due=dt.date(2026, 11, 1)),
            invoice("OLD", id=2, amount=300, due=dt.date(2026, 9, 1))]

    def plan(amount: int) -> dict[int, int]:
        return {row.id: part for row, part in oldest_first(rows, amount)}

    assert plan(400) == {2: 300, 1: 100}
    assert plan(0) == {}
    assert plan(10_000) == {2: 300, 1: 500}
