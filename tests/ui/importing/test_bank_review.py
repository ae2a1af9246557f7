"""File → Import Bank Statement… as a bookkeeper goes through it on the demo company:
pick the bank's file, see the credits in three groups, accept the sure one, ignore the
stranger, see what will be posted, record it in one go, import again, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QPushButton

from models.bank_matching import Confidence
from models.bank_review import kept_statements
from models.followup import follow_up_plan
from models.schema import BankStatement, Invoice, Payment
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from tests.ui.importing.bank_files import FENWICK_PAYS, STRANGER, TWO_CANDIDATES, ofx
from ui.common import file_pickers
from ui.common.reason_dialog import ReasonDialog
from ui.help.help_window import HelpWindow
from ui.importing.bank_confirm_dialog import BankConfirmDialog
from ui.importing.bank_customer_dialog import BankCustomerDialog
from ui.importing.bank_import import REFUSED_TITLE, BankImport
from ui.importing.bank_models import (
    IGNORE,
    IGNORED_BEFORE,
    OLDEST_FIRST,
    RECORD,
    RECORDED_BEFORE,
    UNDECIDED,
)
from ui.importing.bank_review_dialog import BankReviewDialog

WAIT = 20_000
SURE, SUGGESTED, UNMATCHED = Confidence.SURE, Confidence.SUGGESTED, Confidence.UNMATCHED
PAID = "INV-0000022"  # Fenwick Ltd's invoice, 143.25 GBP and 33 days overdue on DEMO_TODAY
FENWICK = 2


def statement_file(tmp_path: Path, *credits: tuple[str, str, str, str, str],
                   name: str = "november.ofx") -> Path:
    path = tmp_path / name
    path.write_text(ofx(*credits), encoding="ascii")
    return path


@pytest.fixture
def bank(runner, window) -> BankImport:
    """File → Import Bank Statement… as the window has it, over the demo store."""
    imports = BankImport(window, runner, lambda: DEMO_TODAY, lambda: "GBP")
    imports.set_enabled(True)
    return imports


def review_of(bank: BankImport, path: Path, qtbot, monkeypatch) -> BankReviewDialog:
    """Pick ``path`` in the file dialog and wait for its review."""
    monkeypatch.setattr(file_pickers, "choose_bank_statement", lambda *_: path)
    bank.import_action.trigger()
    qtbot.waitUntil(lambda: bank.review() is not None, timeout=WAIT)
    dialog = bank.review()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def only(dialog: BankReviewDialog, confidence: Confidence):  # type: ignore[no-untyped-def]
    (row,) = dialog.rows(confidence)
    return row


def fitid(bank_id: str) -> str:
    """The bank's own transaction id, without the account Duly keeps it under."""
    return bank_id.rsplit(":", 1)[-1]


def decisions(dialog: BankReviewDialog) -> dict[str, str]:
    """Each credit's decision, by the bank's transaction id, whatever its group."""
    return {fitid(r.id): r.decision for c in (SURE, SUGGESTED, UNMATCHED)
            for r in dialog.rows(c)}


def select_credit(dialog: BankReviewDialog, bank_id: str) -> None:
    for confidence in (SURE, SUGGESTED, UNMATCHED):
        ids = [fitid(r.id) for r in dialog.rows(confidence)]
        if bank_id in ids:
            dialog.choose_credit(confidence, ids.index(bank_id))
            return
    raise AssertionError(f"no credit {bank_id}")


def confirm(dialog: BankReviewDialog, qtbot) -> BankConfirmDialog:
    dialog.record_button.click()
    qtbot.waitUntil(lambda: dialog.findChild(BankConfirmDialog) is not None, timeout=WAIT)
    confirming = dialog.findChild(BankConfirmDialog)
    assert confirming is not None
    return confirming


def record(dialog: BankReviewDialog, qtbot) -> None:
    confirming = confirm(dialog, qtbot)
    with qtbot.waitSignal(dialog.recorded, timeout=WAIT):
        confirming.record_button.click()


def undo(dialog, qtbot, reason: str = "Imported the wrong account") -> None:  # type: ignore[no-untyped-def]
    button = dialog.findChild(type(dialog.record_button), "bankUndo") \
        if isinstance(dialog, BankReviewDialog) else dialog.undo_button
    button.click()
    asking = dialog.findChild(ReasonDialog)
    assert asking is not None
    asking.reason_edit.setText(reason)
    with qtbot.waitSignal(dialog.undone, timeout=WAIT):
        asking.confirm_button.click()


def open_minor(number: str) -> int:
    return Invoice.get(Invoice.number == number).open_minor


def due_numbers() -> set[str]:
    """The invoices the follow-up engine would chase today."""
    return {i.number for action in follow_up_plan(DEMO_TODAY).due for i in action.invoices}


def test_a_statement_is_accepted_ignored_recorded_reimported_and_undone(
        demo_store, bank, qtbot, qtmodeltester, tmp_path, monkeypatch) -> None:
    path = statement_file(tmp_path, FENWICK_PAYS, TWO_CANDIDATES, STRANGER)
    dialog = review_of(bank, path, qtbot, monkeypatch)
    for confidence in (SURE, SUGGESTED, UNMATCHED):
        qtmodeltester.check(dialog.models[confidence])
    qtmodeltester.check(dialog.candidates_model)

    sure = only(dialog, SURE)
    assert (sure.customer, sure.invoices, sure.decision) == ("Fenwick Ltd", PAID, UNDECIDED)
    assert "Invoice INV-0000022 is in the text" in sure.why
    assert dialog.group_title(SURE) == "Matched (1)"
    assert only(dialog, UNMATCHED).customer == "" and dialog.group_title(UNMATCHED) == \
        "Unmatched (1)"
    assert open_minor(PAID) == 14325 and PAID in due_numbers()

    dialog.accept_sure_action.trigger()
    dialog.choose_credit(UNMATCHED)
    assert dialog.current_row().line.match.credit.payer_name == "ZEBRA IMPORTS"
    dialog.ignore_action.trigger()
    assert [only(dialog, c).decision for c in (SURE, SUGGESTED, UNMATCHED)] == \
        [RECORD, UNDECIDED, IGNORE]
    assert dialog.summary_label.text() == \
        "To record: 1 payment (143.25 GBP) · 1 not a customer payment · 1 undecided"
    assert not BankStatement.select().exists()  # nothing is written before confirming
    payments = Payment.select().count()

    confirming = confirm(dialog, qtbot)
    qtmodeltester.check(confirming.model)
    (payment,) = confirming.model.rows()
    assert (payment.customer_name, payment.pays, payment.left_minor) == \
        ("Fenwick Ltd", ((PAID, 14325),), 0)
    assert confirming.words.text() == (
        "Duly records 1 payment, 143.25 GBP in all, and remembers 1 credit as not a customer "
        "payment in one go. Credits left undecided wait for a later import.")
    with qtbot.waitSignal(dialog.recorded, timeout=WAIT):
        confirming.record_button.click()

    assert open_minor(PAID) == 0 and PAID not in due_numbers()
    assert Payment.select().count() == payments + 1
    assert dialog.notice.text().startswith("Recorded 1 payment (143.25 GBP) and ignored 1 "
                                           "credit from november.ofx.")
    assert dialog.undo_button.isVisibleTo(dialog)
    # The review is read again as it now stands: what was done says so.
    assert decisions(dialog) == {"NOV-1": RECORDED_BEFORE, "NOV-2": UNDECIDED,
                                 "NOV-3": IGNORED_BEFORE}
    dialog.close()

    again = review_of(bank, path, qtbot, monkeypatch)
    assert again is not dialog  # read from the file again
    assert decisions(again) == {"NOV-1": RECORDED_BEFORE, "NOV-2": UNDECIDED,
                                "NOV-3": IGNORED_BEFORE}
    assert again.already_label.text().startswith("2 credits were recorded or ignored by an "
                                                 "earlier import")
    select_credit(again, "NOV-3")
    assert not again.ignore_action.isEnabled()  # a credit done before takes no choice
    again.accept_sure_action.trigger()
    assert not again.record_action.isEnabled()  # nothing new to record
    again.close()

    bank.statements_action.trigger()
    from ui.importing.bank_statements_dialog import BankStatementsDialog
    qtbot.waitUntil(lambda: bank.parent().findChild(BankStatementsDialog) is not None,
                    timeout=WAIT)
    listed = bank.parent().findChild(BankStatementsDialog)
    qtmodeltester.check(listed.model)
    (kept,) = listed.model.rows()
    assert (kept.file_name, kept.recorded, kept.ignored, kept.recorded_minor) == \
        ("november.ofx", 1, 1, 14325)
    undo(listed, qtbot)
    assert open_minor(PAID) == 14325 and PAID in due_numbers()
    assert Payment.get(Payment.customer == FENWICK, Payment.amount_minor == 14325).voided
    qtbot.waitUntil(lambda: listed.model.rows()[0].undone, timeout=WAIT)
    assert not listed.undo_button.isEnabled()


def test_undo_right_after_recording_in_the_review(demo_store, bank, qtbot,
                                                  tmp_path, monkeypatch) -> None:
    dialog = review_of(bank, statement_file(tmp_path, FENWICK_PAYS), qtbot, monkeypatch)
    dialog.accept_sure_action.trigger()
    record(dialog, qtbot)
    assert open_minor(PAID) == 0
    undo(dialog, qtbot)
    assert open_minor(PAID) == 14325
    assert dialog.notice.text() == "Undone: 1 payment voided. The statement can be imported " \
                                   "again."
    qtbot.waitUntil(lambda: decisions(dialog) == {"NOV-1": UNDECIDED}, timeout=WAIT)
    assert fitid(only(dialog, SURE).id) == "NOV-1"  # matched with certainty again
    assert [k.undone for k in kept_statements()] == [True]


def test_a_suggested_credit_is_paid_by_the_candidate_chosen(demo_store, bank, qtbot,
                                                            tmp_path, monkeypatch) -> None:
    dialog = review_of(bank, statement_file(tmp_path, TWO_CANDIDATES), qtbot, monkeypatch)
    row = only(dialog, SUGGESTED)
    names = [c.customer_name for c in row.line.match.candidates]
    assert names == ["Hughes Ltd", "Ashworth Ltd"]
    dialog.choose_credit(SUGGESTED)
    assert dialog.candidates_model.rowCount() == 2
    assert dialog.candidates_model.index(1, 3).data() == "100%"  # the payer's name score
    dialog.choose_candidate(1)
    dialog.accept_action.trigger()
    chosen = only(dialog, SUGGESTED)
    assert (chosen.customer, chosen.decision) == ("Ashworth Ltd", RECORD)
    assert "score 100" in chosen.why
    (payment,) = confirm(dialog, qtbot).model.rows()
    assert payment.customer_name == "Ashworth Ltd"


def test_an_unmatched_credit_is_given_to_a_customer_found_by_search(
        demo_store, bank, qtbot, qtmodeltester, tmp_path, monkeypatch) -> None:
    dialog = review_of(bank, statement_file(tmp_path, STRANGER), qtbot, monkeypatch)
    dialog.choose_credit(UNMATCHED)
    dialog.assign_action.trigger()
    qtbot.waitUntil(lambda: dialog.findChild(BankCustomerDialog) is not None, timeout=WAIT)
    search = dialog.findChild(BankCustomerDialog)
    qtmodeltester.check(search.model)
    qtbot.keyClicks(search.search, "campb")
    assert [c.name for c in search.model.rows()] == ["Campbell Ltd"]
    search.ok_button.click()
    row = only(dialog, UNMATCHED)
    assert (row.customer, row.invoices, row.decision) == ("Campbell Ltd", OLDEST_FIRST, RECORD)
    (payment,) = confirm(dialog, qtbot).model.rows()
    assert payment.pays == (("INV-0000603", 5500),)


def test_a_file_duly_cannot_read_is_refused_in_words(demo_store, bank, qtbot, tmp_path,
                                                     monkeypatch) -> None:
    path = tmp_path / "statement.xml"
    path.write_text('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
                    'camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="GBP">10.00',
                    encoding="utf-8")
    monkeypatch.setattr(file_pickers, "choose_bank_statement", lambda *_: path)
    window = bank.parent()
    bank.import_action.trigger()
    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)), timeout=WAIT)
    (box,) = visible_message_boxes(window)
    assert box.windowTitle() == REFUSED_TITLE
    assert box.text().startswith("statement.xml is not a whole CAMT.053 XML file")
    assert box.informativeText() == "Nothing was recorded."
    assert box.icon() == QMessageBox.Icon.Warning
    assert bank.review() is None and not BankStatement.select().exists()


def test_a_statement_with_no_money_in_says_so(demo_store, bank, qtbot, tmp_path,
                                               monkeypatch) -> None:
    path = tmp_path / "debits.ofx"
    path.write_text(ofx().replace("<DTEND>20261124\n", "<DTEND>20261124\n<STMTTRN><TRNTYPE>"
                                  "DEBIT<DTPOSTED>20261120<TRNAMT>-20.00<FITID>D1<NAME>SHOP"
                                  "\n</STMTTRN>\n"), encoding="ascii")
    monkeypatch.setattr(file_pickers, "choose_bank_statement", lambda *_: path)
    bank.import_action.trigger()
    qtbot.waitUntil(lambda: bool(visible_message_boxes(bank.parent())), timeout=WAIT)
    (box,) = visible_message_boxes(bank.parent())
    assert box.objectName() == "bankNothing"
    assert box.text() == "debits.ofx holds no money received: only payments in are matched " \
                         "to customers."
    assert bank.review() is None


def test_a_bank_csv_needs_a_saved_mapping_first(demo_store, bank, qtbot, tmp_path,
                                                monkeypatch) -> None:
    path = tmp_path / "bank.csv"
    path.write_text("Date;Payer;Details;Amount\n23/11/2026;FENWICK LTD;INV-22;143,25\n",
                    encoding="utf-8")
    monkeypatch.setattr(file_pickers, "choose_bank_statement", lambda *_: path)
    bank.import_action.trigger()
    (box,) = visible_message_boxes(bank.parent())
    assert "column mapping" in box.text()
    box.close()

    from models.imports.mappings import save_mapping
    from models.imports.sources import Field, Holds
    from ui.importing.bank_mapping_dialog import BankMappingDialog
    save_mapping("My bank", Holds.CUSTOMERS, {Field.CUSTOMER: "Payer", Field.PAID_ON: "Date",
                                               Field.PAID: "Amount", Field.REFERENCE: "Details"})
    bank.import_action.trigger()
    asking = bank.parent().findChild(BankMappingDialog)
    assert asking is not None and asking.mapping_combo.currentText() == "My bank"
    assert asking.currency_edit.text() == "GBP"
    asking.accept()
    qtbot.waitUntil(lambda: bank.review() is not None, timeout=WAIT)
    assert only(bank.review(), SURE).invoices == PAID


def test_the_window_offers_it_in_the_file_menu_and_today_drops_the_paid_reminder(
        open_window, demo_file, company_file, qtbot, tmp_path, monkeypatch,
        settings: QSettings) -> None:
    window = open_window(demo_file)
    window.show_area("today")
    today = window.page("today")
    qtbot.waitUntil(lambda: bool(today.items()), timeout=WAIT)

    def fenwick_reminder() -> bool:
        return any(i.customer_id == FENWICK and i.reminder_due for i in today.items())

    assert fenwick_reminder() and PAID in due_numbers()
    file_menu = window.menuBar().actions()[0].menu()
    assert window.bank.import_action in file_menu.actions()
    assert window.bank.statements_action in file_menu.actions()
    assert window.bank.import_action.isEnabled()

    dialog = review_of(window.bank, statement_file(tmp_path, FENWICK_PAYS), qtbot,
                       monkeypatch)
    dialog.findChild(QPushButton, "bankHelp").click()  # the guide at its section
    guide = window.findChild(HelpWindow)
    assert guide is not None and guide.current_page() == "importing.html#bank"
    guide.close()
    dialog.accept_sure_action.trigger()
    record(dialog, qtbot)

    # The engine drops the reminder for what was paid before the next batch goes out,
    # and Today, which reads money, is read again at once.
    assert PAID not in due_numbers()
    assert not any(PAID in {i.number for i in a.invoices}
                   for a in follow_up_plan(DEMO_TODAY, customer_id=FENWICK).due)
    qtbot.waitUntil(lambda: not today.is_loading() and not fenwick_reminder(), timeout=WAIT)

    # A review open when another store is opened is closed: its matches were of this one.
    dialog.close()
    review_of(window.bank, statement_file(tmp_path, STRANGER, name="later.ofx"), qtbot,
              monkeypatch)
    window.open_store_file(company_file)
    qtbot.waitUntil(lambda: window.bank.review() is None, timeout=WAIT)


def test_closing_with_choices_not_recorded_asks_first(demo_store, bank, qtbot, tmp_path,
                                                      monkeypatch) -> None:
    dialog = review_of(bank, statement_file(tmp_path, FENWICK_PAYS), qtbot, monkeypatch)
    dialog.accept_sure_action.trigger()
    dialog.close_button.click()
    asking = dialog.findChild(QMessageBox, "bankCloseQuestion")
    assert asking is not None and asking.isVisible() and dialog.isVisible()
    asking.button(QMessageBox.StandardButton.Cancel).click()
    assert dialog.isVisible() and only(dialog, SURE).decision == RECORD
    dialog.close_button.click()
    (asking,) = visible_message_boxes(dialog)
    assert asking.objectName() == "bankCloseQuestion"
    asking.button(QMessageBox.StandardButton.Close).click()
    assert not dialog.isVisible()
    assert open_minor(PAID) == 14325 and not BankStatement.select().exists()
