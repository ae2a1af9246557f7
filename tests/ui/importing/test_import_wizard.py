"""File → Import… as a user goes through it: pick, see how it reads, dry run, import."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWizard

from models import db
from models.schema import Customer, Invoice
from tests.unit.imports.exports import (
    XERO_CONTACTS_HEADER,
    XERO_INVOICE_HEADER,
    write_csv,
    xero_contact,
    xero_line,
)
from ui.importing.import_wizard import (
    COLUMNS_PAGE,
    DONE_PAGE,
    DRY_RUN_PAGE,
    READING_PAGE,
    ImportWizard,
    PreviewModel,
)

WAIT = 15000


@contextlib.contextmanager
def opened(path: Path) -> Iterator[None]:
    """The store open for the test to look in (after the window closed it)."""
    store = db.open_store(path)
    try:
        yield
    finally:
        store.close()


def xero_export(path: Path) -> Path:
    return write_csv(path, XERO_INVOICE_HEADER, [
        xero_line("Zoë Café", "INV-0001", "24/10/2026", "23/11/2026", "1,200.00", "200.00",
                  "1,000.00", "1,200.00", currency="EUR"),
        xero_line("Acme Ltd", "INV-0002", "01/11/2026", "01/12/2026", "500.00", "0.00",
                  "500.00", "500.00", currency="EUR")])


def open_wizard(window, qtbot) -> ImportWizard:
    window.import_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(ImportWizard) is not None)
    return window.findChild(ImportWizard)


def go_next(wizard: ImportWizard, qtbot) -> None:
    commit = wizard.currentPage().isCommitPage()
    button = wizard.button(QWizard.WizardButton.CommitButton if commit
                           else QWizard.WizardButton.NextButton)
    qtbot.waitUntil(lambda: button.isEnabled(), timeout=WAIT)
    wizard.next()


def test_a_xero_export_is_imported_through_the_wizard(open_window, company_file, qtbot,
                                                       tmp_path, qtmodeltester) -> None:
    window = open_window(company_file)
    wizard = open_wizard(window, qtbot)
    wizard.currentPage().path_edit.setText(str(xero_export(tmp_path / "Invoices.csv")))
    go_next(wizard, qtbot)

    page = wizard.currentPage()
    assert wizard.currentId() == READING_PAGE
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=WAIT)
    qtmodeltester.check(page.model)
    assert "recognised as Xero invoices" in page.found_label.text()
    assert page.dates_combo.currentText().startswith("Day first")
    assert page.model.data(page.model.index(0, PreviewModel.columns.index(
        PreviewModel.columns[6]))) == "1,000.00 EUR"
    go_next(wizard, qtbot)

    assert wizard.currentId() == DRY_RUN_PAGE
    dry_run = wizard.currentPage()
    qtbot.waitUntil(lambda: "Dry run" in dry_run.summary.toPlainText(), timeout=WAIT)
    assert "Invoices: 2 new" in dry_run.summary.toPlainText()
    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "&Import"
    go_next(wizard, qtbot)

    assert wizard.currentId() == DONE_PAGE
    done = wizard.currentPage()
    qtbot.waitUntil(lambda: "Imported." in done.summary.toPlainText(), timeout=WAIT)
    wizard.accept()
    # The import is in Settings › Imports, and the customers are listed.
    window.show_area("settings")
    settings = window.page("settings")
    settings.show_section("imports")
    qtbot.waitUntil(lambda: settings.imports.model.rowCount() == 1, timeout=WAIT)
    qtmodeltester.check(settings.imports.model)
    logged = settings.imports.model.row_at(0)
    assert (logged.source, logged.file_name) == ("Xero", "Invoices.csv")
    assert logged.summary() == "2 customers and 2 invoices new"
    window.close()
    with opened(company_file):
        assert Customer.select().count() == 2
        assert Invoice.get(Invoice.number == "INV-0001").open_minor == 100000


def test_an_import_is_undone_from_its_last_page(open_window, company_file, qtbot,
                                                tmp_path) -> None:
    window = open_window(company_file)
    wizard = open_wizard(window, qtbot)
    wizard.currentPage().path_edit.setText(str(xero_export(tmp_path / "Invoices.csv")))
    for _page in range(2):
        go_next(wizard, qtbot)
    dry_run = wizard.currentPage()
    qtbot.waitUntil(lambda: "Dry run" in dry_run.summary.toPlainText(), timeout=WAIT)
    go_next(wizard, qtbot)
    done = wizard.currentPage()
    qtbot.waitUntil(lambda: done.undo_button.isVisible(), timeout=WAIT)

    done.undo_button.click()
    box = next(b for b in done.findChildren(QMessageBox) if b.isVisible())
    undo = next(b for b in box.buttons() if b.text() == "&Undo Import")
    undo.click()
    qtbot.waitUntil(lambda: "Undone" in done.summary.toPlainText(), timeout=WAIT)
    wizard.accept()
    window.close()
    with opened(company_file):
        assert Customer.select().count() == 0 and Invoice.select().count() == 0


def test_a_file_no_preset_knows_is_mapped_column_by_column(open_window, company_file, qtbot,
                                                            tmp_path) -> None:
    path = write_csv(tmp_path / "ledger.csv", ["Kunde", "Rechnung", "Datum", "Betrag"],
                     [["Müller GmbH", "R-1", "24.10.2026", "1.234,50"]], delimiter=";")
    window = open_window(company_file)
    wizard = open_wizard(window, qtbot)
    wizard.currentPage().path_edit.setText(str(path))
    go_next(wizard, qtbot)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: "does not recognise" in page.found_label.text(), timeout=WAIT)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()  # nothing to read it with yet
    page.layout_combo.setCurrentIndex(page.layout_combo.findData("mine"))
    page.layout_combo.activated.emit(page.layout_combo.currentIndex())
    go_next(wizard, qtbot)

    assert wizard.currentId() == COLUMNS_PAGE
    columns = wizard.currentPage()
    for field, name in (("customer", "Kunde"), ("number", "Rechnung"), ("issued", "Datum"),
                        ("total", "Betrag")):
        combo = columns.combos[next(f for f in columns.combos if f.value == field)]
        combo.setCurrentIndex(combo.findData(name))
    columns.name_edit.setText("Lexware")
    go_next(wizard, qtbot)
    dry_run = wizard.currentPage()
    qtbot.waitUntil(lambda: "Invoices: 1 new" in dry_run.summary.toPlainText(), timeout=WAIT)
    go_next(wizard, qtbot)
    done = wizard.currentPage()
    qtbot.waitUntil(lambda: "Imported." in done.summary.toPlainText(), timeout=WAIT)
    wizard.accept()
    window.close()
    with opened(company_file):
        assert Invoice.get(Invoice.number == "R-1").amount_minor == 123450
        from models.imports.mappings import mapping_names

        assert mapping_names() == ["Lexware"]


def test_a_customer_found_by_name_can_be_told_apart_and_old_debts_given_a_start(
        open_window, company_file, qtbot, tmp_path) -> None:
    from models.ledger import CustomerDraft, add_customer

    with opened(company_file):
        add_customer(CustomerDraft(code="ACME", name="Acme Ltd", currency="EUR"))
    path = write_csv(tmp_path / "old.csv", XERO_INVOICE_HEADER, [
        xero_line("Acme Ltd", "INV-0009", "01/07/2026", "31/07/2026", "500.00", "0.00",
                  "500.00", "500.00", currency="EUR")])
    window = open_window(company_file)
    wizard = open_wizard(window, qtbot)
    wizard.currentPage().path_edit.setText(str(path))
    go_next(wizard, qtbot)
    go_next(wizard, qtbot)
    dry_run = wizard.currentPage()
    qtbot.waitUntil(lambda: "Dry run" in dry_run.summary.toPlainText(), timeout=WAIT)
    assert dry_run.matches.isVisibleTo(dry_run) and dry_run.matches.count() == 1
    assert "Customers: 0 new" in dry_run.summary.toPlainText()
    assert dry_run.start_box.isVisibleTo(dry_run)

    dry_run.matches.item(0).setCheckState(Qt.CheckState.Unchecked)  # another Acme
    qtbot.waitUntil(lambda: "Customers: 1 new" in dry_run.summary.toPlainText(), timeout=WAIT)
    dry_run.start_combo.setCurrentIndex(dry_run.start_combo.findData("age"))
    go_next(wizard, qtbot)
    done = wizard.currentPage()
    qtbot.waitUntil(lambda: "Imported." in done.summary.toPlainText(), timeout=WAIT)
    wizard.accept()
    window.close()
    with opened(company_file):
        assert Customer.select().where(Customer.name == "Acme Ltd").count() == 2
        assert Invoice.get(Invoice.number == "INV-0009").chase_from is None  # by age


def test_a_customer_found_by_vat_number_is_listed_to_confirm_and_can_be_told_apart(
        open_window, company_file, qtbot, tmp_path) -> None:
    from models.ledger import CustomerDraft, add_customer

    with opened(company_file):
        add_customer(CustomerDraft(code="ACME", name="Acme Trading Limited", currency="EUR",
                                   tax_number="GB123456789"))
    path = write_csv(tmp_path / "Contacts.csv", XERO_CONTACTS_HEADER, [
        xero_contact("Acme Ltd", account="X-7", tax_number="gb 123 4567 89")])
    window = open_window(company_file)
    wizard = open_wizard(window, qtbot)
    wizard.currentPage().path_edit.setText(str(path))
    go_next(wizard, qtbot)
    go_next(wizard, qtbot)
    dry_run = wizard.currentPage()
    qtbot.waitUntil(lambda: "Dry run" in dry_run.summary.toPlainText(), timeout=WAIT)
    assert [dry_run.matches.item(n).text() for n in range(dry_run.matches.count())] == [
        "Acme Ltd (line 2): same VAT number"]
    assert "Customers: 0 new" in dry_run.summary.toPlainText()

    dry_run.matches.item(0).setCheckState(Qt.CheckState.Unchecked)  # another company
    qtbot.waitUntil(lambda: "Customers: 1 new" in dry_run.summary.toPlainText(), timeout=WAIT)
    go_next(wizard, qtbot)
    done = wizard.currentPage()
    qtbot.waitUntil(lambda: "Imported." in done.summary.toPlainText(), timeout=WAIT)
    wizard.accept()
    window.close()
    with opened(company_file):
        assert Customer.select().where(Customer.tax_number == "GB123456789").count() == 2


def test_one_long_overdue_account_is_given_its_own_start_in_the_table(
        open_window, company_file, qtbot, tmp_path, qtmodeltester) -> None:
    import datetime as dt

    from models.followup import follow_up_plan
    from tests.conftest import DEMO_TODAY
    from ui.importing.late_starts import StartsModel

    path = write_csv(tmp_path / "old.csv", XERO_INVOICE_HEADER, [
        xero_line(name, number, "01/07/2026", due, "500.00", "0.00", "500.00", "500.00",
                  currency="EUR")
        for name, number, due in (("Alder Ltd", "A-1", "15/09/2026"),  # 70 days overdue
                                  ("Birch Ltd", "B-1", "31/08/2026"),  # 85
                                  ("Birch Ltd", "B-2", "15/09/2026"),
                                  ("Cedar Ltd", "C-1", "20/11/2026"))])  # 4: as usual
    window = open_window(company_file)
    wizard = open_wizard(window, qtbot)
    wizard.currentPage().path_edit.setText(str(path))
    go_next(wizard, qtbot)
    go_next(wizard, qtbot)
    dry_run = wizard.currentPage()
    qtbot.waitUntil(lambda: "Dry run" in dry_run.summary.toPlainText(), timeout=WAIT)
    table, model = dry_run.starts_table, dry_run.starts_model
    assert table.isVisibleTo(dry_run)
    qtmodeltester.check(model)
    assert [[model.data(model.index(row, column)) for column in range(4)]
            for row in range(model.rowCount())] == [
        ["Birch Ltd", "2", "85 days", "For all"], ["Alder Ltd", "1", "70 days", "For all"]]

    birch = model.index(0, StartsModel.START)
    combo = table.indexWidget(birch)
    combo.setCurrentIndex(combo.findText("“Final notice”"))
    assert model.data(birch) == "“Final notice”"
    go_next(wizard, qtbot)
    done = wizard.currentPage()
    qtbot.waitUntil(lambda: "Imported." in done.summary.toPlainText(), timeout=WAIT)
    assert "their reminders started at the first reminder, or as chosen for single " \
        "accounts." in done.summary.toPlainText()
    wizard.accept()
    window.close()
    with opened(company_file):
        final_notice = DEMO_TODAY - dt.timedelta(days=45)  # the Standard policy's offset
        assert [Invoice.get(Invoice.number == n).chase_from for n in ("B-1", "B-2")] == [
            final_notice, final_notice]
        assert Invoice.get(Invoice.number == "A-1").chase_from == DEMO_TODAY - dt.timedelta(
            days=1)  # as for all: the first reminder
        proposed = {a.customer_name: a.stage.name for a in follow_up_plan(DEMO_TODAY).due}
        assert proposed == {"Alder Ltd": "Payment overdue", "Birch Ltd": "Final notice",
                            "Cedar Ltd": "Payment overdue"}


def test_a_new_companys_empty_accounts_and_customers_offer_the_import(
        open_window, company_file, qtbot) -> None:
    window = open_window(company_file)
    window.show_area("accounts")
    accounts = window.page("accounts")
    qtbot.waitUntil(lambda: accounts.import_button.isVisible(), timeout=WAIT)
    assert accounts.message_label.text().startswith("No invoices yet.")
    accounts.import_button.click()
    qtbot.waitUntil(lambda: window.findChild(ImportWizard) is not None)
    window.findChild(ImportWizard).reject()

    window.show_area("customers")
    customers = window.page("customers")
    qtbot.waitUntil(lambda: customers.empty.import_button.isVisible(), timeout=WAIT)


def test_the_new_customers_an_import_brings_are_offered_a_welcome_e_mail(
        open_window, company_file, qtbot, tmp_path) -> None:
    from models.kinds import ContactPurpose
    from models.schema import Interaction, OutboxMessage

    path = write_csv(tmp_path / "Invoices.csv", XERO_INVOICE_HEADER, [
        xero_line("Zoë Café", "INV-0001", "24/10/2026", "23/11/2026", "1,200.00", "0.00",
                  "1,200.00", "1,200.00", currency="EUR", email="zoe@cafe.example"),
        xero_line("Acme Ltd", "INV-0002", "01/11/2026", "01/12/2026", "500.00", "0.00",
                  "500.00", "500.00", currency="EUR")])
    window = open_window(company_file)
    wizard = open_wizard(window, qtbot)
    wizard.currentPage().path_edit.setText(str(path))
    for _page in range(2):
        go_next(wizard, qtbot)
    dry_run = wizard.currentPage()
    qtbot.waitUntil(lambda: "Dry run" in dry_run.summary.toPlainText(), timeout=WAIT)
    go_next(wizard, qtbot)
    done = wizard.currentPage()
    qtbot.waitUntil(lambda: "Imported." in done.summary.toPlainText(), timeout=WAIT)

    # Only Zoë Café has an address to e-mail.
    assert done.welcome_button.isVisible()
    assert done.welcome_button.text() == "Send a &welcome e-mail to the 1 new customer"
    done.welcome_button.click()
    qtbot.waitUntil(lambda: "Welcome e-mails: 1 in the outbox" in done.summary.toPlainText(),
                    timeout=WAIT)
    assert "Acme Ltd" in done.summary.toPlainText()  # no address: a letter
    assert not done.welcome_button.isVisible()
    wizard.accept()
    window.close()
    with opened(company_file):
        zoe = Customer.get(Customer.name == "Zoë Café")
        assert Interaction.select().where((Interaction.customer == zoe.id) & (
            Interaction.purpose == ContactPurpose.WELCOME)).count() == 1
        assert OutboxMessage.select().count() == 1


def test_the_store_itself_chosen_to_import_is_refused_as_a_problem(open_window, company_file,
                                                                   qtbot) -> None:
    # Read, it would lose SQLite's locks on the open store (models.files): refused first,
    # in the problem's place (red), and the import goes no further.
    window = open_window(company_file)
    wizard = open_wizard(window, qtbot)
    wizard.currentPage().path_edit.setText(str(company_file))
    go_next(wizard, qtbot)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: bool(page.problem_label.text()), timeout=WAIT)
    assert page.problem_label.text() == (f"Duly cannot read {company_file.name}: it is the "
                                         f"store Duly has open; choose another file.")
    assert page.found_label.text() == ""
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert Path(f"{company_file}-wal").exists()
