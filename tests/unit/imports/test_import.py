"""Importing an export: all or nothing, idempotent, in step with a newer export, and
every refused row named with its line and reason."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from models import db
from models.check import check_store
from models.customer_account import customer_draft, customer_list
from models.errors import LedgerError
from models.imports.detect import detect, read_settings
from models.imports.plan import Match, plan_import
from models.imports.records import ReadSettings
from models.imports.run import ImportRefused, MissingChoice, run_import
from models.imports.table import FileRefused
from models.imports.values import DateOrder
from models.kinds import InvoiceStatus
from models.ledger import (
    CustomerDraft,
    InvoiceDraft,
    add_customer,
    add_invoice,
    update_customer,
    update_invoice,
)
from models.schema import Allocation, Customer, ExternalRecord, ImportBatch, Invoice, Payment
from reports.import_summary import import_summary
from tests.unit.imports.exports import (
    XERO_CONTACTS_HEADER,
    XERO_INVOICE_HEADER,
    write_csv,
    xero_contact,
    xero_line,
)
from tests.unit.ledger_helpers import TODAY

pytestmark = pytest.mark.both_engines


def xero_file(path: Path, *lines: list[str]) -> Path:
    return write_csv(path, XERO_INVOICE_HEADER, list(lines))


def contacts(path: Path, *rows: list[str]) -> Path:
    return write_csv(path, XERO_CONTACTS_HEADER, list(rows))


def settings(path: Path) -> ReadSettings:
    return read_settings(detect(path), currency="GBP")


def first_export(tmp_path: Path) -> Path:
    return xero_file(
        tmp_path / "Invoices.csv",
        xero_line("Zoë Café", "INV-0001", "24/09/2026", "24/10/2026", "1,200.00", "0.00",
                  "1,200.00", "1,000.00", email="accounts@zoe.example",
                  street="1 Rue de la Paix", city="Paris", country="France"),
        xero_line("Zoë Café", "INV-0001", "24/09/2026", "24/10/2026", "1,200.00", "0.00",
                  "1,200.00", "200.00", description="Travel"),
        xero_line("Acme Ltd", "INV-0002", "01/10/2026", "31/10/2026", "500.00", "200.00",
                  "300.00", "500.00"),
        xero_line("Acme Ltd", "INV-0003", "13/11/2026", "13/12/2026", "80.00", "80.00",
                  "0.00", "80.00", status="Paid"),
        xero_line("Acme Ltd", "INV-0004", "20/11/2026", "20/12/2026", "99.00", "0.00",
                  "99.00", "99.00", status="Draft"))


def test_a_xero_export_brings_its_customers_invoices_and_payments_in(
        empty_store: db.Store, tmp_path: Path) -> None:
    path = first_export(tmp_path)
    result = run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)

    counts = result.plan.counts()
    assert (counts["customers_new"], counts["invoices_new"], counts["skipped"]) == (2, 3, 1)
    zoe = Customer.get(Customer.name == "Zoë Café")
    assert (zoe.billing_email, zoe.country, zoe.currency) == ("accounts@zoe.example", "FR",
                                                              "GBP")
    assert zoe.address == "1 Rue de la Paix\nParis\nFrance"
    one = Invoice.get(Invoice.number == "INV-0001")
    assert (one.amount_minor, one.open_minor, one.due_date) == (120000, 120000,
                                                                dt.date(2026, 10, 24))
    assert Invoice.get(Invoice.number == "INV-0002").open_minor == 30000
    paid = Invoice.get(Invoice.number == "INV-0003")
    assert (paid.open_minor, paid.status) == (0, InvoiceStatus.PAID)
    assert not Invoice.select().where(Invoice.number == "INV-0004").exists()  # a draft
    assert Payment.select().count() == 2  # what the file says was paid, as payments
    assert Allocation.select().count() == 2
    assert check_store() == []


def test_importing_the_same_file_again_changes_nothing(empty_store: db.Store,
                                                       tmp_path: Path) -> None:
    path = first_export(tmp_path)
    first = run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)
    again = run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)

    assert again.batch_id is None
    assert again.plan.same_file_as == first.batch_id
    assert again.plan.changes_nothing
    assert (Customer.select().count(), Invoice.select().count(), Payment.select().count()) \
        == (2, 3, 2)
    assert ImportBatch.select().count() == 1


def test_a_newer_export_records_what_was_paid_since_and_asks_about_what_is_gone(
        empty_store: db.Store, tmp_path: Path) -> None:
    path = first_export(tmp_path)
    run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)
    newer = xero_file(
        tmp_path / "Invoices (1).csv",
        xero_line("Zoë Café", "INV-0001", "24/09/2026", "31/10/2026", "1,200.00", "1,200.00",
                  "0.00", "1,200.00", status="Paid"),
        xero_line("Acme Ltd", "INV-0003", "13/11/2026", "13/12/2026", "80.00", "80.00",
                  "0.00", "80.00", status="Paid"))

    plan = plan_import(newer, settings(newer))
    (zoe,) = [s for s in plan.invoices if s.record.number == "INV-0001"]
    assert zoe.pays_minor == 120000
    assert [c.field for c in zoe.changes] == ["Due date"]
    assert [m.number for m in plan.missing] == ["INV-0002"]

    run_import(newer, settings(newer), missing=MissingChoice.PAID, today=TODAY)
    assert Invoice.get(Invoice.number == "INV-0001").open_minor == 0
    assert Invoice.get(Invoice.number == "INV-0001").due_date == dt.date(2026, 10, 31)
    assert Invoice.get(Invoice.number == "INV-0002").open_minor == 0  # taken as paid
    assert Customer.select().count() == 2  # matched by key, not duplicated
    assert check_store() == []


def test_a_change_made_in_duly_and_in_the_file_is_a_conflict_left_as_duly_has_it(
        empty_store: db.Store, tmp_path: Path) -> None:
    path = first_export(tmp_path)
    run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)
    one = Invoice.get(Invoice.number == "INV-0001")
    update_invoice(one.id, InvoiceDraft(number="INV-0001", issue_date=one.issue_date,
                                        due_date=dt.date(2026, 11, 7),
                                        amount_minor=one.amount_minor))
    newer = xero_file(
        tmp_path / "newer.csv",
        xero_line("Zoë Café", "INV-0001", "24/09/2026", "31/10/2026", "1,200.00", "0.00",
                  "1,200.00", "1,200.00"))

    plan = plan_import(newer, settings(newer))
    assert [(c.field, c.in_duly, c.in_file) for c in plan.conflicts] == [
        ("Due date", "2026-11-07", "2026-10-31")]
    run_import(newer, settings(newer), missing=MissingChoice.LEAVE, today=TODAY)
    assert Invoice.get(Invoice.number == "INV-0001").due_date == dt.date(2026, 11, 7)


def test_a_customer_already_here_is_matched_by_name_not_duplicated(
        empty_store: db.Store, tmp_path: Path) -> None:
    add_customer(CustomerDraft(code="ACME", name="Acme Ltd", currency="GBP"))
    path = first_export(tmp_path)
    plan = plan_import(path, settings(path))
    (acme,) = [s for s in plan.customers if s.record.name == "Acme Ltd"]
    assert acme.match is Match.NAME

    run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)
    assert [r.name for r in customer_list(TODAY, today=TODAY)].count("Acme Ltd") == 1
    assert ExternalRecord.select().where(ExternalRecord.kind == "customer").count() == 2


def test_a_refused_row_is_named_and_nothing_is_written(empty_store: db.Store,
                                                       tmp_path: Path) -> None:
    path = xero_file(
        tmp_path / "bad.csv",
        xero_line("Zoë Café", "INV-0001", "24/09/2026", "24/10/2026", "1,200.00", "0.00",
                  "1,200.00", "1,200.00"),
        xero_line("Acme Ltd", "INV-0002", "31/09/2026", "31/10/2026", "500.00", "0.00",
                  "500.00", "500.00"),
        xero_line("Acme Ltd", "INV-0003", "01/10/2026", "31/10/2026", "lots", "0.00",
                  "500.00", "500.00"),
        xero_line("Bee Ltd", "INV-0001", "24/09/2026", "24/10/2026", "9.00", "0.00",
                  "9.00", "9.00"),
        xero_line("Acme Ltd", "INV-0005", "01/10/2026", "31/10/2026", "5.00", "0.00",
                  "5.00", "5.00", currency="XYZ"))

    with pytest.raises(ImportRefused) as refused:
        run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)
    reasons = {row.line: row.reason for row in refused.value.rows}
    assert "not a day of the calendar" in reasons[3]
    assert "is not an amount" in reasons[4]
    assert "twice with different amounts" in reasons[5]
    assert "not a currency Duly knows" in reasons[6]
    assert (Customer.select().count(), Invoice.select().count()) == (0, 0)


def test_an_invoice_number_typed_in_by_hand_refuses_its_row_by_line(
        empty_store: db.Store, tmp_path: Path) -> None:
    typed = add_customer(CustomerDraft(code="BEE", name="Bee Ltd", currency="GBP"))
    add_invoice(typed, InvoiceDraft(number="INV-0003", issue_date=TODAY,
                                    due_date=TODAY, amount_minor=100), today=TODAY)
    path = first_export(tmp_path)

    with pytest.raises(ImportRefused) as refused:
        run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)
    assert [row.line for row in refused.value.rows] == [5]
    assert "INV-0003 is already in Duly" in refused.value.rows[0].reason
    assert (Customer.select().count(), Invoice.select().count()) == (1, 1)
    assert ImportBatch.select().count() == 0


def test_a_file_of_unknown_columns_says_what_it_saw_and_what_it_needs(
        empty_store: db.Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["Kunde", "Rechnung", "Betrag"],
                     [["Müller GmbH", "R-1", "1.234,50"]])
    with pytest.raises(FileRefused, match="does not recognise this file's columns "
                                          r"\(Kunde, Rechnung, Betrag\)"):
        settings(path)


def test_dates_that_read_both_ways_are_asked_about_never_guessed(
        empty_store: db.Store, tmp_path: Path) -> None:
    path = xero_file(tmp_path / "ambiguous.csv", xero_line(
        "Zoë Café", "INV-0001", "05/06/2026", "07/08/2026", "10.00", "0.00", "10.00",
        "10.00"))
    with pytest.raises(FileRefused, match="reads both ways"):
        settings(path)
    chosen = read_settings(detect(path), currency="GBP", date_order=DateOrder.MONTH_FIRST)
    run_import(path, chosen, missing=MissingChoice.LEAVE, today=TODAY)
    assert Invoice.get(Invoice.number == "INV-0001").issue_date == dt.date(2026, 5, 6)


def test_a_file_no_preset_knows_is_read_with_a_mapping_kept_for_next_time(
        empty_store: db.Store, tmp_path: Path) -> None:
    from models.imports.mappings import mapping_names, mapping_preset, save_mapping
    from models.imports.sources import Field, Holds
    from models.imports.values import DecimalMark

    path = write_csv(tmp_path / "Debitoren.csv", ["Kunde", "Rechnung", "Datum", "Fällig",
                                                  "Betrag", "Offen"],
                     [["Müller GmbH", "R-1", "24.10.2026", "23.11.2026", "1.234,50",
                       "1.234,50"]], delimiter=";", encoding="cp1252")
    columns = {Field.CUSTOMER: "Kunde", Field.NUMBER: "Rechnung", Field.ISSUED: "Datum",
               Field.DUE: "Fällig", Field.TOTAL: "Betrag", Field.BALANCE: "Offen"}
    with pytest.raises(LedgerError, match="Choose the column"):
        save_mapping("Lexware", Holds.INVOICES, {Field.CUSTOMER: "Kunde"})
    save_mapping("Lexware", Holds.INVOICES, columns)
    assert mapping_names() == ["Lexware"]

    detected = detect(path)
    assert detected.preset is None and detected.decimal_mark is DecimalMark.POINT
    chosen = read_settings(detected, currency="EUR", preset=mapping_preset("Lexware"),
                           decimal_mark=DecimalMark.COMMA)
    run_import(path, chosen, missing=MissingChoice.LEAVE, today=TODAY)
    invoice = Invoice.get(Invoice.number == "R-1")
    assert (invoice.amount_minor, invoice.currency, invoice.due_date) == (
        123450, "EUR", dt.date(2026, 11, 23))


def test_a_first_import_of_old_debts_starts_their_reminders_at_the_first_one(
        empty_store: db.Store, tmp_path: Path) -> None:
    from models.followup import follow_up_plan

    path = xero_file(tmp_path / "old.csv", xero_line(
        "Zoë Café", "INV-0001", "01/08/2026", "31/08/2026", "1,200.00", "0.00", "1,200.00",
        "1,200.00"))  # 85 days overdue: past the agency review's 60 days
    plan = plan_import(path, settings(path), today=TODAY)
    assert plan.counts()["starting_late"] == 1
    run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)

    (action,) = follow_up_plan(TODAY).due
    assert action.stage.name == "Payment overdue"
    assert action.invoices[0].days_overdue == 85


def test_undo_takes_back_all_an_import_added_right_after_it(empty_store: db.Store,
                                                            tmp_path: Path) -> None:
    from models.imports.undo import can_undo, undo_import
    from models.schema import ContactPerson

    before = (Customer.select().count(), Invoice.select().count(), Payment.select().count())
    path = first_export(tmp_path)
    result = run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)
    assert result.batch_id is not None and can_undo(result.batch_id) == ""

    undo_import(result.batch_id)

    assert (Customer.select().count(), Invoice.select().count(),
            Payment.select().count()) == before
    assert not Allocation.select().exists() and not ContactPerson.select().exists()
    assert not ExternalRecord.select().exists()
    assert ImportBatch.get_by_id(result.batch_id).undone_at is not None
    assert check_store() == []
    # Undone, the same file imports again as new.
    again = run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)
    assert again.plan.counts()["invoices_new"] == 3


def test_an_import_with_work_recorded_after_it_or_that_changed_records_is_not_undone(
        empty_store: db.Store, tmp_path: Path) -> None:
    from models.imports.undo import can_undo, undo_import

    path = first_export(tmp_path)
    first = run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)
    add_customer(CustomerDraft(code="", name="Typed In Ltd", currency="GBP"))
    assert "recorded after this import" in can_undo(first.batch_id)
    with pytest.raises(LedgerError, match="recorded after this import"):
        undo_import(first.batch_id)

    newer = xero_file(tmp_path / "newer.csv", xero_line(
        "Zoë Café", "INV-0001", "24/09/2026", "24/10/2026", "1,200.00", "1,200.00", "0.00",
        "1,200.00", status="Paid"))
    second = run_import(newer, settings(newer), missing=MissingChoice.LEAVE, today=TODAY)
    assert Invoice.get(Invoice.number == "INV-0001").open_minor == 0
    # It recorded a payment on an invoice already here: undone, the invoice is open again.
    undo_import(second.batch_id)
    one = Invoice.get(Invoice.number == "INV-0001")
    assert (one.open_minor, one.status) == (120000, InvoiceStatus.OPEN)
    assert check_store() == []

    changed = xero_file(tmp_path / "changed.csv", xero_line(
        "Zoë Café", "INV-0001", "24/09/2026", "31/10/2026", "1,200.00", "0.00", "1,200.00",
        "1,200.00"))
    third = run_import(changed, settings(changed), missing=MissingChoice.LEAVE, today=TODAY)
    assert "changed records already in Duly (edit invoice)" in can_undo(third.batch_id)


def test_a_customer_the_user_says_is_another_is_added_not_matched(
        empty_store: db.Store, tmp_path: Path) -> None:
    add_customer(CustomerDraft(code="ACME", name="Acme Ltd", currency="GBP"))
    path = first_export(tmp_path)
    run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY,
               separate=frozenset({"Acme Ltd"}))
    assert Customer.select().where(Customer.name == "Acme Ltd").count() == 2
    assert Invoice.get(Invoice.number == "INV-0002").customer.code != "ACME"


def test_a_customer_here_is_found_by_vat_number_however_written_for_the_user_to_confirm(
        empty_store: db.Store, tmp_path: Path) -> None:
    here = add_customer(CustomerDraft(code="ACME", name="Acme Trading Limited",
                                      currency="GBP", tax_number="GB 123 4567 89"))
    path = contacts(tmp_path / "Contacts.csv",
                    xero_contact("Acme Ltd", account="X-7", tax_number="gb123456789"),
                    xero_contact("Bee Ltd", account="X-8", tax_number="gb 999 9999 99"))

    plan = plan_import(path, settings(path))
    (acme,) = [s for s in plan.customers if s.record.key == "X-7"]
    assert (acme.match, acme.customer_id) == (Match.TAX_NUMBER, here)
    assert plan.counts()["customers_new"] == 1  # Bee Ltd
    summary = import_summary(plan, settings(path), done=False, missing=MissingChoice.LEAVE)
    assert "Acme Ltd (line 2): same VAT number" in summary

    run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)
    assert Customer.select().count() == 2  # matched, not duplicated
    assert ExternalRecord.get(ExternalRecord.key == "X-7").row_id == here
    # A new customer keeps its VAT number, as Duly keeps one.
    assert Customer.get(Customer.code == "X-8").tax_number == "GB999999999"


def test_a_customer_found_by_vat_number_the_user_says_is_another_is_added_as_new(
        empty_store: db.Store, tmp_path: Path) -> None:
    add_customer(CustomerDraft(code="ACME", name="Acme Trading Limited", currency="GBP",
                               tax_number="GB123456789"))
    path = contacts(tmp_path / "Contacts.csv",
                    xero_contact("Acme Ltd", account="X-7", tax_number="GB 123 4567 89"))

    run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY,
               separate=frozenset({"X-7"}))
    assert [(c.code, c.name, c.tax_number) for c in Customer.select().order_by(Customer.id)] \
        == [("ACME", "Acme Trading Limited", "GB123456789"),
            ("X-7", "Acme Ltd", "GB123456789")]


def test_a_customer_here_without_a_vat_number_gets_the_files(
        empty_store: db.Store, tmp_path: Path) -> None:
    here = add_customer(CustomerDraft(code="ACME", name="Acme Ltd", currency="GBP"))
    path = contacts(tmp_path / "Contacts.csv",
                    xero_contact("Acme Ltd", account="X-7", tax_number="gb 123 4567 89"))

    (acme,) = plan_import(path, settings(path)).customers
    assert acme.match is Match.NAME
    assert [(c.field, c.before, c.after) for c in acme.changes] == [
        ("VAT number", "", "GB123456789")]
    run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)
    assert Customer.get_by_id(here).tax_number == "GB123456789"


def test_a_vat_number_changed_in_duly_and_in_the_file_is_a_conflict_left_as_duly_has_it(
        empty_store: db.Store, tmp_path: Path) -> None:
    first = contacts(tmp_path / "first.csv", xero_contact(
        "Acme Ltd", account="X-7", phone="0161 496 0000", tax_number="GB111111111"))
    run_import(first, settings(first), missing=MissingChoice.LEAVE, today=TODAY)
    acme = Customer.get(Customer.code == "X-7").id
    update_customer(acme, replace(customer_draft(acme), tax_number="GB222222222"))
    newer = contacts(tmp_path / "newer.csv", xero_contact(
        "Acme Ltd", account="X-7", phone="0161 496 0999", tax_number="GB333333333"))

    plan = plan_import(newer, settings(newer))
    assert [(c.field, c.in_duly, c.in_file) for c in plan.conflicts] == [
        ("VAT number", "GB222222222", "GB333333333")]
    run_import(newer, settings(newer), missing=MissingChoice.LEAVE, today=TODAY)
    kept = Customer.get_by_id(acme)
    # The phone changed in the file only and is taken; the VAT number stays as typed.
    assert (kept.phone, kept.tax_number) == ("0161 496 0999", "GB222222222")


def test_a_customer_imported_before_duly_kept_vat_numbers_gets_the_files_unless_typed_in(
        empty_store: db.Store, tmp_path: Path) -> None:
    first = contacts(tmp_path / "first.csv", xero_contact("Acme Ltd", account="X-7"),
                     xero_contact("Bee Ltd", account="X-8"))
    run_import(first, settings(first), missing=MissingChoice.LEAVE, today=TODAY)
    with db.writing():  # as an import before schema v10 kept them: no VAT number
        for record in ExternalRecord.select():
            kept = json.loads(record.imported)
            del kept["tax_number"]
            record.imported = json.dumps(kept)
            record.save()
    bee = Customer.get(Customer.code == "X-8").id
    update_customer(bee, replace(customer_draft(bee), tax_number="GB222222222"))
    newer = contacts(tmp_path / "newer.csv",
                     xero_contact("Acme Ltd", account="X-7", tax_number="GB111111111"),
                     xero_contact("Bee Ltd", account="X-8", tax_number="GB333333333"))

    plan = plan_import(newer, settings(newer))
    assert [(c.what, c.field) for c in plan.conflicts] == [("Customer Bee Ltd", "VAT number")]
    run_import(newer, settings(newer), missing=MissingChoice.LEAVE, today=TODAY)
    assert [(c.code, c.tax_number) for c in Customer.select().order_by(Customer.code)] == [
        ("X-7", "GB111111111"), ("X-8", "GB222222222")]


def test_the_user_can_start_the_old_debts_at_the_stage_their_age_reached_or_one_chosen(
        empty_store: db.Store, tmp_path: Path) -> None:
    from models.followup import default_policy_id, follow_up_plan, stages_by_policy
    from models.imports.run import Start

    def old(number: str) -> Path:
        return xero_file(tmp_path / f"{number}.csv", xero_line(
            f"Customer {number}", number, "01/08/2026", "31/08/2026", "100.00", "0.00",
            "100.00", "100.00"))  # 85 days overdue

    run_import(old("A-1"), settings(old("A-1")), missing=MissingChoice.LEAVE, today=TODAY,
               start=Start(by_age=True))
    final = next(s for s in stages_by_policy()[default_policy_id()] if s.name == "Final notice")
    run_import(old("B-1"), settings(old("B-1")), missing=MissingChoice.LEAVE, today=TODAY,
               start=Start(stage_id=final.id))
    stages = {a.customer_name: a.stage.name for a in follow_up_plan(TODAY).due}
    assert stages == {"Customer A-1": "Agency review", "Customer B-1": "Final notice"}


def test_each_long_overdue_account_can_start_where_the_user_picks_the_rest_as_for_all(
        empty_store: db.Store, tmp_path: Path) -> None:
    from models.followup import default_policy_id, follow_up_plan, stages_by_policy
    from models.imports.run import Start

    def old(contact: str, number: str, due: str) -> list[str]:
        return xero_line(contact, number, "01/07/2026", due, "100.00", "0.00", "100.00",
                         "100.00")

    path = xero_file(tmp_path / "old.csv",
                     old("Alder Ltd", "A-1", "15/09/2026"),  # 70 days overdue
                     old("Alder Ltd", "A-2", "31/08/2026"),  # 85
                     old("Birch Ltd", "B-1", "31/08/2026"),
                     old("Cedar Ltd", "C-1", "31/08/2026"),
                     old("Dogwood Ltd", "D-1", "20/11/2026"))  # 4 days: starts as usual
    plan = plan_import(path, settings(path), today=TODAY)
    assert [(a.customer_name, a.invoices, a.most_overdue_days)
            for a in plan.accounts_starting_late()] == [
        ("Alder Ltd", 2, 85), ("Birch Ltd", 1, 85), ("Cedar Ltd", 1, 85)]
    assert plan.counts()["accounts_starting_late"] == 3
    keys = {a.customer_name: a.customer_key for a in plan.accounts_starting_late()}
    stages = {s.name: s for s in stages_by_policy()[default_policy_id()]}

    run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY,
               start=Start(stage_id=stages["Second reminder"].id, accounts={
                   keys["Alder Ltd"]: Start(stage_id=stages["Final notice"].id),
                   keys["Birch Ltd"]: Start(by_age=True)}))

    chase_from = {number: Invoice.get(Invoice.number == number).chase_from
                  for number in ("A-1", "A-2", "B-1", "C-1", "D-1")}
    assert chase_from == {"A-1": TODAY - dt.timedelta(days=45),
                          "A-2": TODAY - dt.timedelta(days=45),
                          "B-1": None, "C-1": TODAY - dt.timedelta(days=14), "D-1": None}
    proposed = {a.customer_name: a.stage.name for a in follow_up_plan(TODAY).due}
    assert proposed == {"Alder Ltd": "Final notice", "Birch Ltd": "Agency review",
                        "Cedar Ltd": "Second reminder", "Dogwood Ltd": "Payment overdue"}
    # Later days continue from the start chosen: Cedar's next stage follows at its gap.
    later = TODAY + dt.timedelta(days=16)
    assert {a.customer_name: a.stage.name for a in follow_up_plan(later).due
            }["Cedar Ltd"] == "Phone call"


def test_the_accounts_starting_late_are_listed_up_to_a_cap_and_counted_whole(
        empty_store: db.Store, tmp_path: Path) -> None:
    from models.imports.plan import SHOWN

    path = xero_file(tmp_path / "many.csv", *(
        xero_line(f"Customer {n:04}", f"M-{n}", "01/07/2026", "31/08/2026", "10.00", "0.00",
                  "10.00", "10.00") for n in range(SHOWN + 2)))
    plan = plan_import(path, settings(path), today=TODAY)
    assert len(plan.accounts_starting_late()) == SHOWN
    assert plan.counts()["accounts_starting_late"] == SHOWN + 2
    assert plan.counts()["starting_late"] == SHOWN + 2


def test_the_latest_file_again_is_not_even_read_but_an_older_one_is(
        empty_store: db.Store, tmp_path: Path) -> None:
    path = first_export(tmp_path)
    run_import(path, settings(path), missing=MissingChoice.LEAVE, today=TODAY)
    again = plan_import(path, settings(path), today=TODAY)
    assert again.latest_again and again.counts()["invoices_unchanged"] == 3

    newer = xero_file(tmp_path / "newer.csv", xero_line(
        "Zoë Café", "INV-0001", "24/09/2026", "31/10/2026", "1,200.00", "0.00", "1,200.00",
        "1,200.00"))  # a later due date
    assert run_import(newer, settings(newer), missing=MissingChoice.LEAVE,
                      today=TODAY).batch_id is not None
    older = plan_import(path, settings(path), today=TODAY)  # not the latest any more
    assert not older.latest_again and older.same_file_as is not None
    assert older.counts()["invoices_changed"] == 1  # read, compared row by row: the date
