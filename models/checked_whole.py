"""A store file found whole by the damage check, remembered until the file changes.

SQLite's quick check reads the whole file: a few hundredths of a second on a small
business's store, a second on a million invoices. A command run again on a file nobody
has written to since the last clean check would read the same bytes to the same verdict,
so the check's clean verdict is kept beside the store (``.duly-INODE.checked``, as the
store's lock is) with the file's state (:mod:`models.store_state`: its identity, size and
times), and a file still in that state is taken as found whole; once written, it is
checked again.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from models.files import PRIVATE_FILE, beside_store, whole_file
from models.kept_answers import forget_answers
from models.store_state import FileState, settled, state_of


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
    if checked is None or state_of(path) != checked or not settled(checked):
        return  # written while it was checked, or lately, or its log holds pages
    # Not kept (a read-only folder, a full disk): the next command checks again.
    with contextlib.suppress(OSError), whole_file(_record(path, checked), mode=PRIVATE_FILE,
                                                  beside_store=True) as partial:
        partial.write_text(json.dumps(list(checked)), encoding="utf-8")


def forget_whole(path: Path) -> None:
    """The store was found damaged: no earlier verdict stands, nor any answer kept."""
    forget_answers(path)
    with contextlib.suppress(OSError):
        real = path.resolve()
        _record_named(real, real.stat().st_ino).unlink(missing_ok=True)


def _record(path: Path, state: FileState) -> Path:
    return _record_named(path.resolve(), state[1])


def _record_named(real: Path, inode: int) -> Path:
    return beside_store(real, inode, "checked")
