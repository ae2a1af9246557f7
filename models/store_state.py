"""What identifies a store file's bytes without reading them: the file's identity, size
and times, taken only while its write-ahead log holds nothing.

A verdict on the store's bytes (the damage check found it whole, :mod:`models.checked_whole`)
or an answer read from them (:mod:`models.kept_answers`) is kept beside the store with
this state, and holds for as long as the file is still in it. Anything that writes the
file changes its size or its times: on Linux and macOS the change time, which no program
can set back; on Windows Python gives the creation time there. A log holding pages
means the file alone is not the store. docs/decisions.md, "A damaged store takes no
writes", says why this is safe.

Imported by a command's first steps (``duly overdue`` answered again): only the standard
library's lightest modules.
"""

from __future__ import annotations

import time
from pathlib import Path

# SQLite's write-ahead log starts with a 32-byte header; the pages come after it
# (https://sqlite.org/fileformat.html, section 4.1).
LOG_HEADER_SIZE = 32

# File times come from a coarse clock (a few milliseconds on Linux; two seconds on a FAT
# memory stick): a write in the same tick as a reading would leave them unchanged. A file
# written this recently is not taken as settled (git's "racily clean" index entries).
SETTLED_NS = 3_000_000_000

FileState = tuple[int, int, int, int, int]  # device, inode, size, modified, changed


def wal_path(store: Path) -> Path:
    """The log SQLite keeps beside a store (links resolved, as SQLite names it)."""
    return Path(f"{store.resolve()}-wal")


def state_of(path: Path) -> FileState | None:
    """What identifies the store file's bytes without reading them, or None when its
    log holds more than its header (pages, so the file alone may not be the store) or
    it cannot be looked at."""
    try:
        seen = path.resolve().stat()
    except (OSError, RuntimeError):  # gone, unreadable, a loop of links: said in words later
        return None
    try:
        if wal_path(path).stat().st_size > LOG_HEADER_SIZE:
            return None
    except FileNotFoundError:
        pass  # no log: the file alone is the store
    except (OSError, RuntimeError):
        return None
    return seen.st_dev, seen.st_ino, seen.st_size, seen.st_mtime_ns, seen.st_ctime_ns


def settled(state: FileState) -> bool:
    """Whether the file in ``state`` was last written long enough ago that a write after
    it would show in its times."""
    return time.time_ns() - max(state[3], state[4]) >= SETTLED_NS
