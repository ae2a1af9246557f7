"""The command line holds the same input rules as the window, and prints what an old
store holds without letting it act on the terminal."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

from models import db
from models.ledger import CustomerDraft, add_customer
from tests.e2e.test_cli import duly
from tests.helpers import digest
from tests.unit.ledger_helpers import invoice


def _store(tmp_path: Path, *names: tuple[str, str]) -> Path:
    path = tmp_path / "shop.sqlite"
    store = db.open_store(path, create=True)
    try:
        for code, name in names:
            who = add_customer(CustomerDraft(code=code, name=name, currency="EUR"))
            invoice(who, 12_000, due_days_ago=30)
    finally:
        store.close()
    return path


def test_a_date_outside_the_business_range_is_refused_before_anything_is_written(
        tmp_path: Path) -> None:
    path = _store(tmp_path, ("C1", "Acme"))
    before = digest(path)
    result = duly("--db", str(path), "log", "C1", "--summary", "Rang",
                  "--follow-up", "9999-12-31")
    assert result.returncode == 2
    assert "between 1 Jan 1970 and 31 Dec 2100" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(path) == before


def test_an_ambiguous_customer_name_is_refused_with_the_candidates(tmp_path: Path) -> None:
    path = _store(tmp_path, ("Z1", "Zoë Café"), ("Z2", unicodedata.normalize("NFD", "Zoë Café")))
    result = duly("--db", str(path), "log", "zoë café", "--summary", "Rang")
    assert result.returncode != 0
    assert "Z1 (Zoë Café)" in result.stderr and "Z2 (Zoë Café)" in result.stderr
    assert "Recorded" not in result.stdout


def test_control_characters_an_old_store_holds_are_printed_harmlessly(tmp_path: Path) -> None:
    path = _store(tmp_path, ("C1", "Acme"))
    with sqlite3.connect(path) as connection:  # as an older Duly could have kept it
        connection.execute("UPDATE customer SET name = ? WHERE code = 'C1'",
                           ("Acme\x1b[2J\u202eLtd",))
    result = duly("--db", str(path), "overdue", "--as-of", "2026-11-24")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "Acme\\x1b[2J\\u202eLtd" in result.stdout
