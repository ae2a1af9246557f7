"""Welcoming a customer from their account: the welcome e-mail, edited and sent through
the test mail server and kept on the timeline; for a customer with no e-mail address,
the welcome letter shown to print, recorded once it is saved."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from models.kinds import ContactKind, ContactPurpose
from models.mail import recipients_of
from models.schema import Interaction
from tests.ui.customers.test_email_flow import (  # noqa: F401  (fixtures)
    TIMEOUT_MS,
    WITH_ADDRESS,
    WITHOUT_ADDRESS,
    customer_shown,
    mail,
    mail_store,
    shown,
)
from ui.common.email_dialog import EmailDialog
from ui.common.pdf_preview import PdfPreviewDialog


def welcomes(customer_id: int, kind: ContactKind):
    return Interaction.select().where((Interaction.customer == customer_id)
                                      & (Interaction.purpose == ContactPurpose.WELCOME)
                                      & (Interaction.kind == kind))


def test_a_welcome_e_mail_is_edited_sent_and_kept_on_the_timeline(
        open_window, mail_store, smtp_server, qtbot):  # noqa: F811
    window = open_window(mail_store)
    page = customer_shown(qtbot, window, WITH_ADDRESS)
    to = recipients_of(WITH_ADDRESS)
    assert page.send_welcome_action.isEnabled()
    page.send_welcome_action.trigger()
    dialog = shown(qtbot, window, EmailDialog)
    assert dialog.windowTitle() == "Send Welcome"
    assert dialog.subject_edit.text() and dialog.text_edit.toPlainText()
    assert not dialog.attachment_label.isVisible()  # a welcome carries no PDF
    dialog.subject_edit.setText("Welcome to Harbour & Finch")
    with qtbot.waitSignal(page.welcome.finished, timeout=TIMEOUT_MS):
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)

    assert page.view.notice() == f"Welcome e-mailed to {page.header.name}."
    [message] = smtp_server.received
    assert sorted(message.envelope_to) == sorted(address for _name, address in to)
    assert message["Subject"] == "Welcome to Harbour & Finch"
    assert welcomes(WITH_ADDRESS, ContactKind.EMAIL).count() == 1


def test_a_customer_without_an_address_gets_the_welcome_letter_recorded_once_saved(
        open_window, mail_store, qtbot, tmp_path: Path):  # noqa: F811
    window = open_window(mail_store)
    page = customer_shown(qtbot, window, WITHOUT_ADDRESS)
    page.send_welcome_action.trigger()
    preview = shown(qtbot, window, PdfPreviewDialog)
    try:
        assert preview.windowTitle() == f"Welcome letter – {page.header.name}"
        text = "".join(p.extract_text() for p in PdfReader(preview.pdf.path).pages)
        assert page.header.name in text
        assert welcomes(WITHOUT_ADDRESS, ContactKind.LETTER).count() == 0  # shown, not sent

        folder = tmp_path / "letters"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "welcome.pdf"
        preview.save_action.trigger()
        qtbot.waitUntil(lambda: preview.findChild(QFileDialog, "savePdfDialog") is not None)
        save = preview.findChild(QFileDialog, "savePdfDialog")
        save.selectFile(str(target))
        save.accept()
        qtbot.waitUntil(lambda: target.exists(), timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: "recorded as printed" in page.view.notice(),
                        timeout=TIMEOUT_MS)
    finally:
        preview.reject()
    assert welcomes(WITHOUT_ADDRESS, ContactKind.LETTER).count() == 1
