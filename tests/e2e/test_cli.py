"""The headless commands, run as a scheduled job would run them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.helpers import digest

ROOT = Path(__file__).resolve().parents[2]


def duly(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python main.py ARGS`` and capture what it says."""
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_help_lists_the_headless_commands() -> None:
    result = duly("--help")
    assert result.returncode == 0
    for word in ("--db PATH", "demo", "check", "overdue", "today", "log"):
        assert word in result.stdout


def test_demo_then_check_passes(tmp_path: Path) -> None:
    store = tmp_path / "demo.sqlite"
    made = duly("--db", str(store), "demo", "--as-of", "2026-11-24")
    assert made.returncode == 0, made.stderr
    assert "60 customers" in made.stdout
    checked = duly("--db", str(store), "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "all checks passed" in checked.stdout


def test_check_names_what_is_wrong_and_fails(tmp_path: Path) -> None:
    store = tmp_path / "demo.sqlite"
    assert duly("--db", str(store), "demo", "--customers", "5").returncode == 0
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE invoice SET open_minor = open_minor + 1 WHERE id = 1")
    number = sqlite3.connect(store).execute("SELECT number FROM invoice WHERE id = 1").fetchone()
    checked = duly("--db", str(store), "check")
    assert checked.returncode == 1
    assert number[0] in checked.stdout
    assert "problem(s) found" in checked.stderr


def test_a_demo_never_overwrites_an_existing_store(tmp_path: Path) -> None:
    store = tmp_path / "mine.sqlite"
    assert duly("--db", str(store), "demo", "--customers", "2").returncode == 0
    before = digest(store)
    again = duly("--db", str(store), "demo")
    assert again.returncode == 2 and "already exists" in again.stderr
    assert digest(store) == before


def test_checking_a_file_that_is_not_a_store_explains_and_touches_nothing(
        tmp_path: Path) -> None:
    path = tmp_path / "invoices.csv"
    path.write_text("number,amount\nINV-1,100.00\n")
    result = duly("--db", str(path), "check")
    assert result.returncode == 2
    assert "not a Duly store" in result.stderr
    assert path.read_text() == "number,amount\nINV-1,100.00\n"


def test_bad_arguments_get_a_plain_message() -> None:
    result = duly("demo", "--as-of", "24/11/2026")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr
    result = duly("demo", "--customers", "-3")
    assert result.returncode == 2 and "above zero" in result.stderr


def test_an_empty_file_name_is_refused_not_taken_for_the_current_folder(
        tmp_path: Path) -> None:
    # Path("") is the current folder: `backup --to ""` backed up there, unasked.
    for words in (("backup", "--to", ""), ("export-all", " "), ("overdue", "--format",
                  "pdf", "--out", ""), ("restore", "")):
        result = duly("--db", str(tmp_path / "shop.sqlite"), *words)
        assert result.returncode == 2, words
        assert "an empty name; give the file's or folder's name" in result.stderr, words
    empty_store = duly("--db", "", "overdue")
    assert empty_store.returncode == 2 and "an empty name" in empty_store.stderr
    assert list(tmp_path.iterdir()) == []


def test_overdue_prints_the_list_as_a_table_and_as_csv(tmp_path: Path) -> None:
    store = tmp_path / "demo.sqlite"
    assert duly("--db", str(store), "demo", "--as-of", "2026-11-24").returncode == 0
    table = duly("--db", str(store), "overdue", "--as-of", "2026-11-24")
    assert table.returncode == 0, table.stderr
    assert "Overdue accounts as of 2026-11-24" in table.stdout
    assert "Łukaszewski S.A." in table.stdout and "Total overdue" in table.stdout
    past = duly("--db", str(store), "overdue", "--as-of", "2026-06-30", "--format", "csv")
    assert past.returncode == 0
    lines = past.stdout.splitlines()
    assert lines[0].startswith('"Code","Customer","Currency","Balance","Overdue"')
    assert len(lines) > 5 and past.stdout != table.stdout


def test_overdue_refuses_a_date_it_cannot_read(tmp_path: Path) -> None:
    result = duly("--db", str(tmp_path / "none.sqlite"), "overdue", "--as-of", "yesterday")
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr


def test_log_records_a_contact_that_check_accepts(tmp_path: Path) -> None:
    store = tmp_path / "demo.sqlite"
    assert duly("--db", str(store), "demo", "--customers", "12").returncode == 0
    logged = duly("--db", str(store), "log", "c00003", "--kind", "call",
                  "--summary", "Spoke to accounts; will pay Friday", "--follow-up", "2099-01-08")
    assert logged.returncode == 0, logged.stderr
    assert "follow up on 2099-01-08" in logged.stdout
    with sqlite3.connect(store) as connection:
        kind, follow_up = connection.execute(
            "SELECT last_contact_kind, next_action_on FROM customer WHERE code = 'C00003'"
        ).fetchone()
    assert (kind, follow_up) == ("call", "2099-01-08")
    assert duly("--db", str(store), "check").returncode == 0
    unknown = duly("--db", str(store), "log", "Nobody Ltd", "--summary", "hello")
    assert unknown.returncode == 2 and "No customer" in unknown.stderr


def test_today_lists_a_logged_follow_up_on_its_date_and_after(tmp_path: Path) -> None:
    store = tmp_path / "demo.sqlite"
    assert duly("--db", str(store), "demo", "--customers", "12", "--as-of",
                "2026-11-24").returncode == 0
    assert duly("--db", str(store), "log", "C00003", "--kind", "call", "--summary",
                "Ask whether the cheque was posted", "--follow-up", "2099-01-08").returncode == 0
    before = duly("--db", str(store), "today", "--as-of", "2099-01-07")
    assert before.returncode == 0, before.stderr
    assert "Ask whether the cheque" not in before.stdout
    # Duly was not run on the day itself: the follow-up is still there later.
    after = duly("--db", str(store), "today", "--as-of", "2099-01-20")
    assert "Ask whether the cheque was posted" in after.stdout
    assert "to do:" in after.stdout.splitlines()[-1]
    bad = duly("--db", str(store), "today", "--as-of", "next tuesday")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_actions_lists_what_is_due_and_what_is_held_back_with_reasons(tmp_path: Path) -> None:
    store = tmp_path / "demo.sqlite"
    assert duly("--db", str(store), "demo", "--as-of", "2026-11-24").returncode == 0
    listed = duly("--db", str(store), "actions", "--as-of", "2026-11-24")
    assert listed.returncode == 0, listed.stderr
    assert "Follow-up actions due on 2026-11-24" in listed.stdout
    assert "Not chased:" in listed.stdout
    assert "is disputed" in listed.stdout and "on hold" in listed.stdout
    assert listed.stdout.rstrip().endswith("account(s) held back.")
