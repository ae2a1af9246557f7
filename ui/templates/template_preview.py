"""The Templates area's preview: the letter as a chosen customer would get it, or what stops it.

The widget only shows what it is given; the page renders off the GUI thread
and hands over the letter, the problem (in the error colour) or a note.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont, QPalette, QTextCharFormat
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from models.customer_account import CustomerListRow
from models.money import format_money
from models.templating import RenderedLetter
from ui.common.style import ERROR, mute

FIELD_WORDS = {"subject": "In the subject line", "body": "In the text"}


def customer_choices(rows: Sequence[CustomerListRow]) -> list[CustomerListRow]:
    """Customers to preview for: those with something overdue first, each group by name."""
    return sorted(rows, key=lambda r: (r.overdue_minor <= 0, r.name.casefold(), r.code))


def customer_choice_text(row: CustomerListRow) -> str:
    """A customer as the preview's list names them, with what they have overdue."""
    if row.overdue_minor > 0:
        return f"{row.name} · {format_money(row.overdue_minor, row.currency)} overdue"
    return row.name


class TemplatePreview(QWidget):
    """A customer to fill the template in for, and the filled-in letter or the problem."""

    customer_changed = Signal()
    """The user chose another customer to preview for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Build the preview, with no customers and nothing shown."""
        super().__init__(parent)
        self._choices: list[CustomerListRow] = []
        self.customer_combo = QComboBox()
        self.customer_combo.setObjectName("previewCustomer")
        self.customer_combo.setAccessibleName("Preview for customer")
        self.customer_combo.setToolTip("The customer whose invoices fill in the preview; "
                                       "those with something overdue come first")
        self.customer_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.customer_combo.setMinimumContentsLength(16)
        self.customer_combo.setMaxVisibleItems(20)
        self.customer_combo.setSizePolicy(QSizePolicy.Policy.Expanding,
                                          QSizePolicy.Policy.Fixed)
        self.customer_combo.currentIndexChanged.connect(
            self._on_customer_combo_current_index_changed)
        heading = QLabel("Pre&view for")
        heading.setBuddy(self.customer_combo)
        bold = heading.font()
        bold.setBold(True)
        heading.setFont(bold)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(heading)
        top.addWidget(self.customer_combo, 1)

        # One scrolling page: the subject line in bold, then the text, as a reader sees it.
        self.letter_view = QTextEdit()
        self.letter_view.setObjectName("previewLetter")
        self.letter_view.setAccessibleName("Letter preview")
        self.letter_view.setReadOnly(True)
        self.letter_view.setAcceptRichText(False)
        self.letter_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.letter_view.document().setDocumentMargin(12)
        self.problem_title = QLabel()
        self.problem_title.setObjectName("previewProblemTitle")
        self.problem_title.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_title.setFont(bold)
        self.problem_title.setStyleSheet(f"color: {ERROR};")
        self.message_label = QLabel()
        self.message_label.setObjectName("previewMessage")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        message = QFrame()  # framed like the letter, so the pane keeps its place
        message.setFrameShape(QFrame.Shape.StyledPanel)
        message.setBackgroundRole(QPalette.ColorRole.Base)
        message.setAutoFillBackground(True)
        message_layout = QVBoxLayout(message)
        message_layout.setContentsMargins(14, 12, 14, 12)
        message_layout.setSpacing(6)
        message_layout.addWidget(self.problem_title)
        message_layout.addWidget(self.message_label)
        message_layout.addStretch(1)
        self._message_page = message

        self.body = QStackedWidget()
        self.body.addWidget(self.letter_view)
        self.body.addWidget(message)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)
        self._showing = "note"
        self.show_note("")

    # --- the customer ---------------------------------------------------------

    def set_customers(self, rows: Sequence[CustomerListRow]) -> None:
        """Offer ``rows`` to preview for, keeping the chosen customer if still there.

        Otherwise the first with something overdue (or the first) is chosen.
        """
        keep = self.customer_id()
        choices = customer_choices(rows)
        self._choices = choices
        blocked = self.customer_combo.blockSignals(True)
        self.customer_combo.clear()
        overdue_before = False
        for row in choices:
            overdue = row.overdue_minor > 0
            if overdue_before and not overdue:
                self.customer_combo.insertSeparator(self.customer_combo.count())
            overdue_before = overdue
            self.customer_combo.addItem(customer_choice_text(row), row.id)
        position = self.customer_combo.findData(keep) if keep is not None else -1
        self.customer_combo.setCurrentIndex(position if position >= 0 else 0)
        self.customer_combo.blockSignals(blocked)
        self.customer_combo.setEnabled(bool(choices))

    def prefer_language(self, language: str) -> None:
        """Preview for a customer who reads ``language`` (the first such, overdue first),
        unless the one chosen already does or none does."""
        languages = {row.id: row.language for row in self._choices}
        if languages.get(self.customer_id() or 0) == language:
            return
        match = next((row.id for row in self._choices if row.language == language), None)
        if match is not None:
            self.choose_customer(match)

    def customer_id(self) -> int | None:
        """The customer the preview is for, if any."""
        value = self.customer_combo.currentData()
        return int(value) if value is not None else None

    def customer_name(self) -> str:
        """The chosen customer's name as listed ("" if none)."""
        return self.customer_combo.currentText().split(" · ")[0]

    def choose_customer(self, customer_id: int) -> None:
        """Preview for ``customer_id`` (as if the user had chosen them)."""
        position = self.customer_combo.findData(customer_id)
        if position < 0:
            raise KeyError(customer_id)
        self.customer_combo.setCurrentIndex(position)

    # --- what is shown ------------------------------------------------------------

    def show_letter(self, letter: RenderedLetter, *, keep_place: bool = False) -> None:
        """Show the filled-in subject line and text, from the top unless ``keep_place``."""
        keep = keep_place and self._showing == "letter"
        scroll = self.letter_view.verticalScrollBar().value() if keep else 0
        self.letter_view.clear()
        cursor = self.letter_view.textCursor()
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        cursor.insertText(letter.subject or "(no subject line)", bold)
        cursor.insertBlock()
        cursor.insertBlock()
        cursor.insertText(letter.body.rstrip("\n"), QTextCharFormat())
        self.letter_view.verticalScrollBar().setValue(scroll)  # typing keeps the place in view
        self.body.setCurrentWidget(self.letter_view)
        self._showing = "letter"

    def show_problem(self, field: str, message: str) -> None:
        """Show why the template cannot be filled in, in the error colour."""
        self.problem_title.setText(FIELD_WORDS.get(field, "The template cannot be filled in"))
        self.problem_title.show()
        self.message_label.setText(message)
        self.message_label.setStyleSheet(f"color: {ERROR};")
        self.body.setCurrentWidget(self._message_page)
        self._showing = "problem"

    def show_note(self, text: str) -> None:
        """Show a quiet note instead of a letter (nothing to preview, no customers)."""
        self.problem_title.hide()
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)
        mute(self.message_label)
        self.body.setCurrentWidget(self._message_page)
        self._showing = "note"

    def showing(self) -> str:
        """What is shown: "letter", "problem" or "note"."""
        return self._showing

    def text(self) -> str:
        """The shown text: the letter's subject line and text, the problem, or the note."""
        if self.showing() == "letter":
            return self.letter_view.toPlainText()
        return self.message_label.text()

    @Slot(int)
    def _on_customer_combo_current_index_changed(self, _index: int) -> None:
        self.customer_changed.emit()
