"""The store's write-ahead log (its ``-wal`` file): what it holds, and whether it is ours.

SQLite keeps each committed change in the log until a checkpoint copies it into the
store file, and applies whatever log it finds beside a store when it opens it. Duly
therefore checkpoints after every write (see :func:`models.db.writing`), and before
SQLite opens a store with a log left beside it (after a crash, or a file copied in),
Duly reads that log here, without SQLite applying it, and decides:

- nothing new: the log holds nothing the store file lacks; it is opened as usual;
- ours: the log continues the store file (an interrupted session); it is applied;
- foreign: the log was written over another copy of the store, or another store, and
  applying it would mix two files' pages; the store is refused, both files untouched;
- damaged: the log's header is not a log's, so what it held cannot be known.

How a log is told to be ours: every write Duly commits updates one setting,
:data:`WRITES_KEY`, with a new random token, and keeps there the tokens written since
the last write that a checkpoint is known to have copied whole into the store file
(its ``base``). The store file alone (read with SQLite's ``immutable``, which ignores
the log) shows the token of the last write it holds; read through the log, the store
shows the log's own ``base`` and tokens. A log continues the store file when the file's
token is among them: the file is then a state the log's writer passed through, so
applying the log (whose earlier frames the file already holds) gives that writer's
state. A log of a copy that went its own way carries tokens this file never had.
docs/decisions.md, "The write-ahead log (issue 14)", gives the reasoning in full.
"""

from __future__ import annotations

import enum
import json
import os
import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from models.sqlite_codes import sqlite_code
from models.store_state import LOG_HEADER_SIZE as HEADER_SIZE
from models.store_state import wal_path

WRITES_KEY = "duly.writes"
FRAME_HEADER_SIZE = 24
_MAGICS = (0x377F0682, 0x377F0683)  # checksums little- or big-endian
_WAL_VERSION = 3007000
# Tokens kept since the last write known checkpointed; past this, the oldest become
# the base (a state the log passed through, which is all the test asks of it).
MAX_TOKENS = 1000


class Journal(enum.Enum):
    """What the log beside a store means for opening it."""

    NONE = "none"          # no log, or an empty one
    NOTHING_NEW = "nothing new"
    OURS = "ours"          # it continues the store file: apply it
    FOREIGN = "foreign"    # written over another copy of the store, or another store
    DAMAGED = "damaged"    # its header is not a log's
    UNKNOWN = "unknown"    # a store no Duly has yet written with tokens: SQLite decides


@dataclass(frozen=True)
class WalHeader:
    """The 32-byte header of a log, as SQLite writes it."""

    page_size: int
    checkpoint_sequence: int
    salt1: int
    salt2: int


@dataclass(frozen=True)
class Writes:
    """The write tokens a store shows: the last write known whole in the store file
    (``base``) and every write since, oldest first."""

    base: str | None
    since: tuple[str, ...]

    @property
    def latest(self) -> str | None:
        """The token of the newest write."""
        return self.since[-1] if self.since else self.base

    def passed_through(self, token: str | None) -> bool:
        """Whether ``token`` names a state these writes started from or passed through."""
        return token is not None and (token == self.base or token in self.since)

    def after_write(self, checkpointed: str | None) -> tuple[Writes, str]:
        """These writes with one more (returned with its new token), forgetting what
        ``checkpointed`` (the latest token known copied whole into the store file) covers."""
        base, since = self.base, list(self.since)
        if checkpointed is not None and checkpointed in since:
            base, since = checkpointed, since[since.index(checkpointed) + 1:]
        token = os.urandom(8).hex()
        since.append(token)
        if len(since) > MAX_TOKENS:
            base, since = since[-MAX_TOKENS - 1], since[-MAX_TOKENS:]
        return Writes(base, tuple(since)), token

    def as_json(self) -> str:
        """The setting's stored value."""
        return json.dumps({"base": self.base, "since": list(self.since)})

    @classmethod
    def from_json(cls, text: str | None) -> Writes | None:
        """The writes a stored value holds, or None for none or a value not Duly's."""
        if not text:
            return None
        try:
            value = json.loads(text)
            return cls(value.get("base"), tuple(str(t) for t in value.get("since", ())))
        except (ValueError, AttributeError, TypeError):
            return None


def read_header(data: bytes) -> WalHeader | None:
    """The log's header, or None when the bytes are not a valid log header (wrong magic,
    version or page size, or a header checksum that does not match)."""
    if len(data) < HEADER_SIZE:
        return None
    magic, version, page_size, sequence, salt1, salt2, sum1, sum2 = struct.unpack(
        ">8I", data[:HEADER_SIZE])
    if magic not in _MAGICS or version != _WAL_VERSION:
        return None
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return None
    if _checksum(data[:24], big_endian=magic & 1 == 1) != (sum1, sum2):
        return None
    return WalHeader(page_size, sequence, salt1, salt2)


def _checksum(data: bytes, *, big_endian: bool) -> tuple[int, int]:
    """SQLite's log checksum (wal.c, walChecksumBytes) of a multiple of 8 bytes."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    s1 = s2 = 0
    for i in range(0, len(words), 2):
        s1 = (s1 + words[i] + s2) & 0xFFFFFFFF
        s2 = (s2 + words[i + 1] + s1) & 0xFFFFFFFF
    return s1, s2


def frames_in(store: Path) -> int:
    """How many frames the log beside ``store`` has room for (0 without a log); not all
    of them need be valid or new."""
    try:
        size = wal_path(store).stat().st_size
    except OSError:
        return 0
    if size <= HEADER_SIZE:
        return 0
    with wal_path(store).open("rb") as handle:
        header = read_header(handle.read(HEADER_SIZE))
    if header is None:
        return 0
    return (size - HEADER_SIZE) // (FRAME_HEADER_SIZE + header.page_size)


def judge_journal(store: Path) -> Journal:
    """What the log beside ``store`` means, read without letting SQLite apply it."""
    log = wal_path(store)
    try:
        size = log.stat().st_size
    except OSError:
        return Journal.NONE
    if size < HEADER_SIZE:
        return Journal.NONE  # a header cut short by a crash: nothing it held was confirmed
    with log.open("rb") as handle:
        if read_header(handle.read(HEADER_SIZE)) is None:
            return Journal.DAMAGED
    if size < HEADER_SIZE + FRAME_HEADER_SIZE:
        return Journal.NONE
    try:
        in_file = _writes(store, through_log=False)
    except sqlite3.DatabaseError:
        return Journal.UNKNOWN  # the file itself is unreadable: the open tells how
    try:
        in_log = _writes(store, through_log=True)
    except sqlite3.DatabaseError as exc:
        if sqlite_code(exc) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            return Journal.FOREIGN  # its pages do not make a database with ours
        return Journal.UNKNOWN  # the disk, not the log: the open tells how
    if in_log is None:
        return Journal.UNKNOWN if in_file is None else Journal.FOREIGN
    file_latest = in_file.latest if in_file is not None else None
    if file_latest == in_log.latest:
        return Journal.NOTHING_NEW
    if in_file is None or in_log.passed_through(file_latest):
        return Journal.OURS
    return Journal.FOREIGN


def _writes(store: Path, *, through_log: bool) -> Writes | None:
    """The write tokens the store shows: its file alone (SQLite's ``immutable``, which
    neither reads the log nor writes anything) or read through the log, read-only."""
    real = store.resolve()
    if through_log:
        # The log's index read-only: SQLite then reads the log into memory as it would
        # apply it (rebuilding the index after a crash), and writes nothing. The index's
        # file must exist for that; an empty one is a valid start.
        Path(f"{real}-shm").touch(mode=real.stat().st_mode & 0o666)
    query = "mode=ro&readonly_shm=1" if through_log else "mode=ro&immutable=1"
    uri = f"file:{quote(str(real))}?{query}"
    connection = sqlite3.connect(uri, uri=True, timeout=5)
    try:
        row = connection.execute("SELECT value FROM setting WHERE key = ?",
                                 (WRITES_KEY,)).fetchone()
    finally:
        connection.close()
    return Writes.from_json(row[0]) if row else None
