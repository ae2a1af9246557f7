"""The Claims tab of the Collections area: customers with a letter before action sent, or
long enough overdue for one, with the days left to answer; the letter (shown, then
recorded as sent when first printed or saved) and the claim pack.

The list and the PDFs are read and built off the GUI thread through the window's task
helper (``context.tasks``); models.claims chooses the letter and works out the figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QMessageBox, QVBoxLayout, QWidget

from models.changes import Change, changes
from models.claims import ClaimRow, claim_pack, claim_rows, record_claim_letter
from models.errors import LedgerError
from models.kinds import ClaimLetterKind, LegalForm
from models.money import format_money
from ui.collections.tab import CollectionsTab
from ui.common import messages
from ui.common.area import AreaContext
from ui.common.list_table import list_table
from ui.common.page_actions import page_action
from ui.common.rows_model import Column, Paint, RowsModel, format_day
from ui.common.style import ERROR, mute
from ui.common.tasks import Progress

_NEVER = dt.date.max.toordinal() + 1


def _days_left(row: ClaimRow) -> str:
    if row.days_left is None:
        return ""
    if row.days_left < 0:
        return f"{-row.days_left} days ago"
    return "today" if row.days_left == 0 else f"{row.days_left}"


class ClaimsModel(RowsModel):
    """The Claims list: a row a customer."""

    columns = (
        Column("Customer", lambda r: r.customer_name, lambda r: r.customer_name.casefold()),
        Column("Kind", lambda r: LegalForm.word_for(r.legal_form), lambda r: str(r.legal_form),
               tooltip=lambda r: ClaimLetterKind.word_for(r.letter_kind)),
        Column("Amount", lambda r: format_money(r.principal_minor, r.currency),
               lambda r: r.principal_minor, money=True),
        Column("Letter sent", lambda r: format_day(r.sent_on) if r.sent_on else "ready",
               lambda r: r.sent_on.toordinal() if r.sent_on else _NEVER),
        Column("Respond by", lambda r: format_day(r.respond_by) if r.respond_by else "",
               lambda r: r.respond_by.toordinal() if r.respond_by else _NEVER),
        Column("Days left", _days_left,
               lambda r: r.days_left if r.days_left is not None else _NEVER),
        Column("Claim with interest", lambda r: format_money(r.claim_minor, r.currency),
               lambda r: r.claim_minor, money=True),
    )

    def row_key(self, row: Any) -> object:
        """A row is known by its customer."""
        return row.customer_id

    def _foreground(self, row: Any, column: int) -> Paint:
        if column == 5 and row.days_left is not None and row.days_left < 0:
            return QColor(ERROR)  # the deadline has passed: a claim can be issued
        return None


class ClaimsTab(CollectionsTab):
    """Claims: letters before action and claim packs."""

    title = "Claims"
    reads = changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY, Change.CONTACTS,
                    Change.FOLLOW_UP, Change.POLICIES)

    def __init__(self, context: AreaContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.letter_action = page_action(
            self, "&Letter Before Action…", "Ctrl+Alt+A", self._on_letter_action_triggered,
            bar_text="Letter Before Action",
            tip="Show the letter before a claim the law asks for; it is recorded as sent "
                "when you print or save it")
        self.pack_action = page_action(
            self, "Claim &Pack…", "Ctrl+Alt+P", self._on_pack_action_triggered,
            bar_text="Claim Pack",
            tip="Show the claim pack: particulars, interest, compensation, court fee and "
                "evidence")
        self.model = ClaimsModel(self)
        self.table = list_table(self.model, "claimsTable", "Claims")
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(self.open_chosen_customer)
        self.count_label = QLabel()
        mute(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

    # --- CollectionsTab ----------------------------------------------------------------

    def reload(self) -> None:
        """Read the list again, as it stands today."""
        as_of = self.context.today()

        def load(_progress: Progress) -> list[ClaimRow]:
            return claim_rows(as_of)

        self.context.tasks.run(load, on_success=self._on_loaded, latest=(self, "load"))

    def clear(self) -> None:
        """Forget the list (the store was closed)."""
        self.context.tasks.forget((self, "load"))
        self.model.set_rows([])
        self.count_label.clear()
        self.choice_changed.emit()

    def actions(self) -> list[QAction]:
        """Letter Before Action… and Claim Pack…"""
        return [self.letter_action, self.pack_action]

    def current_customer_id(self) -> int | None:
        """The customer of the row chosen."""
        row = self.current_row()
        return row.customer_id if row is not None else None

    def enable_actions(self) -> None:
        """Both need a customer chosen."""
        chosen = self.current_row() is not None
        self.letter_action.setEnabled(chosen)
        self.pack_action.setEnabled(chosen)

    # --- public ------------------------------------------------------------------------------

    def current_row(self) -> ClaimRow | None:
        """The row chosen, if any."""
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        return row if isinstance(row, ClaimRow) else None

    def select_customer(self, customer_id: int) -> bool:
        """Choose the row of ``customer_id``; False when it is not listed."""
        position = self.model.position_of(customer_id)
        if position < 0:
            return False
        self.table.selectRow(position)
        return True

    # --- reading ---------------------------------------------------------------------------

    def _on_loaded(self, rows: list[ClaimRow]) -> None:
        chosen = self.current_customer_id()
        self.model.set_rows(rows)
        if chosen is not None:
            self.select_customer(chosen)
        sent = sum(1 for r in rows if r.sent_on is not None)
        self.count_label.setText(f"{len(rows)} customers: {sent} sent a letter before action, "
                                 f"{len(rows) - sent} ready for one (30 days or more overdue)."
                                 if rows else "No customer is overdue long enough for a "
                                              "letter before action.")
        self.update_actions()
        self.choice_changed.emit()

    def _on_selection_changed(self, *_args: object) -> None:
        self.update_actions()
        self.choice_changed.emit()

    # --- the letter and the pack -------------------------------------------------------------

    def _on_letter_action_triggered(self) -> None:
        row = self.current_row()
        if row is None:
            return
        from reports.claim_pack import claim_letter_data, render_claim_letter
        from ui.common.pdf_files import Keeping, PdfFile, discard_pdf, new_pdf_path

        as_of = self.context.today()
        kind = ClaimLetterKind.word_for(row.letter_kind)
        name = f"{kind} {row.customer_name} {as_of.isoformat()}.pdf".replace("/", "-")

        def make_pdf() -> PdfFile:
            data = claim_letter_data(row.customer_id, as_of)
            path = new_pdf_path(name)
            try:
                render_claim_letter(data, path)
            except BaseException:
                discard_pdf(path)
                raise
            return PdfFile(path, f"{kind} – {row.customer_name}", name, data.warnings)

        def build(_progress: Progress) -> PdfFile:
            return make_pdf()

        def show(pdf: PdfFile) -> None:
            from ui.common.pdf_preview import PdfPreviewDialog

            def record(_progress: Progress) -> tuple[PdfFile, Any]:
                recorded = make_pdf()
                try:
                    sent = record_claim_letter(row.customer_id, as_of)
                except BaseException:
                    discard_pdf(recorded.path)
                    raise
                return replace(recorded, keep=None), sent

            def kept(sent: Any) -> None:
                self.notice.emit(f"{kind} to {row.customer_name} recorded as sent; they have "
                                 f"until {format_day(sent.respond_by)} to reply.")
                self.reload()

            keeping = Keeping(work=record, kept=kept,
                              label=f"Recording the {kind.lower()} as sent…",
                              changes=changes(Change.CONTACTS))
            PdfPreviewDialog.show_pdf(self.window(), replace(pdf, keep=keeping),
                                      self.context.tasks)

        self.context.tasks.run(build, label=f"Building the {kind.lower()}…", on_success=show,
                               on_failure=self._told)

    def _on_pack_action_triggered(self) -> None:
        row = self.current_row()
        if row is None:
            return
        from reports.claim_pack import render_claim_pack
        from ui.common.pdf_files import PdfFile, discard_pdf, new_pdf_path

        as_of = self.context.today()
        name = f"Claim pack {row.customer_name} {as_of.isoformat()}.pdf".replace("/", "-")

        def build(_progress: Progress) -> PdfFile:
            pack = claim_pack(row.customer_id, as_of)
            path = new_pdf_path(name)
            try:
                render_claim_pack(pack, path)
            except BaseException:
                discard_pdf(path)
                raise
            return PdfFile(path, f"Claim pack – {row.customer_name}", name, pack.warnings)

        def show(pdf: PdfFile) -> None:
            from ui.common.pdf_preview import PdfPreviewDialog

            PdfPreviewDialog.show_pdf(self.window(), pdf, self.context.tasks)

        self.context.tasks.run(build, label="Building the claim pack…", on_success=show,
                               on_failure=self._told)

    def _told(self, error: BaseException) -> bool:
        """A refusal in a message box (True); anything else is the task helper's."""
        if not isinstance(error, LedgerError):
            return False
        messages.show_message(self, QMessageBox.Icon.Warning, "Claims", error.message)
        return True
