"""The PDF files the window builds for its preview: each in a temporary folder of its
own, removed with it; and copies saved where the user chooses."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.files import create_private, whole_file

if TYPE_CHECKING:
    from models.changes import Changes
    from ui.common.tasks import Progress

TEMP_PREFIX = "duly-document-"


@dataclass(frozen=True)
class Keeping:
    """What a preview records before it is first printed or saved: letters shown but not
    yet sent are recorded as sent only when they are really printed or saved."""

    work: Callable[[Progress], tuple[PdfFile, Any]]
    """A worker's job: record, and return the document as recorded with what was done."""
    kept: Callable[[Any], None]
    """Told on the GUI thread what was done, once recorded."""
    label: str  # what the progress dialog says: "Recording the letters as sent…"
    changes: Changes


@dataclass(frozen=True)
class PdfFile:
    """A PDF built for the preview: where it is, what it is, and what to check in it."""

    path: Path
    title: str  # the preview's title: "Statement – Zoë Ødegård"
    file_name: str  # offered when saving: "Statement C00047 2026-11-24.pdf"
    warnings: tuple[str, ...] = ()
    keep: Keeping | None = None  # what printing or saving it first records, if anything


def new_pdf_path(file_name: str) -> Path:
    """Where to build a PDF called ``file_name``: in a new temporary folder of its own
    (the owner's alone), which the preview (or :func:`discard_pdf`) removes. The file is
    made there empty and private, so the PDF written over it stays private."""
    path = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX)) / file_name
    try:
        create_private(path)
    except BaseException:
        discard_pdf(path)
        raise
    return path


def new_pdf_file(file_name: str, content: bytes) -> Path:
    """A PDF called ``file_name`` holding ``content``, built as by :func:`new_pdf_path`,
    written whole or not at all (nothing is left behind when it fails)."""
    path = new_pdf_path(file_name)
    try:
        with whole_file(path) as partial:
            partial.write_bytes(content)
    except BaseException:
        discard_pdf(path)
        raise
    return path


def discard_pdf(path: Path) -> None:
    """Remove a PDF built by :func:`new_pdf_path` with its temporary folder."""
    if path.parent.name.startswith(TEMP_PREFIX):
        shutil.rmtree(path.parent, ignore_errors=True)


def save_pdf_copy(source: Path, target: Path) -> None:
    """Copy the PDF at ``source`` to ``target``, whole or not at all: a failure
    (OSError) leaves an existing ``target`` as it was (see :mod:`models.files`)."""
    with whole_file(target) as partial:
        shutil.copyfile(source, partial)
