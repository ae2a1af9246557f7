"""A store file found whole by the damage check, remembered until the file changes.

SQLite's quick check reads the whole file: a few hundredths of a second on a small
business's store, a second on a million invoices. A command run again on a file nobody
has written to since the last clean check would read the same bytes to the same verdict,
so the check's clean verdict is kept beside the store (``.duly-INODE.checked``, as the
store's lock is) with the file's identity, size and times, and a file still matching all
of them is taken as found whole. Anything that writes the file changes its size or its
times (on Linux and macOS the change time, which no program can set back; on Windows
Python gives the creation time there), and a log holding pages means the file
alone is not the store: either way the file is checked again. docs/decisions.md, "A damaged
store takes no writes", says why this is safe.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from models.files import PRIVATE_FILE, whole_file
from models.wal import frames_in

# File times come from a coarse clock (a few milliseconds on Linux; two seconds on a FAT
# memory stick): a write in the same tick as the check would leave them unchanged. A file
# written this recently is not remembered (git's "racily clean" index entries).
_SETTLED_NS = 3_000_000_000

FileState = tuple[int, int, int, int, int]  # device, inode, size, modified, changed


def state_of(path: Path) -> FileState | None:
    """What identifies the store file's bytes without reading them, or None when its
    log holds pages (the file alone is not the store then) or it cannot be looked at."""
    try:
        if frames_in(path) > 0:
            return None
        seen = path.resolve().stat()
    except OSError:  # gone or unreadable meanwhile: the check will say so in words
        return None
    return seen.st_dev, seen.st_ino, seen.st_size, seen.st_mtime_ns, seen.st_ctime_ns


def found_whole(path: Path) -> bool:
    """Whether the damage check found the store file whole as it is now."""
    state = state_of(path)
    if state is None:
        return False
    try:
        kept = json.loads(_record(path, state).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(kept, list) and tuple(kept) == state


def remember_whole(path: Path, checked: FileState | None) -> None:
    """Keep that the damage check found the store whole, ``checked`` being the file's
    state when the check began: only if the file is still so, and settled."""
    if checked is None or state_of(path) != checked:
        return  # written while it was checked, or its log holds pages
    if time.time_ns() - max(checked[3], checked[4]) < _SETTLED_NS:
        return
    # Not kept (a read-only folder, a full disk): the next command checks again.
    with contextlib.suppress(OSError), whole_file(_record(path, checked), mode=PRIVATE_FILE,
                                                  beside_store=True) as partial:
        partial.write_text(json.dumps(list(checked)), encoding="utf-8")


def forget_whole(path: Path) -> None:
    """The store was found damaged: no earlier verdict stands."""
    with contextlib.suppress(OSError):
        real = path.resolve()
        _record_named(real, real.stat().st_ino).unlink(missing_ok=True)


def _record(path: Path, state: FileState) -> Path:
    return _record_named(path.resolve(), state[1])


def _record_named(real: Path, inode: int) -> Path:
    return real.with_name(f".duly-{inode}.checked")
