"""File → Import Bank Statement…, the review: every credit of the statement in three
groups (matched with certainty, suggested, unmatched), each with who Duly thinks paid,
for which invoices, how sure it is and why. The user accepts, chooses, assigns or
ignores; nothing is recorded until they confirm the summary, in one go, off the GUI
thread; the statement just recorded can be undone from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.bank_formats import bank_reference
from models.bank_matching import Confidence
from models.bank_review import (
    KeptStatement,
    PayingCustomer,
    RecordingSummary,
    StatementReview,
    last_statement,
    paying_customers,
    recording_summary,
    review_statement,
)
from models.bank_statements import BankRecorded, CreditChoice, accept, record, sure_choices
from models.dates import short_date
from models.money import format_money
from ui.common import messages
from ui.common.list_table import list_table
from ui.common.style import ACCENT, mute, scale_font
from ui.common.tasks import Progress, TaskRunner
from ui.importing.bank_confirm_dialog import BankConfirmDialog
from ui.importing.bank_customer_dialog import BankCustomerDialog
from ui.importing.bank_models import CandidatesModel, CreditRow, CreditsModel, credit_row
from ui.importing.bank_undo import BANK_CHANGES, undo_bank_statement

HELP_PAGE = "importing.html#bank"
GROUPS = (Confidence.SURE, Confidence.SUGGESTED, Confidence.UNMATCHED)
_TITLES = {Confidence.SURE: "Matched",
           Confidence.SUGGESTED: "Suggested",
           Confidence.UNMATCHED: "Unmatched"}
_HINTS = {Confidence.SURE: "one customer beyond doubt: accept them all at once",
          Confidence.SUGGESTED: "choose between the candidates below",
          Confidence.UNMATCHED: "choose the customer who paid, or mark it as not a "
                                "customer payment"}
# Date, payer, text, amount, customer, invoices, confidence, (why stretches), decision
_WIDTHS = (92, 120, 135, 105, 118, 105, 108, 0, 165)
_WHY = 7


class BankReviewDialog(QDialog):
    """A statement's credits to accept, choose, assign or ignore, then record."""

    recorded = Signal(object)
    """The choices were recorded (a ``BankRecorded``)."""
    undone = Signal(int)
    """The statement recorded from here was undone (how many payments were voided)."""

    def __init__(self, parent: QWidget | None, tasks: TaskRunner, review: StatementReview, *,
                 today: Callable[[], dt.date],
                 show_help: Callable[[str], object] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bankReviewDialog")
        self.setWindowTitle("Review Bank Statement")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(1280, 800)
        self.tasks = tasks
        self.today = today
        self.show_help = show_help
        self.review = review
        self.choices: dict[str, CreditChoice] = {}
        self.names: dict[int, str] = {}  # customers chosen by search, by id
        self.kept: KeptStatement | None = None  # the statement recorded from here
        self._customers: list[PayingCustomer] | None = None
        self._busy = False
        self._active: QTableView | None = None  # the group whose credit is in hand
        self._build_actions()
        self._build()
        self._show_review()

    # --- what the dialog shows ----------------------------------------------

    def rows(self, confidence: Confidence) -> list[CreditRow]:
        """The rows of a group, as shown."""
        return self.models[confidence].rows()

    def group_title(self, confidence: Confidence) -> str:
        """A group's heading, with its count."""
        return self.titles[confidence].text()

    def current_row(self) -> CreditRow | None:
        """The credit whose details show below the groups."""
        table = self._active_table()
        if table is None:
            return None
        return self._model_of(table).row_at(table.currentIndex().row())

    def choose_credit(self, confidence: Confidence, position: int = 0) -> None:
        """Select the credit at ``position`` in a group (as a click would)."""
        table = self.tables[confidence]
        table.setFocus(Qt.FocusReason.OtherFocusReason)
        # Not selectRow: with several rows selectable it toggles while Ctrl is held.
        table.selectionModel().setCurrentIndex(
            table.model().index(position, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self._on_table_selected(table)

    def choose_candidate(self, position: int) -> None:
        """Select the candidate at ``position`` among the current credit's."""
        self.candidates.selectRow(position)

    def choices_made(self) -> list[CreditChoice]:
        """The choices, in the statement's order."""
        order = [line.match.credit.bank_id for line in self.review.preview.lines]
        return [self.choices[i] for i in order if i in self.choices]

    # --- building -------------------------------------------------------------

    def _build_actions(self) -> None:
        def action(text: str, keys: str, slot: Callable[[], None], tip: str) -> QAction:
            made = QAction(text, self)
            made.setShortcut(QKeySequence(keys))
            native = made.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            made.setToolTip(f"{tip} ({native})")
            made.triggered.connect(slot)
            self.addAction(made)
            return made

        self.accept_sure_action = action(
            "Accept All &Sure", "Ctrl+Shift+A", self.accept_all_sure,
            "Accept every credit matched with certainty")
        self.accept_action = action(
            "&Accept", "Ctrl+Return", self.accept_selected,
            "Pay from the candidate chosen below (the best, unless you choose another)")
        self.assign_action = action(
            "Choose &Customer…", "Ctrl+F", self.assign_selected,
            "Search the customer who paid")
        self.ignore_action = action(
            "&Not a Customer Payment", "Ctrl+D", self.ignore_selected,
            "Ignore the credit now and in later imports (a refund, a transfer, a loan)")
        self.leave_action = action(
            "&Leave Undecided", "Ctrl+Backspace", self.leave_selected,
            "Record nothing for the credit: it waits for a later import")
        self.record_action = action(
            "&Review and Record…", "Ctrl+Shift+Return", self.review_and_record,
            "See what will be recorded, then record it in one go")
        self.undo_action = action(
            "&Undo Statement…", "Ctrl+Shift+Z", self.undo_recorded,
            "Void every payment recorded from this statement")

    def _build(self) -> None:
        heading = QLabel("Review Bank Statement")
        scale_font(heading, 1.4, bold=True)
        self.source_label = QLabel()
        self.source_label.setObjectName("bankSource")
        self.source_label.setTextFormat(Qt.TextFormat.PlainText)
        mute(self.source_label)
        self.notice = QLabel()
        self.notice.setObjectName("bankNotice")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(f"color: {ACCENT}; font-weight: bold;")
        self.already_label = QLabel()
        self.already_label.setObjectName("bankAlready")
        self.already_label.setTextFormat(Qt.TextFormat.PlainText)
        self.already_label.setWordWrap(True)
        mute(self.already_label)

        self.models: dict[Confidence, CreditsModel] = {}
        self.tables: dict[Confidence, QTableView] = {}
        self.titles: dict[Confidence, QLabel] = {}
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("bankGroups")
        split.setChildrenCollapsible(False)
        for confidence in GROUPS:
            split.addWidget(self._group(confidence))
        split.addWidget(self._details())
        for index in range(len(GROUPS)):
            split.setStretchFactor(index, 1)
        split.setStretchFactor(len(GROUPS), 0)
        split.setSizes([170, 170, 170, 150])
        self.split = split

        self.summary_label = QLabel()
        self.summary_label.setObjectName("bankSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        help_button = QPushButton("&Help")
        help_button.setObjectName("bankHelp")
        help_button.setVisible(self.show_help is not None)
        help_button.clicked.connect(self._on_help_clicked)
        QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), self,
                  self._on_help_clicked)
        self.undo_button = self._button(self.undo_action, "bankUndo")
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("bankClose")
        self.close_button.clicked.connect(self.reject)
        self.record_button = self._button(self.record_action, "bankReviewRecord")
        self.record_button.setDefault(True)
        foot = QHBoxLayout()
        foot.addWidget(help_button)
        foot.addSpacing(8)
        foot.addWidget(self.summary_label, 1)
        foot.addWidget(self.undo_button)
        foot.addWidget(self.close_button)
        foot.addWidget(self.record_button)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(12)
        top.addWidget(self.source_label, 1, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.already_label)
        layout.addSpacing(4)
        layout.addWidget(split, 1)
        layout.addSpacing(6)
        layout.addLayout(foot)

    def _button(self, action: QAction, name: str) -> QPushButton:
        button = QPushButton(action.text())
        button.setObjectName(name)
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        action.enabledChanged.connect(button.setEnabled)
        return button

    def _group(self, confidence: Confidence) -> QWidget:
        title = QLabel()
        title.setObjectName(f"bankTitle-{confidence}")
        scale_font(title, 1.1, bold=True)
        hint = QLabel(_HINTS[confidence])
        mute(hint)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(title)
        head.addSpacing(8)
        head.addWidget(hint, 1)
        if confidence is Confidence.SURE:
            head.addWidget(self._button(self.accept_sure_action, "bankAcceptSure"))
        model = CreditsModel(self)
        table = list_table(model, f"bankCredits-{confidence}", f"{_TITLES[confidence]} credits")
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        table.addActions([self.accept_action, self.assign_action, self.ignore_action,
                          self.leave_action])
        # Room between a right-aligned amount and the customer beside it.
        table.setStyleSheet("QTableView::item { padding: 0px 6px; }")
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in enumerate(_WIDTHS):
            if width:
                table.setColumnWidth(column, width)
        header.setSectionResizeMode(_WHY, QHeaderView.ResizeMode.Stretch)
        table.selectionModel().selectionChanged.connect(
            lambda *_: self._on_table_selected(table))
        table.doubleClicked.connect(lambda _index: self.accept_selected())
        self.models[confidence] = model
        self.tables[confidence] = table
        self.titles[confidence] = title
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(table, 1)
        return box

    def _details(self) -> QWidget:
        frame = QFrame()
        frame.setObjectName("bankDetails")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.detail_title = QLabel()
        self.detail_title.setObjectName("bankDetailTitle")
        self.detail_title.setTextFormat(Qt.TextFormat.PlainText)
        scale_font(self.detail_title, 1.05, bold=True)
        self.detail_text = QLabel()
        self.detail_text.setObjectName("bankDetailText")
        self.detail_text.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_text.setWordWrap(True)
        mute(self.detail_text)
        self.candidates_model = CandidatesModel(parent=self)
        self.candidates = list_table(self.candidates_model, "bankCandidates", "Candidates")
        header = self.candidates.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((230, 170, 60, 90)):
            self.candidates.setColumnWidth(column, width)
        self.candidates.doubleClicked.connect(lambda _index: self.accept_selected())
        self.no_candidate = QLabel()
        self.no_candidate.setObjectName("bankNoCandidate")
        self.no_candidate.setWordWrap(True)
        self.no_candidate.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        mute(self.no_candidate)
        self.candidate_pages = QStackedWidget()
        self.candidate_pages.addWidget(self.candidates)
        self.candidate_pages.addWidget(self.no_candidate)
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        for action, name in ((self.accept_action, "bankAccept"),
                             (self.assign_action, "bankAssign"),
                             (self.ignore_action, "bankIgnore"),
                             (self.leave_action, "bankLeave")):
            buttons.addWidget(self._button(action, name))
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.setSpacing(4)
        left.addWidget(self.detail_title)
        left.addWidget(self.detail_text)
        left.addWidget(self.candidate_pages, 1)
        row = QHBoxLayout(frame)
        row.setContentsMargins(10, 8, 10, 8)
        row.addLayout(left, 1)
        row.addSpacing(8)
        row.addLayout(buttons)
        return frame

    # --- the user's choices -------------------------------------------------

    def accept_all_sure(self) -> None:
        """Accept every new credit matched with certainty."""
        for choice in sure_choices(self.review.preview):
            self.choices[choice.bank_id] = choice
        self._refresh()

    def accept_selected(self) -> None:
        """Accept the selected credits: one selected, the candidate chosen for it below
        (a credit with none: search its customer); several, each one's best."""
        rows = self._open_rows()
        if len(rows) == 1 and not rows[0].line.match.candidates:
            self.assign_selected()
            return
        if len(rows) == 1:
            match = rows[0].line.match
            position = self.candidates.currentIndex().row()
            self.choices[rows[0].id] = accept(
                match, position if 0 <= position < len(match.candidates) else 0)
        else:
            for row in rows:
                if row.line.match.candidates:
                    self.choices[row.id] = accept(row.line.match)
        self._refresh()

    def assign_selected(self) -> None:
        """Search the customer who paid the selected credit, and pay from them."""
        rows = self._open_rows()
        if len(rows) != 1:
            return
        if self._customers is None:
            currency = self.review.preview.statement.currency

            def work(_progress: Progress) -> list[PayingCustomer]:
                return paying_customers(currency)

            self.tasks.run(work, label="Reading the customers…",
                           on_success=lambda found: self._ask_customer(rows[0], found))
            return
        self._ask_customer(rows[0], self._customers)

    def _ask_customer(self, row: CreditRow, customers: list[PayingCustomer]) -> None:
        self._customers = customers
        credit = row.line.match.credit
        words = (f"{format_money(credit.amount_minor, credit.currency)} on "
                 f"{short_date(credit.booked_on)} from {credit.payer_name or 'an unnamed payer'}"
                 + (f": “{credit.text}”" if credit.text else "."))

        def chosen(customer: PayingCustomer | None) -> None:
            if customer is None:
                return
            self.names[customer.id] = customer.name
            self.choices[row.id] = CreditChoice(row.id, customer.id)
            self._refresh()

        BankCustomerDialog.ask(self, customers, words, chosen)

    def ignore_selected(self) -> None:
        """Mark the selected credits as not customer payments (remembered as ignored)."""
        for row in self._open_rows():
            self.choices[row.id] = CreditChoice(row.id, ignore=True)
        self._refresh()

    def leave_selected(self) -> None:
        """Forget the choice made for the selected credits."""
        for row in self._open_rows():
            self.choices.pop(row.id, None)
        self._refresh()

    # --- recording and undoing ----------------------------------------------

    def review_and_record(self) -> None:
        """Show what will be recorded; once confirmed, record it in one go."""
        choices = self.choices_made()
        if not choices or self._busy:
            return
        bank = self.review.preview

        def work(_progress: Progress) -> RecordingSummary:
            return recording_summary(bank, choices)

        self.tasks.run(work, label="Working out the payments…",
                       on_success=lambda summary: self._confirm(summary, choices))

    def _confirm(self, summary: RecordingSummary, choices: list[CreditChoice]) -> None:
        def answered(confirmed: bool) -> None:
            if confirmed:
                self._record(choices)

        BankConfirmDialog.ask(self, summary, answered)

    def _record(self, choices: list[CreditChoice]) -> None:
        bank, today = self.review.preview, self.today()
        statement = bank.statement

        def work(_progress: Progress) -> tuple[BankRecorded, StatementReview,
                                               KeptStatement | None]:
            done = record(bank, choices, today=today)
            return done, review_statement(statement), last_statement()

        self._set_busy(True)
        self.tasks.run(work, writes=True, changes=BANK_CHANGES, initiator=self,
                       label=f"Recording the payments from {statement.file_name}…",
                       on_success=self._on_recorded,
                       on_failure=messages.ledger_refusal(
                           self, None, always=lambda: self._set_busy(False)))

    def _on_recorded(self, outcome: tuple[BankRecorded, StatementReview,
                                          KeptStatement | None]) -> None:
        done, review, kept = outcome
        self._set_busy(False)
        self.kept = kept if kept is not None and kept.id == done.statement_id else None
        recorded_minor = self.kept.recorded_minor if self.kept is not None else 0
        currency = self.review.preview.statement.currency
        parts = [f"Recorded {done.recorded:,} payment{'s' if done.recorded != 1 else ''} "
                 f"({format_money(recorded_minor, currency)})"]
        if done.ignored:
            parts.append(f"ignored {done.ignored:,} credit{'s' if done.ignored != 1 else ''}")
        self.notice.setText(" and ".join(parts) + f" from {review.preview.statement.file_name}."
                            " Reminders for what was paid are dropped. To take it back, "
                            "choose Undo Statement.")
        self._reload(review)
        self.recorded.emit(done)

    def undo_recorded(self) -> None:
        """Undo the statement recorded from here (asks why first)."""
        if self.kept is None or self._busy:
            return
        statement = self.review.preview.statement

        def undone(voided: int) -> None:
            self.kept = None
            self.notice.setText(f"Undone: {voided:,} payment{'s' if voided != 1 else ''} "
                                f"voided. The statement can be imported again.")
            self.undone.emit(voided)

            def work(_progress: Progress) -> StatementReview:
                return review_statement(statement)

            self.tasks.run(work, label="Reading the statement again…",
                           on_success=self._reload)

        undo_bank_statement(self, self.tasks, self.kept, undone, initiator=self)

    def _reload(self, review: StatementReview) -> None:
        self.review = review
        self.choices = {}
        self._show_review()

    # --- keeping the view in step -------------------------------------------

    def _show_review(self) -> None:
        bank = self.review.preview
        statement = bank.statement
        days = sorted(c.booked_on for c in statement.credits)
        span = ""
        if days:
            span = f", {short_date(days[0])}" + (f" – {short_date(days[-1])}"
                                                 if days[-1] != days[0] else "")
        count = len(statement.credits)
        self.source_label.setText(f"{statement.file_name} · {statement.format.upper()} · "
                                  f"{count:,} credit{'s' if count != 1 else ''} in "
                                  f"{statement.currency}{span}")
        already = bank.already_done
        self.already_label.setText(
            f"{already:,} credit{'s were' if already != 1 else ' was'} recorded or ignored by "
            f"an earlier import: shown greyed, nothing is recorded twice." if already else "")
        self.already_label.setVisible(bool(already))
        self.notice.setVisible(bool(self.notice.text()))
        self.candidates_model.numbers = self.review.invoice_numbers
        self._refresh()
        for confidence in GROUPS:
            if self.models[confidence].rowCount():
                self.choose_credit(confidence)
                break

    def _refresh(self) -> None:
        """Rebuild the rows from the choices, keeping what is selected."""
        bank = self.review.preview
        numbers = self.review.invoice_numbers
        active = self._active_table()
        for confidence in GROUPS:
            model, table = self.models[confidence], self.tables[confidence]
            selected = {model.row_key(model.row_at(i.row()))
                        for i in table.selectionModel().selectedRows()}
            current = model.row_at(table.currentIndex().row())
            lines = [line for line in bank.lines if line.match.confidence is confidence]
            lines.sort(key=lambda line: line.already is not None)  # done before: last
            model.set_rows([credit_row(line, self.choices.get(line.match.credit.bank_id),
                                       numbers, self.names) for line in lines])
            new = sum(1 for line in lines if line.already is None)
            self.titles[confidence].setText(f"{_TITLES[confidence]} ({new:,})")
            self._reselect(table, model, selected, current)
        if active is not None:
            self._on_table_selected(active)
        self._update_summary()

    def _reselect(self, table: QTableView, model: CreditsModel, keys: set[object],
                  current: CreditRow | None) -> None:
        selection = table.selectionModel()
        blocked = selection.blockSignals(True)
        for position, row in enumerate(model.rows()):
            if row.id in keys:
                selection.setCurrentIndex(model.index(position, 0),
                                          QItemSelectionModel.SelectionFlag.Select
                                          | QItemSelectionModel.SelectionFlag.Rows)
        if current is not None:
            position = model.position_of(current.id)
            if position >= 0:
                selection.setCurrentIndex(model.index(position, 0),
                                          QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.blockSignals(blocked)

    def _update_summary(self) -> None:
        choices = self.choices_made()
        paid = [c for c in choices if not c.ignore]
        ignored = len(choices) - len(paid)
        lines = {line.match.credit.bank_id: line for line in self.review.preview.lines}
        money = sum(lines[c.bank_id].match.credit.amount_minor for c in paid)
        undecided = len(self.review.preview.new_lines()) - len(choices)
        currency = self.review.preview.statement.currency
        parts = [f"To record: {len(paid):,} payment{'s' if len(paid) != 1 else ''} "
                 f"({format_money(money, currency)})",
                 f"{ignored:,} not a customer payment", f"{undecided:,} undecided"]
        self.summary_label.setText(" · ".join(parts))
        self.record_action.setEnabled(bool(choices) and not self._busy)
        self.undo_action.setEnabled(self.kept is not None and not self._busy)
        self.undo_button.setVisible(self.kept is not None)
        self.accept_sure_action.setEnabled(
            any(line.match.credit.bank_id not in self.choices
                for line in self.review.preview.new_lines(Confidence.SURE)))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for action in (self.accept_sure_action, self.accept_action, self.assign_action,
                       self.ignore_action, self.leave_action):
            action.setEnabled(not busy)
        self._update_summary()
        if not busy:
            active = self._active_table()
            if active is not None:
                self._on_table_selected(active)

    def _active_table(self) -> QTableView | None:
        return self._active

    def _model_of(self, table: QTableView) -> CreditsModel:
        model = table.model()
        assert isinstance(model, CreditsModel)
        return model

    def _open_rows(self) -> list[CreditRow]:
        """The selected credits not recorded or ignored before."""
        table = self._active_table()
        if table is None or self._busy:
            return []
        model = self._model_of(table)
        rows = [model.row_at(i.row()) for i in table.selectionModel().selectedRows()]
        return [r for r in rows if r is not None and r.line.already is None]

    def _on_table_selected(self, table: QTableView) -> None:
        if not table.selectionModel().hasSelection():
            if self._active_table() is table:
                self._show_details(None)
            return
        self._active = table
        for other in self.tables.values():
            if other is not table:
                blocked = other.selectionModel().blockSignals(True)
                other.clearSelection()
                other.selectionModel().blockSignals(blocked)
                other.viewport().update()
        self._show_details(self._model_of(table).row_at(table.currentIndex().row())
                           or self._model_of(table).row_at(
                               table.selectionModel().selectedRows()[0].row()))

    def _show_details(self, row: CreditRow | None) -> None:
        open_rows = self._open_rows()
        if row is None:
            self.detail_title.setText("Choose a credit above to see who may have paid it.")
            self.detail_text.setText("")
            self.no_candidate.setText("")
            self.candidates_model.set_rows([])
        else:
            credit = row.line.match.credit
            self.detail_title.setText(
                f"{format_money(credit.amount_minor, credit.currency)} on "
                f"{short_date(credit.booked_on)} from {credit.payer_name or 'an unnamed payer'}")
            facts = [f"“{credit.text}”" if credit.text else "No text from the payer"]
            if credit.payer_iban:
                facts.append(f"from account {credit.payer_iban}")
            account = self.review.preview.statement.account
            facts.append(f"bank reference {bank_reference(credit, account)}")
            count = len(row.line.match.candidates)
            if count:
                facts.append(f"{count} candidate{'s' if count != 1 else ''}")
            self.detail_text.setText(" · ".join(facts))
            if row.line.already is not None:
                self.no_candidate.setText(f"{row.decision} by an earlier import of this "
                                          f"credit: nothing is recorded twice.")
            else:
                self.no_candidate.setText(
                    "No customer matched: no invoice number, account code or known account "
                    "in what the payer wrote, no amount owed and no customer's name like "
                    "the payer's. Choose Customer… (Ctrl+F) to pay from the customer who "
                    "sent it, or mark it Not a Customer Payment (Ctrl+D): a refund, a "
                    "transfer, a loan.")
            self.candidates_model.set_rows(row.line.match.candidates)
            shown = row.candidate
            position = (self.candidates_model.position_of(
                (shown.customer_id, shown.invoice_ids)) if shown is not None else -1)
            if position >= 0:
                self.candidates.selectRow(position)
        self.candidate_pages.setCurrentIndex(0 if self.candidates_model.rowCount() else 1)
        can = bool(open_rows) and not self._busy
        self.accept_action.setEnabled(can)
        self.assign_action.setEnabled(can and len(open_rows) == 1)
        self.ignore_action.setEnabled(can)
        self.leave_action.setEnabled(can and any(r.id in self.choices for r in open_rows))

    def _on_help_clicked(self) -> None:
        if self.show_help is not None:
            self.show_help(HELP_PAGE)

    # --- closing --------------------------------------------------------------

    def discard(self) -> None:
        """Close without asking (the store is closing): nothing is recorded."""
        QDialog.reject(self)

    def reject(self) -> None:
        """Close; choices not recorded are lost, so ask first if there are any."""
        if self._busy:
            return
        if not self.choices:
            super().reject()
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.windowTitle(),
                          "Close without recording? The choices you made here are lost; "
                          "nothing from this statement is recorded.",
                          QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("bankCloseQuestion")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda answer: QDialog.reject(self)
                             if answer == QMessageBox.StandardButton.Close else None)
        box.open()
