"""The Templates area: the letters and e-mails the follow-up stages send, with a live preview.

The list of templates is on the left, the one being edited in the middle, and
on the right the merge fields and the letter as a chosen customer would get it.
Everything is read and written off the GUI thread through the window's task
helper. The preview is filled in once the typing pauses; each preview carries
a number, and one that arrives after a newer one was asked for is dropped.

One template is edited at a time. Choosing another one, starting a new one,
closing the window or opening another store while it has unsaved changes asks
whether to save them; going to another area keeps them, as the page stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from models.changes import Change, changes
from models.customer_account import CustomerListRow, customer_list
from models.errors import EditConflict, LedgerError
from models.kinds import Tone
from models.language import LANGUAGES, language_name
from models.template_store import (
    CHANNELS,
    TONES,
    TemplateRow,
    TemplateText,
    preview,
    save_template,
    template_list,
    template_text,
)
from models.templating import RenderedLetter, TemplateError, check_template
from ui.common.field_errors import error_label
from ui.common.list_table import list_table
from ui.common.page_actions import page_action
from ui.common.rows_model import ID_ROLE
from ui.common.style import ERROR, WARNING, mute, scale_font
from ui.common.tasks import Progress, TaskRunner
from ui.templates.language_versions import LanguageVersions
from ui.templates.merge_field_list import MergeFieldList
from ui.templates.template_highlighter import TemplateHighlighter
from ui.templates.template_preview import TemplatePreview
from ui.templates.templates_model import DRAFT_ID, UNSAVED_MARK, TemplatesModel, channel_text

# The preview is filled in once the typing pauses this long.
PREVIEW_PAUSE_MS = 300
SPLITTER_KEY = "templates/splitter-v1"
SIDE_SPLITTER_KEY = "templates/side-splitter-v1"
BESIDE_LANGUAGE_KEY = "templates/beside-language"

NEW_SUBJECT = "Your account {{ customer_code }} with {{ business_name }}"
NEW_BODY = (
    "Dear {{ contact_name }},\n\n"
    "According to our records, the following is still open on your account "
    "{{ customer_code }}:\n\n"
    "{% for invoice in invoices %}\n"
    "  - Invoice {{ invoice.number }}, due {{ invoice.due_date }}: {{ invoice.open }} "
    "({{ invoice.lateness }})\n"
    "{% endfor %}\n\n"
    "Total: {{ total_due }}\n\n"
    "Kind regards,\n"
    "{{ business_name }}\n"
)
"""A new template's text: a short letter that can be filled in as it stands."""


@dataclass(frozen=True)
class TemplateFields:
    """What the editor holds: a template's name, kind, subject line and text."""

    name: str
    channel: str
    tone: str
    language: str
    subject: str
    body: str

    @classmethod
    def of(cls, text: TemplateText) -> TemplateFields:
        """The fields of a saved template."""
        return cls(name=text.name, channel=text.channel, tone=text.tone,
                   language=text.language, subject=text.subject, body=text.body)


@dataclass(frozen=True)
class _Loaded:
    rows: list[TemplateRow]
    texts: dict[int, TemplateText]
    customers: list[CustomerListRow]


@dataclass(frozen=True)
class _Saved:
    text: TemplateText
    rows: list[TemplateRow]


def unique_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted 2``, ``wanted 3``… whichever no template has (any case)."""
    folded = {name.casefold() for name in taken}
    name, number = wanted, 1
    while name.casefold() in folded:
        number += 1
        name = f"{wanted} {number}"
    return name


class TemplatesPage(QWidget):
    """The templates, the one being edited, the merge fields and the live preview."""

    # Which stages send each template; the customers a preview can be for.
    reads = changes(Change.CUSTOMERS, Change.POLICIES, Change.TEMPLATES)
    """Writes that change what Templates shows (see ui/common/area.py)."""

    templates_loaded = Signal()
    """The list and the customers to preview for arrived and are on show."""
    preview_shown = Signal()
    """The preview now shows the letter, its problem or a note for the text being edited."""
    template_saved = Signal(int)
    """A template was saved (its id)."""

    def __init__(self, tasks: TaskRunner, today: Callable[[], dt.date],
                 parent: QWidget | None = None, *, settings: QSettings | None = None) -> None:
        """Build the page; nothing is read until :meth:`reload`.

        ``today`` gives the business's date (the preview's as-of date);
        ``settings`` keeps the splits between the panes.
        """
        super().__init__(parent)
        self.setObjectName("page-templates")
        self._tasks = tasks
        self._today = today
        self._settings = settings if settings is not None else QSettings()
        self._saving = False
        self._selecting = False  # the page itself is moving the list's selection
        self._rows: list[TemplateRow] = []
        self._texts: dict[int, TemplateText] = {}
        self._current: int | None = None  # the template in the editor (DRAFT_ID: a new one)
        self._saved: TemplateFields | None = None  # what the editor held when last saved
        # The edit version of the saved template the editor holds, as read (its save is
        # refused if someone else saved it since); None for a new one.
        self._read_version: int | None = None
        self._refill = False  # the next read puts the stored template in the editor
        self._insert_into: QObject | None = None
        # The language shown beside the editor, as the user last chose it.
        self._beside_language = str(self._settings.value(BESIDE_LANGUAGE_KEY, "") or "")
        self.model = TemplatesModel(self)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_PAUSE_MS)
        self._preview_timer.timeout.connect(self._on_preview_timer_timeout)
        self._build_actions()
        self._build()
        self._show_fields(None)

    # --- public ------------------------------------------------------------------

    def reload(self) -> None:
        """Read the templates and the customers to preview for (the editor keeps its text)."""
        today = self._today()

        def work(_progress: Progress) -> _Loaded:
            rows = template_list()
            texts = {row.id: template_text(row.id) for row in rows}
            return _Loaded(rows, texts, customer_list(today, today=today))

        self._tasks.run(work, on_success=self._on_load_task_succeeded, latest=(self, "list"))

    def clear(self) -> None:
        """Forget everything (the store closed); reads and previews on their way are dropped."""
        self._tasks.forget((self, "list"))
        self._tasks.forget((self, "preview"))
        self._preview_timer.stop()
        self._rows, self._texts = [], {}
        self._current = None
        self.model.set_unsaved(None)
        self.model.set_rows([])
        self.preview.set_customers([])
        self._show_fields(None)

    def templates(self) -> list[TemplateRow]:
        """The templates listed, in the order shown (a new one not yet saved included)."""
        return self.model.rows()

    def current_template_id(self) -> int | None:
        """The saved template being edited (None for a new one, or when there is none)."""
        return self._current if self._current != DRAFT_ID else None

    def editing_new(self) -> bool:
        """Whether the editor holds a new template not yet saved."""
        return self._current == DRAFT_ID

    def fields(self) -> TemplateFields:
        """What the editor holds now."""
        return TemplateFields(
            name=self.name_edit.text(), channel=str(self.channel_combo.currentData()),
            tone=str(self.tone_combo.currentData()), language=self._language(),
            subject=self.subject_edit.text(), body=self.body_edit.toPlainText())

    def has_unsaved_changes(self) -> bool:
        """Whether the editor holds changes (or a new template) not yet saved."""
        if self._current is None:
            return False
        return self._current == DRAFT_ID or self.fields() != self._saved

    def field_error(self, field: str) -> str:
        """The refusal shown at ``field`` (name, language, subject, body; "" other) if any."""
        label = self._errors.get(field, self._errors[""])
        return label.text() if not label.isHidden() else ""

    def show_template(self, template_id: int) -> None:
        """Edit ``template_id``, as if chosen in the list (asking first about unsaved changes)."""
        self._want(template_id)

    def ask_to_save(self, then: Callable[[], None]) -> None:
        """If there are unsaved changes, ask to save or discard them; then call ``then``.

        Cancelling, or a save that is refused, leaves everything as it is and
        ``then`` is not called.
        """
        if not self.has_unsaved_changes():
            then()
            return
        name = self.name_edit.text().strip() or "New template"
        new = self.editing_new()
        box = QMessageBox(QMessageBox.Icon.Question, "Duly",
                          f"Save the new template “{name}”?" if new
                          else f"Save the changes to “{name}”?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("saveTemplateQuestion")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("If you don't save it, it is lost." if new
                               else "If you don't save them, your changes are lost.")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: self._on_save_box_finished(box, then))
        box.open()

    def actions_for_menu(self) -> list[QAction]:
        """The page's actions in menu order."""
        return [self.new_action, self.duplicate_action, self.save_action]

    # --- loading ------------------------------------------------------------------

    def _on_load_task_succeeded(self, loaded: _Loaded) -> None:
        self._rows, self._texts = loaded.rows, loaded.texts
        self._offer_languages()
        self.preview.set_customers(loaded.customers)
        current = self._current
        if current is None or (current != DRAFT_ID and current not in self._texts):
            first = self._rows[0].id if self._rows else None
            self._open(first)
        else:
            if current != DRAFT_ID and (self._refill or not self.has_unsaved_changes()):
                self._saved = TemplateFields.of(self._texts[current])  # as the store has it
                self._read_version = self._texts[current].edit_version
                self._clear_errors()
                self._fill(self._saved)
            self._list_rows()
            self._preview_now(keep_place=True)
        self._size_columns()
        self._refill = False
        self.templates_loaded.emit()

    def _list_rows(self) -> None:
        """The saved templates, a new one being written, and the one edited selected."""
        shown = str(self.language_filter.currentData() or "")
        rows = [row for row in self._rows
                if not shown or row.language == shown or row.id == self._current]
        if self._current == DRAFT_ID:
            rows.append(self._draft_row())
        self.model.set_rows(rows)
        # One language shown: its column would say the same on every row (the template
        # being edited, listed in any language, keeps it in sight).
        self.table.setColumnHidden(TemplatesModel.LANGUAGE,
                                   len({row.language for row in rows}) == 1)
        self._select_row(self._current)
        self._update_used_by()
        self._update_versions()
        self._update_unsaved()

    # --- choosing what to edit ----------------------------------------------------

    def _want(self, template_id: int) -> None:
        """Edit ``template_id`` once any unsaved changes are saved or discarded."""
        if template_id == self._current or self._saving:
            self._select_row(self._current)
            return
        if template_id not in self._texts:
            raise KeyError(template_id)
        self._select_row(self._current)  # until the question is answered
        self.ask_to_save(lambda: self._open(template_id))

    def _open(self, template_id: int | None) -> None:
        """Put the saved template ``template_id`` (None: nothing) in the editor."""
        self._current = template_id
        self._show_fields(TemplateFields.of(self._texts[template_id])
                          if template_id is not None else None)
        self._read_version = (self._texts[template_id].edit_version
                              if template_id is not None else None)
        self._list_rows()
        self._preview_now()

    def _start_new(self, fields: TemplateFields) -> None:
        """Put a new template holding ``fields`` in the editor, ready to be named."""
        self._current = DRAFT_ID
        self._show_fields(fields)
        self._saved = None
        self._list_rows()
        self._preview_now()
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.name_edit.selectAll()

    def _new_fields(self) -> TemplateFields:
        shown = self.fields() if self._current is not None else None
        return TemplateFields(
            name=unique_name("New template", {row.name for row in self._rows}),
            channel=shown.channel if shown else CHANNELS[0], tone="polite",
            language=(shown.language.strip() or "en") if shown else "en",
            subject=NEW_SUBJECT, body=NEW_BODY)

    def _copy_fields(self) -> TemplateFields:
        shown = self.fields()
        return replace(shown, name=unique_name(f"{shown.name.strip()} (copy)",
                                               {row.name for row in self._rows}))

    # --- saving ---------------------------------------------------------------------

    def _save(self, then: Callable[[], None] | None = None) -> None:
        """Write the editor's template; on success carry on with ``then``."""
        if self._saving or not self.has_unsaved_changes():
            if not self._saving and then is not None:
                then()
            return
        template_id = self.current_template_id()
        fields = self.fields()
        version = self._read_version if template_id is not None else None
        self._saving = True
        self._clear_errors()
        self._update_unsaved()

        def work(_progress: Progress) -> _Saved:
            saved_id = save_template(template_id, name=fields.name, channel=fields.channel,
                                     tone=fields.tone, language=fields.language,
                                     subject=fields.subject, body=fields.body,
                                     read_version=version)
            return _Saved(template_text(saved_id), template_list())

        self._tasks.run(work, writes=True, changes=changes(Change.TEMPLATES), initiator=self,
                        on_success=lambda saved: self._on_save_task_succeeded(
                            fields, saved, then),
                        on_failure=self._on_save_task_failed)

    def _on_save_task_succeeded(self, sent: TemplateFields, saved: _Saved,
                                then: Callable[[], None] | None) -> None:
        self._saving = False
        text = saved.text
        self._rows = saved.rows
        self._texts[text.id] = text
        self._current = text.id
        self._saved = TemplateFields.of(text)
        self._read_version = text.edit_version
        if self.fields() == sent:  # nothing typed meanwhile: show it as stored (name trimmed)
            self._fill(self._saved)
        self._set_status("Saved")
        self._list_rows()
        self.template_saved.emit(text.id)
        if then is not None:
            then()

    def _on_save_task_failed(self, error: BaseException) -> bool:
        self._saving = False
        self._update_unsaved()
        if not isinstance(error, LedgerError):
            return False
        self._show_error(error)
        if isinstance(error, EditConflict):
            self._offer_reload(error)
        return True

    def _offer_reload(self, conflict: EditConflict) -> None:
        """Someone else saved the template meanwhile: say who changed what, keep what was
        typed in the editor, and offer to read the template again."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Duly", conflict.message,
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("templateChangedMeanwhile")
        box.setTextFormat(Qt.TextFormat.PlainText)  # names come from the user
        box.setInformativeText("Reload puts the template as it is now in the editor, in "
                               "place of what you typed: copy anything you want to keep "
                               "first. Keep Editing leaves your text as it is.")
        reload = box.addButton("&Reload", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Keep Editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(reload)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: self._on_reload_box_finished(box, reload))
        box.open()

    def _on_reload_box_finished(self, box: QMessageBox, reload: object) -> None:
        if box.clickedButton() is reload:
            self._refill = True
            self.reload()

    def _show_error(self, error: LedgerError) -> None:
        """The store's refusal at the field it concerns, with the cursor there."""
        label = self._errors.get(error.field, self._errors[""])
        label.setText(error.message)
        label.show()
        widget = {"name": self.name_edit, "language": self.language_edit,
                  "subject": self.subject_edit, "body": self.body_edit,
                  "channel": self.channel_combo, "tone": self.tone_combo}.get(error.field)
        if widget is None:
            return
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        line = error.line if isinstance(error, TemplateError) else None
        if widget is self.body_edit and line:
            block = self.body_edit.document().findBlockByNumber(line - 1)
            if block.isValid():
                self.body_edit.setTextCursor(QTextCursor(block))
                self.body_edit.ensureCursorVisible()

    def _clear_errors(self) -> None:
        for label in self._errors.values():
            label.clear()
            label.hide()

    # --- the preview ------------------------------------------------------------------

    def _preview_now(self, *, keep_place: bool = False) -> None:
        """Fill in the editor's template for the chosen customer, in the background.

        With ``keep_place`` the preview stays scrolled where it was (the same
        letter, retyped); otherwise it shows the letter's start.
        """
        self._preview_timer.stop()
        self._tasks.forget((self, "preview"))
        if self._current is None:
            self._mark_problem_line(None)
            self.preview.show_note("No templates yet: New Template (Ctrl+Shift+N) starts one."
                                   if not self._rows else "")
            self.preview_shown.emit()
            return
        subject, body = self.subject_edit.text(), self.body_edit.toPlainText()
        customer_id, as_of = self.preview.customer_id(), self._today()
        language = self._language().strip().lower()

        def work(_progress: Progress) -> RenderedLetter | None:
            if customer_id is None:
                check_template(subject, body)
                return None
            # In the template's language, as a customer who reads it receives it.
            return preview((subject, body), customer_id, as_of, language=language)

        self._tasks.run(work, on_success=lambda letter: self._on_preview_task_succeeded(
            letter, keep_place), on_failure=self._on_preview_task_failed,
            latest=(self, "preview"))

    def _on_preview_task_succeeded(self, letter: RenderedLetter | None,
                                   keep_place: bool) -> None:
        self._mark_problem_line(None)
        if letter is None:
            self.preview.show_note("There are no customers yet to fill the template in for. "
                                   "The text has no problems.")
        else:
            self.preview.show_letter(letter, keep_place=keep_place)
        self.preview_shown.emit()

    def _on_preview_task_failed(self, error: BaseException) -> bool:
        if not isinstance(error, LedgerError):
            return False
        if isinstance(error, TemplateError):
            self.preview.show_problem(error.field, error.message)
            self._mark_problem_line(error.line if error.field == "body" else None)
        else:  # the customer or the business is gone: nothing to fill in
            self._mark_problem_line(None)
            self.preview.show_note(error.message)
        self.preview_shown.emit()
        return True

    def _mark_problem_line(self, line: int | None) -> None:
        """Tint the text's line the preview's problem is on (None: no line)."""
        selections = []
        block = self.body_edit.document().findBlockByNumber(line - 1) if line else None
        if block is not None and block.isValid():
            tint = QColor(ERROR)
            tint.setAlpha(36)
            line_format = QTextCharFormat()
            line_format.setBackground(tint)
            line_format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection = QTextEdit.ExtraSelection()
            selection.format = line_format
            selection.cursor = QTextCursor(block)
            selections.append(selection)
        self.body_edit.setExtraSelections(selections)

    # --- the editor -------------------------------------------------------------------

    def _show_fields(self, fields: TemplateFields | None) -> None:
        """Fill the editor with ``fields`` as saved (None: empty, nothing to edit)."""
        self._clear_errors()
        self._fill(fields or TemplateFields("", CHANNELS[0], TONES[0], "en", "", ""))
        self._saved = fields
        for widget in self._editor_widgets:
            widget.setEnabled(fields is not None)
        self.fields_list.setEnabled(fields is not None)
        self.duplicate_action.setEnabled(fields is not None)
        self._set_status("")
        self._update_unsaved()

    def _fill(self, fields: TemplateFields) -> None:
        """Put ``fields`` in the editor without counting it as the user's typing."""
        widgets = (self.name_edit, self.channel_combo, self.tone_combo, self.language_edit,
                   self.subject_edit, self.body_edit)
        blocked = [widget.blockSignals(True) for widget in widgets]
        self.name_edit.setText(fields.name)
        self.channel_combo.setCurrentIndex(max(self.channel_combo.findData(fields.channel), 0))
        self.tone_combo.setCurrentIndex(max(self.tone_combo.findData(fields.tone), 0))
        self._set_language(fields.language)
        self.subject_edit.setText(fields.subject)
        if self.body_edit.toPlainText() != fields.body:
            self.body_edit.setPlainText(fields.body)  # also starts a fresh undo history
        for widget, was in zip(widgets, blocked, strict=True):
            widget.blockSignals(was)
        for edit in (self.name_edit, self.subject_edit):
            edit.setCursorPosition(0)
        # A template in French previews with a customer who reads French, if there is one.
        self.preview.prefer_language(fields.language.strip().lower() or "en")

    def _offer_languages(self) -> None:
        """The list can be narrowed to each language a template is written in."""
        chosen = self.language_filter.currentData()
        self.language_filter.blockSignals(True)
        self.language_filter.clear()
        self.language_filter.addItem("All languages", "")
        for code in sorted({row.language for row in self._rows}, key=language_name):
            self.language_filter.addItem(language_name(code), code)
        self.language_filter.setCurrentIndex(max(self.language_filter.findData(chosen), 0))
        self.language_filter.blockSignals(False)

    def _on_language_filter_changed(self) -> None:
        self._list_rows()

    def _language(self) -> str:
        """The language chosen for the text, as its code ("fr")."""
        return str(self.language_edit.currentData() or "")

    def _set_language(self, code: str) -> None:
        """Show ``code``'s language chosen (a code Duly has no words for is added)."""
        code = code.strip().lower() or "en"
        if self.language_edit.findData(code) < 0:
            self.language_edit.addItem(language_name(code), code)
        self.language_edit.setCurrentIndex(self.language_edit.findData(code))

    def _update_used_by(self) -> None:
        used_by = next((row.used_by for row in self._rows if row.id == self._current), ())
        if self._current is None:
            text = ""
        elif used_by:
            text = " · ".join(used_by)
        else:
            text = "No follow-up stage sends it yet; choose it for a stage in Settings."
        self.used_by_label.setText(text)

    def _update_versions(self) -> None:
        """Offer beside the editor the template's versions in the other languages."""
        current = self._current
        if current is None:
            self.versions.set_versions([], "")
            return
        edited = self._texts.get(current)
        key = ((edited.name, edited.channel) if edited is not None
               else (self.name_edit.text().strip(), str(self.channel_combo.currentData())))
        others = sorted((self._texts[row.id] for row in self._rows
                         if row.id != current and (row.name, row.channel) == key),
                        key=lambda text: text.id)  # the business's own, first written, first
        self.versions.set_versions(others, self._beside_language)

    def _update_unsaved(self) -> None:
        unsaved = self.has_unsaved_changes()
        self.model.set_unsaved(self._current if unsaved else None)
        self.save_action.setEnabled(unsaved and not self._saving)
        if self._saving:
            self._set_status("Saving…")
        elif unsaved:
            self._set_status("Changes not saved", WARNING)
        elif self.status_label.text() != "Saved":
            self._set_status("")

    def _set_status(self, text: str, colour: str | None = None) -> None:
        """The note beside the title: saving, saved, or changes not saved (in ``colour``)."""
        self.status_label.setText(text)
        self.status_label.setStyleSheet(f"color: {colour};" if colour else "")
        if colour is None:
            mute(self.status_label)

    def _select_row(self, template_id: int | None) -> None:
        """Select ``template_id``'s row without treating it as the user's choice."""
        position = self.model.position_of(template_id) if template_id is not None else -1
        self._selecting = True
        try:
            selection = self.table.selectionModel()
            if position < 0:
                selection.clearSelection()
                return
            index = self.model.index(position, max(self.table.currentIndex().column(), 0))
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                      | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)
        finally:
            self._selecting = False

    def _insert(self, snippet: str) -> None:
        """Put ``snippet`` in at the cursor: the subject line's, if it was last there."""
        block = "\n" in snippet
        if self._insert_into is self.subject_edit and not block:
            self.subject_edit.insert(snippet)
            self.subject_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        cursor = self.body_edit.textCursor()
        if block and not cursor.atBlockStart():
            snippet = "\n" + snippet  # a loop starts on its own line
        cursor.insertText(snippet)
        self.body_edit.setTextCursor(cursor)
        self.body_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- building -------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.new_action = page_action(
            self, "&New Template", "Ctrl+Shift+N", self._on_new_action_triggered,
            tip="Start a new letter or e-mail template")
        self.duplicate_action = page_action(
            self, "&Duplicate Template", "Ctrl+D", self._on_duplicate_action_triggered,
            tip="Start a new template from a copy of this one")
        self.save_action = page_action(
            self, "&Save Template", QKeySequence.StandardKey.Save, self._on_save_action_triggered,
            tip="Save the template; every stage that sends it uses the new text")

    def _build(self) -> None:
        title = QLabel("Templates")
        title.setObjectName("pageTitle")
        scale_font(title, 1.5, bold=True)
        self.status_label = QLabel()
        self.status_label.setObjectName("templateStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignVCenter)
        lead = QLabel("The letters and e-mails your follow-up stages send, in your own words. "
                      "The preview fills in the text for a customer as you type.")
        lead.setObjectName("templatesLead")
        lead.setWordWrap(True)
        lead.setMinimumWidth(1)
        mute(lead)

        # A tool bar, so that in a narrow window the actions that do not fit
        # move into its » menu instead of holding the window wide.
        self.action_bar = QToolBar()
        self.action_bar.setObjectName("templateActions")
        self.action_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.action_bar.setStyleSheet("QToolBar#templateActions { border: none; spacing: 6px; }")
        self.action_bar.addActions(self.actions_for_menu())
        self.action_bar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.table = list_table(self.model, "templatesTable", "Templates")
        self.table.setMinimumWidth(220)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self._sized = False

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("templatesSplitter")
        self.splitter.addWidget(self._build_side())
        self.splitter.addWidget(self._build_editor())
        self.preview = TemplatePreview()
        self.preview.customer_changed.connect(self._on_preview_customer_changed)
        self.versions = LanguageVersions()
        self.versions.edit_requested.connect(self._on_versions_edit_requested)
        self.versions.language_chosen.connect(self._on_versions_language_chosen)
        # The preview and the other languages share a column: side by side with the
        # editor, either one, and the window stays narrow enough for a laptop.
        self.right_tabs = QTabWidget()
        self.right_tabs.setObjectName("templatesRightTabs")
        self.right_tabs.setDocumentMode(True)
        self.right_tabs.addTab(self.preview, "Preview")
        self.right_tabs.addTab(self.versions, "Other Languages")
        self.splitter.addWidget(self.right_tabs)
        for index, stretch in enumerate((0, 1, 1)):
            self.splitter.setCollapsible(index, False)
            self.splitter.setStretchFactor(index, stretch)
        self.splitter.setHandleWidth(12)
        self.splitter.setSizes([300, 360, 320])
        self._splitter_restored = self._restore(self.splitter, SPLITTER_KEY)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(lead)
        layout.addWidget(self.action_bar)
        layout.addWidget(self.splitter, 1)
        self.setTabOrder(self.table, self.name_edit)

    def _build_editor(self) -> QWidget:
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("templateName")
        self.name_edit.setAccessibleName("Template name")
        self.name_edit.setMaxLength(120)
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("templateChannel")
        for channel in CHANNELS:
            self.channel_combo.addItem(channel_text(channel), channel)
        self.tone_combo = QComboBox()
        self.tone_combo.setObjectName("templateTone")
        for tone in TONES:
            self.tone_combo.addItem(Tone.word_for(tone), tone)
        self.language_edit = QComboBox()
        self.language_edit.setObjectName("templateLanguage")
        self.language_edit.setAccessibleName("Language")
        self.language_edit.setToolTip("The language the text is written in: customers who "
                                      "read it get this version")
        for code in sorted(LANGUAGES, key=language_name):
            self.language_edit.addItem(language_name(code), code)
        self.used_by_label = QLabel()
        self.used_by_label.setObjectName("templateUsedBy")
        self.used_by_label.setWordWrap(True)
        self.used_by_label.setTextFormat(Qt.TextFormat.PlainText)
        self.used_by_label.setMinimumWidth(1)
        mute(self.used_by_label)
        self.subject_edit = QLineEdit()
        self.subject_edit.setObjectName("templateSubject")
        self.subject_edit.setAccessibleName("Subject line")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("templateBody")
        self.body_edit.setAccessibleName("Text")
        self.body_edit.setTabChangesFocus(True)
        self._highlighter = TemplateHighlighter(self.body_edit.document())
        self._editor_widgets: tuple[QWidget, ...] = (
            self.name_edit, self.channel_combo, self.tone_combo, self.language_edit,
            self.subject_edit, self.body_edit)
        self.name_edit.textChanged.connect(self._on_details_edited)
        for combo in (self.channel_combo, self.tone_combo, self.language_edit):
            combo.currentIndexChanged.connect(self._on_details_edited)
        self.subject_edit.textChanged.connect(self._on_subject_edit_text_changed)
        self.body_edit.textChanged.connect(self._on_body_edit_text_changed)
        for edit in (self.subject_edit, self.body_edit):
            edit.installEventFilter(self)
        self._errors = {field: error_label() for field in ("", "name", "language", "subject",
                                                         "body")}
        for field, label in self._errors.items():
            label.setObjectName(f"error-{field or 'general'}")

        name = QHBoxLayout()
        name.setSpacing(8)
        name.addWidget(self.name_edit, 1)
        language = QHBoxLayout()
        language.addWidget(self.language_edit)
        language.addStretch(1)
        kind = QHBoxLayout()
        kind.setSpacing(8)
        kind.addWidget(self.channel_combo)
        tone_label = QLabel("T&one")
        tone_label.setBuddy(self.tone_combo)
        kind.addSpacing(4)
        kind.addWidget(tone_label)
        kind.addWidget(self.tone_combo)
        kind.addStretch(1)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        form.addRow("&Name", _with_errors(name, self.name_edit, self._errors["name"]))
        form.addRow("&Language", _with_errors(language, self.language_edit,
                                              self._errors["language"]))
        form.addRow("Ch&annel", _with_errors(kind, self.channel_combo, self._errors[""]))
        form.addRow("Used by", self.used_by_label)
        form.addRow("S&ubject", _with_error(self.subject_edit, self._errors["subject"]))
        body_label = QLabel("Te&xt")
        body_label.setBuddy(self.body_edit)

        editor = QWidget()
        editor.setObjectName("templateEditor")
        layout = QVBoxLayout(editor)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(form)
        layout.addSpacing(4)
        layout.addWidget(body_label)
        layout.addWidget(self.body_edit, 1)
        layout.addWidget(self._errors["body"])
        return editor

    def _build_side(self) -> QWidget:
        """The templates, and under them the merge fields (beside the text they go into)."""
        self.fields_list = MergeFieldList()
        self.fields_list.snippet_chosen.connect(self._on_fields_list_snippet_chosen)
        self.side_splitter = QSplitter(Qt.Orientation.Vertical)
        self.side_splitter.setObjectName("templatesSideSplitter")
        self.language_filter = QComboBox()
        self.language_filter.setObjectName("templatesLanguageFilter")
        self.language_filter.setAccessibleName("Show the templates in")
        self.language_filter.addItem("All languages", "")
        self.language_filter.currentIndexChanged.connect(self._on_language_filter_changed)
        shown = QLabel("Show")
        shown.setBuddy(self.language_filter)
        filter_row = QHBoxLayout()
        filter_row.setContentsMargins(0, 0, 0, 0)
        filter_row.addWidget(shown)
        filter_row.addWidget(self.language_filter, 1)
        listed = QWidget()
        layout = QVBoxLayout(listed)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(filter_row)
        layout.addWidget(self.table, 1)
        self.side_splitter.addWidget(listed)
        self.side_splitter.addWidget(self.fields_list)
        for index, stretch in enumerate((1, 1)):
            self.side_splitter.setCollapsible(index, False)
            self.side_splitter.setStretchFactor(index, stretch)
        self.side_splitter.setHandleWidth(12)
        self._side_restored = self._restore(self.side_splitter, SIDE_SPLITTER_KEY)
        return self.side_splitter

    def _restore(self, splitter: QSplitter, key: str) -> bool:
        """Give ``splitter`` its remembered sizes (False: none) and remember them from now."""
        state = self._settings.value(key)
        restored = isinstance(state, QByteArray) and splitter.restoreState(state)
        splitter.splitterMoved.connect(lambda _pos, _index: self._settings.setValue(
            key, splitter.saveState()))
        return restored

    def _size_columns(self) -> None:
        """Columns as wide as the names listed (a short list: measured whole), once."""
        if self._sized or not self._rows:
            return
        self._sized = True
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        pad = 16
        for column in range(self.model.columnCount()):
            texts = [self.model.index(row, column).data()
                     for row in range(self.model.rowCount())]
            # The header's title may lose a letter to the sort arrow; the cells never do.
            width = max([metrics.horizontalAdvance(str(self.model.headerData(
                column, Qt.Orientation.Horizontal))) + pad // 2,
                *(metrics.horizontalAdvance(text) + pad for text in texts)])
            if column == TemplatesModel.NAME:
                width = min(width + metrics.horizontalAdvance(UNSAVED_MARK), 240)
            header.resizeSection(column, width)
        frame = self.table.frameWidth() * 2
        if not self._splitter_restored:
            # The list as wide as its columns, within reason; the editor and the preview
            # share the rest.
            width = sum(header.sectionSize(c) for c in range(self.model.columnCount())) \
                + frame + self.table.verticalScrollBar().sizeHint().width()
            width = min(width, self.splitter.width() * 40 // 100)
            rest = max(self.splitter.width() - width - self.splitter.handleWidth() * 2, 400)
            editor = max(rest // 2, self.splitter.widget(1).minimumSizeHint().width() + 24)
            self.splitter.setSizes([width, editor, rest - editor])
        if not self._side_restored:
            # Every template in sight, if there is room; the merge fields below.
            height = header.height() + frame + 2 \
                + self.table.verticalHeader().defaultSectionSize() * len(self._rows)
            total = sum(self.side_splitter.sizes())
            height = min(height, total * 6 // 10)
            self.side_splitter.setSizes([height, total - height])
        # From now on "Used by" gives way (with "…"; the stages are in its tooltip and under
        # the name) in a narrow list: the name is what tells the templates apart.
        header.setStretchLastSection(True)

    # --- events and slots -------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Remember whether the subject line or the text had the cursor last (for Insert)."""
        if event.type() == QEvent.Type.FocusIn and watched in (self.subject_edit,
                                                                self.body_edit):
            self._insert_into = watched
        return super().eventFilter(watched, event)

    def _on_save_box_finished(self, box: QMessageBox, then: Callable[[], None]) -> None:
        answer = box.standardButton(box.clickedButton())
        if answer == QMessageBox.StandardButton.Save:
            self._save(then)
        elif answer == QMessageBox.StandardButton.Discard:
            self._discard()
            then()

    def _discard(self) -> None:
        """Drop the unsaved changes: the saved text again, or no new template."""
        if self._current == DRAFT_ID or self._current not in self._texts:
            self._current = None
            self._show_fields(None)
        else:
            self._show_fields(TemplateFields.of(self._texts[self._current]))
            self._read_version = self._texts[self._current].edit_version
        self._list_rows()
        self._preview_now()

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, _selected: QItemSelection,
                                    _deselected: QItemSelection) -> None:
        if self._selecting:
            return
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            if self._current is not None:
                self._select_row(self._current)  # a template stays chosen
            return
        wanted = rows[0].data(ID_ROLE)
        if wanted != self._current and wanted != DRAFT_ID:
            self._want(int(wanted))

    @Slot()
    def _on_details_edited(self) -> None:
        self._errors["name"].hide()
        self._errors["language"].hide()
        self._errors[""].hide()
        if self._current == DRAFT_ID:
            self.model.update_row(self._draft_row())
        self._set_status("")
        self._update_unsaved()

    def _draft_row(self) -> TemplateRow:
        """The list's row for the new template in the editor, as it stands."""
        fields = self.fields()
        return TemplateRow(id=DRAFT_ID, name=fields.name.strip() or "New template",
                           channel=fields.channel, tone=fields.tone, language=fields.language,
                           used_by=())

    @Slot()
    def _on_subject_edit_text_changed(self) -> None:
        self._errors["subject"].hide()
        self._on_text_edited()

    @Slot()
    def _on_body_edit_text_changed(self) -> None:
        self._errors["body"].hide()
        self._on_text_edited()

    def _on_text_edited(self) -> None:
        self._set_status("")
        self._update_unsaved()
        self._tasks.forget((self, "preview"))  # a preview of the text before this: not wanted
        self._preview_timer.start()

    @Slot()
    def _on_preview_timer_timeout(self) -> None:
        self._preview_now(keep_place=True)

    @Slot()
    def _on_preview_customer_changed(self) -> None:
        self._preview_now()

    @Slot(str)
    def _on_versions_edit_requested(self, template_id: int) -> None:
        edited = self._texts.get(self._current) if self._current is not None else None
        if edited is not None:  # the one edited until now goes beside the other
            self._on_versions_language_chosen(edited.language)
        self._want(template_id)

    def _on_versions_language_chosen(self, language: str) -> None:
        self._beside_language = language
        self._settings.setValue(BESIDE_LANGUAGE_KEY, language)

    def _on_fields_list_snippet_chosen(self, snippet: str) -> None:
        if self._current is not None:
            self._insert(snippet)

    @Slot()
    def _on_new_action_triggered(self) -> None:
        if not self._saving:
            self.ask_to_save(lambda: self._start_new(self._new_fields()))

    @Slot()
    def _on_duplicate_action_triggered(self) -> None:
        if not self._saving and self._current is not None:
            self.ask_to_save(self._duplicate_shown)

    def _duplicate_shown(self) -> None:
        if self._current is not None:  # (a new template discarded leaves nothing to copy)
            self._start_new(self._copy_fields())

    @Slot()
    def _on_save_action_triggered(self) -> None:
        self._save()


def _with_error(widget: QWidget, error: QLabel) -> QWidget:
    """``widget`` with its error line under it."""
    row = QHBoxLayout()
    row.addWidget(widget)
    return _with_errors(row, widget, error)


def _with_errors(row: QHBoxLayout, focus: QWidget, *errors: QLabel) -> QWidget:
    """A row of fields with their error lines under it; its label leads to ``focus``."""
    column = QWidget()
    column.setFocusProxy(focus)
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    layout.addLayout(row)
    for error in errors:
        layout.addWidget(error)
    return column
