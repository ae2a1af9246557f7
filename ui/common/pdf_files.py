"""The PDF files the window builds for its preview: each in a temporary folder of its
own, removed with it; and copies saved where the user chooses."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

TEMP_PREFIX = "duly-document-"


@dataclass(frozen=True)
class PdfFile:
    """A PDF built for the preview: where it is, what it is, and what to check in it."""

    path: Path
    title: str  # the preview's title: "Statement – Zoë Ødegård"
    file_name: str  # offered when saving: "Statement C00047 2026-11-24.pdf"
    warnings: tuple[str, ...] = ()


def new_pdf_path(file_name: str) -> Path:
    """Where to build a PDF called ``file_name``: in a new temporary folder of its own,
    which the preview (or :func:`discard_pdf`) removes."""
    return Path(tempfile.mkdtemp(prefix=TEMP_PREFIX)) / file_name


def discard_pdf(path: Path) -> None:
    """Remove a PDF built by :func:`new_pdf_path` with its temporary folder."""
    if path.parent.name.startswith(TEMP_PREFIX):
        shutil.rmtree(path.parent, ignore_errors=True)


def save_pdf_copy(source: Path, target: Path) -> None:
    """Copy the PDF at ``source`` to ``target``. An existing ``target`` is replaced only
    once the copy is complete, so a failure (OSError) leaves it as it was."""
    partial = target.with_name(f".{target.name}.part")
    try:
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


def save_failure_words(error: OSError, target: Path) -> str:
    """Why a PDF could not be saved at ``target``, in the user's words."""
    folder = str(target.parent)
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EROFS):
        return f"Duly is not allowed to write in the folder {folder}."
    if isinstance(error, FileNotFoundError):
        return f"The folder {folder} does not exist."
    if isinstance(error, IsADirectoryError):
        return f"{target} is a folder, not a file."
    if error.errno == errno.ENOSPC:
        return f"The disk holding {folder} is full."
    return f"{error.strerror or error} ({folder})."
