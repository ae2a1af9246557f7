"""Export files as the accounting programs write them, for the importer's tests.

Columns follow each vendor's documented export (see docs/decisions.md, "Importing");
the oddities are real ones: a BOM, "*" on required columns, title rows and "Total for"
rows in reports, ";" with decimal commas, quoted newlines, Windows encoding.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
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


# The tables of a GnuCash 3.x SQLite book that hold customers and their invoices, as
# GnuCash creates them (its SQL backend's DDL).
GNUCASH_DDL = """
CREATE TABLE versions (table_name TEXT(50) PRIMARY KEY NOT NULL,
  table_version INTEGER NOT NULL);
CREATE TABLE gnclock (Hostname VARCHAR(255), PID INT);
CREATE TABLE commodities (guid TEXT(32) PRIMARY KEY NOT NULL, namespace TEXT(2048) NOT NULL,
  mnemonic TEXT(2048) NOT NULL, fullname TEXT(2048), cusip TEXT(2048),
  fraction INTEGER NOT NULL, quote_flag INTEGER NOT NULL, quote_source TEXT(2048),
  quote_tz TEXT(2048));
CREATE TABLE billterms (guid TEXT(32) PRIMARY KEY NOT NULL, name TEXT(2048) NOT NULL,
  description TEXT(2048) NOT NULL, refcount INTEGER NOT NULL, invisible INTEGER NOT NULL,
  parent TEXT(32), type TEXT(2048) NOT NULL, duedays INTEGER, discountdays INTEGER,
  discount_num BIGINT, discount_denom BIGINT, cutoff INTEGER);
CREATE TABLE customers (guid TEXT(32) PRIMARY KEY NOT NULL, name TEXT(2048) NOT NULL,
  id TEXT(2048) NOT NULL, notes TEXT(2048) NOT NULL, active INTEGER NOT NULL,
  discount_num BIGINT NOT NULL, discount_denom BIGINT NOT NULL, credit_num BIGINT NOT NULL,
  credit_denom BIGINT NOT NULL, currency TEXT(32) NOT NULL, tax_override INTEGER NOT NULL,
  addr_name TEXT(1024), addr_addr1 TEXT(1024), addr_addr2 TEXT(1024), addr_addr3 TEXT(1024),
  addr_addr4 TEXT(1024), addr_phone TEXT(128), addr_fax TEXT(128), addr_email TEXT(256),
  shipaddr_name TEXT(1024), shipaddr_addr1 TEXT(1024), shipaddr_addr2 TEXT(1024),
  shipaddr_addr3 TEXT(1024), shipaddr_addr4 TEXT(1024), shipaddr_phone TEXT(128),
  shipaddr_fax TEXT(128), shipaddr_email TEXT(256), terms TEXT(32), tax_included INTEGER,
  taxtable TEXT(32));
CREATE TABLE jobs (guid TEXT(32) PRIMARY KEY NOT NULL, id TEXT(2048) NOT NULL,
  name TEXT(2048) NOT NULL, reference TEXT(2048) NOT NULL, active INTEGER NOT NULL,
  owner_type INTEGER, owner_guid TEXT(32));
CREATE TABLE invoices (guid TEXT(32) PRIMARY KEY NOT NULL, id TEXT(2048) NOT NULL,
  date_opened TEXT(19), date_posted TEXT(19), notes TEXT(2048) NOT NULL,
  active INTEGER NOT NULL, currency TEXT(32) NOT NULL, owner_type INTEGER,
  owner_guid TEXT(32), terms TEXT(32), billing_id TEXT(2048), post_txn TEXT(32),
  post_lot TEXT(32), post_acc TEXT(32), billto_type INTEGER, billto_guid TEXT(32),
  charge_amt_num BIGINT, charge_amt_denom BIGINT);
CREATE TABLE lots (guid TEXT(32) PRIMARY KEY NOT NULL, account_guid TEXT(32),
  is_closed INTEGER NOT NULL);
CREATE TABLE transactions (guid TEXT(32) PRIMARY KEY NOT NULL,
  currency_guid TEXT(32) NOT NULL, num TEXT(2048) NOT NULL, post_date TEXT(19),
  enter_date TEXT(19), description TEXT(2048));
CREATE TABLE splits (guid TEXT(32) PRIMARY KEY NOT NULL, tx_guid TEXT(32) NOT NULL,
  account_guid TEXT(32) NOT NULL, memo TEXT(2048) NOT NULL, action TEXT(2048) NOT NULL,
  reconcile_state TEXT(1) NOT NULL, reconcile_date TEXT(19), value_num BIGINT NOT NULL,
  value_denom BIGINT NOT NULL, quantity_num BIGINT NOT NULL, quantity_denom BIGINT NOT NULL,
  lot_guid TEXT(32));
CREATE TABLE slots (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, obj_guid TEXT(32) NOT NULL,
  name TEXT(4096) NOT NULL, slot_type INTEGER NOT NULL, int64_val BIGINT,
  string_val TEXT(4096), double_val float8, timespec_val TEXT(19), guid_val TEXT(32),
  numeric_val_num BIGINT, numeric_val_denom BIGINT, gdate_val TEXT(8));
"""


def gnucash_book(path: Path, *, invoices: int = 3, locked: bool = False,
                 more_customers: int = 0) -> Path:
    """A GnuCash SQLite book: customers (one through a job), posted invoices in the
    receivable account, a payment in the first one's lot, an unposted draft; with
    ``more_customers``, that many more, the invoices after the third spread over them."""
    import sqlite3
    import uuid

    def guid() -> str:
        return uuid.uuid4().hex

    book = sqlite3.connect(path)
    book.executescript(GNUCASH_DDL)
    book.execute("INSERT INTO versions VALUES ('Gnucash', 3000000)")
    if locked:
        book.execute("INSERT INTO gnclock VALUES ('office-pc', 4242)")
    eur, net30, ar, sales, bank = guid(), guid(), guid(), guid(), guid()
    book.execute("INSERT INTO commodities VALUES (?, 'CURRENCY', 'EUR', 'Euro', '978', 100, 1, "
                 "'currency', '')", (eur,))
    book.execute("INSERT INTO billterms VALUES (?, 'Net 30', '', 1, 0, NULL, 'GNC_TERM_TYPE_DAYS',"
                 " 30, 0, 0, 1, 0)", (net30,))
    people = []
    for n, (name, email) in enumerate((("Brasserie Zoë", "compta@zoe.example"),
                                       ("Acme SARL", ""))):
        customer = guid()
        book.execute(
            "INSERT INTO customers (guid, name, id, notes, active, discount_num, discount_denom, "
            "credit_num, credit_denom, currency, tax_override, addr_name, addr_addr1, addr_addr2,"
            " addr_phone, addr_email, terms) VALUES (?, ?, ?, '', 1, 0, 1, 0, 1, ?, 0, ?, "
            "'3 rue des Lilas', '75011 Paris', '+33 1 40 00 00 00', ?, ?)",
            (customer, name, f"{n + 1:06d}", eur, name, email, net30))
        people.append(customer)
    for n in range(more_customers):
        customer = guid()
        book.execute(
            "INSERT INTO customers (guid, name, id, notes, active, discount_num, discount_denom, "
            "credit_num, credit_denom, currency, tax_override, terms) VALUES (?, ?, ?, '', 1, "
            "0, 1, 0, 1, ?, 0, ?)", (customer, f"Client {n:05d}", f"C{n:06d}", eur, net30))
        people.append(customer)
    job = guid()
    book.execute("INSERT INTO jobs VALUES (?, '000001', 'Terrasse', '', 1, 2, ?)", (job, people[1]))

    def transaction(day: str) -> str:
        tx = guid()
        book.execute("INSERT INTO transactions VALUES (?, ?, '', ?, ?, '')",
                     (tx, eur, f"{day} 10:59:00", f"{day} 10:59:00"))
        return tx

    def split(tx: str, account: str, cents: int, lot: str | None) -> None:
        book.execute("INSERT INTO splits VALUES (?, ?, ?, '', '', 'n', NULL, ?, 100, ?, 100, ?)",
                     (guid(), tx, account, cents, cents, lot))

    for n in range(invoices):
        day = f"2026-09-{n % 28 + 1:02d}"
        lot, tx = guid(), transaction(day)
        owner_type, owner = (3, job) if n == 1 else (2, people[0] if n < 3
                                                     else people[n % len(people)])
        book.execute("INSERT INTO lots VALUES (?, ?, 1)", (lot, ar))
        book.execute(
            "INSERT INTO invoices VALUES (?, ?, ?, ?, '', 1, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, 0, 1)",
            (guid(), f"{n + 1:06d}", f"{day} 10:59:00", f"{day} 10:59:00", eur, owner_type,
             owner, net30, tx, lot, ar,
             owner_type, owner))
        split(tx, ar, 120000 + n, lot)
        split(tx, sales, -(120000 + n), None)
        if n == 0:  # part paid on 15 Oct
            paid = transaction("2026-10-15")
            split(paid, ar, -50000, lot)
            split(paid, bank, 50000, None)
    book.execute("INSERT INTO invoices (guid, id, date_opened, notes, active, currency, "
                 "owner_type, owner_guid) VALUES (?, 'DRAFT', '2026-11-01 10:59:00', '', 1, ?, "
                 "2, ?)", (guid(), eur, people[0]))
    book.commit()
    book.close()
    return path


_GNC_NS = " ".join(f'xmlns:{p}="http://www.gnucash.org/XML/{p}"' for p in (
    "gnc", "act", "book", "cd", "cmdty", "price", "slot", "split", "sx", "trn", "ts", "fs",
    "bgt", "recurrence", "lot", "addr", "billterm", "bt-days", "bt-prox", "cust", "employee",
    "entry", "invoice", "job", "order", "owner", "taxtable", "tte", "vendor"))


def gnucash_xml_book(path: Path, *, locked: bool = False) -> Path:
    """A GnuCash book as GnuCash saves it by default: gzip-compressed XML with a customer,
    a job of another, two posted invoices (one part paid in its lot), a draft."""
    import gzip

    def ts(day: str) -> str:
        return f"<ts:date>{day} 10:59:00 +0000</ts:date>"

    cur = "<cmdty:space>CURRENCY</cmdty:space><cmdty:id>EUR</cmdty:id>"
    customers = "".join(
        f'<gnc:GncCustomer version="2.0.0"><cust:guid type="guid">{guid}</cust:guid>'
        f"<cust:name>{name}</cust:name><cust:id>{n:06d}</cust:id>"
        f'<cust:addr version="2.0.0"><addr:name>{name}</addr:name>'
        f"<addr:addr1>3 rue des Lilas</addr:addr1><addr:addr2>75011 Paris</addr:addr2>"
        f"<addr:phone>+33 1 40 00 00 00</addr:phone><addr:email>{email}</addr:email>"
        f'</cust:addr><cust:active>1</cust:active><cust:terms type="guid">t30</cust:terms>'
        f"<cust:currency>{cur}</cust:currency></gnc:GncCustomer>"
        for n, (guid, name, email) in enumerate((("c1", "Brasserie Zoë & Fils",
                                                  "compta@zoe.example"),
                                                 ("c2", "Acme SARL", "")), start=1))
    terms = ('<gnc:GncBillTerm version="2.0.0"><billterm:guid type="guid">t30</billterm:guid>'
             "<billterm:name>Net 30</billterm:name><billterm:days>"
             "<bt-days:due-days>30</bt-days:due-days></billterm:days></gnc:GncBillTerm>")
    job = ('<gnc:GncJob version="2.0.0"><job:guid type="guid">j1</job:guid><job:id>000001'
           '</job:id><job:name>Terrasse</job:name><job:owner version="2.0.0"><owner:type>'
           'gncCustomer</owner:type><owner:id type="guid">c2</owner:id></job:owner>'
           "</gnc:GncJob>")

    def invoice(number: str, day: str, kind: str, owner: str, txn: str, lot: str) -> str:
        posted = (f"<invoice:posted>{ts(day)}</invoice:posted>"
                  f'<invoice:posttxn type="guid">{txn}</invoice:posttxn>'
                  f'<invoice:postlot type="guid">{lot}</invoice:postlot>') if txn else ""
        return (f'<gnc:GncInvoice version="2.0.0"><invoice:guid type="guid">i{number}'
                f"</invoice:guid><invoice:id>{number}</invoice:id>"
                f'<invoice:owner version="2.0.0"><owner:type>{kind}</owner:type>'
                f'<owner:id type="guid">{owner}</owner:id></invoice:owner>'
                f"<invoice:opened>{ts(day)}</invoice:opened>{posted}"
                f'<invoice:terms type="guid">t30</invoice:terms>'
                f"<invoice:currency>{cur}</invoice:currency></gnc:GncInvoice>")

    def transaction(guid: str, day: str, splits: list[tuple[str, str]]) -> str:
        parts = "".join(
            f'<trn:split><split:id type="guid">{guid}{n}</split:id>'
            f"<split:value>{value}</split:value><split:quantity>{value}</split:quantity>"
            f'<split:account type="guid">ar</split:account>'
            + (f'<split:lot type="guid">{lot}</split:lot>' if lot else "") + "</trn:split>"
            for n, (value, lot) in enumerate(splits))
        return (f'<gnc:transaction version="2.0.0"><trn:id type="guid">{guid}</trn:id>'
                f"<trn:currency>{cur}</trn:currency><trn:date-posted>{ts(day)}"
                f"</trn:date-posted><trn:splits>{parts}</trn:splits></gnc:transaction>")

    body = (terms + customers + job
            + invoice("000001", "2026-09-01", "gncCustomer", "c1", "x1", "l1")
            + invoice("000002", "2026-09-02", "gncJob", "j1", "x2", "l2")
            + invoice("DRAFT", "2026-11-01", "gncCustomer", "c1", "", "")
            + transaction("x1", "2026-09-01", [("120000/100", "l1"), ("-120000/100", "")])
            + transaction("x2", "2026-09-02", [("80000/100", "l2"), ("-80000/100", "")])
            + transaction("p1", "2026-10-15", [("-50000/100", "l1"), ("50000/100", "")]))
    text = (f'<?xml version="1.0" encoding="utf-8" ?>\n<gnc-v2 {_GNC_NS}>\n'
            f'<gnc:book version="2.0.0"><book:id type="guid">b1</book:id>{body}</gnc:book>\n'
            f"</gnc-v2>\n")
    path.write_bytes(gzip.compress(text.replace("&", "&amp;").replace("&amp;amp;", "&amp;")
                                   .encode("utf-8")))
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
