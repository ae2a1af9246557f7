"""Logging a contact: sensible defaults, a promise that follows the invoices, errors at
the field, and the contact and promise in the customer's timeline once logged."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QWidget

from models.contact_form import ContactForm, OpenInvoice, contact_form
from models.contacts import ContactEntry, PromiseTerms
from models.timeline import customer_timeline
from tests.conftest import DEMO_TODAY
from ui.common.tasks import TaskRunner
from ui.contacts.contact_dialog import ContactLog, LogContactDialog
from ui.contacts.contact_logging import ContactLogger
from ui.contacts.invoice_choice_model import InvoiceChoiceModel

NOW = dt.datetime.combine(DEMO_TODAY, dt.time(15, 0))
LEFT = Qt.MouseButton.LeftButton
CHRONIC = 1  # Hughes Ltd: two overdue invoices in the demo, billing contact Priya Hughes

OLD = OpenInvoice(1, "INV-1", dt.date(2026, 9, 1), "GBP", 400_00, "open")
NEWER = OpenInvoice(2, "INV-2", dt.date(2026, 12, 1), "GBP", 250_50, "open")
DISPUTED = OpenInvoice(3, "INV-3", dt.date(2026, 10, 1), "GBP", 90_00, "disputed")
FORM = ContactForm(customer_id=7, code="C0007", name="Hughes Ltd", currency="GBP",
                   invoices=(OLD, DISPUTED, NEWER), people=("Priya Hughes", "Sam Hughes"),
                   outcomes=("promised to pay", "no answer", "left message"))


@pytest.fixture
def dialog(qtbot) -> LogContactDialog:
    dialog = LogContactDialog(form=FORM, now=NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def write_summary(qtbot, dialog: LogContactDialog, text: str) -> None:
    dialog.summary_edit.clear()
    qtbot.keyClicks(dialog.summary_edit, text)


def log(qtbot, dialog: LogContactDialog) -> None:
    qtbot.mouseClick(dialog.log_button, LEFT)


def retype(qtbot, edit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


# --- the dialog ---------------------------------------------------------------------

def test_the_invoice_list_is_a_sound_item_model(qtmodeltester, qtbot):
    model = InvoiceChoiceModel(FORM.invoices, DEMO_TODAY)
    model.set_checked(DISPUTED.id, True)
    qtmodeltester.check(model)


def test_a_call_is_logged_now_with_the_billing_contact(dialog, qtbot):
    write_summary(qtbot, dialog, "Asked about INV-1; will check with accounts")
    log(qtbot, dialog)

    assert dialog.result() == LogContactDialog.DialogCode.Accepted
    assert dialog.accepted_log == ContactLog(ContactEntry(
        kind="call", occurred_at=NOW, direction="outgoing", with_whom="Priya Hughes",
        summary="Asked about INV-1; will check with accounts"))


def test_what_was_entered_is_what_is_logged(dialog, qtbot):
    dialog.set_kind("email")
    qtbot.mouseClick(dialog.incoming_radio, LEFT)
    retype(qtbot, dialog.date_edit, "2026-11-20")
    dialog.time_edit.setTime(QTime(9, 45))
    dialog.who_combo.setCurrentIndex(1)
    write_summary(qtbot, dialog, "Wants a copy")
    dialog.outcome_combo.setEditText("asked for copy of invoice")
    dialog.tick_invoice("INV-3")
    qtbot.mouseClick(dialog.follow_up_box, LEFT)
    retype(qtbot, dialog.follow_up_edit, "2026-11-27")
    log(qtbot, dialog)

    assert dialog.accepted_log == ContactLog(ContactEntry(
        kind="email", occurred_at=dt.datetime(2026, 11, 20, 9, 45), direction="incoming",
        with_whom="Sam Hughes", summary="Wants a copy", outcome="asked for copy of invoice",
        invoice_ids=(DISPUTED.id,), follow_up_on=dt.date(2026, 11, 27)))


def test_a_note_is_to_ourselves_so_nobody_contacted_anybody(dialog, qtbot):
    qtbot.mouseClick(dialog.incoming_radio, LEFT)
    dialog.set_kind("note")
    write_summary(qtbot, dialog, "Owner is on holiday until December")
    log(qtbot, dialog)

    assert not dialog.incoming_radio.isEnabled()
    assert dialog.accepted_log is not None
    assert dialog.accepted_log.entry.direction == "outgoing"


def test_the_promised_to_pay_outcome_ticks_the_promise_for_the_ticked_invoices(dialog, qtbot):
    dialog.tick_invoice("INV-1")
    dialog.tick_invoice("INV-2")
    assert not dialog.promise_box.isChecked()

    dialog.outcome_combo.setCurrentText("promised to pay")

    assert dialog.promise_box.isChecked()
    assert dialog.amount_edit.text() == "650.50"
    dialog.tick_invoice("INV-2", False)
    assert dialog.amount_edit.text() == "400.00"
    assert dialog.promised_for_edit.text() == "2026-12-01"

    log(qtbot, dialog)

    assert dialog.accepted_log == ContactLog(
        ContactEntry(kind="call", occurred_at=NOW, with_whom="Priya Hughes",
                     outcome="promised to pay", invoice_ids=(OLD.id,)),
        PromiseTerms(400_00, dt.date(2026, 12, 1)))


def test_an_amount_the_user_typed_is_kept_when_invoices_are_ticked(dialog, qtbot):
    dialog.promise_box.setChecked(True)
    retype(qtbot, dialog.amount_edit, "100")
    dialog.tick_invoice("INV-1")

    assert dialog.amount_edit.text() == "100"


def test_a_promise_without_invoices_is_refused_at_the_invoices(dialog, qtbot):
    write_summary(qtbot, dialog, "Will pay soon")
    dialog.promise_box.setChecked(True)
    retype(qtbot, dialog.amount_edit, "200")
    log(qtbot, dialog)

    assert dialog.isVisible() and dialog.accepted_log is None
    assert dialog.error_text("invoices") == "Choose the invoices the promise is for."

    dialog.tick_invoice("INV-1")
    assert dialog.error_text("invoices") == ""


@pytest.mark.parametrize("field, enter, message", [
    ("occurred_at", lambda d: d.date_edit.setText("31/02/2026"), "is not a date"),
    ("occurred_at", lambda d: d.date_edit.setText("2026-11-25"),
     "The contact's time is in the future."),
    ("summary", lambda d: d.summary_edit.clear(), "Write what was said, or choose an outcome."),
    ("follow_up_on", lambda d: (d.follow_up_box.setChecked(True),
                                d.follow_up_edit.setText("2026-11-01")),
     "The follow-up date is before the contact."),
    ("follow_up_on", lambda d: (d.follow_up_box.setChecked(True),
                                d.follow_up_edit.setText("soon")), "is not a date"),
    ("amount", lambda d: (d.tick_invoice("INV-1"), d.promise_box.setChecked(True),
                          d.amount_edit.setText("lots")), "is not an amount"),
    ("amount", lambda d: (d.tick_invoice("INV-1"), d.promise_box.setChecked(True),
                          d.amount_edit.setText("0")),
     "Enter an amount above zero for the amount promised."),
    ("promised_for", lambda d: (d.tick_invoice("INV-1"), d.promise_box.setChecked(True),
                                d.promised_for_edit.setText("2026-11-23")),
     "The promised date has already passed."),
])
def test_bad_input_is_refused_at_its_field(dialog, qtbot, field, enter, message):
    write_summary(qtbot, dialog, "Spoke to accounts")
    enter(dialog)
    log(qtbot, dialog)

    assert dialog.isVisible() and dialog.accepted_log is None
    assert message in dialog.error_text(field)
    shown = {f for f in ("occurred_at", "summary", "follow_up_on", "invoices", "amount",
                         "promised_for") if dialog.error_text(f)}
    assert shown == {field}


def test_the_dialog_reopens_as_the_user_left_it(qtbot):
    entry = ContactLog(ContactEntry(
        kind="meeting", occurred_at=dt.datetime(2026, 11, 23, 11, 15), direction="incoming",
        with_whom="Someone new", summary="Met at the fair", outcome="promised to pay",
        invoice_ids=(OLD.id, NEWER.id), follow_up_on=dt.date(2026, 12, 3)),
        PromiseTerms(500_00, dt.date(2026, 12, 2)))
    dialog = LogContactDialog(form=FORM, now=NOW, log=entry)
    qtbot.addWidget(dialog)
    dialog.show()

    log(qtbot, dialog)

    assert dialog.accepted_log == entry


# --- logging through the window's logger, into a real store ---------------------------

@pytest.fixture
def window(qtbot) -> QWidget:
    window = QWidget()
    window.resize(1000, 700)
    qtbot.addWidget(window)
    window.show()
    return window


def open_dialog(qtbot, window: QWidget, logger: ContactLogger,
                customer_id: int) -> LogContactDialog:
    logger.log_for(customer_id)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(LogContactDialog)))
    dialog = next(d for d in window.findChildren(LogContactDialog) if d.isVisible())
    # Early enough never to be in the future, whatever the wall clock says.
    dialog.time_edit.setTime(QTime(0, 0))
    return dialog


def test_a_logged_call_with_a_promise_is_on_the_customers_timeline(demo_store, window, qtbot):
    tasks = TaskRunner(window)
    logger = ContactLogger(tasks, lambda: DEMO_TODAY, window)
    dialog = open_dialog(qtbot, window, logger, CHRONIC)
    open_invoices = contact_form(CHRONIC, DEMO_TODAY).invoices
    write_summary(qtbot, dialog, "Priya will pay the oldest invoice next week")
    dialog.outcome_combo.setCurrentText("promised to pay")
    dialog.tick_invoice(open_invoices[0].number)

    with qtbot.waitSignal(logger.logged, check_params_cb=lambda i: i == CHRONIC):
        log(qtbot, dialog)
    tasks.stop_all()

    newest = customer_timeline(CHRONIC, ("call",))[0]
    assert newest.title == "Call to Priya Hughes"
    assert newest.detail == ("Priya will pay the oldest invoice next week\n"
                             "Outcome: promised to pay")
    promise = customer_timeline(CHRONIC, ("promise",))[0]
    assert promise.status == "open"
    assert promise.amount_minor == open_invoices[0].open_minor
    assert promise.title.endswith("by 1 Dec 2026")
    assert logger.last_saved == "Call logged with the promise to pay."


def test_the_stores_objection_reopens_the_dialog_at_its_field(demo_store, window, qtbot):
    days = [DEMO_TODAY]
    tasks = TaskRunner(window)
    logger = ContactLogger(tasks, lambda: days[0], window)
    calls = len(customer_timeline(CHRONIC, ("call",)))
    dialog = open_dialog(qtbot, window, logger, CHRONIC)
    dialog.tick_invoice(contact_form(CHRONIC, DEMO_TODAY).invoices[0].number)
    dialog.outcome_combo.setCurrentText("promised to pay")
    dialog.promised_for_edit.setText("2026-11-25")
    days[0] = DEMO_TODAY + dt.timedelta(days=2)  # the dialog was left open for two days

    log(qtbot, dialog)
    qtbot.waitUntil(lambda: any(d.isVisible() and d is not dialog
                                for d in window.findChildren(LogContactDialog)))
    tasks.stop_all()

    again = next(d for d in window.findChildren(LogContactDialog) if d.isVisible())
    assert again.error_text("promised_for") == "The promised date has already passed."
    assert again.promised_for_edit.text() == "2026-11-25"
    assert again.outcome_combo.currentText() == "promised to pay"
    assert len(customer_timeline(CHRONIC, ("call",))) == calls
    again.reject()


def test_ctrl_return_logs_from_the_summary_where_return_is_a_new_line(qtbot, demo_store):
    results = []
    now = dt.datetime.combine(DEMO_TODAY, dt.time(9, 30))
    dialog = LogContactDialog.ask(None, results.append, form=contact_form(2, DEMO_TODAY),
                                  now=now)  # deletes itself once closed
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    qtbot.keyClicks(dialog.summary_edit, "First line")
    qtbot.keyClick(dialog.summary_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.summary_edit, "second line")
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        qtbot.keyClick(dialog.summary_edit, Qt.Key.Key_Return,
                       Qt.KeyboardModifier.ControlModifier)
    [log] = results
    assert log.entry.summary == "First line\nsecond line"
