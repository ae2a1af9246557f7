"""Duly's log file: what went wrong, kept where the user can find it and send it.

The window writes its warnings, errors and unexpected failures (with their details)
to ``duly.log`` in the platform's user log folder, rotated at 1 MB with three old
files kept, so it never fills a disk. Help → Report a Problem opens that folder.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from logging.handlers import RotatingFileHandler

LOG_FILE_NAME = "duly.log"
_MAX_BYTES = 1_000_000
_KEPT = 3
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("duly")


class _LogFile(logging.Handler):
    """The rotating log file, made at the first record written to it, so that
    ``logging.handlers`` (socket, pickle and queue with it) is not imported before the
    window's first paint: most sessions write nothing (docs/performance.md, stop 44)."""

    def __init__(self, path: Path) -> None:
        super().__init__(logging.INFO)
        self.path = path
        self.setFormatter(logging.Formatter(_FORMAT))
        self._file: RotatingFileHandler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        """Write ``record`` to the file, rotated at 1 MB (called under the handler's lock)."""
        if self._file is None:
            from logging.handlers import RotatingFileHandler

            self._file = RotatingFileHandler(self.path, maxBytes=_MAX_BYTES,
                                             backupCount=_KEPT, encoding="utf-8", delay=True)
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def close(self) -> None:
        """Close the file, if one was opened."""
        if self._file is not None:
            self._file.close()
        super().close()


_handler: _LogFile | None = None
_previous_hook = sys.excepthook


def default_log_folder() -> Path:
    """The platform's user log folder for Duly (e.g. ~/.local/state/Duly/log on Linux)."""
    import platformdirs  # only the window needs it

    return platformdirs.user_log_path("Duly", appauthor=False)


def log_file() -> Path:
    """The log file Duly writes to (where it would write, before the log is started)."""
    if _handler is not None:
        return _handler.path
    return default_log_folder() / LOG_FILE_NAME


def start_log_file(folder: Path | None = None) -> Path:
    """Write warnings and errors, and each start, to the log file in ``folder`` (default:
    the user log folder); the file. Uncaught errors are written there too. Calling it
    again moves the log to the new folder."""
    global _handler, _previous_hook
    stop_log_file()
    folder = folder if folder is not None else default_log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    handler = _LogFile((folder / LOG_FILE_NAME).absolute())
    logging.getLogger().addHandler(handler)
    log.setLevel(logging.INFO)
    _handler = handler
    _previous_hook = sys.excepthook
    sys.excepthook = _log_uncaught
    return handler.path


def stop_log_file() -> None:
    """Stop writing to the log file (and leave uncaught errors to Python again)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
    if sys.excepthook is _log_uncaught:
        sys.excepthook = _previous_hook


def _log_uncaught(kind: type[BaseException], error: BaseException,
                  trace: TracebackType | None) -> None:
    log.error("Uncaught error", exc_info=(kind, error, trace))
    _previous_hook(kind, error, trace)
