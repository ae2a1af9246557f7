"""The files Duly writes for the user (PDFs, copies, backups): whole or not at all,
and private.

A file is written under a hidden name beside its target, flushed to the disk, and
moved over the target in one step, so a full disk, a crash or a cancel never leaves
half a PDF where the user asked for one, nor spoils the file that was there. A new
file is readable by its owner only; a file replaced keeps the mode it had.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

# A business's documents name its customers and their debts: the owner's alone.
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def create_private(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Create ``path`` empty with ``mode`` whatever the umask (it must not exist)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(descriptor, mode)
    finally:
        os.close(descriptor)


def sync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` survive a power cut (POSIX only)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def partial_beside(target: Path) -> Path:
    """A hidden name for ``target`` while it is written, in its folder (so the finished
    file replaces it in one step), unique to this process and call."""
    return target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.partial")


@contextlib.contextmanager
def whole_file(target: Path | str, *, mode: int | None = None) -> Iterator[Path]:
    """Give a hidden path beside ``target`` to write the file to; when the block ends
    without an error the file is flushed to the disk and moved over ``target`` in one
    step. Its mode is ``mode``, else the mode of the file it replaces, else private.
    On any error it is removed and ``target`` is left as it was."""
    target = Path(target)
    mode = _mode_for(target) if mode is None else mode
    partial = partial_beside(target)
    create_private(partial, mode)
    try:
        yield partial
        _flush(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    sync_folder(target.parent)


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return PRIVATE_FILE


def _flush(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_failure_words(error: OSError, target: Path | str) -> str:
    """Why a file could not be written at ``target``, in the user's words."""
    target = Path(target).absolute()  # "the disk holding ." would tell the user nothing
    folder = str(target.parent)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"The disk holding {folder} is full: Duly wrote nothing to {target.name}. "
                f"Free some space and try again.")
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        return f"Duly is not allowed to write in the folder {folder}."
    if error.errno == errno.EROFS:
        return f"The folder {folder} is on a disk that cannot be written to."
    if isinstance(error, FileNotFoundError):
        return f"The folder {folder} does not exist."
    if isinstance(error, IsADirectoryError):
        return f"{target} is a folder, not a file."
    return f"{target.name} could not be written in {folder}: {error.strerror or error}."
