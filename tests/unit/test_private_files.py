"""Files Duly writes for the user are written whole or not at all, and private."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.files import whole_file, write_failure_words


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    before = os.umask(0o022)
    yield
    os.umask(before)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_the_owners_alone(tmp_path: Path) -> None:
    target = tmp_path / "statement.pdf"
    with whole_file(target) as partial:
        partial.write_bytes(b"%PDF-1.4 new")
    assert target.read_bytes() == b"%PDF-1.4 new"
    assert _mode(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["statement.pdf"]


def test_a_file_replaced_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "statement.pdf"
    target.write_bytes(b"old")
    target.chmod(0o644)  # the user shared it on purpose
    with whole_file(target) as partial:
        partial.write_bytes(b"new")
    assert target.read_bytes() == b"new" and _mode(target) == 0o644


def test_a_write_that_fails_leaves_the_earlier_file_and_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "statement.pdf"
    target.write_bytes(b"the earlier statement")
    with pytest.raises(OSError), whole_file(target) as partial:
        partial.write_bytes(b"half a")
        raise OSError(28, "No space left on device")
    assert target.read_bytes() == b"the earlier statement"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["statement.pdf"]


def test_a_full_disk_is_told_in_the_users_words(tmp_path: Path) -> None:
    words = write_failure_words(OSError(28, "No space left on device"), tmp_path / "s.pdf")
    assert words == (f"The disk holding {tmp_path} is full: Duly wrote nothing to s.pdf. "
                     f"Free some space and try again.")


def test_a_file_named_without_its_folder_is_told_with_the_whole_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    words = write_failure_words(OSError(28, "No space left on device"), Path("s.pdf"))
    assert words.startswith(f"The disk holding {tmp_path} is full: Duly wrote nothing to s.pdf.")
