"""The Disputes tab: every dispute case, open and closed, by category and age; the chosen
case's invoices, what the customer said, its notes and files; and what to do with it:
open a new one, add a note or a file, settle it by credit note, reject it, or record that
the customer withdrew it.

The cases and a case's notes are read off the GUI thread through the window's task
helper under ``latest`` keys; every write goes through ``models.disputes`` (and
``models.dispute_credits`` for a credit note) as a write of the task helper, after which
the tab reads itself again and says what it did in the page's notice line.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import tempfile
from pathlib import Path

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from models.changes import Change, changes
from models.dispute_choices import (
    DisputableInvoice,
    DisputeCustomer,
    disputable_invoices,
    dispute_customers,
)
from models.dispute_credits import resolve_by_credit
from models.disputes import (
    DEFAULT_DISPUTE_AGE_DAYS,
    MAX_DISPUTE_AGE_DAYS,
    AttachedFile,
    CaseNote,
    DisputeRow,
    add_note,
    attach_file,
    attached_file,
    case_notes,
    dispute_age_days,
    disputes,
    open_dispute,
    reject_dispute,
    set_dispute_age_days,
    withdraw_dispute,
)
from models.errors import LedgerError
from models.files import refuse_store_file, whole_file
from models.kinds import DisputeCategory, DisputeStatus
from models.money import format_money
from ui.collections.case_note_dialog import CaseNoteDialog
from ui.collections.dispute_credit_dialog import CreditEntry, DisputeCreditDialog
from ui.collections.disputes_model import (
    ALL,
    STATES,
    CaseLinesModel,
    CaseNotesModel,
    DisputesModel,
)
from ui.collections.tab import CollectionsTab
from ui.common.area import AreaContext
from ui.common.dispute_dialog import DisputeDialog, DisputeEntry, DisputeSetup
from ui.common.form_writes import FormWrites
from ui.common.list_table import list_table
from ui.common.page_actions import page_action
from ui.common.reason_dialog import ReasonDialog
from ui.common.rows_model import format_day
from ui.common.style import mute, scale_font
from ui.common.tasks import Progress

# A case's writes: its invoices' statuses (and so what is chased); a credit note is money.
_CASE = changes(Change.INVOICES)
_CREDIT = changes(Change.INVOICES, Change.MONEY)
_AGE_SETTING = changes(Change.POLICIES)  # Today lists the disputes open longer
_ATTACH_FILTER = "Photos, PDFs and documents (*.pdf *.png *.jpg *.jpeg *.heic *.txt *.eml " \
                 "*.msg *.doc *.docx *.odt);;All files (*)"


def choose_attachment(parent: QWidget) -> Path | None:
    """Ask which file to keep with the case; None if the user cancels."""
    name, _ = QFileDialog.getOpenFileName(parent, "Attach a file to the dispute",
                                          str(Path.home()), _ATTACH_FILTER)
    return Path(name) if name else None


def choose_save_path(parent: QWidget, suggested: str) -> Path | None:
    """Ask where to save a file kept with a case; None if the user cancels."""
    name, _ = QFileDialog.getSaveFileName(parent, "Save the file", str(Path.home() / suggested))
    return Path(name) if name else None


def show_file(path: Path) -> bool:
    """Open ``path`` in the program the computer uses for it."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class DisputesTab(CollectionsTab):
    """Disputes: every dispute case, open and closed, by category and age."""

    title = "Disputes"
    reads = changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY, Change.POLICIES,
                    Change.BUSINESS)

    loaded = Signal()
    """The cases were read and are on show."""
    notes_loaded = Signal(int)
    """The chosen case's notes and files were read (the case's id)."""
    file_ready = Signal(str)
    """A file kept with a case was written out (its path), to open or as saved."""

    def __init__(self, context: AreaContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.tasks = context.tasks
        self._today = context.today
        self._writes = FormWrites(self, self.tasks)
        self._writes.busy_changed.connect(self.update_actions)
        self._want_case: int | None = None
        self.dispute_dialog: DisputeDialog | None = None
        self._build_actions()
        self._build()
        self.update_actions()

    # --- CollectionsTab ----------------------------------------------------------

    def reload(self) -> None:
        """Read every case again as it stands today."""
        as_of = self._today()

        def load(_progress: Progress) -> tuple[list[DisputeRow], int]:
            return disputes(as_of=as_of), dispute_age_days()

        self.tasks.run(load, on_success=lambda result: self._on_load_task_succeeded(
            as_of, *result), latest=(self, "load"))

    def clear(self) -> None:
        """Forget the cases shown (the store was closed)."""
        self.tasks.forget((self, "load"))
        self.tasks.forget((self, "notes"))
        self.cases.set_rows([])
        self._show_chosen()
        self._update_count()

    def actions(self) -> list[QAction]:
        """New Dispute, then what can be done with the chosen case."""
        return [self.new_action, self.note_action, self.attach_action, self.credit_action,
                self.reject_action, self.withdraw_action]

    def current_customer_id(self) -> int | None:
        """The customer of the case chosen."""
        case = self.current_case()
        return case.customer_id if case is not None else None

    def enable_actions(self) -> None:
        """New Dispute always; the rest as the case chosen allows, none while writing."""
        case = self.current_case()
        idle = not self._writes.busy
        is_open = case is not None and case.status == DisputeStatus.OPEN
        self.new_action.setEnabled(idle)
        self.note_action.setEnabled(idle and case is not None)
        self.attach_action.setEnabled(idle and case is not None)
        for action in (self.credit_action, self.reject_action, self.withdraw_action):
            action.setEnabled(idle and is_open)

    # --- public ----------------------------------------------------------

    def current_case(self) -> DisputeRow | None:
        """The case chosen in the list, if any."""
        rows = self.cases_table.selectionModel().selectedRows()
        row = self.cases.row_at(rows[0].row()) if rows else None
        return row if isinstance(row, DisputeRow) else None

    def select_case(self, case_id: int) -> bool:
        """Choose case ``case_id``; False if it is not shown."""
        position = self.cases.position_of(case_id)
        if position < 0:
            return False
        self.cases_table.selectRow(position)
        self.cases_table.scrollTo(self.cases.index(position, 0))
        return True

    def current_note(self) -> CaseNote | None:
        """The note or file chosen in the case's notes."""
        rows = self.notes_table.selectionModel().selectedRows()
        row = self.notes.row_at(rows[0].row()) if rows else None
        return row if isinstance(row, CaseNote) else None

    # --- building ----------------------------------------------------------

    def _build_actions(self) -> None:
        # Ctrl+N is the window's New Company; the other tabs use Ctrl+Shift keys.
        self.new_action = page_action(
            self, "&New Dispute…", "Ctrl+Alt+N", self._on_new_action_triggered,
            bar_text="New Dispute",
            tip="Open a dispute case: a customer's invoices, all or part of each, and why")
        self.note_action = page_action(
            self, "Add &Note…", "Ctrl+Alt+O", self._on_note_action_triggered,
            bar_text="Add Note", tip="Keep a note with the chosen dispute")
        self.attach_action = page_action(
            self, "A&ttach File…", "Ctrl+Alt+F", self._on_attach_action_triggered,
            bar_text="Attach File",
            tip="Keep a file with the chosen dispute (a photo, a letter, a delivery note)")
        self.credit_action = page_action(
            self, "Resolve by &Credit Note…", "Ctrl+Alt+C", self._on_credit_action_triggered,
            bar_text="Credit Note",
            tip="Settle the chosen dispute with a credit note for part or all of it")
        self.reject_action = page_action(
            self, "&Reject Dispute…", "Ctrl+Alt+J", self._on_reject_action_triggered,
            bar_text="Reject",
            tip="Stand by the invoices: the dispute ends and chasing resumes at the stage "
                "reached")
        self.withdraw_action = page_action(
            self, "&Withdrawn by Customer…", "Ctrl+Alt+W", self._on_withdraw_action_triggered,
            bar_text="Withdrawn", tip="Record that the customer withdrew the chosen dispute")

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("disputesSearch")
        self.search_edit.setPlaceholderText("Customer name or code")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaximumWidth(240)
        self.search_edit.textChanged.connect(self._on_search_edit_changed)
        find = QLabel("C&ustomer:")
        find.setBuddy(self.search_edit)
        self.state_combo = QComboBox()
        self.state_combo.setObjectName("disputesState")
        self.state_combo.setAccessibleName("Show disputes")
        self.state_combo.addItems(list(STATES))
        self.state_combo.currentIndexChanged.connect(self._on_state_combo_changed)
        show = QLabel("&Show:")
        show.setBuddy(self.state_combo)
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("disputesCategory")
        self.category_combo.setAccessibleName("Kind of dispute")
        self.category_combo.addItem("Every kind", None)
        for category in DisputeCategory:
            self.category_combo.addItem(category.word, category)
        self.category_combo.currentIndexChanged.connect(self._on_category_combo_changed)
        kind = QLabel("&Kind:")
        kind.setBuddy(self.category_combo)
        self.count_label = QLabel()
        mute(self.count_label)
        self.age_spin = QSpinBox()
        self.age_spin.setObjectName("disputesAgeLimit")
        self.age_spin.setRange(1, MAX_DISPUTE_AGE_DAYS)
        self.age_spin.setValue(DEFAULT_DISPUTE_AGE_DAYS)
        self.age_spin.setSuffix(" days")
        self.age_spin.setAccessibleName("Flag disputes open longer than")
        self.age_spin.setToolTip("A dispute open longer than this is shown in red here and "
                                 "listed on Today")
        self.age_spin.editingFinished.connect(self._on_age_spin_editing_finished)
        flag = QLabel("&Flag after:")
        flag.setBuddy(self.age_spin)
        for widget in (show, self.state_combo, kind, self.category_combo, find,
                       self.search_edit):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addSpacing(12)
        bar.addWidget(flag)
        bar.addWidget(self.age_spin)

        self.cases = DisputesModel(self)
        self.cases_table = self.tab_list(
            self.cases, "disputesTable", "Dispute cases", (190, 150, 120, 120, 100, 80, 90),
            chosen=self._on_cases_table_selection_changed)
        self.empty_label = QLabel("No dispute yet. When a customer disputes an invoice, "
                                  "choose New Dispute (Ctrl+Alt+N) or Dispute Invoice on "
                                  "their account.")
        self.empty_label.setObjectName("disputesEmpty")
        self.empty_label.setWordWrap(True)
        mute(self.empty_label)
        self.empty_label.hide()
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.cases_table, 1)
        upper_layout.addWidget(self.empty_label)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("disputesSplitter")
        splitter.addWidget(upper)
        splitter.addWidget(self._build_detail())
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([380, 320])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    def _build_detail(self) -> QWidget:
        self.case_heading = QLabel()
        self.case_heading.setObjectName("disputeHeading")
        self.case_heading.setTextFormat(Qt.TextFormat.PlainText)
        scale_font(self.case_heading, 1.15, bold=True)
        self.case_label = QLabel()
        self.case_label.setObjectName("disputeDetails")
        self.case_label.setTextFormat(Qt.TextFormat.PlainText)
        self.case_label.setWordWrap(True)
        self.case_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.case_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.lines = CaseLinesModel(self)
        self.lines_table = list_table(self.lines, "disputeLines", "Invoices of the dispute")
        self.lines_table.setParent(self)
        self.lines_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 6, 6, 0)
        left_layout.addWidget(self.case_heading)
        left_layout.addWidget(self.case_label)
        left_layout.addWidget(self.lines_table, 1)

        notes_title = QLabel("Notes and files")
        scale_font(notes_title, 1.0, bold=True)
        self.notes = CaseNotesModel(self)
        self.notes_table = list_table(self.notes, "disputeNotes", "Notes and files of the "
                                                                  "dispute")
        self.notes_table.setParent(self)
        self.notes_table.horizontalHeader().resizeSection(0, 130)
        self.notes_table.selectionModel().selectionChanged.connect(self._update_file_buttons)
        self.notes_table.doubleClicked.connect(self._on_notes_table_double_clicked)
        self.open_file_button = QPushButton("&Open File")
        self.open_file_button.setObjectName("openDisputeFile")
        self.open_file_button.setToolTip("Open the chosen file in the program your computer "
                                         "uses for it")
        self.open_file_button.clicked.connect(self._on_open_file_button_clicked)
        self.save_file_button = QPushButton("&Save File…")
        self.save_file_button.setObjectName("saveDisputeFile")
        self.save_file_button.setToolTip("Save a copy of the chosen file")
        self.save_file_button.clicked.connect(self._on_save_file_button_clicked)
        self.notes_empty_label = QLabel("No notes or files yet: Add Note (Ctrl+Alt+O) or "
                                        "Attach File (Ctrl+Alt+F).")
        self.notes_empty_label.setObjectName("disputeNotesEmpty")
        self.notes_empty_label.setWordWrap(True)
        mute(self.notes_empty_label)
        self.notes_empty_label.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_file_button)
        buttons.addWidget(self.save_file_button)
        buttons.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 6, 0, 0)
        right_layout.addWidget(notes_title)
        right_layout.addWidget(self.notes_table, 1)
        right_layout.addWidget(self.notes_empty_label)
        right_layout.addLayout(buttons)

        detail = QSplitter(Qt.Orientation.Horizontal)
        detail.setObjectName("disputeDetailSplitter")
        detail.addWidget(left)
        detail.addWidget(right)
        detail.setChildrenCollapsible(False)
        detail.setSizes([520, 480])
        self._update_file_buttons()
        return detail

    # --- reading ----------------------------------------------------------

    def _on_load_task_succeeded(self, as_of: dt.date, rows: list[DisputeRow],
                                age_limit: int) -> None:
        chosen = self._want_case
        if chosen is None:
            case = self.current_case()
            chosen = case.case_id if case is not None else None
        self._want_case = None
        self.cases.set_cases(rows, as_of, age_limit)
        if not self.age_spin.hasFocus():
            self.age_spin.setValue(age_limit)
        self._choose(chosen)
        self._show_chosen()
        self._update_count()
        self.loaded.emit()

    def _read_notes(self, case_id: int) -> None:
        def load(_progress: Progress) -> list[CaseNote]:
            return case_notes(case_id)

        def done(notes: list[CaseNote]) -> None:
            case = self.current_case()
            if case is None or case.case_id != case_id:
                return
            chosen = self.current_note()
            self.notes.set_rows(notes)
            if chosen is not None and self.notes.position_of(chosen.note_id) >= 0:
                self.notes_table.selectRow(self.notes.position_of(chosen.note_id))
            elif notes:
                self.notes_table.selectRow(len(notes) - 1)
            self._update_file_buttons()
            self.notes_empty_label.setVisible(not notes)
            self.notes_loaded.emit(case_id)

        self.tasks.run(load, on_success=done, latest=(self, "notes"))

    # --- slots: the list ----------------------------------------------------------

    def _on_state_combo_changed(self, index: int) -> None:
        self._refilter(state=index)

    def _on_category_combo_changed(self, index: int) -> None:
        self._refilter(category=self.category_combo.itemData(index))

    def _on_search_edit_changed(self, text: str) -> None:
        self._refilter(search=text)

    def _refilter(self, **shown: object) -> None:
        case = self.current_case()
        self.cases.set_filter(**shown)  # type: ignore[arg-type]
        self._choose(case.case_id if case is not None else None)
        self._show_chosen()
        self._update_count()

    def _on_age_spin_editing_finished(self) -> None:
        days = self.age_spin.value()
        if days == self.cases.age_limit or self._writes.busy:
            return
        case = self.current_case()
        self._writes.run(lambda: set_dispute_age_days(days), _AGE_SETTING,
                         done=lambda _r: self._done(
                             case.case_id if case is not None else None,
                             f"Disputes open longer than {days} days are now flagged, and "
                             f"listed on Today."))

    def _on_cases_table_selection_changed(self, _selected: QItemSelection,
                                          _deselected: QItemSelection) -> None:
        self._show_chosen()

    # --- slots: actions ----------------------------------------------------------

    def _on_new_action_triggered(self) -> None:
        if self.new_action.isEnabled():
            self._ask_new()

    def _ask_new(self, entry: DisputeEntry | None = None,
                 error: LedgerError | None = None) -> None:
        def load(_progress: Progress) -> tuple[list[DisputeCustomer], list[DisputableInvoice]]:
            invoices = disputable_invoices(entry.customer_id) if entry is not None else []
            return dispute_customers(), invoices

        def opened(result: tuple[list[DisputeCustomer], list[DisputableInvoice]]) -> None:
            customers, invoices = result
            setup = DisputeSetup(None, "", tuple(invoices), self._today(),
                                 customers=tuple(customers))
            dialog = DisputeDialog.ask(self, self._on_dispute_dialog_finished, setup=setup,
                                       entry=entry, error=error)
            dialog.customer_chosen.connect(self._on_dispute_dialog_customer_chosen)
            self.dispute_dialog = dialog

        self.tasks.run(load, on_success=opened)

    def _on_dispute_dialog_customer_chosen(self, customer_id: int) -> None:
        dialog = self.dispute_dialog

        def load(_progress: Progress) -> list[DisputableInvoice]:
            return disputable_invoices(customer_id)

        def done(invoices: list[DisputableInvoice]) -> None:
            if dialog is not None and dialog is self.dispute_dialog:
                dialog.set_invoices(customer_id, invoices)

        self.tasks.run(load, on_success=done, latest=(self, "invoices"))

    def _on_dispute_dialog_finished(self, entry: DisputeEntry | None) -> None:
        self.dispute_dialog = None
        if entry is None:
            return
        today = self._today()

        def work() -> int:
            return open_dispute(entry.customer_id, list(entry.parts), category=entry.category,
                                customer_said=entry.customer_said, raised_on=entry.raised_on,
                                today=today)

        def done(case_id: int) -> None:
            count = len(entry.parts)
            what = "an invoice" if count == 1 else f"{count} invoices"
            self._done(case_id, f"Dispute #{case_id} opened for {entry.customer_name} on "
                                f"{what}: the amounts disputed are not chased.")

        self._writes.run(work, _CASE, done=done,
                         refused=lambda error: self._ask_new(entry, error))

    def _on_note_action_triggered(self) -> None:
        case = self.current_case()
        if case is not None and self.note_action.isEnabled():
            self._ask_note(case)

    def _ask_note(self, case: DisputeRow, text: str = "",
                  error: LedgerError | None = None) -> None:
        def finished(note: str | None) -> None:
            if note is None:
                return
            self._writes.run(lambda: add_note(case.case_id, note), _CASE,
                             done=lambda _id: self._done(
                                 case.case_id, f"Note kept with dispute #{case.case_id}."),
                             refused=lambda refusal: self._ask_note(case, note, refusal))

        CaseNoteDialog.ask(self, finished, case_words=_case_words(case), text=text,
                           error=error)

    def _on_attach_action_triggered(self) -> None:
        case = self.current_case()
        if case is None or not self.attach_action.isEnabled():
            return
        path = choose_attachment(self)
        if path is None:
            return

        def work() -> int:
            try:
                refuse_store_file(path)
                data = path.read_bytes()
            except OSError as error:
                raise LedgerError("file", f"Duly could not read {path.name}: "
                                          f"{error.strerror or error}.") from None
            kind = mimetypes.guess_type(path.name)[0] or ""
            return attach_file(case.case_id, path.name, data, file_type=kind)

        self._writes.run(work, _CASE, done=lambda _id: self._done(
            case.case_id, f"{path.name} kept with dispute #{case.case_id}."))

    def _on_credit_action_triggered(self) -> None:
        case = self.current_case()
        if case is not None and self.credit_action.isEnabled():
            self._ask_credit(case)

    def _ask_credit(self, case: DisputeRow, entry: CreditEntry | None = None,
                    error: LedgerError | None = None) -> None:
        today = self._today()

        def finished(credit: CreditEntry | None) -> None:
            if credit is None:
                return

            def work() -> int:
                return resolve_by_credit(case.case_id, number=credit.number,
                                         issue_date=credit.issue_date, reason=credit.reason,
                                         credits=list(credit.credits), today=today)

            total = format_money(sum(amount for _, amount in credit.credits), case.currency)
            self._writes.run(work, _CREDIT, done=lambda _id: self._done(
                case.case_id, f"Dispute #{case.case_id} settled: credit note "
                              f"{credit.number} for {total} posted to {case.customer_name}'s "
                              f"account."),
                refused=lambda refusal: self._ask_credit(case, credit, refusal))

        DisputeCreditDialog.ask(self, finished, case=case, today=today, entry=entry,
                                error=error)

    def _on_reject_action_triggered(self) -> None:
        case = self.current_case()
        if case is None or not self.reject_action.isEnabled():
            return
        today = self._today()

        def finished(reason: str | None) -> None:
            if reason is not None:
                self._writes.run(
                    lambda: reject_dispute(case.case_id, reason, on=today), _CASE,
                    done=lambda _r: self._done(
                        case.case_id, f"Dispute #{case.case_id} rejected: chasing "
                                      f"{case.customer_name} resumes at the stage reached."))

        ReasonDialog.ask(
            self, finished, title="Reject dispute",
            text=f"{_case_words(case)}. You stand by the invoices as issued.",
            warning="The dispute ends, and reminders resume from the stage each invoice had "
                    "reached. Your reason is kept with the case.",
            confirm="Reject Dispute", placeholder="e.g. the delivery note is signed as "
                                                  "received in good order")

    def _on_withdraw_action_triggered(self) -> None:
        case = self.current_case()
        if case is None or not self.withdraw_action.isEnabled():
            return
        today = self._today()

        def finished(note: str | None) -> None:
            if note is not None:
                self._writes.run(
                    lambda: withdraw_dispute(case.case_id, note, on=today), _CASE,
                    done=lambda _r: self._done(
                        case.case_id, f"Dispute #{case.case_id} withdrawn by "
                                      f"{case.customer_name}: its invoices are chased again."))

        ReasonDialog.ask(
            self, finished, title="Dispute withdrawn",
            text=f"{_case_words(case)}. Record that the customer withdrew it: the invoices "
                 f"are chased again.", confirm="Record Withdrawal",
            placeholder="e.g. found the goods in their warehouse; will pay this week")

    # --- slots: files ----------------------------------------------------------

    def _on_notes_table_double_clicked(self, _index: QModelIndex) -> None:
        note = self.current_note()
        if note is not None and note.file_name:
            self._on_open_file_button_clicked()

    def _on_open_file_button_clicked(self) -> None:
        note = self.current_note()
        if note is None or not note.file_name:
            return
        folder = Path(tempfile.gettempdir()) / "duly-dispute-files" / str(note.note_id)

        def work(_progress: Progress) -> Path:
            return _write_out(attached_file(note.note_id), folder / _safe_name(note.file_name))

        def done(path: Path) -> None:
            self.file_ready.emit(str(path))
            if not show_file(path):
                self.notice.emit(f"No program on this computer opens {path.name}; it is "
                                 f"at {path}.")

        self.tasks.run(work, on_success=done)

    def _on_save_file_button_clicked(self) -> None:
        note = self.current_note()
        if note is None or not note.file_name:
            return
        path = choose_save_path(self, _safe_name(note.file_name))
        if path is None:
            return

        def work(_progress: Progress) -> Path:
            return _write_out(attached_file(note.note_id), path)

        def done(saved: Path) -> None:
            self.notice.emit(f"{note.file_name} saved as {saved}.")
            self.file_ready.emit(str(saved))

        self.tasks.run(work, on_success=done)

    # --- helpers ----------------------------------------------------------

    def _done(self, case_id: int | None, text: str) -> None:
        """A write went through: say so, and read the cases again with ``case_id`` chosen."""
        self.notice.emit(text)
        self._want_case = case_id
        self.reload()

    def _choose(self, case_id: int | None) -> None:
        """Choose ``case_id`` again if it is still shown, else the first case."""
        kept = case_id is not None and self.select_case(case_id)
        if not kept:
            if self.cases.rowCount():
                self.cases_table.selectRow(0)
            else:
                self.cases_table.clearSelection()

    def _show_chosen(self) -> None:
        case = self.current_case()
        self.lines.set_case(case)
        self.notes.set_rows([])
        self.notes_empty_label.hide()
        if case is None:
            self.case_heading.setText("")
            self.case_label.setText("Choose a dispute to see its invoices, notes and files."
                                    if self.cases.total_count() else "")
        else:
            self.case_heading.setText(f"Dispute #{case.case_id}: {case.customer_name} "
                                      f"({case.customer_code})")
            self.case_label.setText(_case_details(case))
            self._read_notes(case.case_id)
        self._update_file_buttons()
        self.update_actions()
        self.choice_changed.emit()

    def _update_count(self) -> None:
        shown, total = self.cases.rowCount(), self.cases.total_count()
        noun = "dispute" if total == 1 else "disputes"
        opened = sum(1 for row in self.cases.rows() if row.status == DisputeStatus.OPEN)
        self.count_label.setText(f"{total} {noun}" if shown == total
                                 else f"{shown} of {total} {noun} shown")
        self.count_label.setToolTip(f"{opened} of those shown open")
        self.empty_label.setVisible(total == 0)
        self.cases_table.setVisible(total > 0)

    def _update_file_buttons(self, *_args: object) -> None:
        note = self.current_note()
        has_file = note is not None and bool(note.file_name)
        self.open_file_button.setEnabled(has_file)
        self.save_file_button.setEnabled(has_file)


def _case_words(case: DisputeRow) -> str:
    """A case in a phrase: "Dispute #3, Müller GmbH: 208.42 EUR on INV-0000049"."""
    numbers = ", ".join(line.number for line in case.lines)
    return (f"Dispute #{case.case_id}, {case.customer_name}: "
            f"{format_money(case.claimed_minor, case.currency)} on {numbers}")


def _case_details(case: DisputeRow) -> str:
    """What the detail pane says of a case: kind, when, what was said, how it ended."""
    words = [f"{DisputeCategory.word_for(case.category)} · raised "
             f"{format_day(case.raised_on)} · {DisputeStatus.word_for(case.status).lower()}"]
    if case.status == DisputeStatus.OPEN and case.disputed_minor:
        words[0] += (f" · {format_money(case.disputed_minor, case.currency)} not chased "
                     f"while open")
    words.append(f"The customer said: “{case.customer_said}”")
    if case.status != DisputeStatus.OPEN:
        ended = {DisputeStatus.CREDITED: "Settled by credit note",
                 DisputeStatus.REJECTED: "Rejected",
                 DisputeStatus.WITHDRAWN: "Withdrawn by the customer"}.get(
            DisputeStatus(case.status), "Ended")
        words.append(f"{ended} on {format_day(case.resolved_on)}: {case.resolution}")
    return "\n".join(words)


def _safe_name(name: str) -> str:
    """``name`` as a file name of this computer: no folders, no characters it refuses."""
    cleaned = "".join("_" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in name).strip(". ")
    return cleaned or "file"


def _write_out(kept: AttachedFile, path: Path) -> Path:
    """Write the file kept with a case to ``path``; refused in the user's words."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with whole_file(path) as partial:
            partial.write_bytes(kept.data)
    except OSError as error:
        raise LedgerError("file", f"Duly could not write {path}: "
                                  f"{error.strerror or error}.") from None
    return path


__all__ = ["ALL", "DisputesTab"]
