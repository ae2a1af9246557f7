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
