"""The files Duly writes for the user (PDFs, copies, backups): whole or not at all,
and private; never over a store, nor over the files kept beside the store open here.

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
from collections.abc import Callable, Iterator
from pathlib import Path

# A business's documents name its customers and their debts: the owner's alone.
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700

# A store's header (SQLite's file format, section 1.3): SQLite's magic string first,
# Duly's application id at offset 68.
SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x44554C59  # "DULY"
HEADER_SIZE = 100


def read_header(path: Path) -> bytes:
    """A file's first bytes, as many as a store's header holds (fewer in a shorter file).
    Raises OSError. Never for a store this process has open (:func:`refuse_store_file`):
    closing the file would drop SQLite's locks on it."""
    with path.open("rb") as handle:
        return handle.read(HEADER_SIZE)


def is_a_store(header: bytes) -> bool:
    """Whether a file's first bytes are a Duly store's header."""
    return (len(header) >= HEADER_SIZE and header.startswith(SQLITE_MAGIC)
            and int.from_bytes(header[68:72], "big") == APPLICATION_ID)


def store_version(header: bytes) -> int:
    """The store version a Duly store's header says (SQLite's user version)."""
    return int.from_bytes(header[60:64], "big")


def marked_text(data: bytes) -> str:
    """Text read from a file that may be damaged (a backup, another program's book): what
    is not UTF-8 marked with U+FFFD, to be seen, rather than stopping the reading. For
    SQLite's ``text_factory``."""
    return data.decode("utf-8", errors="replace")


# Kinds of file a path may name besides an ordinary file, in the user's words.
_NOT_FILES: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"),
)


def not_a_file(mode: int) -> str | None:
    """What a path of this ``st_mode`` names when it is not an ordinary file ("a folder",
    "a device"...), in the user's words; None for an ordinary file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _NOT_FILES if test(mode)), "not an ordinary file")


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
def whole_file(target: Path | str, *, mode: int | None = None, beside_store: bool = False,
               a_store: bool = False) -> Iterator[Path]:
    """Give a hidden path beside ``target`` to write the file to; when the block ends
    without an error the file is flushed to the disk and moved over ``target`` in one
    step. Its mode is ``mode``, else the mode of the file it replaces, else private.
    On any error it is removed and ``target`` is left as it was.

    Refused (:class:`StoreFileChosen`): a ``target`` that is the open store or one of
    the files kept beside it, unless it is one Duly itself keeps there
    (``beside_store``: the store's holder, its clean check, the store replaced); and
    a Duly store, open or not, unless what is written is ``a_store`` too (a backup)."""
    target = Path(target)
    _refuse_not_a_file(target)
    if not beside_store:
        refuse_store_file(target)
        if not a_store:
            _refuse_replacing_a_store(target)
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


def _refuse_not_a_file(target: Path) -> None:
    # Replaced, a device (--out /dev/null, as root) would become a file; a named pipe
    # read for a store's header would wait for a writer. Told from the mode alone.
    try:
        kind = not_a_file(target.stat().st_mode)
    except OSError:
        return  # nothing there yet
    if kind == "a folder":
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(target))
    if kind is not None:
        raise OSError(errno.ENOTSUP, f"it is {kind}, not a file; choose a file name",
                      str(target))


def _refuse_replacing_a_store(target: Path) -> None:
    # An export written over the books by a slip of the name (``--out duly.sqlite``)
    # would replace them whole; a store open here is refused before this reads it.
    try:
        header = read_header(target)
    except OSError:
        return  # nothing there yet, or a file the write itself will fail on, in words
    if is_a_store(header):
        raise StoreFileChosen(errno.EEXIST, "it is a Duly store, which Duly never writes "
                                            "over; choose another name", str(target))


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


# --- The open store's own files --------------------------------------------------------
# Nothing but SQLite may open the files of a store this process has open. On Linux and
# macOS, closing any descriptor of a file drops every POSIX lock the process holds on it,
# SQLite's among them ("How To Corrupt An SQLite Database File", section 2.2): a file the
# user chose to import, attach or write to, had it been the store or its log, would have
# let the next Duly to close take the log away from under this one (docs/decisions.md,
# "Never a second descriptor on the open store"). Replacing one would lose the store.

# The store files this process has open, by device and inode (a store is renamed into
# place while open, so its name may change; its inode does not), and how many times.
_OPEN_STORES: dict[tuple[int, int], int] = {}
# What SQLite keeps beside a store file, by the suffix of its name.
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


class StoreFileChosen(OSError):
    """A file chosen to be read or written is the open store or one Duly or SQLite keeps
    beside it, or, to be written over, any Duly store: refused before it is opened. An
    OSError, so that every reader and writer of the user's files says so in its own
    words for a file it cannot use."""


def hold_store_file(path: Path) -> tuple[int, int] | None:
    """Count the store file at ``path`` as open in this process; its key, to let go of
    (None if the file is gone: nothing is counted)."""
    key = _key(path)
    if key is not None:
        _OPEN_STORES[key] = _OPEN_STORES.get(key, 0) + 1
    return key


def let_go_store_file(key: tuple[int, int] | None) -> None:
    """The store file :func:`hold_store_file` counted is closed."""
    if key is None or key not in _OPEN_STORES:
        return
    _OPEN_STORES[key] -= 1
    if not _OPEN_STORES[key]:
        del _OPEN_STORES[key]


def refuse_store_file(path: Path | str) -> None:
    """Raise :class:`StoreFileChosen` when ``path`` is a store this process has open, or a
    file SQLite or Duly keeps beside one (its log, its index, its lock)."""
    if not _OPEN_STORES:
        return
    path = Path(path)
    if _key(path) in _OPEN_STORES:
        raise StoreFileChosen(errno.EBUSY, "it is the store Duly has open; choose another "
                                           "file", str(path))
    store = _store_beside(path)
    if store is not None:
        raise StoreFileChosen(errno.EBUSY, f"it is kept beside the store Duly has open"
                                           f"{store}; choose another file", str(path))


def _key(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino


_BESIDE_PREFIX = ".duly-"


def beside_store(real: Path, inode: int, kind: str) -> Path:
    """One of the files Duly keeps beside a store, ``.duly-INODE.KIND`` (the lock, its
    holder, its guests, the clean check, the kept answers): named after the store file's
    inode, in the folder it really is in (``real``: links resolved)."""
    return real.with_name(f"{_BESIDE_PREFIX}{inode}.{kind}")


def beside_whom(name: str) -> tuple[int, str] | None:
    """The store's inode and the kind that a file's name says, when it is one of the files
    :func:`beside_store` names; else None."""
    if not name.startswith(_BESIDE_PREFIX):
        return None
    inode, _, kind = name[len(_BESIDE_PREFIX):].partition(".")
    return (int(inode), kind) if inode.isdigit() and kind else None


def _store_beside(path: Path) -> str | None:
    """When ``path`` is one of the files kept beside an open store: the store's name, in
    brackets, for SQLite's (Duly's own are named by the store's inode); else None."""
    name = path.name
    for suffix in _SQLITE_COMPANIONS:
        if name.endswith(suffix):
            store = path.with_name(name[:-len(suffix)])
            if _key(store) in _OPEN_STORES:
                return f" ({store.name})"
    beside = beside_whom(name)
    if beside is not None:
        folder = _key(path.parent)
        if folder is not None and (folder[0], beside[0]) in _OPEN_STORES:
            return ""
    return None
