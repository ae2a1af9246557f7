"""Exported tables: CSV and XLSX written whole, read back as the numbers and dates they
hold, and a disk that will not take the file told in words with nothing left behind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from models.errors import WriteRefused
from reports.spreadsheet_xlsx import Sheet
from reports.table_files import TableFormat, table_format_of, write_table_file
from tests.helpers import fill_disk

OVERDUE = Sheet("Overdue", ["Customer", "Overdue", "Due"],
                [["Acme", Decimal("1250.50"), dt.date(2026, 10, 1)],
                 ["=cmd", Decimal("-3.00"), None]])
DEBTORS = Sheet("Debtors", ["Customer"], [["Zoë Ødegård"]])


def test_a_csv_holds_the_first_table_with_numbers_bare_and_text_made_safe(tmp_path: Path):
    target = tmp_path / "overdue.csv"
    rows = write_table_file(target, [OVERDUE, DEBTORS], TableFormat.CSV)
    assert rows == 2
    assert target.read_text(encoding="utf-8-sig").splitlines() == [
        '"Customer","Overdue","Due"', '"Acme",1250.50,2026-10-01', "\"'=cmd\",-3.00,"]
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel then reads the accents


def test_a_workbook_holds_each_table_on_its_own_sheet(tmp_path: Path):
    target = tmp_path / "insights.xlsx"
    assert write_table_file(target, [OVERDUE, DEBTORS], TableFormat.XLSX) == 3
    book = load_workbook(target)
    assert book.sheetnames == ["Overdue", "Debtors"]
    assert book["Overdue"]["B2"].value == Decimal("1250.50") or \
        book["Overdue"]["B2"].value == pytest.approx(1250.50)
    assert book["Overdue"]["C2"].value == dt.datetime(2026, 10, 1)
    assert book["Debtors"]["A2"].value == "Zoë Ødegård"


def test_the_name_says_the_format():
    assert table_format_of(Path("a.CSV")) is TableFormat.CSV
    assert table_format_of(Path("a.xlsx")) is TableFormat.XLSX
    assert table_format_of(Path("a")) is TableFormat.XLSX


def test_a_missing_folder_is_told_and_nothing_is_written(tmp_path: Path):
    target = tmp_path / "gone" / "overdue.xlsx"
    with pytest.raises(WriteRefused, match="does not exist.*Nothing was written"):
        write_table_file(target, [OVERDUE], TableFormat.XLSX)


def test_a_full_disk_keeps_the_file_that_was_there(small_disk: Path):
    target = small_disk / "overdue.csv"
    target.write_text("the last export\n")
    filler = fill_disk(small_disk)
    try:
        with pytest.raises(WriteRefused, match="is full"):
            write_table_file(target, [Sheet("Big", ["Text"], [["x" * 1000]] * 100)],
                             TableFormat.CSV)
    finally:
        filler.unlink()
    assert target.read_text() == "the last export\n"
    assert [p.name for p in small_disk.iterdir()] == ["overdue.csv"]
