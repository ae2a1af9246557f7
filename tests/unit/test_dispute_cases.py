"""Dispute cases: what is disputed stops being chased, and only that; a case ends with a
credit, a rejection or the customer's withdrawal, and the store stays sound."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from models import db
from models.accounts import overdue_accounts
from models.check import check_store
from models.company import create_business
from models.dispute_credits import resolve_by_credit
from models.disputes import (
    MAX_ATTACHMENT_BYTES,
    add_note,
    attach_file,
    attached_file,
    case_notes,
    dispute,
    disputes,
    long_open_disputes,
    open_case_of,
    open_dispute,
    reject_dispute,
    set_dispute_age_days,
    withdraw_dispute,
)
from models.errors import LedgerError
from models.followup import execute_action, follow_up_plan
from models.kinds import DisputeCategory, DisputeStatus, InvoiceStatus
from models.ledger import (
    InvoiceDraft,
    dispute_invoice,
    record_payment,
    release_dispute,
    update_invoice,
    void_payment,
)
from models.letter_context import letter_context
from models.migrations import MIGRATIONS, _v17_dispute_cases_and_write_offs
from models.schema import AuditEntry, CreditNote, DisputeCase, DisputedInvoice, Invoice
from models.timeline import customer_timeline
from tests.helpers import undo_dispute_cases_and_write_offs
from tests.unit.ledger_helpers import TODAY, customer, invoice

DAY = dt.timedelta(days=1)


def status_of(invoice_id: int) -> str:
    return str(Invoice.get_by_id(invoice_id).status)


def open_of(invoice_id: int) -> int:
    return int(Invoice.get_by_id(invoice_id).open_minor)


def action_for(who: int, day: dt.date = TODAY):  # type: ignore[no-untyped-def]
    return next((a for a in follow_up_plan(day).due if a.customer_id == who), None)


def assert_sound() -> None:
    assert [str(p) for p in check_store()] == []


# --- part of an invoice in dispute ------------------------------------------------------

def test_a_part_in_dispute_is_not_chased_and_the_rest_is(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    open_dispute(who, [(bill, 200_00)], category=DisputeCategory.PRICE,
                 customer_said="Charged list price, not the agreed 40% off", today=TODAY)
    assert status_of(bill) == InvoiceStatus.OPEN  # still chased, for the rest
    action = action_for(who)
    assert action is not None
    assert [(i.id, i.open_minor) for i in action.invoices] == [(bill, 300_00)]
    assert action.total_minor == 300_00
    letter = letter_context(who, [bill], TODAY)
    assert "300.00" in letter.total_due and "500.00" not in letter.total_due
    [row] = overdue_accounts(TODAY, today=TODAY)
    assert (row.overdue_minor, row.disputed_minor, row.dispute_raised_on) == (
        500_00, 200_00, TODAY)
    assert_sound()


def test_the_amount_of_an_invoice_in_dispute_cannot_change_until_the_dispute_ends(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    case = open_dispute(who, [(bill, 200_00)], category=DisputeCategory.PRICE,
                        customer_said="Charged list price", today=TODAY)
    row = Invoice.get_by_id(bill)
    lower = InvoiceDraft(number=row.number, issue_date=row.issue_date,
                         due_date=row.due_date, amount_minor=150_00)

    with pytest.raises(LedgerError, match=r"in dispute \(#\d+\).*credit note"):
        update_invoice(bill, lower)
    assert Invoice.get_by_id(bill).amount_minor == 500_00

    withdraw_dispute(case, "They found the agreed price", on=TODAY)
    update_invoice(bill, lower)  # the closed case is history: check stays clean
    assert Invoice.get_by_id(bill).amount_minor == 150_00
    assert_sound()


def test_a_whole_invoice_in_dispute_is_held_back_as_disputed(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    open_dispute(who, [(bill, None)], category="not_delivered",
                 customer_said="Never arrived", today=TODAY)
    assert status_of(bill) == InvoiceStatus.DISPUTED
    assert action_for(who) is None
    [held] = [s for s in follow_up_plan(TODAY).skipped if s.customer_id == who]
    assert held.reasons[0].endswith("is disputed")
    assert_sound()


def test_paying_the_undisputed_part_leaves_the_rest_in_dispute_until_the_payment_goes(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    open_dispute(who, [(bill, 200_00)], category="quality", customer_said="Two units broken",
                 today=TODAY)
    paid = record_payment(who, received_on=TODAY, amount_minor=300_00,
                          allocate_to=[(bill, 300_00)], today=TODAY)
    assert (open_of(bill), status_of(bill)) == (200_00, InvoiceStatus.DISPUTED)
    assert action_for(who) is None
    assert_sound()
    void_payment(paid.payment_id, "Bounced")
    assert (open_of(bill), status_of(bill)) == (500_00, InvoiceStatus.OPEN)
    assert action_for(who).total_minor == 300_00  # type: ignore[union-attr]
    assert_sound()


# --- resolutions ---------------------------------------------------------------------------

def test_a_credit_for_part_of_the_dispute_settles_it_and_the_rest_is_owed(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    case = open_dispute(who, [(bill, 200_00)], category="price",
                        customer_said="Wrong price", today=TODAY)
    note = resolve_by_credit(case, number="CN-77", issue_date=TODAY,
                             reason="Agreed: half the difference", credits=[(bill, 100_00)],
                             today=TODAY)
    assert (open_of(bill), status_of(bill)) == (400_00, InvoiceStatus.OPEN)
    credit = CreditNote.get_by_id(note)
    assert (credit.amount_minor, credit.unallocated_minor, credit.invoice_id) == (
        100_00, 0, bill)
    row = dispute(case)
    assert (row.status, row.resolved_on, row.credit_note_id, row.disputed_minor) == (
        DisputeStatus.CREDITED, TODAY, note, 0)
    assert action_for(who).total_minor == 400_00  # type: ignore[union-attr]
    [account] = overdue_accounts(TODAY, today=TODAY)
    assert (account.balance_minor, account.disputed_minor) == (400_00, 0)
    assert_sound()


def test_a_credit_on_a_dispute_over_two_invoices_is_allocated_to_each(
        empty_store: db.Store) -> None:
    who = customer()
    first = invoice(who, 500_00, due_days_ago=20)
    second = invoice(who, 80_00, due_days_ago=10)
    case = open_dispute(who, [(first, 50_00), (second, None)], category="duplicate",
                        customer_said="Billed twice for the same delivery", today=TODAY)
    assert (status_of(first), status_of(second)) == (InvoiceStatus.OPEN, InvoiceStatus.DISPUTED)
    resolve_by_credit(case, number="CN-78", issue_date=TODAY, reason="Duplicate billing",
                      today=TODAY)
    assert (open_of(first), status_of(first)) == (450_00, InvoiceStatus.OPEN)
    assert (open_of(second), status_of(second)) == (0, InvoiceStatus.PAID)
    assert_sound()


def test_a_credit_above_what_is_in_dispute_is_refused(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    case = open_dispute(who, [(bill, 200_00)], category="price", customer_said="Too dear",
                        today=TODAY)
    with pytest.raises(LedgerError, match="Only 200.00 GBP of invoice .* is in dispute"):
        resolve_by_credit(case, number="CN-1", issue_date=TODAY, reason="Goodwill",
                          credits=[(bill, 200_01)], today=TODAY)
    assert dispute(case).status == DisputeStatus.OPEN
    assert not CreditNote.select().exists()


def test_a_rejected_dispute_resumes_chasing_at_the_stage_it_had_reached(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=15)
    action = action_for(who)
    assert action is not None and action.stage.name == "Second reminder"
    execute_action(who, "GBP", TODAY, stage_id=action.stage.id, subject="s", text="t",
                   now=dt.datetime.combine(TODAY, dt.time(9)))
    case = open_dispute(who, [(bill, None)], category="quality",
                        customer_said="Scratched", today=TODAY)
    # Forty days on, the calendar alone would jump to the final notice.
    reject_dispute(case, "Photos show the goods left us undamaged", on=TODAY + 40 * DAY)
    assert status_of(bill) == InvoiceStatus.OPEN
    assert action_for(who, TODAY + 46 * DAY) is None
    resumed = action_for(who, TODAY + 47 * DAY)  # the phone call, a week after rejection
    assert resumed is not None and resumed.stage.name == "Phone call"
    assert dispute(case).resolution == "Photos show the goods left us undamaged"
    assert_sound()


def test_a_rejection_needs_its_reason_and_a_closed_case_cannot_end_again(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=15)
    case = open_dispute(who, [(bill, None)], category="other", customer_said="No",
                        today=TODAY)
    with pytest.raises(LedgerError, match="Say why the dispute is rejected"):
        reject_dispute(case, "  ", on=TODAY)
    withdraw_dispute(case, "Found the delivery note", on=TODAY)
    with pytest.raises(LedgerError, match="already withdrawn"):
        reject_dispute(case, "Too late", on=TODAY)


def test_the_old_dispute_actions_open_and_withdraw_a_case_for_the_whole_invoice(
        empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    case = dispute_invoice(bill, "Wrong goods")
    row = dispute(case)
    assert (row.category, row.customer_said, row.claimed_minor) == (
        DisputeCategory.OTHER, "Wrong goods", 500_00)
    assert Invoice.get_by_id(bill).dispute_reason == "Wrong goods"
    release_dispute(bill)
    assert dispute(case).status == DisputeStatus.WITHDRAWN
    assert (status_of(bill), Invoice.get_by_id(bill).dispute_reason) == (InvoiceStatus.OPEN, "")
    titles = [e.title for e in customer_timeline(who)]
    assert f"Dispute #{case} withdrawn" in titles
    assert any(t.startswith(f"Dispute #{case} raised on invoice ") for t in titles)
    with pytest.raises(LedgerError, match="is not in dispute"):
        release_dispute(bill)
    assert_sound()


# --- what is refused ---------------------------------------------------------------------

def test_what_cannot_be_disputed_is_refused_in_words(empty_store: db.Store) -> None:
    who, other = customer(), customer("Other Ltd")
    bill = invoice(who, 500_00, due_days_ago=20)
    theirs = invoice(other, 10_00, due_days_ago=3)
    cases = [
        ([(bill, 500_01)], "price", "x", "has only 500.00 GBP open"),
        ([(theirs, None)], "price", "x", "not on this customer's account"),
        ([(bill, None)], "weather", "x", "is not a kind of dispute"),
        ([(bill, None)], "price", "   ", "Say what the customer disputes"),
        ([], "price", "x", "Choose the invoices"),
        ([(bill, 0)], "price", "x", "above zero"),
        ([(bill, 1), (bill, 2)], "price", "x", "listed twice"),
    ]
    for parts, category, said, message in cases:
        with pytest.raises(LedgerError, match=message):
            open_dispute(who, parts, category=category, customer_said=said, today=TODAY)
    with pytest.raises(LedgerError, match="in the future"):
        open_dispute(who, [(bill, None)], category="price", customer_said="x",
                     raised_on=TODAY + DAY, today=TODAY)
    case = open_dispute(who, [(bill, 100_00)], category="price", customer_said="x",
                        today=TODAY)
    with pytest.raises(LedgerError, match=f"already in dispute \\(case #{case}\\)"):
        open_dispute(who, [(bill, 50_00)], category="price", customer_said="y", today=TODAY)
    assert DisputeCase.select().count() == 1


# --- notes and files ------------------------------------------------------------------------

def test_notes_and_files_are_kept_with_the_case(empty_store: db.Store) -> None:
    who = customer()
    case = open_dispute(who, [(invoice(who, 500_00, due_days_ago=20), None)],
                        category="quality", customer_said="Cracked", today=TODAY)
    photo = bytes(range(256)) * 40
    add_note(case, "Called Zoë: she will send photos",
             now=dt.datetime.combine(TODAY, dt.time(9)))
    note_id = attach_file(case, "crack.jpg", photo, file_type="image/jpeg",
                          text="Photo of the crack", now=dt.datetime.combine(TODAY, dt.time(10)))
    notes = case_notes(case)
    assert [(n.text, n.file_name, n.file_size) for n in notes] == [
        ("Called Zoë: she will send photos", "", 0),
        ("Photo of the crack", "crack.jpg", len(photo))]
    kept = attached_file(note_id)
    assert (kept.name, kept.file_type, kept.data) == ("crack.jpg", "image/jpeg", photo)


def test_a_file_too_large_or_empty_is_refused_with_what_to_do(empty_store: db.Store) -> None:
    who = customer()
    case = open_dispute(who, [(invoice(who, 500_00, due_days_ago=20), None)],
                        category="quality", customer_said="Cracked", today=TODAY)
    with pytest.raises(LedgerError, match=r"scan\.pdf is 10\.0 MB; Duly keeps files of up to "
                                          r"10\.0 MB .* Attach a smaller copy"):
        attach_file(case, "scan.pdf", b"x" * (MAX_ATTACHMENT_BYTES + 1))
    with pytest.raises(LedgerError, match="empty"):
        attach_file(case, "scan.pdf", b"")
    attach_file(case, "scan.pdf", b"x" * MAX_ATTACHMENT_BYTES)  # exactly the limit is kept


# --- lists ------------------------------------------------------------------------------------

def test_the_lists_by_state_category_and_age(empty_store: db.Store) -> None:
    who = customer()
    old = open_dispute(who, [(invoice(who, 100_00, due_days_ago=60), None)], category="price",
                       customer_said="a", raised_on=TODAY - 31 * DAY, today=TODAY)
    edge = open_dispute(who, [(invoice(who, 100_00, due_days_ago=50), None)],
                        category="quality", customer_said="b", raised_on=TODAY - 30 * DAY,
                        today=TODAY)
    done = open_dispute(who, [(invoice(who, 100_00, due_days_ago=40), None)], category="price",
                        customer_said="c", raised_on=TODAY - 40 * DAY, today=TODAY)
    withdraw_dispute(done, on=TODAY - DAY)
    assert [r.case_id for r in disputes()] == [done, old, edge]
    assert [r.case_id for r in disputes(state="open")] == [old, edge]
    assert [r.case_id for r in disputes(state="closed")] == [done]
    assert [r.case_id for r in disputes(category="price")] == [done, old]
    assert [r.case_id for r in disputes(older_than_days=30, as_of=TODAY)] == [old]
    # Open longer than the setting (30 days unless changed) is a Today item.
    assert [r.case_id for r in long_open_disputes(TODAY)] == [old]
    set_dispute_age_days(10)
    assert [r.case_id for r in long_open_disputes(TODAY)] == [old, edge]
    assert dispute(old).age_days(TODAY) == 31 and dispute(done).age_days(TODAY) == 39
    with pytest.raises(LedgerError, match="whole number from 1"):
        set_dispute_age_days(0)
    assert open_case_of(Invoice.get(Invoice.number != "").id) is not None


def test_every_dispute_write_is_audited(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    case = open_dispute(who, [(bill, 200_00)], category="price", customer_said="x",
                        today=TODAY)
    add_note(case, "noted")
    attach_file(case, "a.txt", b"abc")
    reject_dispute(case, "No", on=TODAY)
    actions = [a for (a,) in AuditEntry.select(AuditEntry.action)
               .where(AuditEntry.table.in_(["dispute_case", "invoice"])
                      & (AuditEntry.action != "add invoice"))
               .order_by(AuditEntry.id).tuples()]
    assert actions == ["dispute invoice", "open dispute", "dispute note", "dispute file",
                       "release dispute", "rejected dispute"]


# --- check ---------------------------------------------------------------------------------------

def test_check_finds_a_status_out_of_step_with_the_cases(empty_store: db.Store) -> None:
    who = customer()
    bill = invoice(who, 500_00, due_days_ago=20)
    open_dispute(who, [(bill, None)], category="price", customer_said="x", today=TODAY)
    Invoice.update(status=InvoiceStatus.OPEN).where(Invoice.id == bill).execute()
    assert any("marked open but its disputes make it disputed" in str(p)
               for p in check_store())
    Invoice.update(status=InvoiceStatus.DISPUTED).where(Invoice.id == bill).execute()
    DisputedInvoice.update(disputed_minor=600_00).execute()
    assert any("more than its 500.00 GBP" in str(p) for p in check_store())


# --- the migration ------------------------------------------------------------------------------

def _my_version() -> int:
    return next(v for v, step in MIGRATIONS.items() if step is _v17_dispute_cases_and_write_offs)


def test_a_store_before_cases_keeps_each_disputed_invoice_as_a_case(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        who = customer()
        seen = invoice(who, 500_00, due_days_ago=20)
        unseen = invoice(who, 70_00, due_days_ago=5)
        plain = invoice(who, 10_00, due_days_ago=5)
    finally:
        store.close()
    with sqlite3.connect(path) as connection:
        undo_dispute_cases_and_write_offs(connection)
        connection.execute("UPDATE invoice SET status = 'disputed', dispute_reason = "
                           "'Arrived damaged' WHERE id = ?", (seen,))
        connection.execute("UPDATE invoice SET status = 'disputed', dispute_reason = "
                           "'Not ordered', open_minor = 4000 WHERE id = ?", (unseen,))
        # A payment of 30.00 made the 40.00 left, as the allocations must say.
        connection.execute("INSERT INTO payment (customer_id, received_on, amount_minor, "
                           "unallocated_minor, currency, method, reference, voided, created_at)"
                           " VALUES (?, '2026-11-01', 3000, 0, 'GBP', 'cash', '', 0, "
                           "'2026-11-01 09:00:00')", (who,))
        connection.execute("INSERT INTO allocation (payment_id, invoice_id, allocated_on, "
                           "amount_minor, voided, created_at) VALUES (1, ?, '2026-11-01', "
                           "3000, 0, '2026-11-01 09:00:00')", (unseen,))
        for at in ("2026-10-20 14:10:00", "2026-11-03 16:45:00.123456"):
            connection.execute(
                "INSERT INTO audit_entry (at, who, action, \"table\", row_id, before, after) "
                "VALUES (?, 'me', 'dispute invoice', 'invoice', ?, NULL, NULL)", (at, seen))
        connection.execute(f"PRAGMA user_version = {_my_version() - 1}")
    connection.close()

    store = db.open_store(path)
    try:
        assert store.migrated_from == _my_version() - 1
        rows = {r.lines[0].invoice_id: r for r in disputes()}
        assert set(rows) == {seen, unseen}
        first, second = rows[seen], rows[unseen]
        assert (first.category, first.status, first.customer_said, first.raised_on,
                first.claimed_minor) == (DisputeCategory.OTHER, DisputeStatus.OPEN,
                                         "Arrived damaged", dt.date(2026, 11, 3), 500_00)
        issued = Invoice.get_by_id(unseen).issue_date
        assert (second.customer_said, second.raised_on, second.claimed_minor) == (
            "Not ordered", issued, 40_00)
        assert status_of(plain) == InvoiceStatus.OPEN
        assert_sound()
    finally:
        store.close()


def test_a_dispute_open_longer_than_the_setting_is_a_today_item(empty_store: db.Store) -> None:
    from models.today import DISPUTE_OPEN, dismiss, item_invoices, worklist

    who = customer()
    bill = invoice(who, 500_00, due_days_ago=60)
    case = open_dispute(who, [(bill, 200_00)], category="quality",
                        customer_said="Two units broken\nPhotos to follow",
                        raised_on=TODAY - 30 * DAY, today=TODAY)
    assert not [i for i in worklist(TODAY) if i.kind == DISPUTE_OPEN]  # 30 days: not yet
    [item] = [i for i in worklist(TODAY + DAY) if i.kind == DISPUTE_OPEN]
    assert (item.ref_id, item.customer_id, item.amount_minor, item.due_on) == (
        case, who, 200_00, TODAY + DAY)
    assert item.detail == "Quality: Two units broken"
    assert "open 31 days" in item.title
    assert item_invoices(DISPUTE_OPEN, case) == (bill,)
    dismiss(DISPUTE_OPEN, case, "Waiting for the insurer", on=TODAY + DAY)
    assert not [i for i in worklist(TODAY + DAY) if i.kind == DISPUTE_OPEN]


def test_a_store_one_version_before_cases_gains_their_shape(tmp_path: Path) -> None:
    from tests.helpers import schema_of

    path = tmp_path / "before.sqlite"
    db.open_store(path, create=True).close()
    with sqlite3.connect(path) as connection:
        undo_dispute_cases_and_write_offs(connection)
        connection.execute(f"PRAGMA user_version = {_my_version() - 1}")
    connection.close()
    new = tmp_path / "new.sqlite"
    db.open_store(new, create=True).close()
    store = db.open_store(path)
    try:
        assert store.migrated_from == _my_version() - 1
    finally:
        store.close()
    assert schema_of(path) == schema_of(new)


def test_undoing_an_import_that_paid_a_disputed_invoice_restores_its_status(
        empty_store: db.Store, tmp_path: Path) -> None:
    from models.imports.run import MissingChoice, run_import
    from models.imports.undo import undo_import
    from tests.unit.imports.exports import xero_line
    from tests.unit.imports.test_import import settings, xero_file

    def export(name: str, paid: str, owed: str) -> Path:
        return xero_file(tmp_path / name, xero_line(
            "Zoë Café", "INV-0001", "24/09/2026", "24/10/2026", "1,200.00", paid, owed,
            "1,200.00"))

    first = export("first.csv", "0.00", "1,200.00")
    run_import(first, settings(first), missing=MissingChoice.LEAVE, today=TODAY)
    bill = Invoice.get(Invoice.number == "INV-0001")
    open_dispute(bill.customer_id, [(bill.id, 500_00)], category="quality",
                 customer_said="Half the order was damaged", today=TODAY)
    newer = export("newer.csv", "800.00", "400.00")
    second = run_import(newer, settings(newer), missing=MissingChoice.LEAVE, today=TODAY)
    assert (open_of(bill.id), status_of(bill.id)) == (400_00, InvoiceStatus.DISPUTED)
    undo_import(second.batch_id)
    assert (open_of(bill.id), status_of(bill.id)) == (1200_00, InvoiceStatus.OPEN)
    assert_sound()


def test_more_invoices_can_be_added_to_an_open_case(empty_store: db.Store) -> None:
    from models.disputes import add_to_dispute

    who = customer()
    first = invoice(who, 500_00, due_days_ago=20)
    second = invoice(who, 90_00, due_days_ago=10)
    case = open_dispute(who, [(first, 100_00)], category="quality",
                        customer_said="Two deliveries late", today=TODAY)
    add_to_dispute(case, [(second, None)])
    row = dispute(case)
    assert [(line.invoice_id, line.disputed_minor) for line in row.lines] == [
        (first, 100_00), (second, 90_00)]
    assert status_of(second) == InvoiceStatus.DISPUTED
    assert Invoice.get_by_id(second).dispute_reason == "Two deliveries late"
    with pytest.raises(LedgerError, match="already in dispute"):
        add_to_dispute(case, [(second, None)])
    euros = customer("Euro Kunde GmbH", currency="EUR")
    with pytest.raises(LedgerError, match="not on this customer's account"):
        add_to_dispute(case, [(invoice(euros, 10_00, due_days_ago=3), None)])
    assert_sound()
