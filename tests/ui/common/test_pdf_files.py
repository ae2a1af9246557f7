"""The PDFs the window builds for its preview are its owner's alone, like every file
Duly writes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from ui.common.pdf_files import discard_pdf, new_pdf_file, new_pdf_path


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    before = os.umask(0o022)  # as from a desktop session
    yield
    os.umask(before)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_pdf_built_for_the_preview_is_private() -> None:
    path = new_pdf_path("Statement C00004.pdf")
    try:
        canvas = Canvas(str(path))
        canvas.drawString(72, 72, "Statement")
        canvas.save()
        assert path.read_bytes().startswith(b"%PDF")
        assert _mode(path) == 0o600
        assert _mode(path.parent) == 0o700
    finally:
        discard_pdf(path)
    assert not path.parent.exists()


def test_an_attachment_shown_again_is_private_and_whole() -> None:
    path = new_pdf_file("Statement C00004.pdf", b"%PDF-1.4 as sent")
    try:
        assert path.read_bytes() == b"%PDF-1.4 as sent"
        assert _mode(path) == 0o600
        assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    finally:
        discard_pdf(path)
