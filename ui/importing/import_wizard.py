"""File → Import…: bring customers and invoices in from the accounting program's export.

Pick the file; see how Duly reads it (the program's layout, encoding, delimiter, date
order and decimal mark, each changeable) with its first rows as Duly will take them;
map the columns yourself for a file no preset knows; see the dry run; import, off the
GUI thread, with Cancel. Everything is read and written through the task helper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from models.changes import Change, changes
from models.dates import short_date
from models.errors import LedgerError
from models.followup import default_policy_id, stages_by_policy
from models.imports.detect import Detected, detect, read_settings
from models.imports.mappings import mapping_as_preset, mapping_names, mapping_preset
from models.imports.plan import TO_CONFIRM, ImportPlan, plan_import
from models.imports.records import (
    InvoiceRecord,
    ReadSettings,
    Record,
    RefusedRow,
    first_records,
)
from models.imports.run import (
    ImportRefused,
    ImportResult,
    MissingChoice,
    Start,
    run_import,
)
from models.imports.sources import INVOICE_LIST_NEEDS, PRESETS, Field, Holds, Preset
from models.imports.undo import can_undo, undo_import
from models.imports.values import DateOrder, DecimalMark
from models.money import format_amount
from models.relationship import RelationshipBatch, imported_not_welcomed, welcome_by_email
from reports.import_summary import found_by, import_summary
from ui.common.list_table import list_table
from ui.common.rows_model import Column, RowsModel
from ui.common.style import mute
from ui.common.tasks import Progress, TaskRunner
from ui.importing.late_starts import BY_AGE, StartsModel, start_of, starts_table

FILE_FILTER = "Exports (*.csv *.tsv *.txt *.xlsx);;All files (*)"
MY_OWN = "mine"  # the layout choice "Map the columns myself"
_ENCODINGS = (("UTF-8", "utf-8-sig"), ("Windows (Western Europe)", "cp1252"))
_DELIMITERS = (("Comma", ","), ("Semicolon", ";"), ("Tab", "\t"), ("Bar |", "|"))
_FIELDS = (Field.CUSTOMER, Field.CUSTOMER_KEY, Field.EMAIL, Field.NUMBER, Field.ISSUED,
           Field.DUE, Field.TOTAL, Field.PAID, Field.BALANCE, Field.CURRENCY, Field.STATUS)
_FIELD_LABELS = {Field.CUSTOMER: "&Customer", Field.CUSTOMER_KEY: "Customer &id",
                 Field.EMAIL: "&E-mail", Field.NUMBER: "Invoice &number",
                 Field.ISSUED: "Invoice &date", Field.DUE: "D&ue date", Field.TOTAL: "&Total",
                 Field.PAID: "Amount &paid", Field.BALANCE: "Still &owed",
                 Field.CURRENCY: "Cu&rrency", Field.STATUS: "&Status"}

FILE_PAGE, READING_PAGE, COLUMNS_PAGE, DRY_RUN_PAGE, DONE_PAGE = range(5)


@dataclass(frozen=True)
class Reading:
    """How the file is to be read, as chosen on the wizard's pages."""

    path: Path
    layout: str = ""  # a preset's key, "mapping:<name>", MY_OWN, or "" (as recognised)
    encoding: str | None = None
    delimiter: str | None = None
    date_order: DateOrder | None = None
    decimal_mark: DecimalMark | None = None
    columns: tuple[tuple[Field, str], ...] = ()
    mapping_name: str = ""


@dataclass(frozen=True)
class Looked:
    """What a look at the file found: its format and the settings to read it with (or why
    it cannot be read yet), and its first records as Duly takes them."""

    detected: Detected
    settings: ReadSettings | None
    problem: str
    records: list[Record]


def look(reading: Reading, currency: str) -> Looked:
    """Detect the file's format and read its first records under ``reading``."""
    detected = detect(reading.path, encoding=reading.encoding, delimiter=reading.delimiter)
    try:
        settings = read_settings(detected, currency=currency, preset=_preset(reading),
                                 date_order=reading.date_order,
                                 decimal_mark=reading.decimal_mark)
    except LedgerError as error:
        return Looked(detected, None, error.message, [])
    return Looked(detected, settings, "", first_records(reading.path, settings))


def _preset(reading: Reading) -> Preset | None:
    if reading.layout == MY_OWN:
        return mapping_as_preset(reading.mapping_name or "my columns", Holds.INVOICES,
                                 dict(reading.columns))
    if reading.layout.startswith("mapping:"):
        return mapping_preset(reading.layout.removeprefix("mapping:"))
    return next((p for p in PRESETS if p.key == reading.layout), None)


class PreviewModel(RowsModel):
    """The file's first records as Duly will take them, or why a row will not do."""

    columns = (
        Column("Line", lambda r: str(r.line), lambda r: r.line),
        Column("Customer", lambda r: _customer_of(r), lambda r: _customer_of(r)),
        Column("Invoice", lambda r: r.number if isinstance(r, InvoiceRecord) else "",
               lambda r: getattr(r, "number", "")),
        Column("Date", lambda r: _day(getattr(r, "issued", None)),
               lambda r: str(getattr(r, "issued", ""))),
        Column("Due", lambda r: _day(getattr(r, "due", None)),
               lambda r: str(getattr(r, "due", ""))),
        Column("Total", lambda r: _money(r, "total_minor"), lambda r: 0, money=True),
        Column("Still owed", lambda r: _money(r, "open_minor"), lambda r: 0, money=True),
        Column("Problem", lambda r: r.reason if isinstance(r, RefusedRow) else "",
               lambda r: getattr(r, "reason", "")),
    )


def _customer_of(record: Record) -> str:
    if isinstance(record, InvoiceRecord):
        return record.customer.name
    return getattr(record, "name", "")


def _day(day: dt.date | None) -> str:
    return short_date(day) if day is not None else ""


def _money(record: Record, attribute: str) -> str:
    if not isinstance(record, InvoiceRecord):
        return ""
    minor = getattr(record, attribute)
    return "" if minor is None else f"{format_amount(minor, record.currency)} {record.currency}"


class ImportWizard(QWizard):
    """The import, page by page; the window keeps one open at a time."""

    def __init__(self, parent: QWidget, tasks: TaskRunner, today: Callable[[], dt.date],
                 currency: str) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle("Import from your accounting program")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.tasks = tasks
        self.today = today
        self.currency = currency
        self.reading: Reading | None = None
        self.looked: Looked | None = None
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.setPage(FILE_PAGE, FilePage())
        self.setPage(READING_PAGE, ReadingPage())
        self.setPage(COLUMNS_PAGE, ColumnsPage())
        self.setPage(DRY_RUN_PAGE, DryRunPage())
        self.setPage(DONE_PAGE, DonePage())
        self.resize(900, 620)

    def settings(self) -> ReadSettings:
        """How the file is read, as last looked at."""
        assert self.looked is not None and self.looked.settings is not None
        return self.looked.settings


class FilePage(QWizardPage):
    """Which file to bring in."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Choose the exported file")
        self.setSubTitle("Export your invoices (or customers) from Xero, QuickBooks Online, "
                         "FreshBooks, Wave, Zoho Books or Sage as CSV or Excel. Any other "
                         "list works too: you show Duly its columns.")
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText("The file your accounting program exported")
        self.path_edit.textChanged.connect(self.completeChanged)
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addStretch(1)

    def path(self) -> Path:
        """The file chosen."""
        return Path(self.path_edit.text().strip()).expanduser()

    def isComplete(self) -> bool:  # noqa: N802 (Qt's name)
        """A file that exists is chosen."""
        text = self.path_edit.text().strip()
        return bool(text) and self.path().is_file()

    def validatePage(self) -> bool:  # noqa: N802 (Qt's name)
        """Start reading with what Duly finds in the file."""
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        wizard.reading = Reading(self.path())
        return True

    def _on_browse_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose the exported file", str(Path.home()),
                                              FILE_FILTER)
        if name:
            self.path_edit.setText(name)


class ReadingPage(QWizardPage):
    """How Duly reads the file, changeable, with its first rows as Duly takes them."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("How Duly reads the file")
        self.found_label = QLabel()
        self.found_label.setObjectName("importFound")
        self.found_label.setWordWrap(True)
        self.layout_combo = QComboBox()
        self.layout_combo.setObjectName("importLayout")
        self.encoding_combo = _combo(_ENCODINGS)
        self.delimiter_combo = _combo(_DELIMITERS)
        self.dates_combo = _combo((("Day first: 24/11/2026", DateOrder.DAY_FIRST),
                                   ("Month first: 11/24/2026", DateOrder.MONTH_FIRST)))
        self.dates_combo.setObjectName("importDates")
        self.amounts_combo = _combo((("1,234.50", DecimalMark.POINT),
                                     ("1.234,50", DecimalMark.COMMA)))
        form = QFormLayout()
        form.addRow("&Program:", self.layout_combo)
        form.addRow("&Encoding:", self.encoding_combo)
        form.addRow("&Columns split by:", self.delimiter_combo)
        form.addRow("&Dates:", self.dates_combo)
        form.addRow("&Amounts:", self.amounts_combo)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("importProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #B3261E;")
        self.model = PreviewModel(self)
        self.table = list_table(self.model, "importPreview", "The first rows as Duly reads them")
        layout = QVBoxLayout(self)
        layout.addWidget(self.found_label)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.table, 1)
        for combo in (self.layout_combo, self.encoding_combo, self.delimiter_combo):
            combo.activated.connect(self._on_format_activated)
        self.dates_combo.activated.connect(self._on_dates_combo_activated)
        self.amounts_combo.activated.connect(self._on_amounts_combo_activated)

    def _wizard(self) -> ImportWizard:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        return wizard

    def initializePage(self) -> None:  # noqa: N802 (Qt's name)
        """Look at the file as it is (or as last chosen)."""
        self._fill_layouts()
        self._look()

    def isComplete(self) -> bool:  # noqa: N802 (Qt's name)
        """The file reads, or the user is to map its columns next."""
        wizard = self._wizard()
        looked = wizard.looked
        return looked is not None and (looked.settings is not None or self._mine())

    def nextId(self) -> int:  # noqa: N802 (Qt's name)
        """The columns page for a mapping of one's own; else the dry run."""
        return COLUMNS_PAGE if self._mine() else DRY_RUN_PAGE

    def _mine(self) -> bool:
        return self.layout_combo.currentData() == MY_OWN

    def _fill_layouts(self) -> None:
        self.layout_combo.clear()
        self.layout_combo.addItem("As Duly recognises it", "")
        for preset in PRESETS:
            self.layout_combo.addItem(preset.title, preset.key)
        # The mappings kept are added when the file has been looked at (read with it).
        self.layout_combo.addItem("Map the columns myself…", MY_OWN)

    def _look(self) -> None:
        wizard = self._wizard()
        assert wizard.reading is not None
        reading, currency = wizard.reading, wizard.currency
        wizard.looked = None
        self.completeChanged.emit()
        self.found_label.setText(f"Reading {reading.path.name}…")
        self.problem_label.clear()

        def work(_progress: Progress) -> tuple[Looked, list[str]]:
            return look(reading, currency), mapping_names()

        wizard.tasks.run(work, latest=(self, "look"), on_success=self._on_looked,
                         on_failure=self._on_look_failed)

    def _on_looked(self, answer: tuple[Looked, list[str]]) -> None:
        looked, names = answer
        wizard = self._wizard()
        wizard.looked = looked
        self._offer_mappings(names)
        detected = looked.detected
        preset = looked.settings.preset if looked.settings is not None else detected.preset
        self.found_label.setText(
            f"{wizard.reading.path.name if wizard.reading else ''}: "
            + (f"recognised as {preset.title}." if preset is not None else
               "Duly does not recognise its columns. Choose the program, or map the "
               "columns yourself.") + (f" {detected.note}" if detected.note else ""))
        _select(self.encoding_combo, detected.table.encoding)
        _select(self.delimiter_combo, detected.table.delimiter)
        settings = looked.settings
        if settings is not None:
            _select(self.dates_combo, settings.date_order)
            _select(self.amounts_combo, settings.decimal_mark)
        self.problem_label.setText(looked.problem)
        self.model.set_rows(looked.records)
        self.table.resizeColumnsToContents()  # fifty rows at most: cheap
        self.completeChanged.emit()

    def _on_look_failed(self, error: BaseException) -> bool:
        if not isinstance(error, LedgerError):
            return False
        self.found_label.clear()
        self.problem_label.setText(error.message)  # a refusal: shown as a problem
        self.model.set_rows([])
        return True

    def _offer_mappings(self, names: list[str]) -> None:
        known = {self.layout_combo.itemData(i) for i in range(self.layout_combo.count())}
        for name in names:
            if f"mapping:{name}" not in known:
                self.layout_combo.insertItem(self.layout_combo.count() - 1,
                                             f"Your mapping “{name}”", f"mapping:{name}")

    def _on_format_activated(self, _index: int) -> None:
        """Another layout, encoding or delimiter: dates and amounts are read anew."""
        self._read_again(layout=str(self.layout_combo.currentData() or ""),
                         encoding=self.encoding_combo.currentData(),
                         delimiter=self.delimiter_combo.currentData(),
                         date_order=None, decimal_mark=None)

    def _on_dates_combo_activated(self, _index: int) -> None:
        self._read_again(date_order=DateOrder(self.dates_combo.currentData()))

    def _on_amounts_combo_activated(self, _index: int) -> None:
        self._read_again(decimal_mark=DecimalMark(self.amounts_combo.currentData()))

    def _read_again(self, **chosen: Any) -> None:
        wizard = self._wizard()
        assert wizard.reading is not None
        wizard.reading = replace(wizard.reading, **chosen)
        if self._mine():
            self.completeChanged.emit()
            return
        self._look()


class ColumnsPage(QWizardPage):
    """Which of the file's columns holds what Duly needs, kept under a name for next time."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Show Duly the columns")
        self.setSubTitle("Choose the column for each: customer, invoice number, date and "
                         "total are needed; the others if the file has them.")
        self.combos: dict[Field, QComboBox] = {}
        form = QFormLayout()
        for wanted in _FIELDS:
            combo = QComboBox()
            combo.setObjectName(f"column-{wanted.value}")
            combo.currentIndexChanged.connect(self.completeChanged)
            self.combos[wanted] = combo
            form.addRow(_FIELD_LABELS[wanted], combo)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("mappingName")
        self.name_edit.setPlaceholderText("e.g. Sales ledger export")
        form.addRow("&Keep as:", self.name_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)

    def initializePage(self) -> None:  # noqa: N802 (Qt's name)
        """Offer the file's columns."""
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard) and wizard.looked is not None
        names = wizard.looked.detected.header
        for combo in self.combos.values():
            combo.clear()
            combo.addItem("—", "")
            for name in names:
                combo.addItem(name, name)

    def isComplete(self) -> bool:  # noqa: N802 (Qt's name)
        """The needed columns are chosen."""
        return all(self.combos[f].currentData() for f in INVOICE_LIST_NEEDS)

    def validatePage(self) -> bool:  # noqa: N802 (Qt's name)
        """Read the file with these columns (the dry run comes next)."""
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard) and wizard.reading is not None
        columns = tuple((f, str(c.currentData())) for f, c in self.combos.items()
                        if c.currentData())
        wizard.reading = replace(wizard.reading, columns=columns,
                                 mapping_name=self.name_edit.text().strip())
        return True


class DryRunPage(QWizardPage):
    """What the import will do, before it does it."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("What the import will do")
        self.setSubTitle("Nothing is written until you import.")
        self.setCommitPage(True)  # no way back once imported
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("dryRun")
        self.summary.setReadOnly(True)
        self.leave_radio = QRadioButton("&Leave them open")
        self.paid_radio = QRadioButton("Take them as &paid")
        self.leave_radio.setChecked(True)
        self.missing_group = QButtonGroup(self)
        self.missing_group.addButton(self.leave_radio)
        self.missing_group.addButton(self.paid_radio)
        self.missing_label = QLabel("Invoices imported before and not in this file:")
        mute(self.missing_label)
        self.missing_box = QWidget()
        row = QHBoxLayout(self.missing_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.missing_label)
        row.addWidget(self.leave_radio)
        row.addWidget(self.paid_radio)
        row.addStretch(1)
        self.missing_box.hide()
        self.leave_radio.toggled.connect(self._show_summary)
        self.matches_label = QLabel("Found here by name, VAT number or e-mail address: untick "
                                    "any that is a different customer, to add it as new.")
        self.matches_label.setWordWrap(True)
        self.matches = QListWidget()
        self.matches.setObjectName("importMatches")
        self.matches.setMaximumHeight(110)
        self.matches.itemChanged.connect(self._on_matches_item_changed)
        self.start_combo = QComboBox()
        self.start_combo.setObjectName("importStart")
        self.start_label = QLabel("Long-overdue invoices start their &reminders at:")
        self.start_label.setBuddy(self.start_combo)
        start_row = QHBoxLayout()
        start_row.addWidget(self.start_label)
        start_row.addWidget(self.start_combo, 1)
        self.starts_model = StartsModel(self)
        self.starts_table = starts_table(self.starts_model)
        self.starts_more = QLabel()
        self.starts_more.setObjectName("importStartsMore")
        self.starts_more.setWordWrap(True)
        mute(self.starts_more)
        self.start_box = QWidget()
        start_layout = QVBoxLayout(self.start_box)
        start_layout.setContentsMargins(0, 0, 0, 0)
        start_layout.addLayout(start_row)
        start_layout.addWidget(self.starts_table)
        start_layout.addWidget(self.starts_more)
        for widget in (self.matches_label, self.matches, self.start_box):
            widget.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.matches_label)
        layout.addWidget(self.matches)
        layout.addWidget(self.start_box)
        layout.addWidget(self.missing_box)
        self._plan: ImportPlan | None = None
        self._settings: ReadSettings | None = None
        self._separate: frozenset[str] = frozenset()

    def _wizard(self) -> ImportWizard:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        return wizard

    def separate(self) -> frozenset[str]:
        """The customers found by name, VAT number or e-mail the user says are others
        (added as new)."""
        return self._separate

    def start(self) -> Start:
        """Where the long-overdue new invoices start their reminders: as chosen for all,
        but for the accounts given their own start in the table."""
        return replace(start_of(self.start_combo.currentData()),
                       accounts=self.starts_model.choices())

    def missing(self) -> MissingChoice:
        """What to do with invoices no longer in the file."""
        return MissingChoice.PAID if self.paid_radio.isChecked() else MissingChoice.LEAVE

    def initializePage(self) -> None:  # noqa: N802 (Qt's name)
        """Work the plan out in the background."""
        self._separate = frozenset()
        self._plan_again()

    def _plan_again(self) -> None:
        wizard = self._wizard()
        assert wizard.reading is not None
        reading, currency, today = wizard.reading, wizard.currency, wizard.today()
        separate = self._separate
        self._plan = None
        self.summary.setPlainText("Working out what the import will do…")
        self.completeChanged.emit()

        def work(progress: Progress) -> tuple[ImportPlan, ReadSettings, list[tuple[int, str]]]:
            looked = look(reading, currency)
            if looked.settings is None:
                raise LedgerError("file", looked.problem)
            stages = stages_by_policy().get(default_policy_id() or 0, [])
            return (plan_import(reading.path, looked.settings, today=today, separate=separate,
                                progress=progress), looked.settings,
                    [(s.id, s.name) for s in stages if s.offset_days > 0])

        wizard.tasks.run(work, label="Reading the file…", latest=(self, "plan"),
                         on_success=self._on_planned, on_failure=self._on_plan_failed)

    def _on_planned(self, answer: tuple[ImportPlan, ReadSettings, list[tuple[int, str]]]
                    ) -> None:
        self._plan, self._settings, stages = answer
        self._wizard().plan = self._plan
        self.missing_box.setVisible(bool(self._plan.missing))
        self._offer_matches(self._plan)
        self._offer_starts(self._plan, stages)
        self._show_summary()
        self.completeChanged.emit()

    def _offer_matches(self, plan: ImportPlan) -> None:
        found = [s for s in plan.customers if s.match in TO_CONFIRM]
        shown = {self.matches.item(n).data(Qt.ItemDataRole.UserRole)
                 for n in range(self.matches.count())}
        blocked = self.matches.blockSignals(True)
        for step in found:
            if step.record.key in shown:
                continue
            item = QListWidgetItem(f"{step.record.name} (line {step.record.line}): "
                                   f"{found_by(step.match)}")
            item.setData(Qt.ItemDataRole.UserRole, step.record.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.matches.addItem(item)
        self.matches.blockSignals(blocked)
        visible = self.matches.count() > 0
        self.matches_label.setVisible(visible)
        self.matches.setVisible(visible)

    def _offer_starts(self, plan: ImportPlan, stages: list[tuple[int, str]]) -> None:
        kept = self.start_combo.currentData()
        self.start_combo.clear()
        self.start_combo.addItem("The first reminder (recommended)", None)
        self.start_combo.addItem("The stage each one's age has reached", BY_AGE)
        for stage_id, name in stages:
            self.start_combo.addItem(f"“{name}” for all", stage_id)
        _select(self.start_combo, kept)
        counts = plan.counts()
        self.start_box.setVisible(counts["starting_late"] > 0)
        accounts = plan.accounts_starting_late()
        self.starts_model.set_accounts(accounts, stages)
        self.starts_table.setVisible(bool(accounts))
        more = counts["accounts_starting_late"] - len(accounts)
        self.starts_more.setText(f"The first {len(accounts):,} accounts in the file are "
                                 f"listed; the other {more:,} start as chosen for all."
                                 if more > 0 else "")
        self.starts_more.setVisible(more > 0)

    def _on_matches_item_changed(self, _item: QListWidgetItem) -> None:
        self._separate = frozenset(
            self.matches.item(n).data(Qt.ItemDataRole.UserRole)
            for n in range(self.matches.count())
            if self.matches.item(n).checkState() != Qt.CheckState.Checked)
        self._plan_again()

    def _on_plan_failed(self, error: BaseException) -> bool:
        if not isinstance(error, LedgerError):
            return False
        self.summary.setPlainText(error.message)
        return True

    def _show_summary(self) -> None:
        if self._plan is None or self._settings is None:
            return
        self.summary.setPlainText(import_summary(self._plan, self._settings, done=False,
                                                 missing=self.missing()))

    def isComplete(self) -> bool:  # noqa: N802 (Qt's name)
        """A plan without refused rows that changes something."""
        plan = self._plan
        return plan is not None and not plan.refused and not (
            plan.changes_nothing and not plan.missing)


ImportDone = tuple[ImportResult, ReadSettings, bool, tuple[tuple[int, bool], ...]]
"""What an import did, how its file was read, whether it can be undone, and the new
customers who have had no welcome (each: whether they have an e-mail address)."""


class DonePage(QWizardPage):
    """The import, with progress and Cancel, then what it did."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Importing")
        self.setFinalPage(True)
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("importDone")
        self.summary.setReadOnly(True)
        self.undo_button = QPushButton("&Undo This Import")
        self.undo_button.setObjectName("undoImport")
        self.undo_button.setToolTip("Take back everything this import added, as if it had "
                                    "never run")
        self.undo_button.hide()
        self.undo_button.clicked.connect(self._on_undo_button_clicked)
        # New customers can be welcomed at once (their terms and how to pay).
        self.welcome_button = QPushButton()
        self.welcome_button.setObjectName("welcomeImported")
        self.welcome_button.setToolTip("E-mail each new customer with an address the welcome "
                                       "from the template in their language")
        self.welcome_button.hide()
        self.welcome_button.clicked.connect(self._on_welcome_button_clicked)
        self._to_welcome: tuple[int, ...] = ()
        row = QHBoxLayout()
        row.addWidget(self.welcome_button)
        row.addStretch(1)
        row.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary, 1)
        layout.addLayout(row)
        self._done = False
        self._undoable: int | None = None

    def initializePage(self) -> None:  # noqa: N802 (Qt's name)
        """Import, all or nothing."""
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard) and wizard.reading is not None
        dry_run = wizard.page(DRY_RUN_PAGE)
        assert isinstance(dry_run, DryRunPage)
        reading, currency, today = wizard.reading, wizard.currency, wizard.today()
        missing, separate, start = dry_run.missing(), dry_run.separate(), dry_run.start()
        self.setTitle("Importing")
        self._done = False
        self.summary.setPlainText("Importing…")
        self.completeChanged.emit()

        def work(progress: Progress) -> ImportDone:
            looked = look(reading, currency)
            if looked.settings is None:
                raise LedgerError("file", looked.problem)
            if reading.layout == MY_OWN and reading.mapping_name:
                from models.imports.mappings import save_mapping

                save_mapping(reading.mapping_name, Holds.INVOICES, dict(reading.columns))
            result = run_import(reading.path, looked.settings, missing=missing, today=today,
                                separate=separate, start=start, progress=progress)
            undoable = result.batch_id is not None and not can_undo(result.batch_id)
            welcome = (tuple((c.customer_id, c.has_email)
                             for c in imported_not_welcomed(result.batch_id))
                       if result.batch_id is not None else ())
            return result, looked.settings, undoable, welcome

        wizard.tasks.run(work, writes=True, cancellable=True, label="Importing…",
                         changes=changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY,
                                         Change.FOLLOW_UP, Change.POLICIES, Change.IMPORTS),
                         initiator=wizard, on_success=self._on_imported,
                         on_failure=self._on_failed, on_cancel=self._on_cancelled)

    def _on_imported(self, answer: ImportDone) -> None:
        result, settings, undoable, welcome = answer
        self._to_welcome = tuple(customer_id for customer_id, _email in welcome)
        count = sum(1 for _id, has_email in welcome if has_email)
        self.welcome_button.setText(
            f"Send a &welcome e-mail to the {count} new customer{'' if count == 1 else 's'}")
        self.welcome_button.setEnabled(True)
        self.welcome_button.setVisible(count > 0)
        self._undoable = result.batch_id if undoable else None
        self.undo_button.setVisible(undoable)
        self.setTitle("Imported" if result.batch_id is not None else "Nothing to import")
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        wizard.result = result
        dry_run = wizard.page(DRY_RUN_PAGE)
        assert isinstance(dry_run, DryRunPage)
        self.summary.setPlainText(import_summary(result.plan, settings, done=True,
                                                 missing=dry_run.missing(),
                                                 started=result.started))
        self._done = True
        self.completeChanged.emit()

    def _on_failed(self, error: BaseException) -> bool:
        self.setTitle("Nothing was imported")
        if isinstance(error, ImportRefused):
            lines = "\n".join(f"line {r.line}: {r.reason}" for r in error.rows)
            self.summary.setPlainText(f"{error.message}\n\n{lines}")
        elif isinstance(error, LedgerError):
            self.summary.setPlainText(f"{error.message}\n\nNothing was imported.")
        else:
            return False
        self._done = True
        self.completeChanged.emit()
        return True

    def _on_undo_button_clicked(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Undo this import",
                          "Take back everything this import added?",
                          QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("Its customers, invoices and the payments it recorded leave "
                               "the store, as if it had never run.")
        undo = box.addButton("&Undo Import", QMessageBox.ButtonRole.DestructiveRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self._undo() if button is undo else None)
        box.open()

    def _undo(self) -> None:
        batch_id = self._undoable
        wizard = self.wizard()
        if batch_id is None or not isinstance(wizard, ImportWizard):
            return
        self.undo_button.setEnabled(False)
        wizard.tasks.run(lambda _progress: undo_import(batch_id), writes=True,
                         label="Undoing the import…", initiator=wizard,
                         changes=changes(Change.CUSTOMERS, Change.INVOICES, Change.MONEY,
                                         Change.FOLLOW_UP, Change.POLICIES, Change.IMPORTS),
                         on_success=self._on_undone, on_failure=self._on_undo_failed)

    def _on_welcome_button_clicked(self) -> None:
        wizard = self.wizard()
        ids = self._to_welcome
        if not ids or not isinstance(wizard, ImportWizard):
            return
        today = wizard.today()
        self.welcome_button.setEnabled(False)
        wizard.tasks.run(lambda _progress: welcome_by_email(ids, today), writes=True,
                         label="Welcoming the new customers…", initiator=wizard,
                         changes=changes(Change.CONTACTS, Change.OUTBOX),
                         on_success=self._on_welcomed, on_failure=self._on_welcome_failed)

    def _on_welcomed(self, batch: RelationshipBatch) -> None:
        self._to_welcome = ()
        self.welcome_button.hide()
        count = len(batch.queued)
        lines = [f"\nWelcome e-mails: {count} in the outbox; they go with the next e-mails "
                 f"sent (Today → Send Due E-mails)."]
        if batch.without_address:
            lines.append("No e-mail address (welcome them by letter from their account): "
                         + ", ".join(batch.without_address) + ".")
        lines.extend(f"Not welcomed: {name}: {reason}" for name, reason in batch.skipped)
        self.summary.appendPlainText("\n".join(lines))

    def _on_welcome_failed(self, error: BaseException) -> bool:
        self.welcome_button.setEnabled(True)
        if not isinstance(error, LedgerError):
            return False
        self.summary.appendPlainText(f"\n{error.message}")
        return True

    def _on_undone(self, _result: object) -> None:
        self._undoable = None
        self._to_welcome = ()
        self.welcome_button.hide()
        self.setTitle("Import undone")
        self.undo_button.hide()
        self.summary.setPlainText("Undone: the store is as it was before the import.")

    def _on_undo_failed(self, error: BaseException) -> bool:
        self.undo_button.setEnabled(True)
        if not isinstance(error, LedgerError):
            return False
        self.summary.appendPlainText(f"\n{error.message}")
        return True

    def _on_cancelled(self) -> None:
        self.setTitle("Import cancelled")
        self.summary.setPlainText("Cancelled: nothing was imported; the store is as it was.")
        self._done = True
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt's name)
        """The import has ended, one way or another."""
        return self._done


def _combo(choices: tuple[tuple[str, Any], ...]) -> QComboBox:
    combo = QComboBox()
    for text, data in choices:
        combo.addItem(text, data)
    return combo


def _select(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)
