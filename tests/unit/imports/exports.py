"""Export files as the accounting programs write them, for the importer's tests.

Columns follow each vendor's documented export (see docs/decisions.md, "Importing");
the oddities are real ones: a BOM, "*" on required columns, title rows and "Total for"
rows in reports, ";" with decimal commas, quoted newlines, Windows encoding.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

XERO_INVOICE_HEADER = (
    "*ContactName", "EmailAddress", "POAddressLine1", "POAddressLine2", "POAddressLine3",
    "POAddressLine4", "POCity", "PORegion", "POPostalCode", "POCountry", "SAAddressLine1",
    "SAAddressLine2", "SAAddressLine3", "SAAddressLine4", "SACity", "SARegion",
    "SAPostalCode", "SACountry", "*InvoiceNumber", "Reference", "*InvoiceDate", "*DueDate",
    "PlannedDate", "Total", "TaxTotal", "InvoiceAmountPaid", "InvoiceAmountDue",
    "InventoryItemCode", "*Description", "*Quantity", "*UnitAmount", "Discount",
    "LineAmount", "*AccountCode", "*TaxType", "TaxAmount", "TrackingName1",
    "TrackingOption1", "TrackingName2", "TrackingOption2", "Currency", "Type", "Sent",
    "Status")


def xero_line(contact: str, number: str, issued: str, due: str, total: str, paid: str,
              owed: str, line_amount: str, *, email: str = "", street: str = "",
              city: str = "", country: str = "", currency: str = "GBP",
              kind: str = "Sales invoice", status: str = "Awaiting Payment",
              description: str = "Consulting") -> list[str]:
    """One line of a Xero invoice export (the invoice's own columns repeat on each)."""
    values = dict.fromkeys(XERO_INVOICE_HEADER, "")
    values.update({
        "*ContactName": contact, "EmailAddress": email, "POAddressLine1": street,
        "POCity": city, "POCountry": country, "*InvoiceNumber": number,
        "*InvoiceDate": issued, "*DueDate": due, "Total": total,
        "InvoiceAmountPaid": paid, "InvoiceAmountDue": owed, "*Description": description,
        "*Quantity": "1", "*UnitAmount": line_amount, "LineAmount": line_amount,
        "*AccountCode": "200", "*TaxType": "20% (VAT on Income)", "Currency": currency,
        "Type": kind, "Sent": "Sent", "Status": status})
    return [values[name] for name in XERO_INVOICE_HEADER]


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], *,
              delimiter: str = ",", encoding: str = "utf-8-sig",
              above: Sequence[Sequence[str]] = ()) -> Path:
    """A CSV file as an export writes it: optional title rows above the header."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(above)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


QBO_INVOICE_HEADER = ("Date", "Transaction type", "Num", "Customer", "Due date", "Amount",
                      "Open balance")


def qbo_aging(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    """QuickBooks Online's A/R Aging Detail as exported to CSV: the company, the report's
    name and date above the header, a "Total for" row after each customer's invoices."""
    body: list[list[str]] = []
    customer = None
    total = 0.0
    for row in rows:
        if customer is not None and row[3] != customer:
            body.append([f"Total for {customer}", "", "", "", "", "", f"{total:.2f}"])
            total = 0.0
        customer = row[3]
        total += float(row[6].replace(",", ""))
        body.append(list(row))
    if customer is not None:
        body.append([f"Total for {customer}", "", "", "", "", "", f"{total:.2f}"])
    body.append(["TOTAL", "", "", "", "", "", ""])
    return write_csv(path, QBO_INVOICE_HEADER, body, above=[
        ["Harbour & Finch Ltd"], ["A/R Aging Detail"], ["As of November 24, 2026"], []])


ZOHO_INVOICE_HEADER = (
    "Invoice Date", "Invoice ID", "Invoice Number", "Invoice Status", "Customer ID",
    "Customer Name", "Primary Contact EmailID", "Due Date", "PurchaseOrder", "Currency Code",
    "Total", "Balance", "Item Name", "Item Desc", "Quantity", "Item Price",
    "Billing Address", "Billing City", "Billing State", "Billing Code", "Billing Country",
    "Last Payment Date")

FRESHBOOKS_INVOICE_HEADER = (
    "Invoice #", "Client Name", "Date Issued", "Invoice Status", "Date Paid", "Item Name",
    "Item Description", "Rate", "Quantity", "Discount Percentage", "Tax 1 Type",
    "Tax 1 Amount", "Tax 2 Type", "Tax 2 Amount", "Line Total", "Currency")

WAVE_INVOICE_HEADER = (
    "Invoice Number", "Customer Name", "Invoice Date", "Due Date", "Currency",
    "Invoice Total", "Invoice Tax Total", "Invoice Paid", "Last Payment Date")

SAGE_OPENING_HEADER = ("Type", "Date", "Customer", "Reference", "Details", "Total")

XERO_CONTACTS_HEADER = (
    "*ContactName", "AccountNumber", "EmailAddress", "FirstName", "LastName",
    "POAttentionTo", "POAddressLine1", "POAddressLine2", "POAddressLine3", "POAddressLine4",
    "POCity", "PORegion", "POPostalCode", "POCountry", "PhoneNumber", "TaxNumber",
    "DueDateSalesDay", "DueDateSalesTerm")


def xero_contact(name: str, *, account: str = "", email: str = "", phone: str = "",
                 tax_number: str = "") -> list[str]:
    """One row of a Xero contacts export."""
    values = dict.fromkeys(XERO_CONTACTS_HEADER, "")
    values.update({"*ContactName": name, "AccountNumber": account, "EmailAddress": email,
                   "PhoneNumber": phone, "TaxNumber": tax_number})
    return [values[column] for column in XERO_CONTACTS_HEADER]


def qbd_iif(path: Path) -> Path:
    """A QuickBooks Desktop IIF export: a customer list, then invoices, a credit memo and a
    payment as TRNS/SPL/ENDTRNS blocks; tab-separated, Windows encoding, MM/DD/YY."""
    lines = [
        ["!CUST", "NAME", "REFNUM", "BADDR1", "BADDR2", "PHONE1", "EMAIL", "TERMS"],
        ["CUST", "Müller Bäckerei", "17", "12 Main St", "Springfield, IL 62701",
         "217-555-0100", "ap@mueller.example", "Net 30"],
        ["!TRNS", "TRNSID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM",
         "MEMO", "DUEDATE"],
        ["!SPL", "SPLID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM",
         "MEMO"],
        ["!ENDTRNS"],
        ["TRNS", "101", "INVOICE", "09/01/26", "Accounts Receivable",
         "Müller Bäckerei:Shop fit-out", "", "1500.00", "5001", "", "10/01/26"],
        ["SPL", "102", "INVOICE", "09/01/26", "Sales", "", "", "-1500.00", "5001", ""],
        ["ENDTRNS"],
        ["TRNS", "103", "INVOICE", "10/05/26", "Accounts Receivable", "Müller Bäckerei", "",
         "800.00", "5002", "", "11/04/26"],
        ["SPL", "104", "INVOICE", "10/05/26", "Sales", "", "", "-800.00", "5002", ""],
        ["ENDTRNS"],
        ["TRNS", "105", "CREDIT MEMO", "10/10/26", "Accounts Receivable", "Müller Bäckerei",
         "", "-100.00", "CM-9", "Damaged goods", ""],
        ["SPL", "106", "CREDIT MEMO", "10/10/26", "Sales", "", "", "100.00", "CM-9", ""],
        ["ENDTRNS"],
        ["TRNS", "107", "PAYMENT", "10/20/26", "Undeposited Funds", "Müller Bäckerei", "",
         "-1700.00", "", "", ""],
        ["SPL", "108", "PAYMENT", "10/20/26", "Accounts Receivable", "Müller Bäckerei", "",
         "1700.00", "", ""],
        ["ENDTRNS"],
    ]
    path.write_bytes("\r\n".join("\t".join(cells) for cells in lines).encode("cp1252")
                     + b"\r\n")
    return path


# A GnuCash SQLite book's tables as GnuCash 4.13 creates them (its SQL backend's DDL) and
# their versions: GnuCash creates on opening a book any table missing or without its version,
# writing to the book.
GNUCASH_DDL = """
CREATE TABLE gnclock (Hostname varchar(255), PID int);
CREATE TABLE versions (table_name text(50) PRIMARY KEY NOT NULL,
  table_version integer NOT NULL);
CREATE TABLE books (guid text(32) PRIMARY KEY NOT NULL, root_account_guid text(32) NOT NULL,
  root_template_guid text(32) NOT NULL);
CREATE TABLE commodities (guid text(32) PRIMARY KEY NOT NULL, namespace text(2048) NOT NULL,
  mnemonic text(2048) NOT NULL, fullname text(2048), cusip text(2048),
  fraction integer NOT NULL, quote_flag integer NOT NULL, quote_source text(2048),
  quote_tz text(2048));
CREATE TABLE accounts (guid text(32) PRIMARY KEY NOT NULL, name text(2048) NOT NULL,
  account_type text(2048) NOT NULL, commodity_guid text(32), commodity_scu integer NOT NULL,
  non_std_scu integer NOT NULL, parent_guid text(32), code text(2048),
  description text(2048), hidden integer, placeholder integer);
CREATE TABLE budgets (guid text(32) PRIMARY KEY NOT NULL, name text(2048) NOT NULL,
  description text(2048), num_periods integer NOT NULL);
CREATE TABLE budget_amounts (id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  budget_guid text(32) NOT NULL, account_guid text(32) NOT NULL, period_num integer NOT NULL,
  amount_num bigint NOT NULL, amount_denom bigint NOT NULL);
CREATE TABLE prices (guid text(32) PRIMARY KEY NOT NULL, commodity_guid text(32) NOT NULL,
  currency_guid text(32) NOT NULL, date text(19) NOT NULL, source text(2048),
  type text(2048), value_num bigint NOT NULL, value_denom bigint NOT NULL);
CREATE TABLE transactions (guid text(32) PRIMARY KEY NOT NULL,
  currency_guid text(32) NOT NULL, num text(2048) NOT NULL, post_date text(19),
  enter_date text(19), description text(2048));
CREATE INDEX tx_post_date_index ON transactions(post_date);
CREATE TABLE splits (guid text(32) PRIMARY KEY NOT NULL, tx_guid text(32) NOT NULL,
  account_guid text(32) NOT NULL, memo text(2048) NOT NULL, action text(2048) NOT NULL,
  reconcile_state text(1) NOT NULL, reconcile_date text(19), value_num bigint NOT NULL,
  value_denom bigint NOT NULL, quantity_num bigint NOT NULL, quantity_denom bigint NOT NULL,
  lot_guid text(32));
CREATE INDEX splits_tx_guid_index ON splits(tx_guid);
CREATE INDEX splits_account_guid_index ON splits(account_guid);
CREATE TABLE slots (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, obj_guid text(32) NOT NULL,
  name text(4096) NOT NULL, slot_type integer NOT NULL, int64_val bigint,
  string_val text(4096), double_val float8, timespec_val text(19), guid_val text(32),
  numeric_val_num bigint, numeric_val_denom bigint, gdate_val text(8));
CREATE INDEX slots_guid_index ON slots(obj_guid);
CREATE TABLE recurrences (id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  obj_guid text(32) NOT NULL, recurrence_mult integer NOT NULL,
  recurrence_period_type text(2048) NOT NULL, recurrence_period_start text(8) NOT NULL,
  recurrence_weekend_adjust text(2048) NOT NULL);
CREATE TABLE schedxactions (guid text(32) PRIMARY KEY NOT NULL, name text(2048),
  enabled integer NOT NULL, start_date text(8), end_date text(8), last_occur text(8),
  num_occur integer NOT NULL, rem_occur integer NOT NULL, auto_create integer NOT NULL,
  auto_notify integer NOT NULL, adv_creation integer NOT NULL, adv_notify integer NOT NULL,
  instance_count integer NOT NULL, template_act_guid text(32) NOT NULL);
CREATE TABLE lots (guid text(32) PRIMARY KEY NOT NULL, account_guid text(32),
  is_closed integer NOT NULL);
CREATE TABLE billterms (guid text(32) PRIMARY KEY NOT NULL, name text(2048) NOT NULL,
  description text(2048) NOT NULL, refcount integer NOT NULL, invisible integer NOT NULL,
  parent text(32), type text(2048) NOT NULL, duedays integer, discountdays integer,
  discount_num bigint, discount_denom bigint, cutoff integer);
CREATE TABLE customers (guid text(32) PRIMARY KEY NOT NULL, name text(2048) NOT NULL,
  id text(2048) NOT NULL, notes text(2048) NOT NULL, active integer NOT NULL,
  discount_num bigint NOT NULL, discount_denom bigint NOT NULL, credit_num bigint NOT NULL,
  credit_denom bigint NOT NULL, currency text(32) NOT NULL, tax_override integer NOT NULL,
  addr_name text(1024), addr_addr1 text(1024), addr_addr2 text(1024), addr_addr3 text(1024),
  addr_addr4 text(1024), addr_phone text(128), addr_fax text(128), addr_email text(256),
  shipaddr_name text(1024), shipaddr_addr1 text(1024), shipaddr_addr2 text(1024),
  shipaddr_addr3 text(1024), shipaddr_addr4 text(1024), shipaddr_phone text(128),
  shipaddr_fax text(128), shipaddr_email text(256), terms text(32), tax_included integer,
  taxtable text(32));
CREATE TABLE employees (guid text(32) PRIMARY KEY NOT NULL, username text(2048) NOT NULL,
  id text(2048) NOT NULL, language text(2048) NOT NULL, acl text(2048) NOT NULL,
  active integer NOT NULL, currency text(32) NOT NULL, ccard_guid text(32),
  workday_num bigint NOT NULL, workday_denom bigint NOT NULL, rate_num bigint NOT NULL,
  rate_denom bigint NOT NULL, addr_name text(1024), addr_addr1 text(1024),
  addr_addr2 text(1024), addr_addr3 text(1024), addr_addr4 text(1024), addr_phone text(128),
  addr_fax text(128), addr_email text(256));
CREATE TABLE entries (guid text(32) PRIMARY KEY NOT NULL, date text(19) NOT NULL,
  date_entered text(19), description text(2048), action text(2048), notes text(2048),
  quantity_num bigint, quantity_denom bigint, i_acct text(32), i_price_num bigint,
  i_price_denom bigint, i_discount_num bigint, i_discount_denom bigint, invoice text(32),
  i_disc_type text(2048), i_disc_how text(2048), i_taxable integer, i_taxincluded integer,
  i_taxtable text(32), b_acct text(32), b_price_num bigint, b_price_denom bigint,
  bill text(32), b_taxable integer, b_taxincluded integer, b_taxtable text(32),
  b_paytype integer, billable integer, billto_type integer, billto_guid text(32),
  order_guid text(32));
CREATE TABLE invoices (guid text(32) PRIMARY KEY NOT NULL, id text(2048) NOT NULL,
  date_opened text(19), date_posted text(19), notes text(2048) NOT NULL,
  active integer NOT NULL, currency text(32) NOT NULL, owner_type integer,
  owner_guid text(32), terms text(32), billing_id text(2048), post_txn text(32),
  post_lot text(32), post_acc text(32), billto_type integer, billto_guid text(32),
  charge_amt_num bigint, charge_amt_denom bigint);
CREATE TABLE jobs (guid text(32) PRIMARY KEY NOT NULL, id text(2048) NOT NULL,
  name text(2048) NOT NULL, reference text(2048) NOT NULL, active integer NOT NULL,
  owner_type integer, owner_guid text(32));
CREATE TABLE orders (guid text(32) PRIMARY KEY NOT NULL, id text(2048) NOT NULL,
  notes text(2048) NOT NULL, reference text(2048) NOT NULL, active integer NOT NULL,
  date_opened text(19) NOT NULL, date_closed text(19) NOT NULL, owner_type integer NOT NULL,
  owner_guid text(32) NOT NULL);
CREATE TABLE taxtables (guid text(32) PRIMARY KEY NOT NULL, name text(50) NOT NULL,
  refcount bigint NOT NULL, invisible integer NOT NULL, parent text(32));
CREATE TABLE taxtable_entries (id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  taxtable text(32) NOT NULL, account text(32) NOT NULL, amount_num bigint NOT NULL,
  amount_denom bigint NOT NULL, type integer NOT NULL);
CREATE TABLE vendors (guid text(32) PRIMARY KEY NOT NULL, name text(2048) NOT NULL,
  id text(2048) NOT NULL, notes text(2048) NOT NULL, currency text(32) NOT NULL,
  active integer NOT NULL, tax_override integer NOT NULL, addr_name text(1024),
  addr_addr1 text(1024), addr_addr2 text(1024), addr_addr3 text(1024),
  addr_addr4 text(1024), addr_phone text(128), addr_fax text(128), addr_email text(256),
  terms text(32), tax_inc text(2048), tax_table text(32));
"""
GNUCASH_VERSIONS = (
    ("Gnucash", 4000013), ("Gnucash-Resave", 19920), ("books", 1), ("commodities", 1),
    ("accounts", 1), ("budgets", 1), ("budget_amounts", 1), ("prices", 3),
    ("transactions", 4), ("splits", 5), ("slots", 4), ("recurrences", 2),
    ("schedxactions", 1), ("lots", 2), ("billterms", 2), ("customers", 2), ("employees", 2),
    ("entries", 4), ("invoices", 4), ("jobs", 1), ("orders", 1), ("taxtables", 2),
    ("taxtable_entries", 3), ("vendors", 1))
# kvp-value.hpp: the slot types GnuCash writes for a posted invoice.
_STRING, _GUID, _TIME, _FRAME, _GDATE = 4, 5, 6, 9, 10


def _due_moment(posted: dt.date, due: Mapping[str, dt.date] | None, number: str) -> str:
    """When an invoice is due, as GnuCash 4.13 keeps it (a UTC time): the day its terms say
    at 10:59 UTC, as GnuCash works it out; a day it is given (``due``, by number) at that
    day's local midnight, as GnuCash's Python bindings post an invoice."""
    if due is None or number not in due:
        return f"{posted + dt.timedelta(days=30)} 10:59:00"
    midnight = dt.datetime.combine(due[number], dt.time()).astimezone(dt.UTC)
    return midnight.strftime("%Y-%m-%d %H:%M:%S")


def gnucash_book(path: Path, *, invoices: int = 3, locked: bool = False,
                 more_customers: int = 0, due: Mapping[str, dt.date] | None = None) -> Path:
    """A GnuCash SQLite book that GnuCash itself opens: its accounts, customers (one through
    a job), posted invoices in the receivable account (each with its line, its transaction
    and lot linked to it as GnuCash posts one), a payment in the first one's lot, an
    unposted draft; with ``more_customers``, that many more, the invoices after the third
    spread over them. Each invoice is due after its terms (Net 30), or when ``due`` says
    (by number), kept as GnuCash keeps a day it is given: that day's local midnight."""
    import sqlite3
    import uuid

    def guid() -> str:
        return uuid.uuid4().hex

    book = sqlite3.connect(path)
    book.executescript(GNUCASH_DDL)
    book.executemany("INSERT INTO versions VALUES (?, ?)", GNUCASH_VERSIONS)
    if locked:
        book.execute("INSERT INTO gnclock VALUES ('office-pc', 4242)")
    eur, net30, root, template, ar, sales, bank = (guid() for _ in range(7))
    book_guid, features = guid(), guid()
    book.execute("INSERT INTO books VALUES (?, ?, ?)", (book_guid, root, template))
    book.executemany("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, 0, ?, '', '', 0, 0)", [
        (root, "Root Account", "ROOT", None, 0, None),
        (template, "Template Root", "ROOT", None, 0, None),
        (ar, "Accounts Receivable", "RECEIVABLE", eur, 100, root),
        (sales, "Sales", "INCOME", eur, 100, root), (bank, "Bank", "BANK", eur, 100, root)])
    book.execute("INSERT INTO commodities VALUES (?, 'CURRENCY', 'EUR', 'Euro', '978', 100, 1, "
                 "'currency', '')", (eur,))
    book.execute("INSERT INTO billterms VALUES (?, 'Net 30', '', ?, 0, NULL, 'GNC_TERM_TYPE_DAYS',"
                 " 30, 0, 0, 1, 0)", (net30, 2 + more_customers + invoices))  # who uses them
    addresses = [f"{kind}_{part}" for kind in ("addr", "shipaddr") for part in
                 ("name", "addr1", "addr2", "addr3", "addr4", "phone", "fax", "email")]

    def customer(name: str, number: str, **address: str) -> str:
        # GnuCash writes a field of an address left empty as '' (reading a NULL, it drops
        # the whole address), and tax_included 3: "use the global setting".
        found = guid()
        book.execute(
            "INSERT INTO customers (guid, name, id, notes, active, discount_num, discount_denom, "
            f"credit_num, credit_denom, currency, tax_override, {', '.join(addresses)}, terms, "
            f"tax_included) VALUES (?, ?, ?, '', 1, 0, 1, 0, 1, ?, 0, "
            f"{', '.join('?' * len(addresses))}, ?, 3)",
            (found, name, number, eur, *(address.get(column, "") for column in addresses),
             net30))
        return found

    people = [customer(name, f"{n + 1:06d}", addr_name=name, addr_addr1="3 rue des Lilas",
                       addr_addr2="75011 Paris", addr_phone="+33 1 40 00 00 00",
                       addr_email=email)
              for n, (name, email) in enumerate((("Brasserie Zoë", "compta@zoe.example"),
                                                 ("Acme SARL", "")))]
    people += [customer(f"Client {n:05d}", f"C{n:06d}") for n in range(more_customers)]
    job = guid()
    book.execute("INSERT INTO jobs VALUES (?, '000001', 'Terrasse', '', 1, 2, ?)", (job, people[1]))

    def transaction(when: str, number: str) -> str:
        tx = guid()
        book.execute("INSERT INTO transactions VALUES (?, ?, ?, ?, ?, '')",
                     (tx, eur, number, when, when))
        return tx

    def split(tx: str, account: str, cents: int, lot: str | None, action: str) -> None:
        book.execute("INSERT INTO splits VALUES (?, ?, ?, '', ?, 'n', NULL, ?, 100, ?, 100, ?)",
                     (guid(), tx, account, action, cents, cents, lot))

    def slot(owner: str, name: str, kind: int, value: str) -> None:
        # GnuCash fills the columns a slot's type leaves unused with these.
        values = {kind: value}
        book.execute(
            "INSERT INTO slots (obj_guid, name, slot_type, int64_val, string_val, timespec_val, "
            "guid_val, numeric_val_num, numeric_val_denom, gdate_val) VALUES (?, ?, ?, 0, ?, ?, "
            "?, 0, 1, ?)", (owner, name, kind, values.get(_STRING),
                            values.get(_TIME, "1970-01-01 00:00:00"),
                            values.get(_GUID, values.get(_FRAME)), values.get(_GDATE)))

    def link(owner: str, invoice: str) -> None:
        frame = guid()
        slot(owner, "gncInvoice", _FRAME, frame)
        slot(frame, "gncInvoice/invoice-guid", _GUID, invoice)

    slot(book_guid, "features", _FRAME, features)
    slot(features, "features/ISO-8601 formatted date strings in SQLite3 databases.", _STRING,
         "Use ISO formatted date-time strings in SQLite3 databases (requires at least GnuCash "
         "2.6.20)")
    for n in range(invoices):
        day, number, cents = dt.date(2026, 9, n % 28 + 1), f"{n + 1:06d}", 120000 + n
        posted = f"{day} 10:59:00"
        invoice, lot, tx = guid(), guid(), transaction(posted, number)
        owner_type, owner = (3, job) if n == 1 else (2, people[0] if n < 3
                                                     else people[n % len(people)])
        book.execute("INSERT INTO lots VALUES (?, ?, -1)", (lot, ar))  # -1: GnuCash works it out
        book.execute(
            "INSERT INTO invoices VALUES (?, ?, ?, ?, '', 1, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, 0, 1)",
            (invoice, number, posted, posted, eur, owner_type, owner, net30, tx, lot, ar,
             owner_type, owner))
        book.execute(
            "INSERT INTO entries VALUES (?, ?, ?, 'Consulting', '', '', 1, 1, ?, ?, 100, 0, 1, ?,"
            " 'PERCENT', 'PRETAX', 1, 0, NULL, NULL, 0, 1, NULL, 1, 0, NULL, 1, 0, NULL, NULL, "
            "NULL)", (guid(), posted, posted, sales, cents, invoice))
        split(tx, ar, cents, lot, "Invoice")
        split(tx, sales, -cents, None, "Invoice")
        slot(tx, "date-posted", _GDATE, day.strftime("%Y%m%d"))
        link(tx, invoice)
        slot(tx, "trans-date-due", _TIME, _due_moment(day, due, number))
        slot(tx, "trans-read-only", _STRING,
             "Generated from an invoice. Try unposting the invoice.")
        slot(tx, "trans-txn-type", _STRING, "I")
        link(lot, invoice)
        slot(lot, "title", _STRING, f"Invoice {number}")
        if n == 0:  # part paid on 15 Oct
            paid = transaction("2026-10-15 10:59:00", "")
            split(paid, ar, -50000, lot, "Payment")
            split(paid, bank, 50000, None, "Payment")
            slot(paid, "trans-txn-type", _STRING, "P")
    book.execute("INSERT INTO invoices (guid, id, date_opened, notes, active, currency, "
                 "owner_type, owner_guid, charge_amt_num, charge_amt_denom) VALUES (?, 'DRAFT', "
                 "'2026-11-01 10:59:00', '', 1, ?, 2, ?, 0, 1)", (guid(), eur, people[0]))
    book.commit()
    book.close()
    return path


_GNC_NS = " ".join(f'xmlns:{p}="http://www.gnucash.org/XML/{p}"' for p in (
    "gnc", "act", "book", "cd", "cmdty", "price", "slot", "split", "sx", "trn", "ts", "fs",
    "bgt", "recurrence", "lot", "addr", "billterm", "bt-days", "bt-prox", "cust", "employee",
    "entry", "invoice", "job", "order", "owner", "taxtable", "tte", "vendor"))


def gnucash_xml_book(path: Path, *, locked: bool = False,
                     due: Mapping[str, dt.date] | None = None, lines: int = 1) -> Path:
    """A GnuCash book as GnuCash 4.13 saves it by default, gzip-compressed XML, which GnuCash
    opens: its accounts, a customer, a job of another, two posted invoices (each with its
    ``lines`` lines sharing its amount, its transaction and lot linked to it as GnuCash posts
    one), a payment in the first one's lot, an unposted draft. Each invoice is due as in
    ``gnucash_book``."""
    import gzip
    import uuid
    from xml.sax.saxutils import escape

    def guid() -> str:
        return uuid.uuid4().hex

    def stamp(moment: str) -> str:
        return f"<ts:date>{moment} +0000</ts:date>"

    def ts(day: dt.date) -> str:  # a day GnuCash works out itself: 10:59 UTC
        return stamp(f"{day} 10:59:00")

    def slot(key: str, kind: str, value: str) -> str:
        return (f"<slot><slot:key>{key}</slot:key><slot:value type=\"{kind}\">{value}"
                f"</slot:value></slot>")

    def link(invoice: str) -> str:  # the invoice a transaction or a lot is
        return slot("gncInvoice", "frame", slot("invoice-guid", "guid", invoice))

    def ref(tag: str, value: str) -> str:
        return f'<{tag} type="guid">{value}</{tag}>'

    def owner(tag: str, kind: str, who: str) -> str:
        return (f'<{tag} version="2.0.0"><owner:type>{kind}</owner:type>'
                f"{ref('owner:id', who)}</{tag}>")

    eur = "<cmdty:space>CURRENCY</cmdty:space><cmdty:id>EUR</cmdty:id>"
    root, ar, sales, bank, net30, zoe, acme, job = (guid() for _ in range(8))
    # number, posted, owner's kind and guid, cents; its invoice, transaction and lot
    invoices = [(number, day, kind, who, cents, guid(), guid(), guid()) for number, day, kind,
                who, cents in (("000001", dt.date(2026, 9, 1), "gncCustomer", zoe, 120000),
                               ("000002", dt.date(2026, 9, 2), "gncJob", job, 80000))]
    paid_lot = invoices[0][7]

    def account(name: str, kind: str, key: str, inside: str = "") -> str:
        return (f'<gnc:account version="2.0.0"><act:name>{name}</act:name>{ref("act:id", key)}'
                f"<act:type>{kind}</act:type><act:commodity>{eur}</act:commodity>"
                f"<act:commodity-scu>100</act:commodity-scu>{ref('act:parent', root)}{inside}"
                f"</gnc:account>")

    def transaction(key: str, day: dt.date, number: str, slots: str,
                    splits: list[tuple[str, int, str, str]]) -> str:
        parts = "".join(
            f"<trn:split>{ref('split:id', guid())}<split:action>{action}</split:action>"
            f"<split:reconciled-state>n</split:reconciled-state><split:value>{cents}/100"
            f"</split:value><split:quantity>{cents}/100</split:quantity>"
            f"{ref('split:account', where)}{ref('split:lot', lot) if lot else ''}</trn:split>"
            for where, cents, lot, action in splits)
        return (f'<gnc:transaction version="2.0.0">{ref("trn:id", key)}<trn:currency>{eur}'
                f"</trn:currency>{f'<trn:num>{number}</trn:num>' if number else ''}"
                f"<trn:date-posted>{ts(day)}</trn:date-posted><trn:date-entered>{ts(day)}"
                f"</trn:date-entered><trn:description></trn:description><trn:slots>{slots}"
                f"</trn:slots><trn:splits>{parts}</trn:splits></gnc:transaction>")

    def customer(key: str, number: str, name: str, email: str) -> str:
        address = (f"<addr:name>{escape(name)}</addr:name><addr:addr1>3 rue des Lilas"
                   f"</addr:addr1><addr:addr2>75011 Paris</addr:addr2><addr:phone>"
                   f"+33 1 40 00 00 00</addr:phone>"
                   + (f"<addr:email>{email}</addr:email>" if email else ""))
        return (f'<gnc:GncCustomer version="2.0.0">{ref("cust:guid", key)}<cust:name>'
                f"{escape(name)}</cust:name><cust:id>{number}</cust:id>"
                f'<cust:addr version="2.0.0">{address}</cust:addr>'
                f'<cust:shipaddr version="2.0.0"/>{ref("cust:terms", net30)}'
                f"<cust:taxincluded>USEGLOBAL</cust:taxincluded><cust:active>1</cust:active>"
                f"<cust:discount>0/1</cust:discount><cust:credit>0/1</cust:credit>"
                f"<cust:currency>{eur}</cust:currency><cust:use-tt>0</cust:use-tt>"
                f"</gnc:GncCustomer>")

    lots = "".join(
        f'<gnc:lot version="2.0.0">{ref("lot:id", lot)}<lot:slots>{link(invoice)}'
        f'{slot("title", "string", f"Invoice {number}")}</lot:slots></gnc:lot>'
        for number, _day, _kind, _who, _cents, invoice, _txn, lot in invoices)
    accounts = (f'<gnc:account version="2.0.0"><act:name>Root Account</act:name>'
                f'{ref("act:id", root)}<act:type>ROOT</act:type></gnc:account>'
                + account("Accounts Receivable", "RECEIVABLE", ar, f"<act:lots>{lots}</act:lots>")
                + account("Sales", "INCOME", sales) + account("Bank", "BANK", bank))
    transactions = "".join(
        transaction(txn, day, number,
                    slot("date-posted", "gdate", f"<gdate>{day}</gdate>") + link(invoice)
                    + slot("trans-date-due", "timespec", stamp(_due_moment(day, due, number)))
                    + slot("trans-read-only", "string",
                           "Generated from an invoice. Try unposting the invoice.")
                    + slot("trans-txn-type", "string", "I"),
                    [(ar, cents, lot, "Invoice"), (sales, -cents, "", "Invoice")])
        for number, day, _kind, _who, cents, invoice, txn, lot in invoices)
    transactions += transaction(guid(), dt.date(2026, 10, 15), "",
                                slot("trans-txn-type", "string", "P"),
                                [(bank, 50000, "", "Payment"), (ar, -50000, paid_lot, "Payment")])
    terms = (f'<gnc:GncBillTerm version="2.0.0">{ref("billterm:guid", net30)}'
             f"<billterm:name>Net 30</billterm:name><billterm:desc></billterm:desc>"
             f"<billterm:refcount>4</billterm:refcount><billterm:invisible>0</billterm:invisible>"
             f"<billterm:days><bt-days:due-days>30</bt-days:due-days></billterm:days>"
             f"</gnc:GncBillTerm>")
    customers = (customer(zoe, "000001", "Brasserie Zoë & Fils", "compta@zoe.example")
                 + customer(acme, "000002", "Acme SARL", ""))
    # Each line in whole cents (the first ones a cent more), as GnuCash rounds each line.
    entries = "".join(
        f'<gnc:GncEntry version="2.0.0">{ref("entry:guid", guid())}<entry:date>{ts(day)}'
        f"</entry:date><entry:entered>{ts(day)}</entry:entered><entry:description>Consulting"
        f"</entry:description><entry:qty>1/1</entry:qty>{ref('entry:i-acct', sales)}"
        f"<entry:i-price>{cents // lines + (line < cents % lines)}/100</entry:i-price>"
        f"{ref('entry:invoice', invoice)}"
        f"<entry:i-disc-type>PERCENT</entry:i-disc-type><entry:i-disc-how>PRETAX"
        f"</entry:i-disc-how><entry:i-taxable>1</entry:i-taxable><entry:i-taxincluded>0"
        f"</entry:i-taxincluded></gnc:GncEntry>"
        for _number, day, _kind, _who, cents, invoice, _txn, _lot in invoices
        for line in range(lines))
    documents = "".join(
        f'<gnc:GncInvoice version="2.0.0">{ref("invoice:guid", invoice)}<invoice:id>{number}'
        f"</invoice:id>{owner('invoice:owner', kind, who)}<invoice:opened>{ts(day)}"
        f"</invoice:opened><invoice:posted>{ts(day)}</invoice:posted>"
        f"{ref('invoice:terms', net30)}<invoice:active>1</invoice:active>"
        f"{ref('invoice:posttxn', txn)}{ref('invoice:postlot', lot)}"
        f"{ref('invoice:postacc', ar)}<invoice:currency>{eur}</invoice:currency>"
        f"{owner('invoice:billto', kind, who)}</gnc:GncInvoice>"
        for number, day, kind, who, _cents, invoice, txn, lot in invoices)
    documents += (  # a draft: never posted, so no date posted
        f'<gnc:GncInvoice version="2.0.0">{ref("invoice:guid", guid())}<invoice:id>DRAFT'
        f"</invoice:id>{owner('invoice:owner', 'gncCustomer', zoe)}<invoice:opened>"
        f"{ts(dt.date(2026, 11, 1))}</invoice:opened><invoice:active>1</invoice:active>"
        f"<invoice:currency>{eur}</invoice:currency></gnc:GncInvoice>")
    jobs = (f'<gnc:GncJob version="2.0.0">{ref("job:guid", job)}<job:id>000001</job:id>'
            f"<job:name>Terrasse</job:name>{owner('job:owner', 'gncCustomer', acme)}"
            f"<job:active>1</job:active></gnc:GncJob>")
    counts = "".join(f'<gnc:count-data cd:type="{kind}">{count}</gnc:count-data>\n'
                     for kind, count in (("commodity", 1), ("account", 4), ("transaction", 3),
                                         ("gnc:GncBillTerm", 1), ("gnc:GncCustomer", 2),
                                         ("gnc:GncEntry", 2 * lines), ("gnc:GncInvoice", 3),
                                         ("gnc:GncJob", 1)))
    commodities = (f'<gnc:commodity version="2.0.0">{eur}<cmdty:get_quotes/><cmdty:quote_source>'
                   f"currency</cmdty:quote_source><cmdty:quote_tz/></gnc:commodity>\n"
                   f'<gnc:commodity version="2.0.0"><cmdty:space>template</cmdty:space>'
                   f"<cmdty:id>template</cmdty:id><cmdty:name>template</cmdty:name>"
                   f"<cmdty:xcode>template</cmdty:xcode><cmdty:fraction>1</cmdty:fraction>"
                   f"</gnc:commodity>\n")
    text = (f'<?xml version="1.0" encoding="utf-8" ?>\n<gnc-v2 {_GNC_NS}>\n'
            f'<gnc:count-data cd:type="book">1</gnc:count-data>\n<gnc:book version="2.0.0">\n'
            f'{ref("book:id", guid())}\n{counts}{commodities}'
            + "\n".join((accounts, transactions, terms, customers, entries, documents, jobs))
            + "\n</gnc:book>\n</gnc-v2>\n")
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    if locked:
        path.with_name(path.name + ".LCK").write_bytes(b"")
    return path


GNUCASH_CSV_HEADER = (
    "Date", "Transaction ID", "Number", "Description", "Notes", "Commodity/Currency",
    "Void Reason", "Action", "Memo", "Full Account Name", "Account Name", "Amount With Sym",
    "Amount Num.", "Value With Sym", "Value Num.", "Reconcile", "Reconcile Date",
    "Rate/Price")

# The same header row as a GnuCash running in German or French writes it (GnuCash's
# po/de.po and po/fr.po; sources in models/imports/gnucash_names.py). GnuCash 4.13 had
# no German for the Value columns and wrote them in English; 5.10 gives the Amount and
# the Value columns the same German names.
GNUCASH_CSV_HEADERS: dict[str, tuple[str, ...]] = {
    "en": GNUCASH_CSV_HEADER,
    "de-4.13": (
        "Datum", "BuchungsID", "Nummer", "Beschreibung", "Bemerkungen", "Währung/Wertpapier",
        "Stornierungsbegründung", "Aktion", "Buchungstext", "Volle Kontobezeichnung",
        "Kontobezeichnung", "Wert mit Symbol", "Wert numerisch", "Value With Sym",
        "Value Num.", "Abgleichen", "Datum des Abgleichs", "Kurs/Preis"),
    "de": (
        "Datum", "BuchungsID", "Nummer", "Beschreibung", "Bemerkungen", "Währung/Wertpapier",
        "Stornierungsbegründung", "Aktion", "Buchungstext", "Volle Kontobezeichnung",
        "Kontobezeichnung", "Wert mit Symbol", "Wert numerisch.", "Wert mit Symbol",
        "Wert numerisch.", "Abgleichen", "Datum des Abgleichs", "Kurs/Preis"),
    "fr": (
        "Date", "Id de la transaction", "Numéro", "Description", "Notes", "Produit/Devise",
        "Raison invalide", "Action", "Mémo", "Le nom complet du compte", "Nom du compte",
        "Compte avec symbole", "Montant Num.", "Valeur avec symbole", "Valeur Num.",
        "Rapprocher", "Date de rapprochement", "Taux/Prix"),
}


def gnucash_csv(path: Path, header: Sequence[str] = GNUCASH_CSV_HEADER, *,
                receivable: str = "Aktiva:Forderungen:Accounts Receivable") -> Path:
    """GnuCash's full-layout transaction export: each transaction's first row, then a row
    per split; two invoices to one customer, a payment, a German-locale number format.
    ``header`` is the header row in the language GnuCash ran in (the columns keep their
    order in every language), ``receivable`` the receivable account's full name."""
    def tx(day: str, guid: str, number: str, name: str, splits: list[tuple[str, str]]
           ) -> list[list[str]]:
        rows = []
        for n, (account, value) in enumerate(splits):
            first = n == 0
            rows.append([day if first else "", guid if first else "", number if first else "",
                         name if first else "", "", "CURRENCY::EUR" if first else "", "", "",
                         "", account, account.split(":")[-1], f"{value} €", value,
                         f"{value} €", value, "n", "", "1,00"])
        return rows

    body = (tx("01.09.2026", "a1", "000001", "Brasserie Zoë",
               [(receivable, "1.200,00"), ("Erträge:Umsatz", "-1.200,00")])
            + tx("15.09.2026", "a2", "000002", "Brasserie Zoë",
                 [(receivable, "300,00"), ("Erträge:Umsatz", "-300,00")])
            + tx("20.10.2026", "a3", "", "Brasserie Zoë",
                 [("Aktiva:Bank", "1.300,00"), (receivable, "-1.300,00")]))
    return write_csv(path, header, body)
