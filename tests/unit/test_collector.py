"""Python's cycle collector held off during a big read comes back however the read ends:
a process left without it would keep every cycle it makes for as long as it runs."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from models.collector import collector_held


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_waits_inside_and_runs_again_after() -> None:
    with collector_held():
        assert not gc.isenabled()
        with collector_held():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still holds it
    assert gc.isenabled()


def test_the_collector_runs_again_after_a_read_that_failed() -> None:
    with pytest.raises(ValueError), collector_held():
        raise ValueError("the store went away")
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    with collector_held():
        pass
    assert not gc.isenabled()


def test_the_last_of_two_threads_to_finish_lets_it_run() -> None:
    inside, release = threading.Barrier(2), threading.Event()
    seen: list[bool] = []

    def read() -> None:
        with collector_held():
            inside.wait()
            release.wait()

    other = threading.Thread(target=read)
    other.start()
    with collector_held():
        inside.wait()
    seen.append(gc.isenabled())  # the other thread's read goes on
    release.set()
    other.join()
    assert seen == [False]
    assert gc.isenabled()
