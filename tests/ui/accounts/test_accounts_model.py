"""The Accounts table model: raw-value sorting, filters, and what each cell says."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPixmap

from models.accounts import AccountRow, currency_totals, overdue_accounts
from tests.conftest import DEMO_TODAY
from ui.accounts.accounts_model import (
    ACCOUNT_ROLE,
    BUCKET_COLUMNS,
    COLUMN_BALANCE,
    COLUMN_CLASS,
    COLUMN_COUNT,
    COLUMN_CURRENCY,
    COLUMN_CUSTOMER,
    COLUMN_DAYS,
    COLUMN_FLAGS,
    COLUMN_LAST_CONTACT,
    COLUMN_NEXT_ACTION,
    COLUMN_OVERDUE,
    CUSTOMER_ID_ROLE,
    FLAGS_ROLE,
    SORT_ROLE,
    AccountFilter,
    AccountFlag,
    AccountsModel,
)
from ui.common.style import ERROR

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
DISPLAY = Qt.ItemDataRole.DisplayRole


def account(customer_id: int, name: str, *, currency: str = "EUR", overdue: int = 0,
            buckets: tuple[int, ...] = (0, 0, 0, 0, 0), **fields: object) -> AccountRow:
    """An account row with only what a test cares about filled in."""
    values: dict[str, object] = dict(
        customer_id=customer_id, code=f"C{customer_id:05d}", name=name, currency=currency,
        balance_minor=sum(buckets), overdue_minor=overdue, buckets=buckets,
        oldest_days_overdue=0, unallocated_minor=0, disputed_minor=0, last_contact_on=None,
        last_contact_kind="", next_action_on=None, on_hold=False, has_plan=False,
        has_open_promise=False, with_agency=False)
    values.update(fields)
    return AccountRow(**values)  # type: ignore[arg-type]


@pytest.fixture
def demo_rows(demo_store) -> list[AccountRow]:
    """The demo company's overdue accounts today."""
    return overdue_accounts(DEMO_TODAY, today=DEMO_TODAY)


@pytest.fixture
def model(qtbot, demo_rows) -> AccountsModel:
    model = AccountsModel()
    model.set_rows(demo_rows, DEMO_TODAY)
    return model


def shown(model: AccountsModel) -> list[AccountRow]:
    return [model.row_at(row) for row in range(model.rowCount())]


def text(model: AccountsModel, row: int, column: int) -> str:
    return model.data(model.index(row, column), DISPLAY)


# --- Qt's rules --------------------------------------------------------------------


def test_the_model_keeps_qts_rules_through_sorting_filtering_and_reloading(
        qtmodeltester, qtbot, demo_rows):
    model = AccountsModel()
    model.set_rows(demo_rows, DEMO_TODAY)
    qtmodeltester.check(model)

    for column in range(COLUMN_COUNT):
        model.sort(column, DESC if column % 2 else ASC)
    model.set_filter(AccountFilter(text="ltd"))
    model.set_filter(AccountFilter(bucket=2, currency="EUR"))
    model.set_filter(AccountFilter())
    model.set_rows(demo_rows[:3], DEMO_TODAY)
    model.set_rows([], None)
    model.set_rows(demo_rows, DEMO_TODAY)

    assert model.rowCount() == len(demo_rows)


def test_the_python_model_tester_agrees(qtmodeltester, model):
    qtmodeltester.check(model, force_py=True)
    model.sort(COLUMN_CUSTOMER, ASC)
    model.set_filter(AccountFilter(currency="GBP"))

    assert {row.currency for row in shown(model)} == {"GBP"}


def test_the_demo_list_has_each_flag_the_filters_need(demo_rows):
    # The filter and sort tests below lean on the demo having every special case.
    assert len(demo_rows) >= 10
    assert any(r.on_hold for r in demo_rows) and any(r.has_plan for r in demo_rows)
    assert any(r.has_open_promise for r in demo_rows) and any(r.with_agency for r in demo_rows)
    assert any(r.disputed_minor for r in demo_rows)
    assert len({r.currency for r in demo_rows}) >= 2


# --- sorting -------------------------------------------------------------------------


def _never_first(day: dt.date | None) -> int:
    return -1 if day is None else day.toordinal()


def _never_last(day: dt.date | None) -> int:
    return 10**9 if day is None else day.toordinal()


EXPECTED_KEYS = {
    COLUMN_CUSTOMER: lambda r: r.name.casefold(),
    COLUMN_CURRENCY: lambda r: r.currency,
    COLUMN_BALANCE: lambda r: r.balance_minor,
    COLUMN_OVERDUE: lambda r: r.overdue_minor,
    **{column: (lambda r, b=bucket: r.buckets[b]) for bucket, column in enumerate(BUCKET_COLUMNS)},
    COLUMN_DAYS: lambda r: r.oldest_days_overdue,
    COLUMN_LAST_CONTACT: lambda r: _never_first(r.last_contact_on),  # never contacted: longest ago
    COLUMN_NEXT_ACTION: lambda r: _never_last(r.next_action_on),  # nothing planned: last
    COLUMN_FLAGS: lambda r: (r.on_hold, r.disputed_minor > 0, r.with_agency, r.has_plan,
                             r.has_open_promise),
    COLUMN_CLASS: lambda r: 0,  # no class read here: name order (test_account_classes.py)
}


@pytest.mark.parametrize("column", range(COLUMN_COUNT))
@pytest.mark.parametrize("order", [ASC, DESC])
def test_each_column_sorts_on_its_raw_values(model, demo_rows, column, order):
    key = EXPECTED_KEYS[column]

    model.sort(column, order)

    keys = [key(row) for row in shown(model)]
    assert keys == sorted((key(row) for row in demo_rows), reverse=order == DESC)
    assert model.sort_column == column and model.sort_order == order


def test_money_sorts_as_numbers_not_as_text(qtbot):
    model = AccountsModel()
    model.set_rows([account(1, "Ash", overdue=90_000), account(2, "Birch", overdue=1_000_000),
                    account(3, "Cedar", overdue=200_000)], DEMO_TODAY)

    model.sort(COLUMN_OVERDUE, ASC)

    assert [text(model, row, COLUMN_OVERDUE) for row in range(3)] == [
        "900.00", "2,000.00", "10,000.00"]
    assert [model.data(model.index(row, COLUMN_OVERDUE), SORT_ROLE) for row in range(3)] == [
        90_000, 200_000, 1_000_000]


def test_names_sort_ignoring_case(qtbot):
    model = AccountsModel()
    model.set_rows([account(1, "zeta GmbH"), account(2, "Alpha Ltd"), account(3, "beta SA"),
                    account(4, "ALPINE AG")], DEMO_TODAY)

    model.sort(COLUMN_CUSTOMER, ASC)

    assert [row.name for row in shown(model)] == ["Alpha Ltd", "ALPINE AG", "beta SA",
                                                 "zeta GmbH"]


def test_rows_that_tie_stay_in_name_order_in_both_directions(model):
    for order in (ASC, DESC):
        model.sort(COLUMN_CURRENCY, order)
        rows = shown(model)
        for currency in {r.currency for r in rows}:
            names = [r.name.casefold() for r in rows if r.currency == currency]
            assert names == sorted(names)


def test_a_selected_row_is_followed_through_a_sort(model):
    model.sort(COLUMN_OVERDUE, DESC)
    top = model.row_at(0)
    kept = QPersistentModelIndex(model.index(0, COLUMN_BALANCE))

    model.sort(COLUMN_OVERDUE, ASC)

    assert kept.isValid()
    assert kept.row() == model.rowCount() - 1 and kept.column() == COLUMN_BALANCE
    assert model.row_at(kept.row()) == top


def test_sorting_announces_a_layout_change_not_a_reset(model, qtbot):
    with qtbot.waitSignals([model.layoutAboutToBeChanged, model.layoutChanged]), \
            qtbot.assertNotEmitted(model.modelReset):
        model.sort(COLUMN_DAYS, DESC)


# --- filtering --------------------------------------------------------------------


def test_text_finds_a_customer_by_part_of_their_name_ignoring_case(model, demo_rows):
    target = next(r for r in demo_rows if r.name.startswith("Łukaszewski"))

    model.set_filter(AccountFilter(text="  ŁUKASZEW "))

    assert shown(model) == [target]


def test_text_finds_a_customer_by_code(model, demo_rows):
    target = demo_rows[3]

    model.set_filter(AccountFilter(text=target.code.lower()))

    assert shown(model) == [target]


def test_text_also_finds_the_customers_whose_invoice_numbers_matched(model, demo_rows):
    # The page looks invoice numbers up in the store; the model is told who matched.
    target = next(r for r in demo_rows if not r.name.casefold().startswith("inv"))

    model.set_filter(AccountFilter(text="INV-0001",
                                   invoice_customers=frozenset({target.customer_id})))
    assert shown(model) == [r for r in shown_in_model_order(model, demo_rows)
                            if r.customer_id == target.customer_id]

    model.set_filter(AccountFilter(text="", invoice_customers=frozenset({target.customer_id})))
    assert model.rowCount() == len(demo_rows)  # no text: the matches do not filter


def test_text_does_not_match_across_name_and_code(qtbot):
    model = AccountsModel()
    model.set_rows([account(1, "Oak")], DEMO_TODAY)

    model.set_filter(AccountFilter(text="oakc0"))  # the name running into the code
    assert model.rowCount() == 0

    model.set_filter(AccountFilter(text="oak"))
    assert model.rowCount() == 1


@pytest.mark.parametrize("bucket", range(5))
def test_the_age_filter_keeps_accounts_with_money_of_that_age(model, demo_rows, bucket):
    model.set_filter(AccountFilter(bucket=bucket))

    assert shown(model) == [r for r in shown_in_model_order(model, demo_rows)
                            if r.buckets[bucket] > 0]


def shown_in_model_order(model: AccountsModel, rows: list[AccountRow]) -> list[AccountRow]:
    """``rows`` in the model's current sort order (overdue, largest first, by default)."""
    return sorted(rows, key=lambda r: (-r.overdue_minor, r.name.casefold(), r.code))


@pytest.mark.parametrize("flag, has", [
    (AccountFlag.ON_HOLD, lambda r: r.on_hold),
    (AccountFlag.DISPUTED, lambda r: r.disputed_minor > 0),
    (AccountFlag.PLAN, lambda r: r.has_plan),
    (AccountFlag.PROMISE, lambda r: r.has_open_promise),
    (AccountFlag.AGENCY, lambda r: r.with_agency),
])
def test_the_flag_filter_keeps_only_flagged_accounts(model, demo_rows, flag, has):
    model.set_filter(AccountFilter(flag=flag))

    expected = [r for r in demo_rows if has(r)]
    assert expected and sorted(shown(model), key=lambda r: r.customer_id) == sorted(
        expected, key=lambda r: r.customer_id)


def test_the_currency_filter_and_the_totals_follow_it(model, demo_rows):
    model.set_filter(AccountFilter(currency="GBP"))

    gbp = [r for r in demo_rows if r.currency == "GBP"]
    assert sorted(shown(model), key=lambda r: r.customer_id) == sorted(
        gbp, key=lambda r: r.customer_id)
    assert model.totals() == currency_totals(gbp)


def test_filters_combine_and_keep_the_sort(model, demo_rows):
    model.sort(COLUMN_BALANCE, ASC)

    model.set_filter(AccountFilter(text="ltd", currency="GBP", bucket=0))

    expected = [r for r in demo_rows if "ltd" in r.name.casefold() and r.currency == "GBP"
                and r.buckets[0] > 0]
    assert expected
    assert shown(model) == sorted(expected, key=lambda r: r.balance_minor)


def test_clearing_the_filter_shows_every_account_again(model, demo_rows):
    model.set_filter(AccountFilter(text="no such customer"))
    assert model.rowCount() == 0

    model.set_filter(AccountFilter())

    assert model.rowCount() == len(demo_rows)


def test_new_rows_keep_the_filter_and_sort_in_force(model, demo_rows):
    model.sort(COLUMN_CUSTOMER, DESC)
    model.set_filter(AccountFilter(currency="EUR"))

    model.set_rows(list(reversed(demo_rows)), DEMO_TODAY)

    names = [r.name.casefold() for r in shown(model)]
    assert names == sorted((r.name.casefold() for r in demo_rows if r.currency == "EUR"),
                           reverse=True)


# --- what the cells say ------------------------------------------------------------


def test_money_is_right_aligned_in_its_currencys_decimals_and_blank_when_empty(qtbot):
    model = AccountsModel()
    model.set_rows([account(1, "Kyoto KK", currency="JPY", overdue=123456,
                            buckets=(0, 123456, 0, 0, 0))], DEMO_TODAY)
    index = model.index(0, COLUMN_OVERDUE)

    assert text(model, 0, COLUMN_OVERDUE) == "123,456"
    assert text(model, 0, BUCKET_COLUMNS[1]) == "123,456"
    assert text(model, 0, BUCKET_COLUMNS[2]) == ""
    alignment = Qt.AlignmentFlag(model.data(index, Qt.ItemDataRole.TextAlignmentRole))
    assert alignment & Qt.AlignmentFlag.AlignRight
    name_alignment = Qt.AlignmentFlag(
        model.data(model.index(0, COLUMN_CUSTOMER), Qt.ItemDataRole.TextAlignmentRole))
    assert name_alignment & Qt.AlignmentFlag.AlignLeft


def test_each_cell_knows_its_customer_and_account(model):
    first = model.row_at(0)
    for column in range(COLUMN_COUNT):
        index = model.index(0, column)
        assert model.data(index, CUSTOMER_ID_ROLE) == first.customer_id
        assert model.data(index, ACCOUNT_ROLE) == first


def test_contacts_and_follow_ups_read_as_dates_and_a_late_follow_up_is_red(qtbot):
    model = AccountsModel()
    model.set_rows([account(1, "Oak", last_contact_on=dt.date(2026, 10, 17),
                            last_contact_kind="email", next_action_on=dt.date(2026, 11, 20)),
                    account(2, "Elm", last_contact_on=dt.date(2025, 12, 1),
                            last_contact_kind="call", next_action_on=dt.date(2026, 12, 2))],
                   DEMO_TODAY)
    model.sort(COLUMN_CUSTOMER, DESC)  # Oak, then Elm

    assert text(model, 0, COLUMN_LAST_CONTACT) == "17 Oct · E-mail"
    assert text(model, 1, COLUMN_LAST_CONTACT) == "1 Dec 2025 · Call"
    assert text(model, 0, COLUMN_NEXT_ACTION) == "20 Nov"
    late = model.data(model.index(0, COLUMN_NEXT_ACTION), Qt.ItemDataRole.ForegroundRole)
    assert isinstance(late, QColor) and late == QColor(ERROR)
    assert model.data(model.index(1, COLUMN_NEXT_ACTION), Qt.ItemDataRole.ForegroundRole) is None
    assert "late" in model.data(model.index(0, COLUMN_NEXT_ACTION), Qt.ItemDataRole.ToolTipRole)


def test_flags_show_as_badges_with_words_for_screen_readers_and_tooltips(qtbot):
    row = account(1, "Oak", on_hold=True, disputed_minor=12_50, has_open_promise=True)
    model = AccountsModel()
    model.set_rows([row, account(2, "Elm")], DEMO_TODAY)
    model.sort(COLUMN_CUSTOMER, DESC)
    index = model.index(0, COLUMN_FLAGS)

    assert model.data(index, FLAGS_ROLE) == (AccountFlag.ON_HOLD, AccountFlag.DISPUTED,
                                             AccountFlag.PROMISE)
    assert model.data(index, Qt.ItemDataRole.AccessibleTextRole) == \
        "On hold, Disputed, Promise"
    assert model.cell_text(0, COLUMN_FLAGS) == "On hold, Disputed, Promise"
    badges = model.data(index, Qt.ItemDataRole.DecorationRole)
    assert isinstance(badges, QPixmap) and badges.width() > badges.height() * 3
    tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "On hold" in tip and "12.50 EUR" in tip and "Promise" in tip
    assert model.data(model.index(1, COLUMN_FLAGS), Qt.ItemDataRole.DecorationRole) is None


def test_the_disputed_tooltip_says_how_long_the_oldest_dispute_has_been_open(qtbot):
    raised = DEMO_TODAY - dt.timedelta(days=41)
    model = AccountsModel()
    model.set_rows([account(1, "Oak", disputed_minor=12_50, dispute_raised_on=raised)],
                   DEMO_TODAY)

    tip = model.data(model.index(0, COLUMN_FLAGS), Qt.ItemDataRole.ToolTipRole)

    assert "12.50 EUR is in dispute and is not chased, raised 41 days ago" in tip


def test_the_customer_tooltip_gives_the_code_and_how_to_open(qtbot):
    model = AccountsModel()
    model.set_rows([account(7, "Oak")], DEMO_TODAY)

    tip = model.data(model.index(0, COLUMN_CUSTOMER), Qt.ItemDataRole.ToolTipRole)

    assert tip.startswith("Oak (C00007)") and "double-click" in tip


def test_headers_name_the_aging_buckets_and_explain_themselves(model):
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(COLUMN_COUNT)]

    assert titles == ["Customer", "Currency", "Balance", "Overdue", "Current", "1–30", "31–60",
                      "61–90", "Over 90", "Days late", "Last contact", "Next action", "Flags",
                      "Class"]
    assert all(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
               for c in range(COLUMN_COUNT))


def test_widest_amount_sizes_a_column_by_its_largest_figure(qtbot):
    model = AccountsModel()
    model.set_rows([account(1, "Oak", overdue=5), account(2, "Elm", overdue=123_456_78),
                    account(3, "Ash")._replace(balance_minor=-9_999_999_99)],
                   DEMO_TODAY)

    assert model.widest_amount(COLUMN_OVERDUE) == "123,456.78"
    assert model.widest_amount(COLUMN_BALANCE) == "-9,999,999.99"
