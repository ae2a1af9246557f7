"""The store's one-Duly-at-a-time lock where the OS has ``flock``, and the names of the
files it and its guests' lock are kept in beside the store.

:func:`models.db.open_store` takes the lock (docs/decisions.md, "Store safety (issue
14)"); a command answered from what it kept (:mod:`models.kept_answers`) only makes sure
that no Duly holds it. Imported by a command's first steps: only light modules.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from models.files import PRIVATE_FILE, beside_store


def lock_file_of(real: Path, inode: int) -> Path:
    """The file whose lock is the store's (``real``: the store file, links resolved)."""
    return beside_store(real, inode, "lock")


def guests_file_of(real: Path, inode: int) -> Path:
    """The file headless Dulys sharing the store with its holder lock, shared, while they
    work (see :class:`models.db._Sharing`)."""
    return beside_store(real, inode, "guests")


class NoFlock(Exception):
    """The lock file's filesystem has no ``flock`` (some network shares)."""


class FlockedFile:
    """The store's lock as an OS ``flock`` of its lock file, held while the file is open
    (the kernel lets go of it when the process dies)."""

    def __init__(self, lock_file: Path, handle: int) -> None:
        self._lock_file = str(lock_file)
        self._handle: int | None = handle

    @property
    def lock_file(self) -> str:
        """The lock file's path."""
        return self._lock_file

    def release(self) -> None:
        """Let go of the lock: closing the descriptor drops its ``flock``."""
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None


# What a non-blocking flock says when another process holds the lock; some filesystems
# answer EACCES (as filelock also reads it).
_HELD_ELSEWHERE = frozenset({errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK})


def flocked(lock_file: Path) -> FlockedFile | None:
    """``lock_file`` created if need be and ``flock``ed, or None when another process
    holds it. Raises :class:`NoFlock` where the filesystem has no ``flock``."""
    fcntl = fcntl_module()
    for _attempt in range(3):
        # O_NONBLOCK: a lease on the file would otherwise hold up the open (see filelock).
        handle = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK,
                         PRIVATE_FILE)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(handle)
            if exc.errno == errno.ENOSYS:
                raise NoFlock from exc
            if exc.errno in _HELD_ELSEWHERE:
                return None
            raise
        if _same_file(lock_file, handle):
            return FlockedFile(lock_file, handle)
        os.close(handle)  # the lock file was removed while we locked it: lock the new one
    return None


def _same_file(path: Path, handle: int) -> bool:
    try:
        return os.stat(path, follow_symlinks=False).st_ino == os.fstat(handle).st_ino
    except FileNotFoundError:
        return False


def fcntl_module() -> Any:
    """The ``fcntl`` module, or None where there is none (Windows)."""
    try:
        import fcntl
    except ImportError:  # Windows: LockFileEx instead, see models.db._lock_without_waiting
        return None
    return fcntl
