"""Write-offs: a bad debt taken off as a document of its own, reversible when the
customer pays after all, with the VAT note the accountant needs; and, whatever a user
does with disputes, write-offs and payments, ``check`` stays clean."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import db
from models.accounts import overdue_accounts
from models.check import check_store
from models.company import create_business
from models.dispute_credits import resolve_by_credit
from models.disputes import open_dispute, reject_dispute, withdraw_dispute
from models.errors import LedgerError
from models.followup import follow_up_plan
from models.kinds import CreditKind, DisputeStatus, InvoiceStatus, WriteOffReason
from models.ledger import dispute_invoice, record_payment, void_invoice, void_payment
from models.schema import AuditEntry, CreditNote, DisputeCase, Invoice, Payment, WriteOff
from models.write_offs import (
    recover,
    relief_claim_by,
    relief_from,
    reverse_write_off,
    set_vat_percent_setting,
    vat_share,
    write_off,
    write_off_action,
    write_offs,
)
from reports.write_offs_text import write_offs_table, write_write_offs_csv
from tests.unit.ledger_helpers import TODAY, customer, invoice

D = dt.date
DAY = dt.timedelta(days=1)


def status_of(invoice_id: int) -> tuple[str, int]:
    bill = Invoice.get_by_id(invoice_id)
    return str(bill.status), int(bill.open_minor)


def assert_sound() -> None:
    assert [str(p) for p in check_store()] == []


# --- writing off ----------------------------------------------------------------------------

def test_the_remainder_written_off_is_a_document_and_the_invoice_is_closed(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=200)
    record_payment(who, received_on=TODAY, amount_minor=200_00, today=TODAY)
    written = write_off(bill, reason=WriteOffReason.INSOLVENT, on=TODAY, vat_percent=20,
                        notes="Administrators appointed", today=TODAY)
    assert status_of(bill) == (InvoiceStatus.WRITTEN_OFF, 0)
    invoice_row = Invoice.get_by_id(bill)
    assert invoice_row.amount_minor == 500_00  # the invoice itself is never edited
    [row] = write_offs()
    assert (row.write_off_id, row.number, row.amount_minor, row.vat_minor, row.reason) == (
        written, "WO-00001", 300_00, 50_00, WriteOffReason.INSOLVENT)
    note = CreditNote.get_by_id(row.credit_note_id)
    assert (note.kind, note.invoice_id, note.unallocated_minor) == (
        CreditKind.WRITE_OFF, bill, 0)
    assert overdue_accounts(TODAY, today=TODAY) == []
    assert not [a for a in follow_up_plan(TODAY).due if a.customer_id == who]
    assert_sound()


def test_part_written_off_leaves_the_rest_owed_and_chased(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    write_off(bill, reason="too_small", amount_minor=20_00, on=TODAY, vat_percent=None,
              today=TODAY)
    assert status_of(bill) == (InvoiceStatus.OPEN, 480_00)
    [action] = [a for a in follow_up_plan(TODAY).due if a.customer_id == who]
    assert action.total_minor == 480_00
    assert write_offs()[0].vat_minor == 0
    assert_sound()


def test_a_reversed_write_off_is_owed_again(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=200)
    written = write_off(bill, reason="uncollectable", on=TODAY - 10 * DAY, today=TODAY)
    reverse_write_off(written, "Customer found and paying", on=TODAY)
    assert status_of(bill) == (InvoiceStatus.OPEN, 500_00)
    [row] = write_offs()
    assert (row.reversed_on, row.reversal_reason) == (TODAY, "Customer found and paying")
    assert CreditNote.get_by_id(row.credit_note_id).voided
    assert write_offs(reversed_too=False) == []
    with pytest.raises(LedgerError, match="already reversed"):
        reverse_write_off(written, "again", on=TODAY)
    assert_sound()


def test_a_bad_debt_recovered_in_part_is_paid_and_the_rest_written_off_again(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=200)
    written = write_off(bill, reason="insolvent", on=TODAY - 30 * DAY, vat_percent=20,
                        today=TODAY)
    payment = recover(written, received_on=TODAY, amount_minor=120_00, today=TODAY)
    assert Payment.get_by_id(payment).amount_minor == 120_00
    assert status_of(bill) == (InvoiceStatus.WRITTEN_OFF, 0)
    first, again = write_offs()
    assert (first.reversed_on, again.reversed_on) == (TODAY, None)
    assert (again.amount_minor, again.vat_minor, again.written_off_on) == (380_00, 63_33, TODAY)
    assert_sound()


def test_a_bad_debt_recovered_in_full_is_simply_paid(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=200)
    written = write_off(bill, reason="agency_returned", on=TODAY - 30 * DAY, today=TODAY)
    recover(written, received_on=TODAY, amount_minor=500_00, today=TODAY)
    assert status_of(bill) == (InvoiceStatus.PAID, 0)
    assert [r.reversed_on for r in write_offs()] == [TODAY]
    assert_sound()


def test_what_cannot_be_written_off_is_refused_in_words(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    issued = Invoice.get_by_id(bill).issue_date
    for kwargs, message in (
            ({"amount_minor": 500_01}, "has only 500.00 GBP open"),
            ({"on": TODAY + DAY}, "in the future"),
            ({"on": issued - DAY}, "cannot be written off before then"),
            ({"reason": "bored"}, "not a reason to write off"),
            ({"vat_percent": "twenty"}, "not a VAT rate"),
            ({"vat_percent": 101}, "from 0 to 100")):
        with pytest.raises(LedgerError, match=message):
            write_off(bill, **{"reason": "uncollectable", **kwargs}, today=TODAY)
    dispute_invoice(bill, "Never ordered")
    with pytest.raises(LedgerError, match="is in dispute.*Settle the dispute first"):
        write_off(bill, reason="uncollectable", today=TODAY)
    part = invoice(who, 100_00, due_days_ago=20)
    open_dispute(who, [(part, 10_00)], category="price", customer_said="x", today=TODAY)
    with pytest.raises(LedgerError, match="Part of invoice .* is in dispute"):
        write_off(part, reason="uncollectable", today=TODAY)
    gone = invoice(who, 100_00, due_days_ago=20)
    void_invoice(gone, "Raised twice")
    with pytest.raises(LedgerError, match="has nothing open"):
        write_off(gone, reason="uncollectable", today=TODAY)
    assert not WriteOff.select().exists()
    with pytest.raises(LedgerError, match="Say why"):
        reverse_write_off(1, " ")


def test_the_vat_rate_setting_is_used_when_none_is_given(empty_store: db.Store) -> None:
    who = customer()
    set_vat_percent_setting("5")
    write_off(invoice(who, 105_00, due_days_ago=200), reason="uncollectable", on=TODAY,
              today=TODAY)
    row = write_offs()[0]
    assert (row.vat_percent, row.vat_minor) == (Decimal(5), 5_00)


def test_every_write_off_is_audited(empty_store: db.Store) -> None:
    who = customer()
    written = write_off(invoice(who, 100_00, due_days_ago=200), reason="uncollectable",
                        on=TODAY, today=TODAY)
    reverse_write_off(written, "Paid", on=TODAY)
    actions = [a for (a,) in AuditEntry.select(AuditEntry.action)
               .where(AuditEntry.table.in_(["write_off", "credit_note"]))
               .order_by(AuditEntry.id).tuples()]
    assert actions == ["grant write-off credit", "write off", "void credit note",
                       "reverse write-off"]


def test_check_finds_a_write_off_out_of_step(empty_store: db.Store) -> None:
    who = customer()
    write_off(invoice(who, 100_00, due_days_ago=200), reason="uncollectable", on=TODAY,
              vat_percent=20, today=TODAY)
    WriteOff.update(vat_minor=1).execute()
    assert any("VAT share" in str(p) for p in check_store())
    WriteOff.update(vat_minor=16_67, reversed_on=TODAY).execute()
    assert any("standing but marked reversed" in str(p) for p in check_store())


# --- the accountant's note --------------------------------------------------------------------

@pytest.mark.parametrize(("issued", "due", "first_day", "last_day"), [
    # Six months from 31 January run to 31 July: claimable from 1 August.
    (D(2026, 1, 1), D(2026, 1, 31), D(2026, 8, 1), D(2030, 7, 31)),
    # From 31 August they run to the end of February (28th), so from 1 March...
    (D(2026, 8, 1), D(2026, 8, 31), D(2027, 3, 1), D(2031, 2, 28)),
    # ...and in a leap year to the 29th, so again from 1 March.
    (D(2027, 8, 1), D(2027, 8, 31), D(2028, 3, 1), D(2032, 2, 29)),
    # An ordinary day: due 15 March, six months to 15 September, from the 16th.
    (D(2026, 2, 13), D(2026, 3, 15), D(2026, 9, 16), D(2030, 9, 15)),
    # Supplied (invoiced) after the payment date: the later date counts.
    (D(2026, 5, 20), D(2026, 5, 1), D(2026, 11, 21), D(2030, 11, 20)),
])
def test_vat_relief_is_claimable_six_months_after_the_later_of_due_and_supply(
        issued: dt.date, due: dt.date, first_day: dt.date, last_day: dt.date) -> None:
    assert relief_from(issued, due) == first_day
    assert relief_claim_by(issued, due) == last_day


@pytest.mark.parametrize(("gross", "rate", "vat"), [
    (120_00, Decimal(20), 20_00),
    (100_00, Decimal(20), 16_67),  # 16.666… rounds up
    (100_01, Decimal(20), 16_67),  # 16.668…
    (105_00, Decimal(5), 5_00),
    (1, Decimal(20), 0),  # a sixth of a penny rounds to nothing
    (3, Decimal(20), 1),  # half a penny rounds up
    (500_00, Decimal(0), 0),
    (500_00, None, 0),
])
def test_the_vat_share_of_a_gross_amount(gross: int, rate: Decimal | None, vat: int) -> None:
    assert vat_share(gross, rate) == vat


def test_the_write_offs_of_a_period_as_csv_and_table(empty_store: db.Store) -> None:
    who = customer("Acme; =HYPERLINK(1)")
    early = invoice(who, 120_00, due_days_ago=300)
    late = invoice(who, 60_00, due_days_ago=250)
    write_off(early, reason="insolvent", on=TODAY - 40 * DAY, vat_percent=20, today=TODAY)
    write_off(late, reason="too_small", on=TODAY, vat_percent=20, today=TODAY)
    rows = write_offs(date_from=TODAY - 10 * DAY, date_to=TODAY)
    assert [r.invoice_id for r in rows] == [late]
    out = io.StringIO()
    write_write_offs_csv(rows, out)
    header, line = out.getvalue().splitlines()
    assert header.startswith('"Write-off","Written off on","Code","Customer"')
    due = Invoice.get_by_id(late).due_date
    assert line.split(",")[:2] == ['"WO-00002"', TODAY.isoformat()]
    assert "Acme;' =HYPERLINK(1)" in line  # never run as a formula
    assert f",60.00,20,10.00,{relief_from(due - 30 * DAY, due).isoformat()}," in line
    text = write_offs_table(rows, TODAY - 10 * DAY, TODAY)
    assert "Written off 60.00 GBP, of which VAT 10.00 GBP" in text
    assert "VAT Notice 700/18" in text
    with pytest.raises(LedgerError, match="ends before it starts"):
        write_offs(date_from=TODAY, date_to=TODAY - DAY)


# --- whatever is done, the store stays sound ---------------------------------------------------

amounts = st.integers(min_value=1, max_value=600_00)
picks = st.integers(min_value=0, max_value=50)
operations = st.lists(st.one_of(
    st.tuples(st.just("pay"), amounts, picks),
    st.tuples(st.just("pay oldest"), amounts, picks),
    st.tuples(st.just("dispute part"), amounts, picks),
    st.tuples(st.just("dispute whole"), amounts, picks),
    st.tuples(st.just("credit"), amounts, picks),
    st.tuples(st.just("reject"), amounts, picks),
    st.tuples(st.just("withdraw"), amounts, picks),
    st.tuples(st.just("write off"), amounts, picks),
    st.tuples(st.just("write off part"), amounts, picks),
    st.tuples(st.just("reverse"), amounts, picks),
    st.tuples(st.just("recover"), amounts, picks),
    st.tuples(st.just("void payment"), amounts, picks),
), max_size=18)
_numbers = itertools.count()


def _pick(ids: list[int], n: int) -> int | None:
    return ids[n % len(ids)] if ids else None


def apply(operation: tuple[str, int, int], who: int) -> None:
    """One thing a user does; refusals are part of the game."""
    kind, amount, n = operation
    live = [i for (i,) in Invoice.select(Invoice.id).where(Invoice.open_minor > 0)
            .order_by(Invoice.id).tuples()]
    cases = [c for (c,) in DisputeCase.select(DisputeCase.id)
             .where(DisputeCase.status == DisputeStatus.OPEN).tuples()]
    standing = [w for (w,) in WriteOff.select(WriteOff.id)
                .where(WriteOff.reversed_on.is_null()).tuples()]
    target = _pick(live, n)
    # A part of what is open on the invoice: most parts a user types fit.
    part = 1 + amount % Invoice.get_by_id(target).open_minor if target is not None else amount
    try:
        if kind == "pay" and target is not None:
            record_payment(who, received_on=TODAY, amount_minor=amount, today=TODAY,
                           allocate_to=[(target, min(amount, Invoice.get_by_id(target)
                                                     .open_minor))])
        elif kind == "pay oldest":
            record_payment(who, received_on=TODAY, amount_minor=amount, today=TODAY)
        elif kind in ("dispute part", "dispute whole") and target is not None:
            open_dispute(who, [(target, part if kind == "dispute part" else None)],
                         category="price", customer_said="Too much", today=TODAY)
        elif kind == "credit" and cases:
            case = _pick(cases, n)
            assert case is not None
            resolve_by_credit(case, number=f"CN-{next(_numbers)}", issue_date=TODAY,
                              reason="Agreed", today=TODAY)
        elif kind == "reject" and cases:
            reject_dispute(_pick(cases, n) or 0, "We delivered", on=TODAY)
        elif kind == "withdraw" and cases:
            withdraw_dispute(_pick(cases, n) or 0, on=TODAY)
        elif kind in ("write off", "write off part") and target is not None:
            write_off(target, reason="uncollectable", on=TODAY, vat_percent=20,
                      amount_minor=part if kind == "write off part" else None, today=TODAY)
        elif kind == "reverse" and standing:
            reverse_write_off(_pick(standing, n) or 0, "Paid after all", on=TODAY)
        elif kind == "recover" and standing:
            recover(_pick(standing, n) or 0, received_on=TODAY, amount_minor=amount,
                    today=TODAY)
        elif kind == "void payment":
            payments = [p for (p,) in Payment.select(Payment.id).where(~Payment.voided)
                        .tuples()]
            if payments:
                void_payment(_pick(payments, n) or 0, "Bounced")
    except LedgerError:
        pass


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations)
def test_any_sequence_of_disputes_resolutions_write_offs_and_payments_keeps_check_clean(
        fast_folder: Path, steps: list[tuple[str, int, int]]) -> None:
    store = db.open_store(fast_folder / f"p{next(_numbers)}.sqlite", create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer()
        for amount, days in ((500_00, 200), (80_00, 100), (1_00, 40)):
            invoice(who, amount, due_days_ago=days)
        for step in steps:
            apply(step, who)
            problems = [str(p) for p in check_store()]
            assert problems == [], (step, problems)
    finally:
        store.close()


# --- headless -----------------------------------------------------------------------------------

@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, list[str]]:
    """A closed store with an invoice long overdue and one disputed: path and numbers."""
    from models.schema import Invoice as Bill

    path = tmp_path / "shop.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer("Quayside Bakery")
        ids = [invoice(who, 600_00, due_days_ago=300), invoice(who, 300_00, due_days_ago=10)]
        dispute_invoice(ids[1], "Wrong quantity")
        return path, [Bill.get_by_id(i).number for i in ids]
    finally:
        store.close()


def test_write_off_from_the_command_line_and_the_period_as_csv(
        shop: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    from main import main

    path, numbers = shop
    assert main(["--db", str(path), "write-off", numbers[0], "--reason", "insolvent",
                 "--amount", "120", "--vat-rate", "20"]) == 0
    out = capsys.readouterr().out
    assert f"Wrote off 120.00 GBP of invoice {numbers[0]} as WO-00001, of which VAT " \
           f"20.00 GBP at 20%." in out
    assert "UK bad-debt relief can be claimed from" in out
    assert main(["--db", str(path), "write-off", numbers[1], "--reason", "insolvent"]) == 2
    assert f"Invoice {numbers[1]} is in dispute" in capsys.readouterr().err
    today = dt.date.today().isoformat()
    assert main(["--db", str(path), "write-offs", "--from", today, "--to", today,
                 "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1].startswith('"WO-00001",')
    assert main(["--db", str(path), "write-offs", "--to", "2000-01-01"]) == 0
    assert "No write-offs in this period." in capsys.readouterr().out
    assert db.run_in_store(path, lambda: [str(p) for p in check_store()]) == []


def test_disputes_from_the_command_line(shop: tuple[Path, list[str]],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from main import main

    path, numbers = shop
    assert main(["--db", str(path), "disputes", "--state", "open"]) == 0
    out = capsys.readouterr().out
    assert "Open disputes as of" in out
    assert numbers[1] in out and "Wrong quantity" in out and "Other" in out
    assert "In dispute now: 300.00 GBP" in out
    assert main(["--db", str(path), "disputes", "--category", "price"]) == 0
    assert "No disputes." in capsys.readouterr().out
    assert main(["--db", str(path), "disputes", "--older-than", "30"]) == 0
    assert "No disputes." in capsys.readouterr().out
    assert main(["--db", str(path), "disputes", "--category", "weather"]) == 2
    assert "not a kind of dispute" in capsys.readouterr().err


def test_the_final_stage_can_be_carried_out_as_a_write_off(empty_store: db.Store) -> None:
    from models.followup import due_action
    from models.schema import StageExecution

    who = customer()
    bills = [invoice(who, 500_00, due_days_ago=70), invoice(who, 40_00, due_days_ago=65)]
    action = due_action(who, "GBP", TODAY)
    assert action is not None and action.stage.name == "Agency review"
    made = write_off_action(who, "GBP", TODAY, stage_id=action.stage.id,
                            reason="uncollectable", today=TODAY)
    assert [status_of(b) for b in bills] == [(InvoiceStatus.WRITTEN_OFF, 0)] * 2
    assert [r.write_off_id for r in write_offs()] == made
    reasons = {e.skip_reason for e in StageExecution.select().where(
        StageExecution.stage == action.stage.id)}
    assert reasons == {"Written off: uncollectable"}
    assert due_action(who, "GBP", TODAY) is None
    assert_sound()
    # Once written off, the stage is passed over: a second write-off says by whom.
    with pytest.raises(LedgerError, match=r"already passed over by .*\(Written off: "):
        write_off_action(who, "GBP", TODAY, stage_id=action.stage.id, reason="uncollectable",
                         today=TODAY)
