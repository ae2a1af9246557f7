"""Documents written on the command line onto a full disk: told as such, the earlier
file left as it was, no half file, and (for letters) nothing recorded as sent."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.conftest import DEMO_TODAY
from tests.e2e.test_cli import duly
from tests.helpers import fill_disk, records


def test_documents_are_private_to_their_owner(demo_file: Path, tmp_path: Path) -> None:
    before = os.umask(0o022)  # inherited by the commands, as from a desktop session
    statement = tmp_path / "statement.pdf"
    letters = tmp_path / "letters.pdf"
    try:
        assert duly("--db", str(demo_file), "statement", "C00004", "--as-of",
                    DEMO_TODAY.isoformat(), "--out", str(statement)).returncode == 0
        assert duly("--db", str(demo_file), "letters", "--due", "--as-of",
                    DEMO_TODAY.isoformat(), "--out", str(letters)).returncode == 0
    finally:
        os.umask(before)
    assert stat.S_IMODE(statement.stat().st_mode) == 0o600
    assert stat.S_IMODE(letters.stat().st_mode) == 0o600


def test_a_statement_onto_a_full_disk_is_told_and_spoils_nothing(
        demo_file: Path, small_disk: Path) -> None:
    out = small_disk / "statement.pdf"
    out.write_bytes(b"%PDF the earlier statement")
    fill_disk(small_disk)
    result = duly("--db", str(demo_file), "statement", "C00004", "--as-of",
                  DEMO_TODAY.isoformat(), "--out", str(out))
    assert result.returncode == 2
    assert f"The disk holding {small_disk} is full" in result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_bytes() == b"%PDF the earlier statement"
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler.bin", "statement.pdf"]


def test_letters_onto_a_full_disk_are_not_recorded_as_sent(demo_file: Path,
                                                           small_disk: Path) -> None:
    before = records(demo_file)
    out = small_disk / "letters.pdf"
    fill_disk(small_disk)
    result = duly("--db", str(demo_file), "letters", "--due", "--as-of",
                  DEMO_TODAY.isoformat(), "--out", str(out))
    assert result.returncode == 2
    assert f"The disk holding {small_disk} is full" in result.stderr
    assert "No letter was recorded as sent" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler.bin"]
    assert records(demo_file) == before
