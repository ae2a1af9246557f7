"""A command's answer kept beside the store, and given again while nothing it came from
has changed: a result that is the same for every reader, computed once per change.

``duly overdue`` run again on a store nobody has written to since, on the same day, by
the same program, reads the same rows to the same text. So the text it printed is kept
beside the store (``.duly-INODE.answers``, as the store's lock is) with all it came from:
the day and the command line, the store file's state (:mod:`models.store_state`), and
the file of every module of the program that made it. The same command line asked again
finds its answer there and prints it without opening the store, when all of these are
still as they were and no Duly holds the store (a Duly holding it makes a command refuse
or share it, as ever: the store is then opened as usual). Damage found in the store
forgets its answers with its clean verdict (:func:`models.checked_whole.forget_whole`).
docs/decisions.md, "An answer kept until the store changes", says why this is safe.

Imported by a command's first steps, before peewee and the schema: light modules only.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from models.files import PRIVATE_FILE, beside_store, beside_whom, whole_file
from models.store_lock import (
    FlockedFile,
    NoFlock,
    fcntl_module,
    flocked,
    guests_file_of,
    lock_file_of,
)
from models.store_state import FileState, settled, state_of

Question = tuple[str, ...]  # the day, then the command line's words

_KIND = "answers"  # .duly-INODE.answers (models.files.beside_store)

# Answers kept for one state of the store: the few command lines a business asks (the
# table, its CSV, with every customer), not every one ever asked.
_KEPT = 8


def kept_answer(store: Path, question: Question) -> str | None:
    """The answer kept for ``question`` about the store file ``store`` as it is now, or
    None: never asked, the store written since, the program changed, a Duly holding the
    store, or Windows (where the store's lock is filelock's: see models.db)."""
    if fcntl_module() is None:
        return None
    state = state_of(store)
    if state is None:
        return None
    text = _answers_for(store, state).get(_key(question))
    if text is None:
        return None
    lock = _unheld(store.resolve(), state[1])
    if lock is None:
        return None
    try:
        return text if state_of(store) == state else None
    finally:
        lock.release()


def keep_answer(store: Path, question: Question, read: FileState | None, text: str) -> None:
    """Keep ``text``, the answer to ``question`` read from the store file ``store`` when
    it was in the state ``read``: only if it still is, and was written long enough ago
    that a later write would show (:func:`models.store_state.settled`)."""
    if fcntl_module() is None or read is None or not settled(read) \
            or state_of(store) != read:
        return
    answers = _answers_for(store, read)
    answers.pop(_key(question), None)
    answers[_key(question)] = text
    record = {"state": list(read), "program": _program(),
              "answers": [[key, value] for key, value in list(answers.items())[-_KEPT:]]}
    # Not kept (a read-only folder, a full disk): the next command reads the store again.
    with contextlib.suppress(OSError), whole_file(_file_of(store.resolve(), read[1]),
                                                  mode=PRIVATE_FILE,
                                                  beside_store=True) as partial:
        partial.write_text(json.dumps(record), encoding="utf-8")
    forget_orphaned_answers(store.resolve().parent)


def forget_orphaned_answers(folder: Path) -> None:
    """Remove the answers kept beside the folder's stores for a store no longer in it
    (deleted or moved by hand): they list its customers and what they owe."""
    with contextlib.suppress(OSError):  # a folder not readable: nothing to tidy now
        with os.scandir(folder) as entries:
            listed = list(entries)
        beside = [(entry, beside_whom(entry.name)) for entry in listed]
        kept = {whom[0]: entry for entry, whom in beside
                if whom is not None and whom[1] == _KIND}
        if not kept:
            return
        # Duly's own files beside stores may have taken a deleted store's inode since.
        others = [entry for entry, whom in beside if whom is None]
        orphans = kept.keys() - {entry.inode() for entry in others}
        if orphans:  # a directory's inode numbers are not its files' on every filesystem
            orphans -= {entry.stat(follow_symlinks=False).st_ino for entry in others}
        for inode in orphans:
            os.unlink(kept[inode].path)


def forget_answers(store: Path) -> None:
    """Let no answer kept for the store file ``store`` be given again."""
    with contextlib.suppress(OSError, RuntimeError):
        real = store.resolve()
        _file_of(real, real.stat().st_ino).unlink(missing_ok=True)


def _file_of(real: Path, inode: int) -> Path:
    return beside_store(real, inode, _KIND)


def _key(question: Question) -> str:
    return json.dumps(list(question))


def _answers_for(store: Path, state: FileState) -> dict[str, str]:
    """The answers kept beside the store for the file in ``state`` by this very program,
    by question, oldest first; none when none were kept so."""
    try:
        record = json.loads(_file_of(store.resolve(), state[1]).read_text(encoding="utf-8"))
        if record["state"] != list(state) or not _same_program(record["program"]):
            return {}
        return {key: text for key, text in record["answers"]
                if isinstance(key, str) and isinstance(text, str)}
    except (OSError, RuntimeError, ValueError, KeyError, TypeError):
        return {}  # none kept, or not readable as kept: asked afresh


def _program() -> list[list[Any]]:
    """The files this program is made of, each with its size and modification time: the
    interpreter, and every module loaded (in a bundle, the bundle itself). A module whose
    file is not on the disk came from one that is (an extension's own, an archive)."""
    made_of = []
    for name in sorted(_running_files()):
        with contextlib.suppress(OSError):
            seen = os.stat(name)
            made_of.append([name, seen.st_size, seen.st_mtime_ns])
    return made_of


def _running_files() -> set[str]:
    """The interpreter's file and every loaded module's (in a bundle: the bundle's)."""
    files = {sys.executable}
    if getattr(sys, "frozen", False):
        return files
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if isinstance(name, str):
            files.add(name)
    return files


def _same_program(kept: Any) -> bool:
    """Whether the program that kept an answer is this one: every file it was made of
    unchanged, this interpreter and every module loaded so far among them (another
    installation of Duly, or another Python, made of files of its own, is not)."""
    made_of = {name: (size, modified) for name, size, modified in kept}
    if any(made_of.get(name) != (size, modified) for name, size, modified in _program()):
        return False
    for name, (size, modified) in made_of.items():
        try:
            seen = os.stat(name)
        except OSError:
            return False
        if seen.st_size != size or seen.st_mtime_ns != modified:
            return False
    return True


def _unheld(real: Path, inode: int) -> FlockedFile | None:
    """The store's lock, taken, when no Duly holds it and no guests of one are at work in
    it (:func:`models.db.open_store` would refuse or share it then); else None."""
    try:
        lock = flocked(lock_file_of(real, inode))
    except (OSError, NoFlock):
        return None
    if lock is None:
        return None
    guests = guests_file_of(real, inode)
    if guests.exists():
        try:
            guests_lock = flocked(guests)  # exclusive: refused while any guest holds it
        except (OSError, NoFlock):
            guests_lock = None
        if guests_lock is None:
            lock.release()
            return None
        guests_lock.release()
    return lock
