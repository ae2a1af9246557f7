"""The Templates area as a user meets it: choosing a text, rewording it with the letter in view."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox

from models.audit import who_changes
from models.customer_account import customer_list
from models.template_store import save_template, template_list, template_text
from models.templating import INVOICE_FIELDS, MERGE_FIELDS
from tests.conftest import DEMO_TODAY
from tests.ui.conftest import visible_message_boxes
from ui.common.style import ERROR
from ui.templates.merge_field_list import INVOICE_LOOP, LOOP_ITEM, SNIPPET_ROLE
from ui.templates.template_preview import customer_choices
from ui.templates.templates_model import DRAFT_ID, UNSAVED_MARK, TemplatesModel
from ui.templates.templates_page import NEW_BODY, TemplatesPage
from ui.window.areas import area_index

LOAD_TIMEOUT_MS = 10_000
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def make_page(qtbot, show_page, window, runner, settings) -> Callable[[], TemplatesPage]:
    """A page filling ``window``, shown, not yet loaded."""

    def make() -> TemplatesPage:
        page = show_page(TemplatesPage(runner, lambda: DEMO_TODAY, window, settings=settings))
        return page

    return make


@pytest.fixture
def page(qtbot, demo_store, make_page) -> TemplatesPage:
    """The page on the demo company, its first template in the editor and the preview."""
    page = make_page()
    with qtbot.waitSignal(page.templates_loaded, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    qtbot.waitUntil(lambda: page.preview.showing() == "letter", timeout=LOAD_TIMEOUT_MS)
    return page


def template_named(name: str) -> int:
    return next(row.id for row in template_list() if row.name == name)


def click_template(qtbot, page: TemplatesPage, template_id: int) -> None:
    """Click the template's row in the list, as the user would."""
    index = page.model.index(page.model.position_of(template_id), TemplatesModel.NAME)
    assert index.isValid()
    page.table.scrollTo(index)
    qtbot.mouseClick(page.table.viewport(), LEFT, pos=page.table.visualRect(index).center())


def type_at_end(qtbot, page: TemplatesPage, text: str) -> None:
    """Type ``text`` (ASCII) at the end of the template's text."""
    page.body_edit.setFocus()
    page.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(page.body_edit, Qt.Key.Key_Return)
        qtbot.keyClicks(page.body_edit, line)


def wait_for_preview(qtbot, page: TemplatesPage, showing: str,
                     contains: str = "") -> None:
    qtbot.waitUntil(lambda: page.preview.showing() == showing
                    and contains in page.preview.text(), timeout=LOAD_TIMEOUT_MS)


def question(qtbot, page: TemplatesPage) -> QMessageBox:
    """The "save the changes?" question, once it is open."""
    qtbot.waitUntil(lambda: bool(visible_message_boxes(page)))
    [box] = visible_message_boxes(page)
    return box


# --- the list --------------------------------------------------------------------

def test_the_list_model_is_a_sound_item_model(demo_store, qtmodeltester):
    model = TemplatesModel()
    rows = template_list()
    model.set_rows(rows)
    qtmodeltester.check(model, force_py=True)
    model.set_unsaved(rows[1].id)
    model.sort(TemplatesModel.USED_BY, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model, force_py=True)
    assert model.index(model.position_of(rows[1].id), 0).data() == \
        UNSAVED_MARK + rows[1].name


def test_the_list_shows_each_template_with_its_channel_tone_and_stages(page):
    rows = template_list()
    assert [row.id for row in page.templates()] == [row.id for row in rows]
    model = page.model
    firm = template_named("Firm letter")
    position = model.position_of(firm)
    cells = [model.index(position, column).data() for column in range(5)]
    assert cells == ["Firm letter", "English", "Letter", "Firm", "3 stages"]
    tooltip = model.index(position, TemplatesModel.USED_BY).data(Qt.ItemDataRole.ToolTipRole)
    assert "Standard: Final notice" in tooltip
    # Its French version is what the same stages send a customer in French.
    french = next(r.id for r in rows if r.name == "Firm letter" and r.language == "fr")
    cells = [model.index(model.position_of(french), column).data() for column in range(5)]
    assert cells == ["Firm letter", "French", "Letter", "Firm", "3 stages"]
    unused = model.position_of(template_named("Polite letter"))
    assert model.index(unused, TemplatesModel.USED_BY).data() == "Not used"
    # The first template is in the editor, and selected.
    assert page.current_template_id() == rows[0].id
    assert page.name_edit.text() == rows[0].name
    assert page.table.selectionModel().selectedRows()[0].row() == 0


def test_choosing_a_template_shows_its_text_the_stages_sending_it_and_its_letter(
        qtbot, page):
    firm = template_named("Firm letter")
    click_template(qtbot, page, firm)

    saved = template_text(firm)
    assert page.current_template_id() == firm
    assert (page.name_edit.text(), page.subject_edit.text(), page.body_edit.toPlainText()) \
        == (saved.name, saved.subject, saved.body)
    assert page.channel_combo.currentData() == "letter"
    assert page.tone_combo.currentData() == "firm"
    assert "Standard: Final notice" in page.used_by_label.text()
    wait_for_preview(qtbot, page, "letter", "Payment required")
    assert not page.has_unsaved_changes()
    assert not page.save_action.isEnabled()


# --- the preview -------------------------------------------------------------------

def test_the_preview_starts_with_a_customer_who_has_something_overdue(page):
    customers = customer_list(DEMO_TODAY, today=DEMO_TODAY)
    chosen = next(c for c in customers if c.id == page.preview.customer_id())
    assert chosen.overdue_minor > 0
    assert chosen == customer_choices(customers)[0]
    combo = page.preview.customer_combo
    assert combo.count() > len(customers)  # a line between those overdue and the others


def test_editing_the_text_updates_the_preview_for_the_chosen_customer(qtbot, page):
    customers = [c for c in customer_choices(customer_list(DEMO_TODAY, today=DEMO_TODAY))
                 if c.overdue_minor > 0]
    first, second = customers[0], customers[1]

    type_at_end(qtbot, page, "\nWritten for {{ customer_name | upper }}.")
    wait_for_preview(qtbot, page, "letter", f"Written for {first.name.upper()}.")
    assert page.has_unsaved_changes()
    assert page.preview.text().startswith(template_text(page.current_template_id()).subject
                                          .split("{{")[0])

    page.preview.choose_customer(second.id)
    wait_for_preview(qtbot, page, "letter", f"Written for {second.name.upper()}.")


def test_only_the_latest_preview_is_shown(qtbot, page):
    customers = [c for c in customer_choices(customer_list(DEMO_TODAY, today=DEMO_TODAY))
                 if c.overdue_minor > 0]
    shown: list[str] = []
    page.preview_shown.connect(lambda: shown.append(page.preview.text()))

    page.body_edit.setPlainText("First {{ customer_name }}")
    page.preview.choose_customer(customers[1].id)  # filled in at once, for the first text
    page.body_edit.setPlainText("Second {{ customer_name }}")  # ...which is now out of date
    wait_for_preview(qtbot, page, "letter", f"Second {customers[1].name}")

    assert shown == [page.preview.text()]


def test_an_unknown_field_is_shown_with_a_suggestion_and_saving_it_is_refused(qtbot, page):
    template_id = page.current_template_id()
    before = template_text(template_id)

    type_at_end(qtbot, page, "\nThanks, {{ custmer_name }}")
    wait_for_preview(qtbot, page, "problem", "Did you mean “customer_name”?")
    lines = before.body.count("\n") + 2
    assert page.preview.text().startswith(f"Line {lines}: “{{{{ custmer_name }}}}” is not a "
                                          f"merge field.")
    assert page.preview.problem_title.text() == "In the text"
    assert ERROR in page.preview.message_label.styleSheet()
    assert len(page.body_edit.extraSelections()) == 1  # the line is tinted

    qtbot.keyClick(page.body_edit, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: page.field_error("body") != "", timeout=LOAD_TIMEOUT_MS)
    assert "Did you mean “customer_name”?" in page.field_error("body")
    assert page.body_edit.textCursor().blockNumber() == lines - 1
    assert template_text(template_id) == before  # nothing written
    assert page.body_edit.toPlainText().endswith("Thanks, {{ custmer_name }}")
    assert page.has_unsaved_changes()

    # Putting it right clears the error and brings the letter back.
    page.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    for _ in "custmer_name }}":
        qtbot.keyClick(page.body_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(page.body_edit, "customer_name }}")
    assert page.field_error("body") == ""
    wait_for_preview(qtbot, page, "letter", "Thanks, ")
    assert page.body_edit.extraSelections() == []


def test_reaching_into_an_object_is_refused(qtbot, page):
    template_id = page.current_template_id()
    before = template_text(template_id)
    page.subject_edit.setFocus()
    page.subject_edit.end(False)
    qtbot.keyClicks(page.subject_edit, " {{ customer.__class__ }}")
    wait_for_preview(qtbot, page, "problem", "“customer.__class__” cannot be used")
    assert page.preview.problem_title.text() == "In the subject line"

    page.save_action.trigger()
    qtbot.waitUntil(lambda: page.field_error("subject") != "", timeout=LOAD_TIMEOUT_MS)
    assert "a dot may only follow the invoice" in page.field_error("subject")
    assert template_text(template_id) == before


# --- saving -------------------------------------------------------------------------

def test_saving_an_edit_keeps_it(qtbot, page):
    firm = template_named("Firm letter")
    click_template(qtbot, page, firm)
    page.subject_edit.setFocus()
    page.subject_edit.selectAll()
    qtbot.keyClicks(page.subject_edit, "Account {{ customer_code }}: payment required")
    page.tone_combo.setCurrentIndex(page.tone_combo.findData("final"))
    assert page.model.index(page.model.position_of(firm), 0).data() == "• Firm letter"
    assert page.status_label.text() == "Changes not saved"

    with qtbot.waitSignal(page.template_saved, timeout=LOAD_TIMEOUT_MS) as saved:
        qtbot.keyClick(page.subject_edit, Qt.Key.Key_S, CTRL)

    assert saved.args == [firm]
    stored = template_text(firm)
    assert stored.subject == "Account {{ customer_code }}: payment required"
    assert stored.tone == "final"
    assert not page.has_unsaved_changes()
    assert page.model.index(page.model.position_of(firm), 0).data() == "Firm letter"
    assert page.model.index(page.model.position_of(firm), TemplatesModel.TONE).data() == "Final"
    assert page.status_label.text() == "Saved"


def test_a_name_already_taken_is_refused_at_the_name(qtbot, page):
    page.show_template(template_named("Firm letter"))
    page.name_edit.setText("Final letter")  # a letter of that name exists
    page.save_action.trigger()
    qtbot.waitUntil(lambda: page.field_error("name") != "", timeout=LOAD_TIMEOUT_MS)
    assert "already a letter template called “Final letter”" in page.field_error("name")
    assert template_text(template_named("Firm letter")).name == "Firm letter"

    qtbot.keyClicks(page.name_edit, " (firm)")
    assert page.field_error("name") == ""


# --- unsaved changes ---------------------------------------------------------------

def test_choosing_another_template_with_unsaved_changes_asks_first(qtbot, page):
    first = page.current_template_id()
    firm = template_named("Firm letter")
    type_at_end(qtbot, page, "\nPS")

    click_template(qtbot, page, firm)
    box = question(qtbot, page)
    assert box.text() == f"Save the changes to “{template_text(first).name}”?"
    # Until it is answered the edited template stays in hand.
    assert page.current_template_id() == first
    assert page.table.selectionModel().selectedRows()[0].data() == \
        UNSAVED_MARK + template_text(first).name

    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not visible_message_boxes(page))
    assert page.current_template_id() == first
    assert page.body_edit.toPlainText().endswith("\nPS")

    click_template(qtbot, page, firm)
    question(qtbot, page).button(QMessageBox.StandardButton.Discard).click()
    assert page.current_template_id() == firm
    assert not page.has_unsaved_changes()
    assert not template_text(first).body.endswith("PS")
    assert page.model.index(page.model.position_of(first), 0).data() == \
        template_text(first).name


def test_saving_when_asked_saves_then_shows_the_template_chosen(qtbot, page):
    first = page.current_template_id()
    firm = template_named("Firm letter")
    type_at_end(qtbot, page, "\nPS")

    click_template(qtbot, page, firm)
    with qtbot.waitSignal(page.template_saved, timeout=LOAD_TIMEOUT_MS):
        question(qtbot, page).button(QMessageBox.StandardButton.Save).click()

    assert template_text(first).body.endswith("\nPS")
    assert page.current_template_id() == firm
    assert page.name_edit.text() == "Firm letter"


def test_a_refused_save_when_asked_keeps_the_text_and_the_template(qtbot, page):
    first = page.current_template_id()
    type_at_end(qtbot, page, "\n{{ nope }}")

    click_template(qtbot, page, template_named("Firm letter"))
    question(qtbot, page).button(QMessageBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: page.field_error("body") != "", timeout=LOAD_TIMEOUT_MS)
    assert page.current_template_id() == first
    assert page.body_edit.toPlainText().endswith("{{ nope }}")


# --- new templates -------------------------------------------------------------------

def test_a_new_template_is_listed_as_a_draft_until_saved(qtbot, page):
    count = len(template_list())
    qtbot.keyClick(page.table, Qt.Key.Key_N, CTRL | SHIFT)

    assert page.editing_new() and page.current_template_id() is None
    assert page.body_edit.toPlainText() == NEW_BODY
    assert page.name_edit.hasFocus() and page.name_edit.selectedText() == "New template"
    draft = page.model.position_of(DRAFT_ID)
    assert page.model.index(draft, 0).data() == UNSAVED_MARK + "New template"
    wait_for_preview(qtbot, page, "letter", "Dear ")  # the starting text fills in

    qtbot.keyClicks(page.name_edit, "Gentle nudge")
    assert page.model.index(draft, 0).data() == UNSAVED_MARK + "Gentle nudge"
    with qtbot.waitSignal(page.template_saved, timeout=LOAD_TIMEOUT_MS) as saved:
        page.save_action.trigger()

    new_id = saved.args[0]
    assert len(template_list()) == count + 1
    stored = template_text(new_id)
    assert (stored.name, stored.channel, stored.body) == ("Gentle nudge", "email", NEW_BODY)
    assert page.current_template_id() == new_id
    assert page.model.position_of(DRAFT_ID) == -1
    assert page.model.position_of(new_id) >= 0
    assert "No follow-up stage sends it yet" in page.used_by_label.text()


def test_a_new_template_can_be_dropped(qtbot, page):
    first = page.current_template_id()
    page.new_action.trigger()
    click_template(qtbot, page, first)
    question(qtbot, page).button(QMessageBox.StandardButton.Discard).click()

    assert page.current_template_id() == first
    assert page.model.position_of(DRAFT_ID) == -1
    assert len(page.templates()) == len(template_list())


def test_duplicate_starts_a_new_template_from_a_copy(qtbot, page):
    firm = template_named("Firm letter")
    page.show_template(firm)
    qtbot.keyClick(page.table, Qt.Key.Key_D, CTRL)

    assert page.editing_new()
    assert page.name_edit.text() == "Firm letter (copy)"
    assert page.body_edit.toPlainText() == template_text(firm).body
    with qtbot.waitSignal(page.template_saved, timeout=LOAD_TIMEOUT_MS) as saved:
        page.save_action.trigger()
    copy = template_text(saved.args[0])
    assert (copy.channel, copy.tone, copy.subject) == ("letter", "firm",
                                                       template_text(firm).subject)

    page.duplicate_action.trigger()
    assert page.name_edit.text() == "Firm letter (copy) (copy)"


# --- the merge fields ------------------------------------------------------------------

def test_each_merge_field_is_listed_with_its_meaning(page):
    fields = page.fields_list.list
    items = {fields.item(row).text(): fields.item(row) for row in range(fields.count())}
    for name, description in MERGE_FIELDS.items():
        if name != "invoices":
            assert items[name].toolTip().startswith(description)
            assert items[name].data(SNIPPET_ROLE) == f"{{{{ {name} }}}}"
    for name, description in INVOICE_FIELDS.items():
        assert items[f"invoice.{name}"].toolTip().startswith(description)
    assert items[LOOP_ITEM].data(SNIPPET_ROLE) == INVOICE_LOOP
    page.fields_list.choose("total_overdue")
    assert page.fields_list.description_label.text() == MERGE_FIELDS["total_overdue"]


def test_a_double_clicked_field_goes_in_at_the_cursor(qtbot, page):
    page.body_edit.setPlainText("Dear ,")
    cursor = page.body_edit.textCursor()
    cursor.setPosition(5)
    page.body_edit.setTextCursor(cursor)
    page.body_edit.setFocus()

    fields = page.fields_list.list
    page.fields_list.choose("contact_name")
    item = fields.currentItem()
    fields.scrollToItem(item)
    rect = fields.visualItemRect(item)
    # A double-click is a press and a release, then the double-click itself.
    qtbot.mouseClick(fields.viewport(), LEFT, pos=rect.center())
    qtbot.mouseDClick(fields.viewport(), LEFT, pos=rect.center())

    assert page.body_edit.toPlainText() == "Dear {{ contact_name }},"
    assert page.body_edit.hasFocus()
    wait_for_preview(qtbot, page, "letter", "Dear ")


def test_insert_puts_a_field_in_the_subject_line_when_the_cursor_was_there(qtbot, page):
    page.subject_edit.setText("Your account")
    page.subject_edit.setFocus()
    page.subject_edit.end(False)
    page.fields_list.choose("customer_code")
    qtbot.mouseClick(page.fields_list.insert_button, LEFT)
    assert page.subject_edit.text() == "Your account{{ customer_code }}"


def test_the_invoice_loop_goes_in_on_its_own_lines_and_lists_the_invoices(qtbot, page):
    page.body_edit.setPlainText("Open invoices:")
    page.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    page.body_edit.setFocus()
    page.fields_list.choose(LOOP_ITEM)
    page.fields_list.insert_button.click()

    assert page.body_edit.toPlainText() == "Open invoices:\n" + INVOICE_LOOP
    wait_for_preview(qtbot, page, "letter", "  - Invoice INV-")


# --- in the window ------------------------------------------------------------------

def test_the_templates_area_is_built_when_first_shown(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    index = area_index("templates")
    qtbot.waitUntil(lambda: window.overview is not None, timeout=LOAD_TIMEOUT_MS)
    assert not isinstance(window.pages.widget(index), TemplatesPage)
    assert not window.area_menu("templates").isEnabled()

    window.show_area("templates")
    page = window.pages.widget(index)
    assert isinstance(page, TemplatesPage) and page.isVisible()
    qtbot.waitUntil(lambda: page.preview.showing() == "letter", timeout=LOAD_TIMEOUT_MS)
    assert len({(t.name, t.channel) for t in page.templates()}) == 18  # in each language
    assert window.area_menu("templates").isEnabled()
    assert window.area_menu("templates").actions() == page.actions_for_menu()


def test_closing_the_window_with_unsaved_changes_asks_first(open_window, demo_file, qtbot):
    window = open_window(demo_file)
    window.show_area("templates")
    page = window.page("templates")
    qtbot.waitUntil(lambda: page.preview.showing() == "letter", timeout=LOAD_TIMEOUT_MS)
    page.body_edit.appendPlainText("PS")
    window.show_area("today")  # leaving the area keeps the changes

    window.close()
    box = question(qtbot, page)
    assert window.isVisible() and window.current_area().key == "templates"
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not visible_message_boxes(page))
    assert window.isVisible() and page.has_unsaved_changes()

    window.close()
    question(qtbot, page).button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.store_path is None


def test_without_customers_the_text_is_still_checked(qtbot, empty_store, make_page):
    page = make_page()
    with qtbot.waitSignal(page.templates_loaded, timeout=LOAD_TIMEOUT_MS):
        page.reload()
    wait_for_preview(qtbot, page, "note", "no customers yet")
    assert page.preview.customer_id() is None
    assert not page.preview.customer_combo.isEnabled()

    page.body_edit.setPlainText("{% for x in customers %}{% endfor %}")
    wait_for_preview(qtbot, page, "problem", "a loop can only go through the invoice list")


def test_a_renamed_template_is_offered_by_its_new_name_in_settings(
        open_window, demo_file, qtbot):
    window = open_window(demo_file)
    window.show_area("settings")
    settings = window.page("settings")
    qtbot.waitUntil(lambda: settings.settings() is not None, timeout=LOAD_TIMEOUT_MS)
    window.show_area("templates")
    page = window.page("templates")
    qtbot.waitUntil(lambda: page.preview.showing() == "letter", timeout=LOAD_TIMEOUT_MS)
    page.show_template(template_named("Firm letter"))
    page.name_edit.setText("Firm reminder letter")
    with qtbot.waitSignal(page.template_saved, timeout=LOAD_TIMEOUT_MS):
        page.save_action.trigger()

    with qtbot.waitSignal(settings.loaded, timeout=LOAD_TIMEOUT_MS):
        window.show_area("settings")
    assert "Firm reminder letter" in [t.name for t in settings.settings().templates]


def test_opening_another_store_with_unsaved_changes_asks_first(
        open_window, company_file, demo_file, qtbot):
    window = open_window(company_file)
    window.show_area("templates")
    page = window.page("templates")
    qtbot.waitUntil(lambda: page.preview.showing() == "note", timeout=LOAD_TIMEOUT_MS)
    page.new_action.trigger()

    window.open_store_file(demo_file)
    box = question(qtbot, page)
    assert box.text() == "Save the new template “New template”?"
    assert window.store_path == company_file
    with qtbot.waitSignal(window.store_opened, timeout=LOAD_TIMEOUT_MS):
        box.button(QMessageBox.StandardButton.Save).click()
    assert window.store_path == demo_file

    window.open_store_file(company_file)  # nothing unsaved now: no question
    assert window.store_path == company_file
    window.show_area("templates")
    qtbot.waitUntil(lambda: "New template" in [r.name for r in page.templates()],
                    timeout=LOAD_TIMEOUT_MS)


def test_the_letter_is_dated_the_business_s_today(qtbot, page):
    page.body_edit.setPlainText("Bristol, {{ letter_date }}")
    wait_for_preview(qtbot, page, "letter", "Bristol, 24 Nov 2026")


def test_a_template_in_french_previews_for_a_french_customer_in_french(qtbot, page):
    french = next(r.id for r in template_list()
                  if r.name == "Firm letter" and r.language == "fr")
    click_template(qtbot, page, french)
    readers = {row.id for row in customer_list(DEMO_TODAY) if row.language == "fr"}
    qtbot.waitUntil(lambda: page.preview.customer_id() in readers, timeout=LOAD_TIMEOUT_MS)
    # Its dates and lateness in French too, not only its words.
    wait_for_preview(qtbot, page, "letter", "jours de retard)")
    assert "Total échu" in page.preview.text() and " nov. 2026" in page.preview.text()
    # Chosen by hand, an English reader still gets the French text as written.
    english = next(row.id for row in customer_choices(customer_list(DEMO_TODAY))
                   if row.language == "en" and row.overdue_minor > 0)
    page.preview.choose_customer(english)
    wait_for_preview(qtbot, page, "letter", "Total échu")


def test_another_language_s_version_is_shown_beside_and_either_can_be_edited(qtbot, page):
    versions = {r.language: r.id for r in template_list() if r.name == "Firm letter"}
    click_template(qtbot, page, versions["fr"])
    assert page.language_edit.currentText() == "French"  # named, not a code to know
    page.right_tabs.setCurrentWidget(page.versions)
    # Beside the French text, the business's own (English) one, to translate from.
    assert page.versions.shown().id == versions["en"]
    assert page.versions.body.toPlainText() == template_text(versions["en"]).body
    assert page.versions.body.isReadOnly()
    languages = [page.versions.language_combo.itemText(i)
                 for i in range(page.versions.language_combo.count())]
    assert len(languages) == 10 and "French" not in languages and "German" in languages

    qtbot.mouseClick(page.versions.edit_button, LEFT)
    qtbot.waitUntil(lambda: page.current_template_id() == versions["en"])
    assert page.body_edit.toPlainText() == template_text(versions["en"]).body
    assert page.versions.shown().id == versions["fr"]  # the two swapped sides

    german = page.versions.language_combo.findText("German")
    page.versions.language_combo.setCurrentIndex(german)
    page.versions.language_combo.activated.emit(german)
    assert "Sehr geehrte" in page.versions.body.toPlainText()
    click_template(qtbot, page, template_named("Friendly email"))
    assert page.versions.shown().language == "de"  # the language chosen stays beside


def test_a_block_left_open_is_named_at_the_line_that_opened_it_and_tinted(qtbot, page):
    opened = page.body_edit.document().blockCount() + 1
    type_at_end(qtbot, page, "\n{% if overdue_count > 1 %}\nSeveral are late.")
    wait_for_preview(qtbot, page, "problem", "is not closed")
    assert page.preview.text() == (f"Line {opened}: this “{{% if %}}” is not closed: add "
                                   f"“{{% endif %}}” where its text ends.")
    [tint] = page.body_edit.extraSelections()
    assert tint.cursor.blockNumber() == opened - 1


def test_the_list_can_show_one_language_and_keeps_the_one_edited(qtbot, page):
    everything = len(page.templates())
    english = page.language_filter.findText("English")
    page.language_filter.setCurrentIndex(english)
    rows = page.templates()
    assert 0 < len(rows) < everything and all(r.language == "en" for r in rows)
    assert page.current_template_id() in {r.id for r in rows}
    language = TemplatesModel.LANGUAGE
    assert page.table.isColumnHidden(language)  # "English" on every row says nothing
    page.language_filter.setCurrentIndex(page.language_filter.findText("Greek"))
    assert {r.language for r in page.templates()} == {"el", "en"}  # the edited one stays
    assert not page.table.isColumnHidden(language)
    page.language_filter.setCurrentIndex(0)
    assert len(page.templates()) == everything
    assert not page.table.isColumnHidden(language)


def test_the_list_shows_every_templates_name_whole(qtbot, page):
    # The name is what tells the templates apart: "Used by" gives way first.
    header = page.table.horizontalHeader()
    metrics = page.table.fontMetrics()
    longest = max(metrics.horizontalAdvance(row.name) for row in page.templates())
    assert header.sectionSize(TemplatesModel.NAME) > longest


# --- two people editing one template ----------------------------------------------

def someone_else_sets_the_subject(template_id: int, subject: str) -> None:
    """Another person, in their own window, saves the template's subject line."""
    theirs = template_text(template_id)
    save_template(template_id, name=theirs.name, channel=theirs.channel, tone=theirs.tone,
                  language=theirs.language, subject=subject, body=theirs.body,
                  read_version=theirs.edit_version)


def test_a_save_over_another_persons_change_is_refused_and_the_typing_kept(qtbot, page):
    template_id = page.current_template_id()
    type_at_end(qtbot, page, "PS: we can agree a plan.")
    someone_else_sets_the_subject(template_id, "Your account: a reminder")
    page.save_action.trigger()

    qtbot.waitUntil(lambda: bool(visible_message_boxes(page)), timeout=LOAD_TIMEOUT_MS)
    [box] = visible_message_boxes(page)
    assert box.objectName() == "templateChangedMeanwhile"
    assert f"{who_changes()} changed the subject at " in box.text()
    assert f"{who_changes()} changed the subject at " in page.field_error("")
    assert page.body_edit.toPlainText().endswith("PS: we can agree a plan.")  # nothing lost
    assert page.has_unsaved_changes()
    assert "PS: we can agree a plan." not in template_text(template_id).body  # nothing saved

    reload = next(button for button in box.buttons() if "Reload" in button.text())
    with qtbot.waitSignal(page.templates_loaded, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(reload, LEFT)
    assert page.subject_edit.text() == "Your account: a reminder"
    assert not page.has_unsaved_changes()
    assert page.field_error("") == ""

    type_at_end(qtbot, page, "PS: we can agree a plan.")
    with qtbot.waitSignal(page.template_saved, timeout=LOAD_TIMEOUT_MS):
        page.save_action.trigger()
    saved = template_text(template_id)
    assert saved.subject == "Your account: a reminder"
    assert saved.body.endswith("PS: we can agree a plan.")
