"""Python's cycle collector held off while a big read makes its rows.

Reading a big book makes tens of thousands of short tuples and keeps ten thousand
of them (Today's items, the plan's actions). Python's collector runs every 700 new
objects and, as the kept ones pile up, walks the whole heap again and again while
the read goes on; none of what such a read makes refers back to itself, so there is
nothing for it to find. Inside :func:`collector_held`, it waits until the read is
done (any thread's; the outermost block of all decides), then runs as before.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Holds:
    """How many blocks in the process hold the collector off, and whether it ran before
    the first of them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.was_enabled = False


_holds = _Holds()


@contextmanager
def collector_held() -> Iterator[None]:
    """A block in which Python's cycle collector does not run; it runs again, if it ran
    before, once the last such block in any thread ends."""
    with _holds.lock:
        _holds.count += 1
        if _holds.count == 1:
            _holds.was_enabled = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _holds.lock:
            _holds.count -= 1
            if _holds.count == 0 and _holds.was_enabled:
                gc.enable()
