"""A file system that forgets, at a power cut, every write not yet flushed to disk.

``python -m tests.power_loss_fs BACKING MOUNTPOINT`` mounts BACKING at MOUNTPOINT
(FUSE, in the foreground). Reads and metadata go straight through, but the bytes
written to a file stay in this process's memory, overlaid on what it reads, until
the file is fsync'ed: only then are they written to the backing file and flushed
there. Killing this process (SIGKILL) is the power cut: whatever was not fsync'ed is
lost, as a disk's write cache loses it; the backing folder is then what the disk held.

What it does not simulate: metadata (creating, renaming, linking, removing a file
reaches the backing folder at once, as on a journalled file system after its
journal commit); the order of writes within a file between two fsyncs (all are lost
together, never some); torn sectors. SQLite's shared-memory index (``-shm``) goes
straight through: SQLite rebuilds it after a crash.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

from fuse import FUSE, FuseOSError, Operations


class PowerLossFS(Operations):  # type: ignore[misc]
    """Pass-through, with each file's unflushed bytes kept in memory by inode."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.unflushed: dict[int, bytearray] = {}

    # --- paths and metadata: straight through --------------------------------------

    def _real(self, path: str) -> str:
        return os.path.join(self.root, path.lstrip("/"))

    def _inode(self, path: str) -> int:
        return os.lstat(self._real(path)).st_ino

    def getattr(self, path: str, fh: Any = None) -> dict[str, Any]:
        try:
            info = os.lstat(self._real(path))
        except OSError as exc:
            raise FuseOSError(exc.errno) from None
        attrs = {key: getattr(info, key) for key in (
            "st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime", "st_mtime",
            "st_ctime")}
        if info.st_ino in self.unflushed:
            attrs["st_size"] = len(self.unflushed[info.st_ino])
        return attrs

    def readdir(self, path: str, fh: Any) -> list[str]:
        return [".", "..", *os.listdir(self._real(path))]

    def access(self, path: str, amode: int) -> None:
        if not os.access(self._real(path), amode):
            raise FuseOSError(errno.EACCES)

    def chmod(self, path: str, mode: int) -> None:
        os.chmod(self._real(path), mode)

    def chown(self, path: str, uid: int, gid: int) -> None:
        os.chown(self._real(path), uid, gid)

    def utimens(self, path: str, times: Any = None) -> None:
        os.utime(self._real(path), times)

    def mkdir(self, path: str, mode: int) -> None:
        os.mkdir(self._real(path), mode)

    def rmdir(self, path: str) -> None:
        os.rmdir(self._real(path))

    def statfs(self, path: str) -> dict[str, Any]:
        info = os.statvfs(self._real(path))
        return {key: getattr(info, key) for key in (
            "f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files",
            "f_flag", "f_frsize", "f_namemax")}

    def unlink(self, path: str) -> None:
        real = self._real(path)
        info = os.lstat(real)
        os.unlink(real)
        if info.st_nlink <= 1:
            self.unflushed.pop(info.st_ino, None)

    def rename(self, old: str, new: str) -> None:
        os.rename(self._real(old), self._real(new))

    def link(self, target: str, source: str) -> None:
        os.link(self._real(source), self._real(target))

    def symlink(self, target: str, source: str) -> None:
        os.symlink(source, self._real(target))

    def readlink(self, path: str) -> str:
        return os.readlink(self._real(path))

    # --- file contents: held until fsync ---------------------------------------------

    def create(self, path: str, mode: int, fi: Any = None) -> int:
        os.close(os.open(self._real(path), os.O_WRONLY | os.O_CREAT, mode))
        return 0

    def open(self, path: str, flags: int) -> int:
        if flags & os.O_TRUNC:
            self.truncate(path, 0)
        return 0

    def _held(self, path: str) -> bool:
        return not path.endswith("-shm")

    def _buffer(self, path: str) -> bytearray:
        """The file's bytes as written so far, first read from the backing file."""
        inode = self._inode(path)
        if inode not in self.unflushed:
            with open(self._real(path), "rb") as stream:
                self.unflushed[inode] = bytearray(stream.read())
        return self.unflushed[inode]

    def read(self, path: str, size: int, offset: int, fh: Any) -> bytes:
        inode = self._inode(path)
        if inode in self.unflushed:
            return bytes(self.unflushed[inode][offset:offset + size])
        with open(self._real(path), "rb") as stream:
            stream.seek(offset)
            return stream.read(size)

    def write(self, path: str, data: bytes, offset: int, fh: Any) -> int:
        if not self._held(path):
            descriptor = os.open(self._real(path), os.O_WRONLY)
            try:
                return os.pwrite(descriptor, data, offset)
            finally:
                os.close(descriptor)
        buffer = self._buffer(path)
        if len(buffer) < offset:
            buffer.extend(b"\0" * (offset - len(buffer)))
        buffer[offset:offset + len(data)] = data
        return len(data)

    def truncate(self, path: str, length: int, fh: Any = None) -> None:
        if not self._held(path):
            os.truncate(self._real(path), length)
            return
        buffer = self._buffer(path)
        del buffer[length:]
        buffer.extend(b"\0" * (length - len(buffer)))

    def fsync(self, path: str, datasync: int, fh: Any) -> None:
        inode = self._inode(path)
        buffer = self.unflushed.pop(inode, None)
        if buffer is None:
            return
        descriptor = os.open(self._real(path), os.O_WRONLY)
        try:
            os.pwrite(descriptor, bytes(buffer), 0)
            os.ftruncate(descriptor, len(buffer))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def fsyncdir(self, path: str, datasync: int, fh: Any) -> None:
        return None  # metadata is already through (see the module's docstring)

    def flush(self, path: str, fh: Any) -> None:
        return None  # close() promises nothing about the disk

    def release(self, path: str, fh: Any) -> None:
        return None


def main() -> None:
    """Mount ``argv[1]`` at ``argv[2]`` until killed or unmounted."""
    backing, mountpoint = sys.argv[1], sys.argv[2]
    print("mounting", flush=True)
    FUSE(PowerLossFS(os.path.abspath(backing)), mountpoint, foreground=True, nothreads=True,
         default_permissions=True)


if __name__ == "__main__":
    main()
