"""A bank statement against the issue's rules: bad files refused whole, a bank's CSV read
with columns kept by name, what an earlier import did remembered, undo and import
again, promises, plans and the follow-up engine as for a payment typed by hand, and the
``bank`` command's output and exit codes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from main import main
from models import db
from models.bank_formats import (
    StatementRefused,
    bank_mapping,
    read_statement,
    save_bank_mapping,
)
from models.bank_matching import Confidence
from models.bank_statements import CreditChoice, preview, record, sure_choices, undo_statement
from models.company import create_business
from models.contacts import ContactEntry, log_contact, record_promise
from models.followup import follow_up_plan
from models.imports.mappings import mapping_names
from models.kinds import BankCreditOutcome, ContactKind, PlanFrequency
from models.ledger import record_payment, void_payment
from models.plan_schedule import ScheduleTerms
from models.plans import PlanDraft, agree_plan, plan_reference, plan_standing
from models.schema import BankCredit, Customer, Invoice, Payment, Promise
from tests.helpers import digest
from tests.unit.ledger_helpers import TODAY, customer, invoice
from tests.unit.test_bank_formats import BATCH, MT940, OFX_SGML, OFX_XML, camt, write
from tests.unit.test_bank_matching import DAY, credit, statement

OFX = OFX_SGML.replace("<TRNAMT>1,000.00", "<TRNAMT>1000.00")


# --- bad files: a clear message, nothing read -----------------------------------------

@pytest.mark.parametrize(("name", "text", "words"), [
    ("cut.ofx", OFX[:OFX.index("</BANKTRANLIST>")], "cut short"),
    ("cut-after-a-credit.ofx", OFX[:OFX.index("<STMTTRN><TRNTYPE>DEBIT")], "cut short"),
    ("cut.qfx", OFX_XML[:OFX_XML.index("</BANKTRANLIST>")], "cut short"),
    ("cut.sta", MT940[:MT940.index(":62F:")], "cut short"),
    ("old.ofx", OFX.replace("<DTPOSTED>20261105", "<DTPOSTED>18991105"), "must lie between"),
    ("twice.xml", camt(BATCH + BATCH), "twice"),
])
def test_a_bad_statement_is_refused_in_words(tmp_path: Path, name: str, text: str,
                                             words: str) -> None:
    with pytest.raises(StatementRefused) as refused:
        read_statement(write(tmp_path, name, text))
    assert words in refused.value.message


def test_whole_files_are_read(tmp_path: Path) -> None:
    # The cut files above are refused for the cut alone.
    for name, text in (("nov.ofx", OFX), ("nov.qfx", OFX_XML), ("nov.sta", MT940)):
        assert read_statement(write(tmp_path, name, text)).credits


def test_an_ofx_file_cannot_expand_entities(tmp_path: Path) -> None:
    bomb = OFX_XML.replace("<?OFX", '<!DOCTYPE OFX [<!ENTITY a "AAAAAAAAAA"><!ENTITY b '
                                    '"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<?OFX').replace(
        "Invoice 17", "&b;")
    (read,) = read_statement(write(tmp_path, "bomb.qfx", bomb)).credits
    assert "AAAA" not in read.text


def test_duplicated_rows_of_a_bank_csv_are_refused(empty_store: db.Store,
                                                   tmp_path: Path) -> None:
    path = write(tmp_path, "bank.csv", "Date,Payer,Details,Amount\n"
                                       "2026-11-05,ACME LTD,INV-1,10.00\n"
                                       "2026-11-05,ACME LTD,INV-1,10.00\n")
    with pytest.raises(StatementRefused, match="twice"):
        read_statement(path, columns={"day": "Date", "amount": "Amount", "payer": "Payer",
                                      "text": "Details"}, currency="GBP")


def test_a_credit_in_another_currency_is_unmatched_and_says_why(
        empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    invoice(who, 1000, due_days_ago=10, number="INV-1")
    dollars, unknown = (credit("U1", 1000, text="INV-1", currency="USD"),
                        credit("Z1", 777, payer="Zebra Imports", text="rent"))
    first, second = preview(statement(dollars, unknown)).lines
    assert first.match.confidence is Confidence.UNMATCHED
    assert "in USD: only customers invoiced in GBP" in first.match.note
    assert second.match.note.startswith("no open invoice number")


# --- a bank's CSV: its columns said once, kept by name ----------------------------------

CSV = ("Date;Payer;Details;Amount\n05/11/2026;ACME LTD;INV-0042;1.234,50\n"
       "06/11/2026;Shop;card;-20,00\n")


def test_a_bank_csv_mapping_is_kept_and_read_again_by_name(empty_store: db.Store,
                                                          tmp_path: Path) -> None:
    columns = {"day": "Date", "amount": "Amount", "payer": "Payer", "text": "Details"}
    path = write(tmp_path, "bank.csv", CSV)
    with pytest.raises(StatementRefused, match="day first or month first"):
        read_statement(path, columns=columns, currency="EUR")  # 05/11: which is the day?
    once = read_statement(path, columns=columns, currency="EUR", day_first=True)
    save_bank_mapping("My bank", columns)
    assert "My bank" in mapping_names()
    again = read_statement(path, mapping="My bank", currency="EUR", day_first=True)
    assert once.credits == again.credits
    assert [(c.amount_minor, c.payer_name, c.text) for c in again.credits] == [
        (123450, "ACME LTD", "INV-0042")]


@pytest.mark.parametrize(("columns", "words"), [
    ({"amount": "Amount"}, "the day"),
    ({"day": "Date", "sum": "Amount"}, "“sum” is not a column"),
])
def test_a_bank_mapping_without_what_it_needs_is_refused(columns: dict[str, str],
                                                         words: str) -> None:
    with pytest.raises(StatementRefused, match=words):
        bank_mapping(columns)


def test_the_bank_command_keeps_the_columns_and_reuses_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    books = _books(tmp_path)
    path = write(tmp_path, "bank.csv", CSV)
    assert main(["--db", str(books), "bank", str(path), "--currency", "GBP", "--column",
                 "day=Date", "--column", "amount=Amount", "--column", "payer=Payer",
                 "--column", "text=Details", "--save-mapping", "My bank", "--day-first"]) == 0
    first = capsys.readouterr().out
    assert "--mapping \"My bank\"" in first
    assert main(["--db", str(books), "bank", str(path), "--currency", "GBP", "--mapping",
                 "My bank", "--day-first"]) == 0
    again = capsys.readouterr().out
    assert "1 credit(s) in GBP" in again and "INV-0042" in again


# --- what an earlier import did is remembered ------------------------------------------

def test_an_ignored_credit_is_not_offered_again_even_when_it_would_match(
        empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    invoice(who, 1000, due_days_ago=10, number="INV-1")
    refund = credit("R1", 1000, text="INV-1 refund of deposit")
    bank = preview(statement(refund))
    record(bank, [CreditChoice("R1", ignore=True)], today=TODAY)
    again = preview(statement(refund))
    assert again.lines[0].already is BankCreditOutcome.IGNORED
    assert sure_choices(again) == []
    assert record(again, sure_choices(again), today=TODAY).recorded == 0
    assert Payment.select().count() == 0


def test_after_undo_the_same_statement_records_again(empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    paid = invoice(who, 1000, due_days_ago=10, number="INV-1")
    credits = (credit("A1", 1000, text="INV-1", iban="GB33BUKB20201555555555"),
               credit("R1", 50, text="interest"))
    bank = preview(statement(*credits))
    first = record(bank, [*sure_choices(bank), CreditChoice("R1", ignore=True)], today=TODAY)
    undo_statement(first.statement_id)
    with pytest.raises(Exception, match="already undone"):
        undo_statement(first.statement_id)
    again = preview(statement(*credits))
    assert again.already_done == 0
    second = record(again, sure_choices(again), today=TODAY)
    assert second.recorded == 1 and Invoice.get_by_id(paid).open_minor == 0
    assert BankCredit.select().where(~BankCredit.undone).count() == 1


def test_the_payers_iban_follows_the_customer_it_was_last_matched_to(
        empty_store: db.Store) -> None:
    first, second = customer("North Ltd"), customer("South Ltd")
    invoice(first, 3000, due_days_ago=10, number="N-1")
    invoice(second, 4000, due_days_ago=10, number="S-1")
    invoice(second, 2500, due_days_ago=5, number="S-2")
    iban = "DE89370400440532013000"
    bank = preview(statement(credit("A1", 3000, text="N-1", iban=iban)))
    record(bank, sure_choices(bank), today=TODAY)
    bank = preview(statement(credit("A2", 4000, text="S-1", iban=iban)))
    record(bank, sure_choices(bank), today=TODAY)
    (line,) = preview(statement(credit("A3", 2500, iban=iban))).lines
    assert line.match.best is not None and line.match.best.customer_id == second
    assert line.match.confidence is Confidence.SURE


# --- promises, plans and the follow-up engine, as for a payment typed by hand ----------

def _with_promise_and_plan(path: Path) -> tuple[db.Store, int, int, int, int]:
    """A store with a customer who promised to pay and another on a payment plan."""
    store = db.open_store(path, create=True)
    create_business("Harbour & Finch Ltd", address="1 Quay Street", country="GB",
                    currency="GBP")
    promiser, planner = customer("Acme Trading Ltd"), customer("Quayside Bakery")
    owed = invoice(promiser, 6000, due_days_ago=40, number="INV-9")
    promise = record_promise(promiser, amount_minor=6000, promised_for=DAY,
                             invoice_ids=[owed], now=dt.datetime(2026, 11, 1, 9))
    invoice(planner, 900_00, due_days_ago=60, number="INV-10")
    plan = agree_plan(PlanDraft(planner, dt.date(2026, 11, 1), ScheduleTerms(
        PlanFrequency.MONTHLY, dt.date(2026, 11, 18), count=3)),
        now=dt.datetime(2026, 11, 1, 10))
    return store, promiser, planner, promise, plan


def _standings(promise: int, plan: int) -> tuple[object, ...]:
    standing = plan_standing(plan, TODAY)
    return (Promise.get_by_id(promise).status,
            tuple((i.state, i.paid_minor, i.paid_on) for i in standing.instalments),
            standing.status)


def test_promise_and_instalment_are_kept_by_a_bank_payment_as_by_hand(
        tmp_path: Path) -> None:
    store, promiser, planner, promise, plan = _with_promise_and_plan(tmp_path / "bank.sqlite")
    try:
        before = _standings(promise, plan)
        bank = preview(statement(credit("P1", 6000, payer="Acme Trading", text="INV-9"),
                                 credit("P2", 300_00, text=plan_reference(plan))))
        assert [line.match.best.customer_id for line in bank.lines
                if line.match.best is not None] == [promiser, planner]
        record(bank, [CreditChoice("P1", promiser), CreditChoice("P2", planner)],
               today=TODAY)
        from_bank = _standings(promise, plan)
    finally:
        store.close()
    store, promiser, planner, promise, plan = _with_promise_and_plan(tmp_path / "hand.sqlite")
    try:
        for who, amount in ((promiser, 6000), (planner, 300_00)):
            record_payment(who, received_on=DAY, amount_minor=amount, today=TODAY)
        by_hand = _standings(promise, plan)
    finally:
        store.close()
    assert from_bank == by_hand != before
    assert str(from_bank[0]) == "kept" and from_bank[1][0][1] == 300_00


def test_the_follow_up_engine_drops_what_a_bank_payment_paid(empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    invoice(who, 12000, due_days_ago=40, number="INV-5")
    assert any(a.customer_id == who for a in follow_up_plan(TODAY).due)
    bank = preview(statement(credit("A1", 12000, text="INV-5")))
    record(bank, sure_choices(bank), today=TODAY)
    assert not any(a.customer_id == who for a in follow_up_plan(TODAY).due)


# --- the command: dry run, --accept-sure, exit codes ----------------------------------

def _books(tmp_path: Path) -> Path:
    """A closed store with two customers owing an invoice each."""
    path = tmp_path / "books.sqlite"
    store = db.open_store(path, create=True)
    try:
        create_business("Harbour & Finch Ltd", country="GB", currency="GBP")
        acme = customer("Acme Ltd")
        invoice(acme, 120_50, due_days_ago=20, number="INV-0042")
        invoice(customer("North Ltd"), 500_00, due_days_ago=20, number="N-7")
        invoice(customer("South Ltd"), 500_00, due_days_ago=20, number="S-7")
        Customer.update(code="ACME").where(Customer.id == acme).execute()
    finally:
        store.close()
    return path


def _ofx(tmp_path: Path) -> Path:
    """Credits: one sure (a number and its amount), one suggested (an amount open on two
    invoices), one unmatched."""
    text = OFX.replace("<NAME>Bolt & Co", "<NAME>Zebra Imports").replace(
        "<TRNAMT>1000.00", "<TRNAMT>3.33").replace(
        "</BANKTRANLIST>", "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261108<TRNAMT>500.00"
                           "<FITID>C9<NAME>Somebody\n</STMTTRN>\n</BANKTRANLIST>")
    return write(tmp_path, "nov.ofx", text)


def test_a_dry_run_prints_each_kind_with_reasons_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    books, path = _books(tmp_path), _ofx(tmp_path)
    before = digest(books)
    assert main(["--db", str(books), "bank", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Matched (1):" in out and "invoice INV-0042 is in the text" in out
    assert "Suggested (1):" in out and "as do 1 other invoices" in out
    assert "Unmatched (1):" in out and "unmatched: no open invoice number" in out
    assert out.rstrip().splitlines()[-1] == (
        "Dry run: nothing was recorded. nov.ofx: 1 matched, 1 suggested and 1 unmatched "
        "(0 already recorded or ignored).")
    assert digest(books) == before


def test_accept_sure_records_only_the_sure_and_ends_with_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    books, path = _books(tmp_path), _ofx(tmp_path)
    assert main(["--db", str(books), "bank", str(path), "--accept-sure"]) == 0
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last == ("Recorded 1 payment(s) from nov.ofx; 2 credit(s) left to review in the "
                    "window; 0 credit(s) were already recorded or ignored.")
    assert db.run_in_store(books, lambda: Payment.select().count()) == 1
    assert main(["--db", str(books), "bank", str(path), "--accept-sure"]) == 0
    assert "Recorded 0 payment(s)" in capsys.readouterr().out
    assert db.run_in_store(books, lambda: Payment.select().count()) == 1


@pytest.mark.parametrize(("text", "words"), [
    (OFX[:400], "cut short"),
    (OFX.replace("<CURDEF>GBP", "<CURDEF>EUR"), "no customer is invoiced in it"),
])
def test_a_scheduled_run_fails_with_a_non_zero_code_and_records_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: str) -> None:
    books = _books(tmp_path)
    path = write(tmp_path, "bad.ofx", text)
    assert main(["--db", str(books), "bank", str(path), "--accept-sure"]) == 2
    assert words in capsys.readouterr().err
    assert db.run_in_store(books, lambda: Payment.select().count()) == 0
    assert db.run_in_store(books, lambda: BankCredit.select().count()) == 0


# --- Duly's own letter reference in the payer's text ----------------------------------

def test_our_letters_reference_names_the_invoices_it_was_about(empty_store: db.Store) -> None:
    who = customer("Acme Trading Ltd")
    Customer.update(code="ACME-7").where(Customer.id == who).execute()
    invoice(who, 1000, due_days_ago=40)
    second, third = invoice(who, 2000, due_days_ago=30), invoice(who, 3000, due_days_ago=20)
    letter = log_contact(who, ContactEntry(ContactKind.LETTER, dt.datetime(2026, 11, 2, 9),
                                           summary="Reminder", invoice_ids=(second, third)))
    (line,) = preview(statement(credit("L1", 5000, text=f"Ref acme 7/{letter} thanks"))).lines
    best = line.match.best
    assert line.match.confidence is Confidence.SURE
    assert best is not None and best.invoice_ids == (second, third)
    assert any(f"ACME-7/{letter} of our letter" in r for r in best.reasons)
    # Another customer's code before the number is not that letter's reference.
    other = customer("Other Ltd")
    Customer.update(code="OTH").where(Customer.id == other).execute()
    (line,) = preview(statement(credit("L2", 5000, text=f"OTH/{letter}"))).lines
    assert not any("our letter" in r for c in line.match.candidates for r in c.reasons)


# --- a payment voided by hand, and undo from the command ------------------------------

def test_a_credit_whose_payment_was_voided_by_hand_can_be_recorded_again(
        empty_store: db.Store) -> None:
    right, wrong = customer("North Ltd"), customer("South Ltd")
    invoice(right, 4200, due_days_ago=10, number="N-1")
    paid = credit("A1", 4200, payer="Somebody")
    bank = preview(statement(paid))
    done = record(bank, [CreditChoice("A1", wrong)], today=TODAY)
    void_payment(done.payment_ids[0], "Matched to the wrong customer")
    again = preview(statement(paid))
    assert again.lines[0].already is None
    record(again, [CreditChoice("A1", right)], today=TODAY)
    assert Invoice.get(Invoice.number == "N-1").open_minor == 0
    # Undoing the first statement leaves the payment voided by hand as it is.
    assert undo_statement(done.statement_id) == 0
    assert preview(statement(paid)).lines[0].already is BankCreditOutcome.RECORDED


def test_the_bank_command_lists_and_undoes_a_statement(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    books, path = _books(tmp_path), _ofx(tmp_path)
    assert main(["--db", str(books), "bank", "--list"]) == 0
    assert "No bank statement has been imported." in capsys.readouterr().out
    assert main(["--db", str(books), "bank", str(path), "--accept-sure"]) == 0
    capsys.readouterr()
    assert main(["--db", str(books), "bank", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "nov.ofx (ofx): 1 recorded (120.50 GBP), 0 ignored" in listed
    number = listed.split()[0]
    assert main(["--db", str(books), "bank", "--undo", number, "--reason", "Wrong file"]) == 0
    assert "1 payment(s) voided" in capsys.readouterr().out
    assert main(["--db", str(books), "bank", "--undo", number]) == 2
    assert "already undone" in capsys.readouterr().err
    assert main(["--db", str(books), "bank", str(path), "--accept-sure"]) == 0
    assert "Recorded 1 payment(s)" in capsys.readouterr().out


def test_the_same_bank_id_in_two_accounts_is_two_credits(empty_store: db.Store,
                                                          tmp_path: Path) -> None:
    # Banks number transactions per account: FITID 1 in the current account and FITID 1
    # in the savings account are two payments, neither "recorded before".
    who = customer("Acme Ltd")
    invoice(who, 120_50, due_days_ago=20, number="INV-0042")
    invoice(who, 99_00, due_days_ago=10, number="INV-0043")
    current = OFX.replace("<FITID>20261105-A1", "<FITID>1").replace("<FITID>B7", "<FITID>2")
    savings = current.replace("<ACCTID>12345678", "<ACCTID>87654321").replace(
        "<TRNAMT>120.50", "<TRNAMT>99.00").replace("INV 0042", "INV 0043")
    first = preview(read_statement(write(tmp_path, "current.ofx", current)))
    assert record(first, sure_choices(first), today=TODAY).recorded == 1
    second = preview(read_statement(write(tmp_path, "savings.ofx", savings)))
    assert second.already_done == 0
    assert record(second, sure_choices(second), today=TODAY).recorded == 1
    assert Invoice.select().where(Invoice.open_minor > 0).count() == 0


def test_accept_sure_records_nothing_when_one_sure_credit_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    books = _books(tmp_path)
    # Two sure credits; the second is booked on a day still to come (a value date).
    text = OFX.replace("<NAME>Bolt & Co", "<NAME>North Ltd<MEMO>N-7").replace(
        "<TRNAMT>1000.00", "<TRNAMT>500.00").replace("<DTPOSTED>20261107120000",
                                                     "<DTPOSTED>20991107120000")
    path = write(tmp_path, "nov.ofx", text)
    assert main(["--db", str(books), "bank", str(path), "--dry-run"]) == 0
    assert "2 matched" in capsys.readouterr().out
    assert main(["--db", str(books), "bank", str(path), "--accept-sure"]) == 2
    refused = capsys.readouterr().err
    assert "The credit of 500.00 GBP on 2099-11-07 from North Ltd cannot be recorded: " \
        "The payment date is in the future." in refused and "Nothing from nov.ofx" in refused
    assert db.run_in_store(books, lambda: Payment.select().count()) == 0
    assert db.run_in_store(books, lambda: BankCredit.select().count()) == 0


def test_the_bank_reference_shown_is_the_bank_s_own_without_the_account() -> None:
    from models.bank_formats import StatementCredit, bank_reference

    credit = StatementCredit("31926819:NOV-1", dt.date(2026, 11, 23), 14325, "GBP")
    assert bank_reference(credit, "3192 6819") == "NOV-1"
    assert bank_reference(credit, "") == "31926819:NOV-1"
