"""Export files read as tables: encoding, delimiter and header row found; rows streamed."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.imports.sources import KNOWN_COLUMNS
from models.imports.table import FileRefused, header, rows, sniff
from tests.unit.imports.exports import (
    XERO_INVOICE_HEADER,
    qbo_aging,
    write_csv,
    xero_line,
)


def test_a_xero_export_with_its_bom_and_starred_columns_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "Invoices.csv", XERO_INVOICE_HEADER, [
        xero_line("Zoë Café", "INV-0001", "24/10/2026", "23/11/2026", "1,200.00", "0.00",
                  "1,200.00", "1,000.00", street="1 Rue de la Paix\nBâtiment B")])
    table = sniff(path, KNOWN_COLUMNS)
    assert (table.encoding, table.delimiter, table.header_line) == ("utf-8-sig", ",", 1)
    assert header(path, table)[0] == "*ContactName"  # the BOM is not part of the name
    (row,) = rows(path, table)
    assert row.get("*ContactName") == "Zoë Café"
    assert row.get("POAddressLine1") == "1 Rue de la Paix\nBâtiment B"  # quoted newline kept


def test_a_report_with_title_rows_finds_its_header_below_them(tmp_path: Path) -> None:
    path = qbo_aging(tmp_path / "aging.csv", [
        ["10/01/2026", "Invoice", "1001", "Acme Inc.", "10/31/2026", "500.00", "500.00"]])
    table = sniff(path, KNOWN_COLUMNS)
    assert table.header_line == 5
    lines = [row.line for row in rows(path, table)]
    assert lines[0] == 6


def test_semicolons_and_windows_encoding_are_found(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.csv", ["Kunde", "Rechnung", "Betrag"],
                     [["Müller GmbH", "R-1", "1.234,50"]], delimiter=";", encoding="cp1252")
    table = sniff(path)
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert next(rows(path, table)).get("Kunde") == "Müller GmbH"


def test_a_cell_that_looks_like_a_formula_stays_its_text(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["Customer", "Invoice", "Amount"],
                     [["=HYPERLINK(\"http://evil\")", "@SUM(A1)", "+1"]])
    row = next(rows(path, sniff(path)))
    assert row.get("Customer") == "=HYPERLINK(\"http://evil\")"
    assert row.get("Invoice") == "@SUM(A1)"


def test_an_excel_workbook_reads_as_its_cells_show(tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Customer Name", "Invoice Number", "Invoice Date", "Total"])
    sheet.append(["Acme", "INV-1", dt.datetime(2026, 11, 24), 1234.5])
    path = tmp_path / "invoices.xlsx"
    book.save(path)
    table = sniff(path)
    row = next(rows(path, table))
    assert (row.get("Invoice Date"), row.get("Total")) == ("2026-11-24", "1234.5")


@pytest.mark.parametrize(("content", "says"), [
    (b"", "is empty"),
    (b"\x00\x01\x02\x03PK\x00\x00", "is not a table"),
    (b"Dear Sir,\r\nplease find our invoices attached\r\n", "is not a table"),
])
def test_a_file_that_is_no_table_is_refused_in_words(tmp_path: Path, content: bytes,
                                                     says: str) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(FileRefused, match=says):
        sniff(path)


def test_an_old_excel_workbook_is_refused_with_the_way_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "Customer Balances.xls"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))  # the OLE2 header
    with pytest.raises(FileRefused, match=r"save it as an Excel workbook \(\.xlsx\) or as CSV"):
        sniff(path)


def test_a_file_that_turns_out_not_to_be_utf8_later_on_names_the_line(tmp_path: Path) -> None:
    head = "Customer,Invoice,Amount\r\n" + "".join(
        f"Customer {n},INV-{n},10.00\r\n" for n in range(20000))
    path = tmp_path / "big.csv"
    path.write_bytes(head.encode() + "Müller,INV-X,1.00\r\n".encode("cp1252"))
    table = sniff(path)
    assert table.encoding == "utf-8-sig"  # the start is UTF-8
    with pytest.raises(FileRefused, match="not all in the UTF-8 encoding"):
        for _row in rows(path, table):
            pass


def test_a_folder_given_for_a_file_is_refused_in_words(tmp_path: Path) -> None:
    from models.imports.detect import detect

    with pytest.raises(FileRefused, match=f"Duly cannot read {tmp_path.name}"):
        detect(tmp_path)


def test_a_damaged_workbook_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "Invoices.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip file, cut short in a download")
    with pytest.raises(FileRefused, match="cannot be opened as an Excel workbook"):
        sniff(path)
