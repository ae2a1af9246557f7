"""`duly new` then `duly import FILE`: scripted end to end, safe to run on every export."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli import duly
from tests.helpers import digest, records
from tests.unit.imports.exports import XERO_INVOICE_HEADER, write_csv, xero_line


def export(path: Path, *, owed: str = "1,200.00", paid: str = "0.00") -> Path:
    return write_csv(path, XERO_INVOICE_HEADER, [
        xero_line("Zoë Café", "INV-0001", "24/09/2026", "24/10/2026", "1,200.00", paid, owed,
                  "1,200.00", email="accounts@zoe.example"),
        xero_line("Acme Ltd", "INV-0002", "01/10/2026", "31/10/2026", "500.00", "0.00",
                  "500.00", "500.00")])


def test_a_new_company_imports_its_export_and_a_second_run_changes_nothing(
        tmp_path: Path) -> None:
    store = tmp_path / "books.sqlite"
    made = duly("--db", str(store), "new", "--business", "Harbour & Finch Ltd",
                "--country", "GB", "--currency", "GBP")
    assert made.returncode == 0, made.stderr
    assert duly("--db", str(store), "new", "--business", "X", "--country", "GB",
                "--currency", "GBP").returncode == 2  # never over an existing store
    path = export(tmp_path / "Invoices.csv")

    dry = duly("--db", str(store), "import", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Customers: 2 new" in dry.stdout and "Invoices: 2 new" in dry.stdout
    assert "Dry run: nothing was written." in dry.stdout
    before = digest(store)

    done = duly("--db", str(store), "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "Imported." in done.stdout
    assert digest(store) != before
    after = records(store)

    again = duly("--db", str(store), "import", str(path))
    assert again.returncode == 0
    assert "Nothing to import" in again.stdout
    assert "Invoices: 0 new, 0 changed, 2 unchanged." in again.stdout
    assert records(store) == after  # its run recorded, no record changed
    assert duly("--db", str(store), "check").returncode == 0

    paid = duly("--db", str(store), "import", str(export(tmp_path / "newer.csv", owed="0.00",
                                                          paid="1,200.00")))
    assert paid.returncode == 0
    assert "INV-0001: 1,200.00 GBP paid" in paid.stdout


def test_refused_rows_exit_1_and_write_nothing(tmp_path: Path) -> None:
    store = tmp_path / "books.sqlite"
    duly("--db", str(store), "new", "--business", "Harbour & Finch Ltd", "--country", "GB",
         "--currency", "GBP")
    path = write_csv(tmp_path / "bad.csv", XERO_INVOICE_HEADER, [
        xero_line("Zoë Café", "INV-0001", "31/02/2026", "24/10/2026", "1,200.00", "0.00",
                  "1,200.00", "1,200.00")])
    before = records(store)
    result = duly("--db", str(store), "import", str(path))
    assert result.returncode == 1
    assert "line 2: “31/02/2026” is not a day of the calendar." in result.stdout
    assert records(store) == before


def test_a_file_that_cannot_be_read_exits_2_saying_why(tmp_path: Path) -> None:
    store = tmp_path / "books.sqlite"
    duly("--db", str(store), "new", "--business", "Harbour & Finch Ltd", "--country", "GB",
         "--currency", "GBP")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = duly("--db", str(store), "import", str(empty))
    assert result.returncode == 2
    assert "empty.csv is empty." in result.stderr
