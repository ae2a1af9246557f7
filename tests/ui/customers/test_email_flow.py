"""E-mail from the window, against a real SMTP server: a customer's statement composed and
sent with its PDF, the reminders due sent from Today with the outcome said, an e-mail the
server refused shown in Today and retried, and what is missing (settings, a password, an
address) asked for or said."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from models import db
from models.contacts import ContactEntry, log_contact
from models.mail import MailSettings, recipients_of, save_mail_settings
from models.mail_password import KeyringUnavailable, forget_password, use_password_for_session
from models.schema import OutboxMessage
from models.today import EMAIL_FAILED
from reports.email_reminders import queue_statement_email
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from ui.common import password_dialog, tasks
from ui.common.email_dialog import EmailDialog
from ui.common.password_dialog import PasswordDialog
from ui.common.pdf_preview import PdfPreviewDialog
from ui.customers.customer_account_view import TIMELINE_TAB
from ui.customers.customers_page import CustomersPage
from ui.customers.statement_dialog import StatementDialog
from ui.today.today_page import TodayPage
from ui.today.worklist_model import details_text, kind_text
from ui.window.main_window import MainWindow

TIMEOUT_MS = 30_000
LEFT = Qt.MouseButton.LeftButton
WITH_ADDRESS = 13  # Byrne Ltd in the demo company: a billing e-mail address
WITHOUT_ADDRESS = 12  # Khan Ltd: none
EMAIL_REMINDERS_DUE = 2  # e-mail reminders due on DEMO_TODAY in the demo company


@pytest.fixture
def mail(smtp_server) -> Iterator[MailSettings]:
    """The window trusts the test server's certificate; its password is forgotten after."""
    password_dialog.ssl_context = smtp_server.client_ssl
    yield smtp_server.settings
    password_dialog.ssl_context = None
    with contextlib.suppress(KeyringUnavailable):
        forget_password(smtp_server.settings)


@pytest.fixture
def mail_store(demo_file: Path, smtp_server, mail) -> Path:
    """The demo company with its outgoing mail set up for the test server, the password
    given for this session."""
    in_store(demo_file, lambda: save_mail_settings(smtp_server.settings))
    use_password_for_session(smtp_server.settings, smtp_server.password)
    return demo_file


def in_store(path: Path, work: Callable[[], object]) -> object:
    """Run ``work`` with the store at ``path`` open, as a command would."""
    store = db.open_store(path)
    try:
        return work()
    finally:
        store.close()


def customer_shown(qtbot, window: MainWindow, customer_id: int) -> CustomersPage:
    window.show_area("customers")
    page = window.page("customers")
    with qtbot.waitSignal(page.account_loaded, timeout=TIMEOUT_MS):
        page.show_customer(customer_id)
    return page


def today_shown(qtbot, window: MainWindow) -> TodayPage:
    page = window.page("today")
    qtbot.waitUntil(lambda: page.list_date() is not None and not page.is_loading(),
                    timeout=TIMEOUT_MS)
    window.show_area("today")
    return page


def shown(qtbot, window: MainWindow, kind: type) -> object:
    def found() -> list:
        return [w for w in window.findChildren(kind) if w.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=TIMEOUT_MS)
    return found()[0]


def box_named(qtbot, window: MainWindow, name: str) -> QMessageBox:
    qtbot.waitUntil(lambda: any(b.objectName() == name for b in visible_message_boxes(window)),
                    timeout=TIMEOUT_MS)
    return next(b for b in visible_message_boxes(window) if b.objectName() == name)


def button(box: QMessageBox, words: str):
    return next(b for b in box.buttons() if words in b.text().replace("&", ""))


def asked_to_send(qtbot, window: MainWindow, page: TodayPage) -> QMessageBox:
    """Send Due E-mails counts what is due and asks before sending."""
    page.send_emails_action.trigger()
    return box_named(qtbot, window, "sendDueEmailsBox")


class ShownWidgets(QObject):
    """Records the kinds of top-level widgets shown while installed on the application."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: set[str] = set()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show:
            self.kinds.add(type(watched).__name__)
        return False


# --- a customer's statement ----------------------------------------------------------

def test_an_emailed_statement_arrives_with_its_pdf_and_is_on_the_timeline(
        open_window, mail_store, smtp_server, qtbot):
    window = open_window(mail_store)
    page = customer_shown(qtbot, window, WITH_ADDRESS)
    to = recipients_of(WITH_ADDRESS)  # the window's store is open here too
    assert page.email_statement_action.isEnabled()
    page.email_statement_action.trigger()
    dialog = shown(qtbot, window, EmailDialog)
    assert all(address in dialog.to_label.text() for _name, address in to)
    code = page.header.code
    assert dialog.attachment_label.text() == f"Statement {code} {DEMO_TODAY}.pdf (PDF)"
    dialog.subject_edit.setText("Your statement from Harbour & Finch")
    with qtbot.waitSignal(page.statement_emailed, timeout=TIMEOUT_MS) as emailed:
        qtbot.mouseClick(dialog.send_button, LEFT)

    assert emailed.args[0].sent == 1
    assert page.view.notice() == f"Statement e-mailed to {page.header.name}."
    [message] = smtp_server.received
    assert sorted(message.envelope_to) == sorted(address for _name, address in to)
    assert message["Subject"] == "Your statement from Harbour & Finch"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"Statement {code} {DEMO_TODAY}.pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF")

    # The e-mail is on the timeline, and its attachment opens as it was sent.
    qtbot.waitUntil(lambda: any(e.kind == "email" for e in page.view.timeline.rows()),
                    timeout=TIMEOUT_MS)
    page.view.tabs.setCurrentIndex(TIMELINE_TAB)
    row = next(i for i, e in enumerate(page.view.timeline.rows()) if e.kind == "email")
    page.view.timeline_table.selectRow(row)
    assert page.open_attachment_action.isEnabled()
    page.open_attachment_action.trigger()
    preview = shown(qtbot, window, PdfPreviewDialog)
    try:
        assert preview.pdf.file_name == f"Statement {code} {DEMO_TODAY}.pdf"
        assert preview.pdf.path.read_bytes() == pdf
        assert stat.S_IMODE(preview.pdf.path.stat().st_mode) == 0o600  # the owner's alone
    finally:
        preview.reject()


def test_a_customer_without_an_address_is_offered_the_printed_statement(
        open_window, mail_store, qtbot):
    window = open_window(mail_store)
    page = customer_shown(qtbot, window, WITHOUT_ADDRESS)
    page.email_statement_action.trigger()
    box = box_named(qtbot, window, "noEmailAddress")
    assert box.text() == f"{page.header.name} has no usable e-mail address."
    qtbot.mouseClick(button(box, "Print Statement"), LEFT)
    dialog = shown(qtbot, window, StatementDialog)
    dialog.reject()


def test_without_mail_settings_the_window_offers_to_open_them(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    page = customer_shown(qtbot, window, WITH_ADDRESS)
    page.email_statement_action.trigger()
    box = box_named(qtbot, window, "mailNotSetUp")
    assert box.text() == "Outgoing mail is not set up yet."
    qtbot.mouseClick(button(box, "Open Settings"), LEFT)
    assert window.current_area().key == "settings"
    assert window.page("settings").section() == "mail"


# --- Today ---------------------------------------------------------------------------

def test_send_due_emails_shows_progress_then_says_what_was_sent(
        open_window, mail_store, smtp_server, qtbot, monkeypatch):
    monkeypatch.setattr(tasks, "PROGRESS_DELAY_MS", 0)
    window = open_window(mail_store)
    page = today_shown(qtbot, window)
    assert page.send_emails_action in window.area_menu("today").actions()
    assert page.send_emails_action in page.action_bar.actions()
    box = asked_to_send(qtbot, window, page)
    assert box.text() == f"{EMAIL_REMINDERS_DUE} e-mail reminders are due on Tue 24 Nov 2026. " \
                         f"Send them now?"
    watcher = ShownWidgets()
    QApplication.instance().installEventFilter(watcher)
    try:
        with qtbot.waitSignal(page.emails_sent, timeout=TIMEOUT_MS) as sent:
            qtbot.mouseClick(button(box, "Send E-mails"), LEFT)
    finally:
        QApplication.instance().removeEventFilter(watcher)

    assert QProgressDialog.__name__ in watcher.kinds
    result = sent.args[0]
    assert result.sent == len(smtp_server.received) == EMAIL_REMINDERS_DUE
    assert not result.failed and not result.left
    assert re.fullmatch(r"2 e-mails sent"
                        r"(; \d+ customers? ha(s|ve) no e-mail address and gets? a letter "
                        r"instead)?\.", page.notice()), page.notice()
    assert all(m.get_content_type() == "multipart/mixed" for m in smtp_server.received)
    qtbot.waitUntil(lambda: not page.is_loading(), timeout=TIMEOUT_MS)
    assert not [i for i in page.items() if i.kind == EMAIL_FAILED]

    page.send_emails_action.trigger()  # again: nothing is left to send
    qtbot.waitUntil(lambda: any(b.text().startswith("No e-mail reminders are due")
                                for b in visible_message_boxes(window)), timeout=TIMEOUT_MS)
    for box in visible_message_boxes(window):
        box.accept()
    assert len(smtp_server.received) == EMAIL_REMINDERS_DUE


def test_an_email_the_server_refused_shows_in_today_and_is_retried(
        open_window, mail_store, smtp_server, qtbot, qtmodeltester):
    window = open_window(mail_store)
    page = today_shown(qtbot, window)
    due = [i for i in page.items() if "(e-mail)" in i.title]
    refused = recipients_of(due[0].customer_id)
    for _name, address in refused:
        smtp_server.refuse(address)
    box = asked_to_send(qtbot, window, page)
    with qtbot.waitSignal(page.emails_sent, timeout=TIMEOUT_MS) as sent:
        qtbot.mouseClick(button(box, "Send E-mails"), LEFT)
    assert [name for name, _reason in sent.args[0].failed] == [due[0].customer_name]
    assert "1 failed (see Today)" in page.notice()
    box = next(b for b in visible_message_boxes(window) if b.text() == "1 e-mail was not sent.")
    assert box.informativeText().startswith(f"{due[0].customer_name}: The mail server refused")
    box.accept()
    qtbot.waitUntil(lambda: not page.is_loading()
                    and any(i.kind == EMAIL_FAILED for i in page.items()), timeout=TIMEOUT_MS)
    [failed] = [i for i in page.items() if i.kind == EMAIL_FAILED]
    assert failed.customer_id == due[0].customer_id
    assert "refused" in failed.detail
    assert kind_text(failed) == "E-mail not sent"
    assert details_text(failed).endswith(failed.detail)
    qtmodeltester.check(page.model)

    smtp_server.refused.clear()  # the address is put right
    row = page.model.position_of((failed.kind, failed.ref_id))
    page.table.selectRow(row)
    assert page.retry_email_action.isEnabled()
    before = len(smtp_server.received)
    with qtbot.waitSignal(page.emails_sent, timeout=TIMEOUT_MS) as sent:
        page.retry_email_action.trigger()
    assert sent.args[0].sent == 1
    assert len(smtp_server.received) == before + 1
    qtbot.waitUntil(lambda: not page.is_loading(), timeout=TIMEOUT_MS)
    assert not [i for i in page.items() if i.kind == EMAIL_FAILED]


def test_a_missing_password_is_asked_for_and_used_for_the_session(
        open_window, demo_file, smtp_server, mail, qtbot):
    in_store(demo_file, lambda: save_mail_settings(smtp_server.settings))
    window = open_window(demo_file)
    page = today_shown(qtbot, window)
    qtbot.mouseClick(button(asked_to_send(qtbot, window, page), "Send E-mails"), LEFT)
    dialog = shown(qtbot, window, PasswordDialog)
    dialog.password_edit.setText(smtp_server.password)
    dialog.session_radio.setChecked(True)
    with qtbot.waitSignal(page.emails_sent, timeout=TIMEOUT_MS) as sent:
        dialog.accept()
    assert sent.args[0].sent == EMAIL_REMINDERS_DUE


def test_an_email_logged_by_hand_has_no_attachment_to_open(open_window, demo_file, qtbot):
    at = dt.datetime.combine(DEMO_TODAY, dt.time(9, 30))
    in_store(demo_file, lambda: log_contact(WITH_ADDRESS, ContactEntry(
        kind="email", occurred_at=at, summary="Asked for a copy of the invoice"), now=at))
    window = open_window(demo_file)
    page = customer_shown(qtbot, window, WITH_ADDRESS)
    page.view.tabs.setCurrentIndex(TIMELINE_TAB)
    row = next(i for i, e in enumerate(page.view.timeline.rows()) if e.kind == "email")
    page.view.timeline_table.selectRow(row)
    page.open_attachment_action.trigger()

    qtbot.waitUntil(lambda: bool(visible_message_boxes(window)), timeout=TIMEOUT_MS)
    [box] = visible_message_boxes(window)
    assert box.text() == ("No attachment is kept with this e-mail: it was logged by hand, "
                          "not sent by Duly.")
    box.accept()


def test_an_email_perhaps_sent_is_sent_again_only_once_the_user_says_it_did_not_go(
        open_window, mail_store, smtp_server, qtbot):
    def cut_off() -> int:
        outbox_id = queue_statement_email(WITH_ADDRESS, DEMO_TODAY, subject="Your statement",
                                          text="Attached.")
        # As a batch leaves it when Duly is closed after telling the server, before recording.
        OutboxMessage.update(status="sending", attempts=1).where(
            OutboxMessage.id == outbox_id).execute()
        return outbox_id

    outbox_id = in_store(mail_store, cut_off)
    window = open_window(mail_store)
    page = today_shown(qtbot, window)
    box = asked_to_send(qtbot, window, page)
    assert box.text().startswith(f"{EMAIL_REMINDERS_DUE} e-mail reminders are due")
    with qtbot.waitSignal(page.emails_sent, timeout=TIMEOUT_MS) as sent:
        qtbot.mouseClick(button(box, "Send E-mails"), LEFT)
    assert len(sent.args[0].uncertain) == 1
    assert "1 perhaps sent before Duly was closed (see Today)" in page.notice()
    assert all(m["Subject"] != "Your statement" for m in smtp_server.received)
    qtbot.waitUntil(lambda: not page.is_loading() and any(
        i.kind == EMAIL_FAILED for i in page.items()), timeout=TIMEOUT_MS)
    [item] = [i for i in page.items() if i.kind == EMAIL_FAILED]
    assert (item.ref_id, kind_text(item)) == (outbox_id, "E-mail perhaps sent")

    page.table.selectRow(page.model.position_of((item.kind, item.ref_id)))
    page.retry_email_action.trigger()
    box = box_named(qtbot, window, "perhapsSentBox")
    assert "Sent folder" in box.informativeText()
    with qtbot.waitSignal(page.emails_sent, timeout=TIMEOUT_MS) as sent:
        qtbot.mouseClick(button(box, "Send Again"), LEFT)
    assert sent.args[0].sent == 1
    assert smtp_server.received[-1]["Subject"] == "Your statement"


def test_send_due_emails_without_mail_settings_offers_them_first(open_window, demo_file,
                                                                 qtbot):
    window = open_window(demo_file)
    page = today_shown(qtbot, window)
    page.send_emails_action.trigger()
    box = box_named(qtbot, window, "mailNotSetUp")
    assert [b.objectName() for b in visible_message_boxes(window)] == ["mailNotSetUp"]
    qtbot.mouseClick(button(box, "Open Settings"), LEFT)
    assert window.current_area().key == "settings"


def test_emails_refused_for_a_wrong_password_are_retried_together(
        open_window, demo_file, smtp_server, mail, qtbot):
    in_store(demo_file, lambda: save_mail_settings(smtp_server.settings))
    use_password_for_session(smtp_server.settings, "not-the-password")
    window = open_window(demo_file)
    page = today_shown(qtbot, window)
    with qtbot.waitSignal(page.emails_sent, timeout=TIMEOUT_MS) as sent:
        qtbot.mouseClick(button(asked_to_send(qtbot, window, page), "Send E-mails"), LEFT)
    assert len(sent.args[0].failed) == EMAIL_REMINDERS_DUE
    box = next(b for b in visible_message_boxes(window)
               if b.text() == f"{EMAIL_REMINDERS_DUE} e-mails were not sent.")
    assert "refused the user name or password" in box.informativeText()
    box.accept()
    qtbot.waitUntil(lambda: not page.is_loading() and len(
        [i for i in page.items() if i.kind == EMAIL_FAILED]) == EMAIL_REMINDERS_DUE,
        timeout=TIMEOUT_MS)

    use_password_for_session(smtp_server.settings, smtp_server.password)  # put right
    failed = [i for i in page.items() if i.kind == EMAIL_FAILED]
    page.table.clearSelection()
    for item in failed:
        index = page.model.index(page.model.position_of((item.kind, item.ref_id)), 0)
        page.table.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.Select
            | QItemSelectionModel.SelectionFlag.Rows)
    assert page.retry_email_action.isEnabled()
    with qtbot.waitSignal(page.emails_sent, timeout=TIMEOUT_MS) as sent:
        page.retry_email_action.trigger()
    assert sent.args[0].sent == EMAIL_REMINDERS_DUE == len(smtp_server.received)
    qtbot.waitUntil(lambda: not page.is_loading(), timeout=TIMEOUT_MS)
    assert not [i for i in page.items() if i.kind == EMAIL_FAILED]
