"""`duly statement --activity` and `duly letters --due`: PDFs written headless, letters
recorded as sent once, and plain refusals that leave the store as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import DEMO_TODAY
from tests.e2e.test_cli import duly
from tests.helpers import records


def text_of(path: Path) -> str:
    """Every page's text."""
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_an_activity_statement_for_a_period(demo_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "activity.pdf"
    result = duly("--db", str(demo_file), "statement", "C00002", "--activity",
                  "--from", "2026-08-01", "--to", DEMO_TODAY.isoformat(), "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = text_of(out)
    assert "Statement of account activity" in text
    assert "Opening balance" in text and "Closing balance" in text
    assert "1 Aug 2026" in text


def test_a_wrong_period_is_refused_in_words(demo_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "activity.pdf"
    backwards = duly("--db", str(demo_file), "statement", "C00004", "--activity",
                     "--from", "2026-11-01", "--to", "2026-10-01", "--out", str(out))
    assert backwards.returncode == 2 and "before it starts" in backwards.stderr
    no_start = duly("--db", str(demo_file), "statement", "C00004", "--activity",
                    "--out", str(out))
    assert no_start.returncode == 2 and "--from" in no_start.stderr
    open_items = duly("--db", str(demo_file), "statement", "C00004", "--from", "2026-10-01",
                      "--out", str(out))
    assert open_items.returncode == 2 and "--activity" in open_items.stderr
    not_a_day = duly("--db", str(demo_file), "statement", "C00004", "--activity",
                     "--from", "1/10/2026", "--out", str(out))
    assert not_a_day.returncode == 2 and "YYYY-MM-DD" in not_a_day.stderr
    assert not out.exists()


def test_due_letters_are_printed_and_recorded_once(demo_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "letters.pdf"
    first = duly("--db", str(demo_file), "letters", "--due", "--as-of",
                 DEMO_TODAY.isoformat(), "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert "recorded them as sent" in first.stdout
    reader = PdfReader(out)
    assert "Letters" in reader.pages[0].extract_text()  # the summary comes first
    assert len(reader.pages) >= 2
    again = duly("--db", str(demo_file), "letters", "--due", "--as-of",
                 DEMO_TODAY.isoformat(), "--out", str(tmp_path / "again.pdf"))
    assert again.returncode == 0, again.stderr
    assert "No letters are due" in again.stdout
    assert not (tmp_path / "again.pdf").exists()


def test_letters_that_cannot_be_written_are_not_recorded(demo_file: Path,
                                                         tmp_path: Path) -> None:
    before = records(demo_file)
    nowhere = tmp_path / "no such folder" / "letters.pdf"
    failed = duly("--db", str(demo_file), "letters", "--due", "--as-of",
                  DEMO_TODAY.isoformat(), "--out", str(nowhere))
    assert failed.returncode == 2
    assert "No letter was recorded" in failed.stderr
    assert records(demo_file) == before
    out = tmp_path / "letters.pdf"
    assert duly("--db", str(demo_file), "letters", "--due", "--as-of",
                DEMO_TODAY.isoformat(), "--out", str(out)).returncode == 0
    assert out.exists()


def test_letters_are_not_printed_for_a_day_to_come(demo_file: Path, tmp_path: Path) -> None:
    before = records(demo_file)
    out = tmp_path / "letters.pdf"
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    result = duly("--db", str(demo_file), "letters", "--due", "--as-of", tomorrow.isoformat(),
                  "--out", str(out))
    assert result.returncode == 2
    assert "that day has not come yet" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() and records(demo_file) == before
