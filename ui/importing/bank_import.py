"""File → Import Bank Statement… and File → Bank Statements…: the window's way in.

Pick the statement; for a bank's CSV, the column mapping saved in the import; read and
match it off the GUI thread with progress (Cancel stops it); then the review. A file
Duly cannot read is refused in the user's words and nothing is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from ui.common import file_pickers, messages
from ui.common.tasks import Progress, TaskRunner

# The window builds this at start; the matching, the ledger and the dialogs (a third of
# a second of imports) wait until a statement is imported or the list is asked for.
if TYPE_CHECKING:
    from models.bank_review import KeptStatement, StatementReview
    from ui.importing.bank_review_dialog import BankReviewDialog
    from ui.importing.bank_statements_dialog import BankStatementsDialog

REFUSED_TITLE = "Duly cannot read this statement"
_TABLE_SUFFIXES = {".csv", ".tsv"}
_FOLDER_KEY = "bank/folder"
REVIEW_NAME = "bankReviewDialog"  # the dialogs' object names, to find them open
STATEMENTS_NAME = "bankStatementsDialog"


class BankImport(QObject):
    """The bank statement actions of the File menu, and the flow they start."""

    review_opened = Signal(object)
    """A statement was read and its review opened (the ``BankReviewDialog``)."""

    def __init__(self, window: QWidget, tasks: TaskRunner, today: Callable[[], dt.date],
                 currency: Callable[[], str], *, settings: QSettings | None = None,
                 show_help: Callable[[str], object] | None = None) -> None:
        """``currency`` is the business's (a CSV without a currency column is read in
        it unless the user says otherwise); ``show_help`` opens a page of the guide."""
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._today = today
        self._currency = currency
        self._settings = settings
        self._show_help = show_help
        self.import_action = QAction("Import &Bank Statement…", window)
        self.import_action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.import_action.setStatusTip("Match the credits of your bank statement (OFX, "
                                        "CAMT.053, MT940 or CSV) to customers and invoices")
        self.import_action.triggered.connect(self.start)
        self.statements_action = QAction("Bank S&tatements…", window)
        self.statements_action.setStatusTip("The bank statements recorded; undo one")
        self.statements_action.triggered.connect(self.show_statements)
        self.actions = (self.import_action, self.statements_action)
        self.set_enabled(False)

    def set_enabled(self, enabled: bool) -> None:
        """Offer the actions while a store is open."""
        for action in self.actions:
            action.setEnabled(enabled)

    def close_all(self) -> None:
        """Close the review and the list of statements (the store is closing); what was
        not recorded is dropped."""
        for review in self._dialogs(REVIEW_NAME):
            review.discard()
        for listed in self._dialogs(STATEMENTS_NAME):
            listed.reject()

    def review(self) -> BankReviewDialog | None:
        """The review open, if any (one closed may wait a moment to be deleted)."""
        return next((d for d in self._dialogs(REVIEW_NAME) if d.isVisible()), None)

    def _dialogs(self, name: str) -> list[Any]:
        return self._window.findChildren(QDialog, name)

    # --- importing ------------------------------------------------------------

    def start(self) -> None:
        """Ask for the statement, then read it (one review at a time)."""
        open_review = self.review()
        if open_review is not None:
            open_review.raise_()
            return
        path = file_pickers.choose_bank_statement(self._window, self._folder())
        if path is None:
            return
        self._remember_folder(path)
        if path.suffix.lower() in _TABLE_SUFFIXES:
            self.ask_mapping(path)
        else:
            self.read(path)

    def ask_mapping(self, path: Path) -> None:
        """Ask which saved column mapping reads the bank's CSV at ``path``, then read it."""
        from models.imports.mappings import mapping_names
        from ui.importing.bank_mapping_dialog import BankMappingDialog

        names = mapping_names()
        if not names:
            messages.show_message(
                self._window, QMessageBox.Icon.Information, REFUSED_TITLE,
                f"{path.name} is a table, and Duly reads a bank's CSV with a column mapping "
                f"you save once.",
                informative="Choose File → Import…, pick the CSV, choose “Map the columns "
                            "myself” and show Duly the day, the amount paid, the payer and "
                            "the reference; save the mapping under a name. Then import the "
                            "statement again. Or export the statement from your bank as "
                            "OFX, CAMT.053 or MT940, which need no mapping.")
            return

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer is not None:
                self.read(path, mapping=answer[0], currency=answer[1])

        BankMappingDialog.ask(self._window, path.name, names, self._currency(), chosen)

    def read(self, path: Path, *, mapping: str | None = None,
             currency: str | None = None) -> None:
        """Read and match the statement at ``path`` off the GUI thread, then review it."""
        from models.bank_formats import read_statement
        from models.bank_review import review_statement

        def work(progress: Progress) -> StatementReview:
            statement = read_statement(path, mapping=mapping, currency=currency)
            return review_statement(statement, progress)

        self._tasks.run(work, label=f"Reading and matching {path.name}…", cancellable=True,
                        on_success=self.open_review, on_failure=self._refused)

    def open_review(self, review: StatementReview) -> BankReviewDialog | None:
        """Open the review of a statement read (a statement with no money received says
        so instead)."""
        from ui.importing.bank_review_dialog import BankReviewDialog

        statement = review.preview.statement
        if not statement.credits:
            box = messages.show_message(
                self._window, QMessageBox.Icon.Information, "Nothing to match",
                f"{statement.file_name} holds no money received: only payments in are "
                f"matched to customers.", informative="Nothing was recorded.")
            box.setObjectName("bankNothing")
            return None
        dialog = BankReviewDialog(self._window, self._tasks, review, today=self._today,
                                  show_help=self._show_help)
        dialog.open()
        self.review_opened.emit(dialog)
        return dialog

    def _refused(self, error: BaseException) -> bool:
        from models.bank_formats import StatementRefused

        if not isinstance(error, StatementRefused):
            return False
        box = messages.show_message(self._window, QMessageBox.Icon.Warning, REFUSED_TITLE,
                                    error.message, informative="Nothing was recorded.")
        box.setObjectName("bankRefused")
        return True

    # --- statements recorded --------------------------------------------------

    def show_statements(self) -> None:
        """List the statements recorded, to undo one."""
        from models.bank_review import kept_statements

        def work(_progress: Progress) -> list[KeptStatement]:
            return kept_statements()

        self._tasks.run(work, on_success=self._open_statements)

    def _open_statements(self, statements: list[KeptStatement]) -> BankStatementsDialog:
        from ui.importing.bank_statements_dialog import BankStatementsDialog

        dialog = BankStatementsDialog(self._window, self._tasks, statements,
                                      import_statement=self.start)
        dialog.open()
        return dialog

    # --- where statements are ---------------------------------------------------

    def _folder(self) -> Path:
        if self._settings is not None:
            folder = Path(str(self._settings.value(_FOLDER_KEY, "") or ""))
            if str(folder) not in ("", ".") and folder.is_dir():
                return folder
        return Path.home()

    def _remember_folder(self, path: Path) -> None:
        if self._settings is not None:
            self._settings.setValue(_FOLDER_KEY, str(path.parent))
