"""Each program's export, written as that program writes it, is recognised and read."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from models import db
from models.check import check_store
from models.imports import gnucash_names
from models.imports.detect import detect, read_settings
from models.imports.items import Record
from models.imports.records import read_records
from models.imports.run import MissingChoice, run_import
from models.imports.sources import GNUCASH_CSV
from models.imports.table import FileRefused
from models.imports.values import DateOrder, DecimalMark
from models.kinds import InvoiceStatus
from models.schema import CreditNote, Customer, Invoice, PaymentTerms
from tests.unit.imports.exports import (
    FRESHBOOKS_INVOICE_HEADER,
    SAGE_OPENING_HEADER,
    WAVE_INVOICE_HEADER,
    XERO_CONTACTS_HEADER,
    ZOHO_INVOICE_HEADER,
    qbo_aging,
    write_csv,
)
from tests.unit.ledger_helpers import TODAY


def imported(path: Path, **chosen: object):
    detected = detect(path)
    assert detected.preset is not None, detected.header
    settings = read_settings(detected, currency="GBP", **chosen)  # type: ignore[arg-type]
    return detected, run_import(path, settings, missing=MissingChoice.LEAVE, today=TODAY)


def test_quickbooks_online_aging_skips_titles_and_totals(empty_store: db.Store,
                                                         tmp_path: Path) -> None:
    path = qbo_aging(tmp_path / "A_R Aging Detail.csv", [
        ["09/30/2026", "Invoice", "1001", "Acme Inc.", "10/30/2026", "1,500.00", "1,500.00"],
        ["10/15/2026", "Invoice", "1002", "Acme Inc.", "11/14/2026", "800.00", "300.00"],
        ["10/20/2026", "Credit Memo", "CM-7", "Bolt LLC", "10/20/2026", "-50.00", "-50.00"]])
    detected, result = imported(path)
    assert detected.preset.key == "qbo-invoices"
    assert detected.date_order is DateOrder.MONTH_FIRST
    assert not result.plan.refused
    assert Invoice.get(Invoice.number == "1002").open_minor == 30000
    assert Invoice.get(Invoice.number == "1001").due_date == dt.date(2026, 10, 30)
    assert CreditNote.get(CreditNote.number == "CM-7").amount_minor == 5000
    assert not Customer.select().where(Customer.name.startswith("Total")).exists()
    assert check_store() == []


def test_zoho_books_invoices_with_their_balance_and_many_lines(empty_store: db.Store,
                                                                tmp_path: Path) -> None:
    def line(number: str, customer: str, key: str, total: str, balance: str, item: str,
             status: str = "Overdue") -> list[str]:
        return ["2026-09-01", "98765" + number[-3:], number, status, key, customer,
                "ap@example.com", "2026-10-01", "PO-1", "EUR", total, balance, item, "",
                "1", total, "Hauptstraße 1", "Berlin", "", "10115", "Germany", ""]

    rows = []
    for n in range(1, 1201):  # more than a thousand invoices, two lines each
        number = f"INV-{n:06d}"
        rows.append(line(number, f"Kunde {n % 40}", f"C{n % 40}", "1,190.00", "1,190.00",
                         "Beratung"))
        rows.append(line(number, f"Kunde {n % 40}", f"C{n % 40}", "1,190.00", "1,190.00",
                         "Reise"))
    path = write_csv(tmp_path / "Invoice.csv", ZOHO_INVOICE_HEADER, rows)
    detected, result = imported(path)
    assert detected.preset.key == "zoho-invoices"
    counts = result.plan.counts()
    assert (counts["customers_new"], counts["invoices_new"]) == (40, 1200)
    who = Customer.get(Customer.name == "Kunde 1")
    assert (who.code, who.currency, who.country) == ("C1", "EUR", "DE")


def test_freshbooks_invoice_details_add_up_their_lines_and_take_the_date_paid(
        empty_store: db.Store, tmp_path: Path) -> None:
    rows = [["0000012", "Café Zoë", "24/09/2026", "paid", "05/10/2026", "Design", "", "400",
             "1", "", "", "", "", "", "400.00", "GBP"],
            ["0000012", "Café Zoë", "24/09/2026", "paid", "05/10/2026", "Print", "", "100",
             "1", "", "", "", "", "", "100.00", "GBP"],
            ["0000013", "Café Zoë", "30/09/2026", "sent", "", "Design", "", "250", "1", "",
             "", "", "", "", "250.00", "GBP"]]
    path = write_csv(tmp_path / "invoice_details.csv", FRESHBOOKS_INVOICE_HEADER, rows)
    detected, _result = imported(path)
    assert detected.preset.key == "freshbooks-invoices"
    paid = Invoice.get(Invoice.number == "0000012")
    assert (paid.amount_minor, paid.open_minor, paid.status) == (50000, 0, InvoiceStatus.PAID)
    assert paid.due_date == dt.date(2026, 10, 24)  # no due date: the usual 30 days
    assert Invoice.get(Invoice.number == "0000013").open_minor == 25000


def test_wave_invoices_with_what_was_paid(empty_store: db.Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "invoices.csv", WAVE_INVOICE_HEADER, [
        ["7", "Bolt LLC", "2026-10-01", "2026-10-31", "USD", "$2,000.00", "$0.00", "$500.00",
         "2026-10-20"]])
    detected, _result = imported(path)
    assert detected.preset.key == "wave-invoices"
    invoice = Invoice.get(Invoice.number == "7")
    assert (invoice.currency, invoice.open_minor) == ("USD", 150000)


def test_sage_opening_balances_with_semicolons_decimal_commas_and_credit_notes(
        empty_store: db.Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "opening.csv", SAGE_OPENING_HEADER, [
        ["Inv", "02/10/2026", "ACME01", "SI-100", "Opening balance\n(two lines)", "1.200,50"],
        ["Crn", "05/10/2026", "ACME01", "SC-4", "Returned goods", "200,50"]],
        delimiter=";", encoding="cp1252")
    detected, _result = imported(path)
    assert detected.preset.key == "sage-opening-balances"
    assert detected.decimal_mark is DecimalMark.COMMA
    assert detected.date_order is DateOrder.DAY_FIRST  # Sage writes dd/mm/yyyy
    invoice = Invoice.get(Invoice.number == "SI-100")
    assert (invoice.amount_minor, invoice.issue_date) == (120050, dt.date(2026, 10, 2))
    assert CreditNote.get(CreditNote.number == "SC-4").amount_minor == 20050
    assert Customer.get(Customer.code == "ACME01").name == "ACME01"


def test_xero_contacts_bring_customers_with_their_terms(empty_store: db.Store,
                                                        tmp_path: Path) -> None:
    path = write_csv(tmp_path / "Contacts.csv", XERO_CONTACTS_HEADER, [
        ["Zoë Café", "ZC-1", "ap@zoe.example", "Zoë", "Ødegård", "", "1 Rue de la Paix", "",
         "", "", "Paris", "", "75002", "FR", "+33 1 23 45 67 89", "fr 40 303265045", "45",
         "DAYSAFTERBILLDATE"],
        ["No Mail Ltd", "", "not an address", "", "", "", "", "", "", "", "", "", "", "", "",
         "", "", ""]])
    detected, result = imported(path)
    assert detected.preset.key == "xero-contacts"
    zoe = Customer.get(Customer.code == "ZC-1")
    assert (zoe.name, zoe.billing_email, zoe.country, zoe.phone) == (
        "Zoë Café", "ap@zoe.example", "FR", "+33 1 23 45 67 89")
    assert PaymentTerms.get_by_id(zoe.payment_terms).net_days == 45
    assert zoe.tax_number == "FR40303265045"  # as Duly keeps a VAT number
    # An address mail cannot reach is left out rather than refusing the customer.
    assert Customer.get(Customer.name == "No Mail Ltd").billing_email == ""
    assert result.plan.counts()["customers_new"] == 2


def test_quickbooks_desktop_iif_blocks_are_read_and_payments_applied_oldest_first(
        empty_store: db.Store, tmp_path: Path) -> None:
    from tests.unit.imports.exports import qbd_iif

    detected, result = imported(qbd_iif(tmp_path / "export.iif"))
    assert detected.preset.key == "qbd-iif"
    assert not result.plan.refused
    who = Customer.get(Customer.name == "Müller Bäckerei")  # the job is its customer's
    assert (who.billing_email, who.phone) == ("ap@mueller.example", "217-555-0100")
    assert PaymentTerms.get_by_id(who.payment_terms).net_days == 30
    first = Invoice.get(Invoice.number == "5001")
    assert (first.issue_date, first.due_date, first.open_minor) == (
        dt.date(2026, 9, 1), dt.date(2026, 10, 1), 0)
    assert Invoice.get(Invoice.number == "5002").open_minor == 60000  # 1,700 less 1,500 paid
    assert CreditNote.get(CreditNote.number == "CM-9").amount_minor == 10000
    assert check_store() == []


def test_a_gnucash_book_is_read_as_it_stands_and_left_untouched(empty_store: db.Store,
                                                                 tmp_path: Path) -> None:
    from tests.helpers import digest
    from tests.unit.imports.exports import gnucash_book

    book = gnucash_book(tmp_path / "books.gnucash", locked=True)
    before = digest(book)
    detected, result = imported(book)
    assert detected.preset.key == "gnucash-book"
    assert "open in GnuCash" in detected.note
    assert digest(book) == before  # read-only, even the lock left alone
    counts = result.plan.counts()
    assert (counts["customers_new"], counts["invoices_new"]) == (2, 3)
    zoe = Customer.get(Customer.name == "Brasserie Zoë")
    assert (zoe.billing_email, zoe.currency, zoe.address) == (
        "compta@zoe.example", "EUR", "3 rue des Lilas\n75011 Paris")
    first = Invoice.get(Invoice.number == "000001")
    assert (first.amount_minor, first.open_minor) == (120000, 70000)  # 500.00 paid in the lot
    assert first.due_date == dt.date(2026, 10, 1)  # Net 30 from 1 September
    second = Invoice.get(Invoice.number == "000002")
    assert second.customer.name == "Acme SARL"  # the job's customer
    assert not Invoice.select().where(Invoice.number == "DRAFT").exists()
    assert check_store() == []


def test_a_gnucash_book_in_compressed_xml_is_read_the_same(empty_store: db.Store,
                                                           tmp_path: Path) -> None:
    from tests.unit.imports.exports import gnucash_xml_book

    book = gnucash_xml_book(tmp_path / "books.gnucash", locked=True)
    detected, result = imported(book)
    assert detected.preset.key == "gnucash-book" and "open in GnuCash" in detected.note
    assert result.plan.counts()["invoices_new"] == 2
    first = Invoice.get(Invoice.number == "000001")
    assert (first.amount_minor, first.open_minor, first.due_date) == (
        120000, 70000, dt.date(2026, 10, 1))
    assert first.customer.name == "Brasserie Zoë & Fils"
    assert Invoice.get(Invoice.number == "000002").customer.name == "Acme SARL"
    assert check_store() == []


@pytest.fixture
def in_paris() -> Iterator[None]:
    """The local time zone is Paris's (an hour or two ahead of UTC), as for a user there."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize("kind", ["SQLite", "XML"])
def test_a_gnucash_invoice_is_due_when_gnucash_says_not_after_its_terms(
        empty_store: db.Store, tmp_path: Path, in_paris: None, kind: str) -> None:
    import gzip

    from tests.unit.imports.exports import gnucash_book, gnucash_xml_book

    build = gnucash_book if kind == "SQLite" else gnucash_xml_book
    book = build(tmp_path / "books.gnucash", due={"000002": dt.date(2026, 10, 20)})
    kept = gzip.decompress(book.read_bytes()) if kind == "XML" else book.read_bytes()
    assert b"2026-10-19 22:00:00" in kept  # as GnuCash keeps 20 October in Paris: in UTC
    _detected, result = imported(book)
    assert not result.plan.refused
    # Not 2 October, Net 30 from its date:
    assert Invoice.get(Invoice.number == "000002").due_date == dt.date(2026, 10, 20)
    assert Invoice.get(Invoice.number == "000001").due_date == dt.date(2026, 10, 1)
    assert check_store() == []


def test_a_gnucash_due_date_kept_as_a_date_is_read_as_it_is(empty_store: db.Store,
                                                              tmp_path: Path) -> None:
    import sqlite3

    from tests.unit.imports.exports import gnucash_book

    book = gnucash_book(tmp_path / "books.gnucash")
    with sqlite3.connect(book) as connection:
        connection.execute(
            "UPDATE slots SET slot_type = 10, gdate_val = '20261020', timespec_val = "
            "'1970-01-01 00:00:00' WHERE name = 'trans-date-due' AND obj_guid = "
            "(SELECT post_txn FROM invoices WHERE id = '000002')")
    connection.close()
    imported(book)
    assert Invoice.get(Invoice.number == "000002").due_date == dt.date(2026, 10, 20)


@pytest.mark.parametrize("declared", [
    '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">',  # expanding
    '<!ENTITY b SYSTEM "file:///etc/passwd">'])  # fetched
def test_a_hostile_xml_book_is_refused_without_expanding_its_entities(
        empty_store: db.Store, tmp_path: Path, declared: str) -> None:
    import gzip

    import pytest

    from models.imports.table import FileRefused

    bomb = (f'<?xml version="1.0"?><!DOCTYPE gnc-v2 [{declared}]>'
            '<gnc-v2 xmlns:gnc="http://www.gnucash.org/XML/gnc">&b;</gnc-v2>')
    path = tmp_path / "bomb.gnucash"
    path.write_bytes(gzip.compress(bomb.encode()))
    with pytest.raises(FileRefused, match="cannot be read as a GnuCash book"):
        imported(path)


def test_a_gnucash_xml_book_is_read_without_holding_what_duly_does_not_use(
        tmp_path: Path) -> None:
    import tracemalloc

    from models.imports.gnucash_xml import read_xml
    from tests.unit.imports.exports import gnucash_xml_book

    def peak(lines: int) -> int:
        book = gnucash_xml_book(tmp_path / f"{lines}.gnucash", lines=lines)
        tracemalloc.start()
        try:
            assert len(read_xml(book).invoices) == 2
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    # 2,000 lines an invoice are 2.7 MB more of XML, none of it kept; reading them took
    # 13 MB more when every element Duly does not use was held to the end.
    assert peak(2000) - peak(1) < 1_000_000


def test_gnucash_csv_transactions_bring_invoices_and_apply_payments_oldest_first(
        empty_store: db.Store, tmp_path: Path) -> None:
    from tests.unit.imports.exports import gnucash_csv

    detected, result = imported(gnucash_csv(tmp_path / "transactions.csv"))
    assert detected.preset.key == "gnucash-csv"
    assert (detected.date_order, detected.decimal_mark) == (DateOrder.DAY_FIRST,
                                                            DecimalMark.COMMA)
    assert result.plan.counts()["invoices_new"] == 2
    first, second = (Invoice.get(Invoice.number == n) for n in ("000001", "000002"))
    assert (first.amount_minor, first.open_minor, first.currency) == (120000, 0, "EUR")
    assert (second.amount_minor, second.open_minor) == (30000, 20000)
    assert check_store() == []


def _records(path: Path) -> list[Record]:
    """What Duly reads from a file, before anything is written."""
    detected = detect(path)
    assert detected.preset is not None and detected.preset.key == "gnucash-csv", detected.header
    return list(read_records(path, read_settings(detected, currency="GBP")))


@pytest.mark.parametrize(("language", "receivable"), [
    ("de-4.13", "Aktiva:Forderungen Konten"),
    ("de", "Aktiva:Umlaufvermögen:Forderungen aus Lieferungen und Leistungen"),
    ("fr", "Actif:Compte à recevoir")])
def test_a_gnucash_csv_export_in_german_or_french_brings_what_the_english_one_does(
        empty_store: db.Store, tmp_path: Path, language: str, receivable: str) -> None:
    from tests.unit.imports.exports import GNUCASH_CSV_HEADERS, gnucash_csv

    english = _records(gnucash_csv(tmp_path / "transactions.csv"))
    path = gnucash_csv(tmp_path / f"{language}.csv", GNUCASH_CSV_HEADERS[language],
                       receivable=receivable)
    assert _records(path) == english
    detected, result = imported(path)
    assert (detected.date_order, detected.decimal_mark) == (DateOrder.DAY_FIRST,
                                                            DecimalMark.COMMA)
    assert result.plan.counts()["invoices_new"] == 2
    first, second = (Invoice.get(Invoice.number == n) for n in ("000001", "000002"))
    assert (first.amount_minor, first.open_minor, first.currency) == (120000, 0, "EUR")
    assert (second.amount_minor, second.open_minor) == (30000, 20000)
    assert Customer.get().name == "Brasserie Zoë"
    assert check_store() == []


@pytest.mark.parametrize("language", gnucash_names.LANGUAGES)
def test_gnucash_csv_exports_in_every_language_duly_knows_read_alike(
        tmp_path: Path, language: str) -> None:
    from tests.unit.imports.exports import gnucash_csv

    english = _records(gnucash_csv(tmp_path / "transactions.csv"))
    account = f"Assets:{gnucash_names.RECEIVABLE_NAMES[language][0]}"
    for version in (0, -1):  # GnuCash 4.13's names, then 5.10's
        header = [gnucash_names.names(language, h)[version]
                  for h in gnucash_names.EXPORT_HEADER]
        layout = gnucash_names.export_layout(header)
        assert layout is not None and layout.language == language, header
        path = gnucash_csv(tmp_path / f"{language}{version}.csv", header, receivable=account)
        assert _records(path) == english, header


def test_within_one_language_a_gnucash_column_name_means_one_column() -> None:
    # GnuCash's own exceptions: one name for the Amount and the Value column.
    shared = {("Amount With Sym", "Value With Sym"), ("Amount Num.", "Value Num.")}
    for language in gnucash_names.LANGUAGES:
        meaning: dict[str, set[str]] = {}
        for english in (*gnucash_names.EXPORT_HEADER, "Transaction Number", "Number/Action"):
            for name in gnucash_names.names(language, english):
                meaning.setdefault(name.casefold(), set()).add(english)
        doubles = {tuple(sorted(m)) for m in meaning.values() if len(m) > 1}
        assert doubles <= shared, (language, doubles)


def _swapped(header: tuple[str, ...], at: int, name: str) -> tuple[str, ...]:
    return (*header[:at], name, *header[at + 1:])


def test_an_english_column_in_a_translated_gnucash_csv_export_is_read(tmp_path: Path) -> None:
    from tests.unit.imports.exports import GNUCASH_CSV_HEADERS, gnucash_csv

    english = _records(gnucash_csv(tmp_path / "transactions.csv"))
    # As GnuCash writes a name whose translation is fuzzy in its po file.
    header = _swapped(GNUCASH_CSV_HEADERS["de"], 3, "Description")
    assert _records(gnucash_csv(tmp_path / "de.csv", header)) == english


# English next to another language is GnuCash's own (what it has no translation for);
# two translations in one row are not.
MIXED_OR_UNKNOWN = {
    "german with a french column": ("de", 9, "Le nom complet du compte"),
    "french with a german column": ("fr", 1, "BuchungsID"),
    "german with an italian column": ("de-4.13", 0, "Data"),
    "unknown columns": ("en", 1, "Txn ID"),
}


@pytest.mark.parametrize("case", MIXED_OR_UNKNOWN, ids=list(MIXED_OR_UNKNOWN))
def test_a_gnucash_csv_export_mixing_languages_or_with_unknown_columns_is_refused(
        tmp_path: Path, case: str) -> None:
    from tests.unit.imports.exports import GNUCASH_CSV_HEADERS, gnucash_csv

    language, at, name = MIXED_OR_UNKNOWN[case]
    path = gnucash_csv(tmp_path / "mixed.csv", _swapped(GNUCASH_CSV_HEADERS[language], at, name))
    detected = detect(path)
    assert detected.preset is None
    with pytest.raises(FileRefused, match="Duly does not recognise this file's columns"):
        read_settings(detected, currency="EUR")
    chosen = read_settings(detected, currency="EUR", preset=GNUCASH_CSV,
                           date_order=DateOrder.DAY_FIRST)
    with pytest.raises(FileRefused, match="not all GnuCash's in one language"):
        list(read_records(path, chosen))


CUSTOMER_LISTS = [
    ("qbo-customers", ["Customer", "Company name", "Phone numbers", "Email", "Full name",
                       "Billing address"],
     ["Acme Inc.", "Acme Inc.", "(217) 555-0100", "ap@acme.example", "Jo Acme",
      "12 Main St, Springfield IL 62701"], "Acme Inc."),
    ("freshbooks-clients", ["Organization", "First Name", "Last Name", "Email", "Phone",
                            "Street", "City", "Province/State", "Postal Code", "Country",
                            "Notes"],
     ["Acme Inc.", "Jo", "Acme", "ap@acme.example", "217-555-0100", "12 Main St",
      "Springfield", "IL", "62701", "US", ""], "Acme Inc."),
    ("wave-customers", ["customer_name", "email", "contact_first_name", "contact_last_name",
                        "phone", "account_number", "address_line_1", "city", "country",
                        "customer_currency"],
     ["Acme Inc.", "ap@acme.example", "Jo", "Acme", "217-555-0100", "A-17", "12 Main St",
      "Springfield", "US", "USD"], "Acme Inc."),
    ("zoho-contacts", ["Customer ID", "Display Name", "Company Name", "EmailID", "Phone",
                       "Currency Code", "Billing Address", "Billing City", "Billing Country"],
     ["4600000012", "Acme Inc.", "Acme Incorporated", "ap@acme.example", "217-555-0100",
      "USD", "12 Main St", "Springfield", "United States"], "Acme Inc."),
    ("sage-customers", ["Reference", "Company Name", "Currency", "Main Address Line 1",
                        "Main Address Town", "Main Address Country", "Main Contact Phone",
                        "Main Contact Email", "VAT Number"],
     ["ACME01", "Acme Inc.", "USD", "12 Main St", "Springfield", "US", "217-555-0100",
      "ap@acme.example", "US123"], "Acme Inc."),
]


@pytest.mark.parametrize(("key", "header", "row", "name"), CUSTOMER_LISTS,
                         ids=[case[0] for case in CUSTOMER_LISTS])
def test_each_programs_customer_list_is_recognised_and_read(
        empty_store: db.Store, tmp_path: Path, key: str, header: list[str], row: list[str],
        name: str) -> None:
    path = write_csv(tmp_path / "customers.csv", header, [row])
    detected, result = imported(path)
    assert detected.preset.key == key
    assert result.plan.counts()["customers_new"] == 1
    who = Customer.get(Customer.name == name)
    assert who.billing_email == "ap@acme.example"
    assert who.phone


def test_a_gnucash_invoice_with_a_date_duly_cannot_read_is_refused_by_line(
        empty_store: db.Store, tmp_path: Path) -> None:
    import sqlite3

    from models.imports.run import ImportRefused
    from tests.unit.imports.exports import gnucash_book

    book = gnucash_book(tmp_path / "books.gnucash")
    with sqlite3.connect(book) as connection:
        connection.execute("UPDATE invoices SET date_posted = 'yesterday' WHERE id = '000002'")
    connection.close()
    with pytest.raises(ImportRefused) as refused:
        imported(book)
    assert [r.reason for r in refused.value.rows] == [
        "GnuCash invoice 000002 has a date Duly cannot read."]
