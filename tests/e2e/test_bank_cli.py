"""`duly bank FILE`: the matches printed, the sure ones recorded, nothing twice."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli import duly
from tests.e2e.test_import_cli import export
from tests.helpers import digest
from tests.unit.test_bank_formats import OFX_SGML


def statement(path: Path) -> Path:
    text = OFX_SGML.replace("<MEMO>INV 0042 THANK YOU", "<MEMO>inv 0001 thank you").replace(
        "<TRNAMT>120.50", "<TRNAMT>1200.00").replace("<TRNAMT>1,000.00", "<TRNAMT>9.99")
    path.write_text(text, encoding="utf-8")
    return path


def test_a_statement_is_shown_then_its_sure_credits_recorded_once(tmp_path: Path) -> None:
    store = tmp_path / "books.sqlite"
    assert duly("--db", str(store), "new", "--business", "Harbour & Finch Ltd", "--country",
                "GB", "--currency", "GBP").returncode == 0
    assert duly("--db", str(store), "import", str(export(tmp_path / "Invoices.csv"))
                ).returncode == 0
    path = statement(tmp_path / "nov.ofx")
    before = digest(store)

    dry = duly("--db", str(store), "bank", str(path))
    assert dry.returncode == 0, dry.stderr
    assert "Matched (1):" in dry.stdout and "invoice INV-0001 is in the text" in dry.stdout
    assert "Unmatched (1):" in dry.stdout and "Dry run: nothing was recorded." in dry.stdout
    assert digest(store) == before

    done = duly("--db", str(store), "bank", str(path), "--accept-sure")
    assert done.returncode == 0, done.stderr
    assert "Recorded 1 payment(s)" in done.stdout
    again = duly("--db", str(store), "bank", str(path), "--accept-sure")
    assert "Recorded 0 payment(s)" in again.stdout and "1 credit(s) were already" in again.stdout
    assert duly("--db", str(store), "check").returncode == 0


def test_a_file_that_is_no_statement_exits_2(tmp_path: Path) -> None:
    store = tmp_path / "books.sqlite"
    duly("--db", str(store), "new", "--business", "Harbour & Finch Ltd", "--country", "GB",
         "--currency", "GBP")
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    result = duly("--db", str(store), "bank", str(path))
    assert result.returncode == 2 and "does not recognise" in result.stderr
