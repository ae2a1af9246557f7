"""The account's documents, shown ready to print: a statement built as the user asks, and
the PDF a sent e-mail carried, as it was sent.

The Customers page owns one :class:`AccountDocuments`; both are built off the GUI
thread and shown in the shared PDF preview.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from models.customer_account import CustomerHeader
from models.errors import LedgerError
from models.kinds import ContactKind
from ui.common import messages
from ui.common.pdf_files import PdfFile, discard_pdf, new_pdf_file, new_pdf_path
from ui.common.tasks import Progress, TaskRunner
from ui.customers.statement_dialog import (
    STATEMENT_FIELDS,
    StatementDialog,
    StatementRequest,
    build_statement,
)


class AccountDocuments(QObject):
    """Builds the account's statement, or fetches an e-mail's attachment, and shows it."""

    def __init__(self, parent: QWidget, tasks: TaskRunner, today: Callable[[], dt.date],
                 header: Callable[[], CustomerHeader | None]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._today = today
        self._header = header

    def ask_statement(self) -> None:
        """Ask which statement the customer shown gets, then build it and show it."""
        self._ask_statement()

    def _ask_statement(self, request: StatementRequest | None = None,
                       error: LedgerError | None = None) -> None:
        header = self._header()
        if header is None:
            return
        StatementDialog.ask(
            self._parent, lambda result: self._on_statement_dialog_finished(header, result),
            customer_name=header.name, today=self._today(), request=request, error=error)

    def open_attachment(self, customer_name: str, contact_id: int,
                        kind: str = ContactKind.EMAIL) -> None:
        """Show the PDF the e-mail logged as ``contact_id`` carried, or the letter it
        sent, printed again as it was sent (to print or save once more)."""
        from models.outbox import attachment_of_contact
        from reports.due_letters import print_recorded_letters

        def attachment(_progress: Progress) -> PdfFile:
            name, content = attachment_of_contact(contact_id)
            path = new_pdf_file(name, content)
            return PdfFile(path, f"{Path(name).stem} – {customer_name}", name)

        def letter(progress: Progress) -> PdfFile:
            path = new_pdf_path("Letter.pdf")
            try:
                printed = print_recorded_letters([contact_id], path, progress=progress)
            except BaseException:
                discard_pdf(path)
                raise
            return PdfFile(path, f"Letter – {customer_name}", path.name, printed.warnings)

        work = letter if kind == ContactKind.LETTER else attachment

        def failed(error: BaseException) -> bool:
            if not isinstance(error, LedgerError):
                return False
            messages.show_message(self._parent, QMessageBox.Icon.Information, "Duly",
                                  error.message)
            return True

        self._tasks.run(work, on_success=self._show, on_failure=failed)

    def _on_statement_dialog_finished(self, header: CustomerHeader,
                                      request: StatementRequest | None) -> None:
        if request is None:
            return
        today = self._today()

        def build(_progress: Progress) -> PdfFile:
            return build_statement(header.id, header.name, header.code, request, today)

        def failed(error: BaseException) -> bool:
            if not isinstance(error, LedgerError):
                return False
            if error.field in STATEMENT_FIELDS:
                self._ask_statement(request, error)
            else:
                messages.show_message(self._parent, QMessageBox.Icon.Warning, "Statement",
                                      error.message)
            return True

        self._tasks.run(build, label="Building the statement…", on_success=self._show,
                        on_failure=failed)

    def _show(self, pdf: PdfFile) -> None:
        from ui.common.pdf_preview import PdfPreviewDialog

        PdfPreviewDialog.show_pdf(self._parent.window(), pdf, self._tasks)
