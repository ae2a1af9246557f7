"""How the desktop starts Duly: a double-clicked store is recognised as Duly's by the
MIME type the .deb installs, its desktop entry passes it on, and ``duly FILE`` opens the
window on it while every command keeps its meaning."""

from __future__ import annotations

import configparser
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from main import build_parser, opened_store
from models import db

ROOT = Path(__file__).resolve().parents[2]
MIME = "{http://www.freedesktop.org/standards/shared-mime-info}"


def _desktop_entry() -> configparser.SectionProxy:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(ROOT / "resources" / "duly.desktop", encoding="utf-8")
    return entry["Desktop Entry"]


def _magic() -> tuple[str, list[tuple[int, bytes]]]:
    """The MIME type packaging/linux/duly.xml declares and its nested matches."""
    mime_type = ET.parse(ROOT / "packaging" / "linux" / "duly.xml").getroot().find(
        f"{MIME}mime-type")
    assert mime_type is not None
    matches = [(int(m.get("offset", "0")), (m.get("value") or "").encode("ascii"))
               for m in mime_type.iter(f"{MIME}match")]
    return mime_type.get("type", ""), matches


@pytest.mark.file_only  # the file's own first bytes
def test_a_store_duly_creates_matches_the_installed_mime_types_magic(
        empty_store: db.Store, store_path: Path) -> None:
    header = store_path.read_bytes()[:100]
    _, matches = _magic()
    assert matches, "duly.xml names no magic"
    for offset, value in matches:
        assert header[offset:offset + len(value)] == value


def test_a_plain_sqlite_file_does_not_match_the_magic(tmp_path: Path) -> None:
    import sqlite3

    plain = tmp_path / "other.sqlite"
    with sqlite3.connect(plain) as connection:
        connection.execute("create table t (x)")
    connection.close()
    header = plain.read_bytes()[:100]
    assert not all(header[o:o + len(v)] == v for o, v in _magic()[1])


def test_the_desktop_entry_opens_duly_stores_with_the_file_passed() -> None:
    entry = _desktop_entry()
    mime_type, _ = _magic()
    assert entry["Exec"] == "duly %f"
    assert mime_type in entry["MimeType"].split(";")
    assert entry["Icon"] == "duly"


def test_a_store_given_alone_is_opened_in_the_window(tmp_path: Path) -> None:
    store = tmp_path / "Harbour & Finch.sqlite"
    store.write_bytes(b"")
    assert opened_store([str(store)], build_parser()) == store


@pytest.mark.parametrize("argv", [
    [], ["check"], ["--db", "x.sqlite"], ["missing.sqlite"], ["a.sqlite", "b.sqlite"]])
def test_anything_else_is_a_command_line_as_before(argv: list[str], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a.sqlite", "b.sqlite"):
        (tmp_path / name).write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    assert opened_store(argv, build_parser()) is None


def test_a_file_named_like_a_command_stays_the_command(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "check").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    assert opened_store(["check"], build_parser()) is None
