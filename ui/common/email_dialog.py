"""Compose an e-mail to a customer before it is sent: who it goes to, its subject and
text (drafted from the template, editable), and the PDF it carries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from models.ledger import LedgerError
from models.templating import check_words
from ui.common.ledger_dialog import LedgerDialog
from ui.common.settings_form import settings_form
from ui.common.style import mute


@dataclass(frozen=True)
class EmailDraft:
    """An e-mail to compose: to whom, what it says, and the name of the PDF attached."""

    customer_name: str
    to: tuple[tuple[str, str], ...]  # (name, address)
    subject: str
    text: str
    attachment_name: str  # "": the e-mail carries no PDF
    note: str = ""  # something to check before sending (e.g. not in their language)


@dataclass(frozen=True)
class ComposedEmail:
    """The subject and text as the user left them."""

    subject: str
    text: str


def recipients_text(to: Sequence[tuple[str, str]]) -> str:
    """The recipients as a line: "Ana Ruiz <ana@example.com>, billing@example.com"."""
    return ", ".join(f"{name} <{address}>" if name else address for name, address in to)


class EmailDialog(LedgerDialog):
    """The e-mail as it will be sent; Send queues it and hands it to the mail server."""

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[ComposedEmail | None], None], *,
            draft: EmailDraft, title: str = "E-mail Statement",
            error: LedgerError | None = None) -> EmailDialog:
        """Open the dialog; ``done`` later receives what was composed, or None."""
        dialog = cls(parent, draft=draft, title=title)
        dialog.open_for(done, lambda: dialog.composed, error)
        return dialog

    def __init__(self, parent: QWidget | None = None, *, draft: EmailDraft,
                 title: str = "E-mail Statement") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(620)
        self.composed: ComposedEmail | None = None
        # Read-only: every address shows (and can be copied), however many there are.
        self.to_label = QLineEdit(recipients_text(draft.to))
        self.to_label.setObjectName("emailTo")
        self.to_label.setReadOnly(True)
        self.to_label.setCursorPosition(0)
        self.to_label.setToolTip("The customer's billing contacts and billing e-mail; change "
                                 "them on the customer")
        self.subject_edit = QLineEdit(draft.subject)
        self.subject_edit.setObjectName("emailSubject")
        self.subject_edit.textEdited.connect(lambda _text: self._errors.clear("subject"))
        self.text_edit = QPlainTextEdit(draft.text)
        self.text_edit.setObjectName("emailText")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(260)
        self.text_edit.textChanged.connect(lambda: self._errors.clear("text"))
        self.attachment_label = _plain(f"{draft.attachment_name} (PDF)")
        self.attachment_label.setObjectName("emailAttachment")
        mute(self.attachment_label)
        form = settings_form()
        form.addRow("To:", self.to_label)
        form.addRow("&Subject:", self._errors.wrap("subject", self.subject_edit))
        form.addRow("&Text:", self._errors.wrap("text", self.text_edit))
        if draft.attachment_name:
            form.addRow("Attached:", self.attachment_label)
        self.note_label = _plain(draft.note)
        self.note_label.setObjectName("emailNote")
        self.note_label.setWordWrap(True)
        mute(self.note_label)
        if draft.note:
            form.addRow("", self.note_label)
        self.send_button = self._buttons("&Send")
        self._lay_out(title, f"To {draft.customer_name}. Check the text: it is sent as "
                             f"shown, and kept in the customer's contact log.", form)
        self.text_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _take_input(self) -> None:
        subject = self.subject_edit.text().strip()
        check_words(subject, self.text_edit.toPlainText(), email=True)
        self.composed = ComposedEmail(subject, self.text_edit.toPlainText())


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names come from the user
    return label
