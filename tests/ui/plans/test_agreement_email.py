"""A plan's agreement e-mailed from the window, against a real SMTP server: composed from
its draft, sent with its PDF, and on the customer's timeline; a customer without an
address is offered the printed agreement instead."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from models import db
from models.kinds import ContactKind, PlanFrequency
from models.mail import MailSettings, save_mail_settings
from models.mail_password import KeyringUnavailable, forget_password, use_password_for_session
from models.plan_schedule import ScheduleTerms
from models.plans import PlanDraft, agree_plan
from models.schema import Interaction
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from ui.common import password_dialog
from ui.common.email_dialog import EmailDialog
from ui.common.pdf_preview import PdfPreviewDialog
from ui.plans.plans_page import PlansPage
from ui.window.main_window import MainWindow

TIMEOUT_MS = 30_000
HUGHES = 1  # a billing e-mail address, two overdue invoices
KHAN = 12  # the demo's plan; no e-mail address


@pytest.fixture
def mail(smtp_server) -> Iterator[MailSettings]:
    password_dialog.ssl_context = smtp_server.client_ssl
    yield smtp_server.settings
    password_dialog.ssl_context = None
    with contextlib.suppress(KeyringUnavailable):
        forget_password(smtp_server.settings)


def with_store(path: Path, work):
    store = db.open_store(path)
    try:
        return work()
    finally:
        store.close()


@pytest.fixture
def store_with_plan(demo_file: Path, smtp_server, mail) -> Path:
    """The demo with its mail set up for the test server and a plan agreed with Hughes."""

    def set_up() -> None:
        save_mail_settings(smtp_server.settings)
        agree_plan(PlanDraft(HUGHES, DEMO_TODAY, ScheduleTerms(
            PlanFrequency.MONTHLY, DEMO_TODAY + dt.timedelta(days=30), count=3)))

    with_store(demo_file, set_up)
    use_password_for_session(smtp_server.settings, smtp_server.password)
    return demo_file


def plans_shown(qtbot, window: MainWindow) -> PlansPage:
    window.show_area("plans")
    page = window.page("plans")
    qtbot.waitUntil(lambda: page.plans.rowCount() == 2, timeout=TIMEOUT_MS)
    return page


def shown(qtbot, window: MainWindow, kind: type):
    def found() -> list:
        return [d for d in window.findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=TIMEOUT_MS)
    return found()[0]


def choose(page: PlansPage, customer_id: int) -> None:
    plan = next(p for p in page.plans.rows() if p.customer_id == customer_id)
    assert page.select_plan(plan.plan_id)


def test_an_emailed_agreement_arrives_with_its_pdf_and_is_on_the_timeline(
        open_window, store_with_plan, smtp_server, qtbot):
    window = open_window(store_with_plan)
    page = plans_shown(qtbot, window)
    choose(page, HUGHES)
    plan_id = page.current_plan().plan_id

    page.email_action.trigger()
    dialog = shown(qtbot, window, EmailDialog)
    assert dialog.windowTitle() == "E-mail Plan Agreement"
    assert dialog.subject_edit.text().startswith("Payment plan agreement PP-")
    assert dialog.attachment_label.text().startswith("Payment plan agreement PP-")
    dialog.accept()

    qtbot.waitUntil(lambda: "e-mailed to Hughes Ltd" in page.notice(), timeout=TIMEOUT_MS)
    [message] = smtp_server.received
    assert message["Subject"].startswith("Payment plan agreement PP-")
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content().startswith(b"%PDF")
    emails = Interaction.select().where((Interaction.plan == plan_id)
                                        & (Interaction.kind == ContactKind.EMAIL))
    assert emails.count() == 1


def test_a_customer_without_an_address_is_offered_the_printed_agreement(
        open_window, store_with_plan, qtbot):
    window = open_window(store_with_plan)
    page = plans_shown(qtbot, window)
    choose(page, KHAN)

    page.email_action.trigger()
    qtbot.waitUntil(lambda: bool(visible_message_boxes(page)), timeout=TIMEOUT_MS)
    [box] = visible_message_boxes(page)
    assert box.text() == "Khan Ltd has no usable e-mail address."
    printed = next(b for b in box.buttons()
                   if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    printed.click()

    preview = shown(qtbot, window, PdfPreviewDialog)
    try:
        assert preview.windowTitle() == "Payment plan agreement – Khan Ltd"
    finally:
        preview.reject()
