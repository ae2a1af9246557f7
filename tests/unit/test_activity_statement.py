"""The statement of account activity: the opening balance, every document of the
period with a running balance, a closing balance that agrees with the open items,
the period's edges, refusals of a bad period, and the page furniture."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from models import db
from models.charges import record_charges
from models.customer_account import customer_list, find_customer
from models.errors import LedgerError
from models.ledger import (
    InvoiceDraft,
    add_credit_note,
    add_invoice,
    record_payment,
    void_invoice,
    void_payment,
)
from models.schema import Invoice
from reports.activity_statement import (
    ActivityStatementData,
    activity_statement_data,
    render_activity_statement,
)
from reports.page import address_window, numbered_canvas
from reports.statement import StatementHeading, money_cell, statement_data
from tests.conftest import DEMO_TODAY
from tests.unit.ledger_helpers import customer
from tests.unit.test_statement import read_back

START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)


def bill(who: int, number: str, issued: dt.date, amount_minor: int) -> int:
    """An invoice issued on a given day, due 30 days later."""
    return add_invoice(who, InvoiceDraft(number=number, issue_date=issued,
                                         due_date=issued + dt.timedelta(days=30),
                                         amount_minor=amount_minor))


def pay(who: int, on: dt.date, amount_minor: int, reference: str) -> int:
    return record_payment(who, received_on=on, amount_minor=amount_minor, reference=reference,
                          today=DEMO_TODAY).payment_id


@pytest.fixture
def october(empty_store: db.Store) -> int:
    """A customer with a month of everything: invoices on the first and last day of
    October and either side of it, a credit note, a fee, a payment, a voided payment
    and a void invoice."""
    who = customer("Activity & Sons <Ltd>")
    first = bill(who, "A-1", dt.date(2026, 9, 1), 1000_00)
    pay(who, dt.date(2026, 9, 15), 300_00, "BACS 41")
    bill(who, "A-0", dt.date(2026, 9, 30), 200_00)  # the day before the period
    second = bill(who, "A-2", START, 500_00)
    void_invoice(bill(who, "A-V", dt.date(2026, 10, 5), 640_00), "Issued twice")
    add_credit_note(who, number="CN-1", issue_date=dt.date(2026, 10, 10), amount_minor=50_00,
                    invoice_id=second, today=DEMO_TODAY)
    record_charges(first, dt.date(2026, 10, 15), interest=False, compensation=False,
                   fee_minor=25_00)
    pay(who, dt.date(2026, 10, 20), 400_00, "BACS 77")
    void_payment(pay(who, dt.date(2026, 10, 22), 999_00, "BACS 78"), "Bounced")
    bill(who, "A-3", END, 120_00)  # the last day of the period
    bill(who, "A-4", dt.date(2026, 11, 1), 80_00)  # the day after
    pay(who, dt.date(2026, 11, 1), 10_00, "BACS 80")
    return who


def text_of(data: ActivityStatementData) -> str:
    return "\n".join(page for page, _ in read_back(data, render_activity_statement))


def printed_rows(data: ActivityStatementData) -> list[list[str]]:
    """Each line of text as drawn across the page, left to right, page after page."""
    rows = []
    for _, placed in read_back(data, render_activity_statement):
        lines: dict[float, list[tuple[float, str]]] = {}
        for x, y, piece in placed:
            lines.setdefault(round(y), []).append((x, piece))
        rows += [[piece for _, piece in sorted(lines[y])] for y in sorted(lines, reverse=True)]
    return rows


def closing_by_open_items(customer_id: int, day: dt.date, currency: str | None = None
                          ) -> int:
    """What the open-item view says is owed on ``day``, charges included."""
    return statement_data(customer_id, day, today=DEMO_TODAY, currency=currency).total_minor


def test_the_running_balance_goes_from_the_opening_to_the_closing_balance(
        october: int) -> None:
    data = activity_statement_data(october, START, END, today=DEMO_TODAY)
    assert data.opening_minor == 1000_00 + 200_00 - 300_00
    assert [(line.document, line.number, line.debit_minor, line.credit_minor,
             line.balance_minor) for line in data.lines] == [
        ("Invoice", "A-2", 500_00, 0, 1400_00),
        ("Credit note", "CN-1", 0, 50_00, 1350_00),
        ("Fee", "A-1", 25_00, 0, 1375_00),
        ("Payment", "BACS 77", 0, 400_00, 975_00),
        ("Invoice", "A-3", 120_00, 0, 1095_00),
    ]
    assert data.closing_minor == 1095_00
    assert data.closing_minor == closing_by_open_items(october, END)
    assert sum(data.aging) + data.charges_minor - data.credit_minor == data.closing_minor


def test_every_document_of_the_period_is_printed_with_its_amount_and_balance(
        october: int) -> None:
    data = activity_statement_data(october, START, END, today=DEMO_TODAY)
    rows = printed_rows(data)
    for line in data.lines:
        due = [data.words.date(line.due_date)] if line.due_date else []
        assert [data.words.date(line.date), line.document, line.number, *due,
                money_cell(line.debit_minor or line.credit_minor, "GBP"),
                money_cell(line.balance_minor, "GBP")] in rows, line
    assert ["30 Sept 2026", "Opening balance", "900.00"] in rows
    assert ["Closing balance on 31 Oct 2026", "£1,095.00"] in rows
    assert ["Activity & Sons <Ltd>"] in rows  # escaped for the page, printed as typed
    text = text_of(data)
    for absent in ("A-0", "A-4", "A-V", "BACS 41", "BACS 78", "BACS 80", "999.00", "640.00"):
        assert absent not in text, absent


def test_documents_on_the_first_and_last_day_count_and_those_either_side_do_not(
        october: int) -> None:
    data = activity_statement_data(october, START, END, today=DEMO_TODAY)
    numbers = [line.number for line in data.lines]
    assert numbers[0] == "A-2" and numbers[-1] == "A-3"
    day_before = activity_statement_data(october, dt.date(2026, 9, 30), dt.date(2026, 9, 30),
                                         today=DEMO_TODAY)
    assert [line.number for line in day_before.lines] == ["A-0"]
    day_after = activity_statement_data(october, dt.date(2026, 11, 1), dt.date(2026, 11, 1),
                                        today=DEMO_TODAY)
    assert [line.number for line in day_after.lines] == ["A-4", "BACS 80"]
    assert day_after.opening_minor == data.closing_minor
    assert day_before.closing_minor == data.opening_minor


def test_on_every_day_the_closing_balance_is_what_the_open_items_add_up_to(
        october: int) -> None:
    day = dt.date(2026, 8, 31)
    while day <= DEMO_TODAY:
        data = activity_statement_data(october, START if day >= START else day, day,
                                       today=DEMO_TODAY)
        moved = sum(line.debit_minor - line.credit_minor for line in data.lines)
        assert data.opening_minor + moved == data.closing_minor, day
        assert data.closing_minor == closing_by_open_items(october, day), day
        day += dt.timedelta(days=1)


def test_a_written_off_invoice_counts_only_for_what_was_paid_on_it(empty_store: db.Store
                                                                   ) -> None:
    who = customer("Gone Quiet Ltd")
    lost = bill(who, "W-1", dt.date(2026, 10, 3), 700_00)
    pay(who, dt.date(2026, 10, 9), 200_00, "Part")
    Invoice.update(status="written_off").where(Invoice.id == lost).execute()
    data = activity_statement_data(who, START, END, today=DEMO_TODAY)
    assert [(line.document, line.debit_minor, line.credit_minor) for line in data.lines] == [
        ("Invoice", 700_00, 0), ("Written off", 0, 500_00), ("Payment", 0, 200_00)]
    assert data.closing_minor == 0 == closing_by_open_items(who, END)
    assert "Written off" in text_of(data)


def test_the_demo_accounts_reconcile_over_several_periods(demo_store: db.Store) -> None:
    periods = [(dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
               (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
               (dt.date(2026, 10, 1), DEMO_TODAY)]
    customers = customer_list(DEMO_TODAY, today=DEMO_TODAY)
    assert len(customers) > 20
    busy = 0
    for row in customers:
        previous_closing = None
        for start, end in periods:
            data = activity_statement_data(row.id, start, end, today=DEMO_TODAY)
            moved = sum(line.debit_minor - line.credit_minor for line in data.lines)
            assert data.opening_minor + moved == data.closing_minor, (row.name, start)
            assert data.closing_minor == closing_by_open_items(row.id, end), (row.name, end)
            assert sum(data.aging) + data.charges_minor - data.credit_minor == \
                data.closing_minor, (row.name, end)
            if previous_closing is not None:
                assert data.opening_minor == previous_closing, (row.name, start)
            previous_closing = data.closing_minor
            busy += bool(data.lines)
    assert busy > 30


def test_a_statement_in_another_currency_shows_only_that_currency(empty_store: db.Store
                                                                   ) -> None:
    who = customer("Two Purses Ltd", currency="GBP")
    bill(who, "G-1", dt.date(2026, 10, 2), 100_00)
    data = activity_statement_data(who, START, END, today=DEMO_TODAY, currency="eur")
    assert data.currency == "EUR" and data.lines == () and data.closing_minor == 0
    assert "Nothing happened on the account in this period." in text_of(data)


@pytest.mark.parametrize(("start", "end", "words"), [
    (dt.date(2026, 10, 31), dt.date(2026, 10, 1), "ends on 1 October 2026, before it starts"),
    (dt.date(2026, 11, 1), DEMO_TODAY + dt.timedelta(days=1), "cannot end after today"),
])
def test_a_bad_period_is_refused_in_words(october: int, start: dt.date, end: dt.date,
                                          words: str) -> None:
    with pytest.raises(LedgerError, match=words) as refused:
        activity_statement_data(october, start, end, today=DEMO_TODAY)
    assert refused.value.field == "period"


def test_a_missing_customer_or_business_is_refused(empty_store: db.Store,
                                                   tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no longer exists"):
        activity_statement_data(9999, START, END, today=DEMO_TODAY)
    empty_store.close()
    bare = db.open_store(tmp_path / "bare.sqlite", create=True)
    try:
        with pytest.raises(LedgerError, match="Set up the business"):
            activity_statement_data(1, START, END, today=DEMO_TODAY)
    finally:
        bare.close()


def test_the_first_page_names_the_statement_and_its_period(october: int) -> None:
    data = activity_statement_data(october, START, END, today=DEMO_TODAY)
    rows = printed_rows(data)
    assert ["Statement of account activity"] in rows
    assert ["Period from", "1 Oct 2026"] in rows and ["Period to", "31 Oct 2026"] in rows
    assert ["Closing balance", "£1,095.00"] in rows
    assert ["Page 1 of 1"] in rows


@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_the_address_lies_inside_the_envelope_window(demo_store: db.Store, size: str) -> None:
    data = dataclasses.replace(activity_statement_data(
        find_customer("C00029"), dt.date(2026, 9, 1), DEMO_TODAY, today=DEMO_TODAY),
        page_size=size)
    _, placed = read_back(data, render_activity_statement)[0]
    window = address_window(size)
    for line in [data.customer_name, attention(data),
                 *data.customer_address.splitlines()]:
        x, y = next((x, y) for x, y, piece in placed if piece == line)
        assert window.contains(x, y) and window.contains(x, y + 10), (line, x, y, window)


def test_a_long_period_numbers_its_pages_and_repeats_the_table_header(
        empty_store: db.Store) -> None:
    who = customer("Busy Year Ltd")
    numbers = []
    for i in range(300):
        issued = dt.date(2025, 11, 1) + dt.timedelta(days=i)
        numbers.append(f"Y-{i:04d}")
        bill(who, numbers[-1], issued, 100_00 + i)
        if i % 3 == 2:
            pay(who, issued, 250_00, f"PAY-{i:04d}")
    data = activity_statement_data(who, dt.date(2025, 11, 1), DEMO_TODAY, today=DEMO_TODAY)
    assert len(data.lines) == 400
    pages = read_back(data, render_activity_statement)
    total = len(pages)
    assert total > 5
    text = ""
    for index, (page, _) in enumerate(pages, start=1):
        assert re.findall(r"Page \d+ of \d+", page) == [f"Page {index} of {total}"]
        text += page
    header = ["Date", "Document", "Number", "Due", "Debit", "Credit", "Balance"]
    assert printed_rows(data).count(header) == total
    assert all(number in text for number in numbers)
    assert money_cell(data.closing_minor, "GBP") in pages[-1][0]
    assert data.closing_minor == closing_by_open_items(who, DEMO_TODAY)


def test_a_batch_can_draw_the_activity_statement_on_its_own_canvas(october: int) -> None:
    data = activity_statement_data(october, START, END, today=DEMO_TODAY)
    out = io.BytesIO()
    render_activity_statement(data, out, canvasmaker=numbered_canvas(
        lambda page, pages: f"Sheet {page}/{pages}"))
    text = PdfReader(out).pages[0].extract_text()
    assert "Sheet 1/1" in text and "Page 1 of 1" not in text


def test_a_name_in_thai_prints_as_typed(empty_store: db.Store) -> None:
    who = customer("Somchai สมชาย")
    bill(who, "T-1", dt.date(2026, 10, 4), 60_00)
    data = activity_statement_data(who, START, END, today=DEMO_TODAY)
    assert data.customer_name == "Somchai สมชาย" and data.warnings == ()
    assert "Somchai สมชาย" in text_of(data)


def test_text_an_older_store_kept_at_any_length_prints_cut_inside_the_page(
        empty_store: db.Store) -> None:
    from models.schema import Customer, Payment

    who = customer()
    bill(who, "INV-LONG", dt.date(2026, 10, 2), 500_00)
    pay(who, dt.date(2026, 10, 20), 100_00, "ref")
    with db.writing():  # as before input had limits: a pasted statement line, a name
        Payment.update(reference="BACS " + "R" * 2_000).execute()
        Customer.update(name="N" * 100_000).where(Customer.id == who).execute()
    data = activity_statement_data(who, START, END, today=DEMO_TODAY)

    pages = read_back(data, render_activity_statement)
    text = "".join(page for page, _placed in pages)
    assert len(pages) == 1  # before: a LayoutError for the reference's cell
    assert "BACS RRRR" in text and "RRRR…" in text
    assert "N" * 2_000 not in text and "NNNN…" in text
    window = address_window(data.page_size)
    for x, y, piece in pages[0][1]:
        if piece.startswith("NNNN"):
            assert window.contains(x, y), (x, y)
            assert window.contains(x + len(piece) * 3, y), piece  # no line runs out of it


def test_the_running_head_never_overprints_the_business_name(empty_store: db.Store) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from reports.fonts import BOLD

    who = customer("Ødegård Industrial Refrigeration and Cold Storage Solutions AS")  # 60
    for day in range(1, 31):
        bill(who, f"INV-H{day:02d}", dt.date(2026, 10, day), 100_00)
        bill(who, f"INV-J{day:02d}", dt.date(2026, 10, day), 50_00)
    data = activity_statement_data(who, START, END, today=DEMO_TODAY)
    pages = read_back(data, render_activity_statement)
    assert len(pages) >= 2
    for _text, placed in pages[1:]:
        top = max(y for _x, y, _piece in placed)
        head = sorted((x, piece) for x, y, piece in placed if y == top)
        (left, name), (right, running) = head[0], head[-1]
        assert name == data.sender.name
        assert left + stringWidth(name, BOLD, 9) < right, running  # a gap between them
        assert running.startswith("Account activity for Ødegård") and "…" in running
        assert running.endswith("(C00001), from 1 Oct 2026 to 31 Oct 2026"), running


def attention(data: StatementHeading) -> str:
    """The contact's line of the address, in the customer's language ("Attn. …")."""
    return data.words.gettext("Attn. {contact}").format(contact=data.contact_name)
