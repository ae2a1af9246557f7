"""A power cut loses nothing Duly said was saved: the store is written through a file
system that forgets every write not flushed to disk (tests/power_loss_fs.py), the
power is cut after a random number of confirmed writes, and the disk's store is then
checked. Needs root and FUSE; skipped with one line without them."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from models import db
from models.check import check_store
from models.schema import Customer

ROOT = Path(__file__).resolve().parents[2]
# DULY_POWER_CUTS=200 for the long run recorded in docs/reliability.md.
CUTS = int(os.environ.get("DULY_POWER_CUTS", "12"))
FUSERMOUNT = shutil.which("fusermount3") or shutil.which("fusermount")


def _fuse_or_skip() -> None:
    if os.geteuid() != 0:
        pytest.skip("the power-cut simulation needs root to mount a FUSE file system")
    if not Path("/dev/fuse").exists() or FUSERMOUNT is None:
        pytest.skip("the power-cut simulation needs FUSE (/dev/fuse and fusermount)")
    pytest.importorskip("fuse", reason="the power-cut simulation needs fusepy")


@contextmanager
def _mounted(backing: Path, mountpoint: Path) -> Iterator[subprocess.Popen[str]]:
    """The forgetful file system over ``backing``, until the power is cut."""
    mountpoint.mkdir(exist_ok=True)
    fs = subprocess.Popen([sys.executable, "-m", "tests.power_loss_fs", str(backing),
                           str(mountpoint)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert fs.stdout is not None and fs.stdout.readline().strip() == "mounting"
    try:
        while not os.path.ismount(mountpoint):  # FUSE answers once mounted
            if fs.poll() is not None:
                raise RuntimeError("the power-cut file system did not mount")
        yield fs
    finally:
        _cut_power(fs, mountpoint)


def _cut_power(fs: subprocess.Popen[str], mountpoint: Path) -> None:
    if fs.poll() is None:
        os.kill(fs.pid, signal.SIGKILL)  # what it held unflushed is gone
    fs.wait(timeout=30)
    if fs.stdout is not None:
        fs.stdout.close()
    subprocess.run([str(FUSERMOUNT), "-u", "-z", str(mountpoint)], capture_output=True)


def _confirmed_until_cut(store: Path, run: int, batches: int, backing: Path,
                         mountpoint: Path) -> list[str]:
    """Run the crash test's writer on ``store`` (inside the mount), cut the power
    after ``batches`` confirmed batches, and return their names."""
    with _mounted(backing, mountpoint) as fs:
        writer = subprocess.Popen([sys.executable, "-m", "tests.unit.crash_writer",
                                   str(mountpoint / store.name), str(run)], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True)  # it dies with its disk: no words of its own
        assert writer.stdout is not None
        confirmed = []
        try:
            for _ in range(batches):
                line = writer.stdout.readline()
                assert line, "the writer stopped on its own"
                confirmed.append(line.strip())
            _cut_power(fs, mountpoint)
        finally:
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait(timeout=30)
            writer.stdout.close()
    return confirmed


def test_the_simulation_forgets_what_was_not_flushed(tmp_path: Path) -> None:
    _fuse_or_skip()
    backing, mountpoint = tmp_path / "disk", tmp_path / "mnt"
    backing.mkdir()
    with _mounted(backing, mountpoint):
        with open(mountpoint / "flushed.txt", "wb") as stream:
            stream.write(b"kept")
            stream.flush()
            os.fsync(stream.fileno())
        with open(mountpoint / "unflushed.txt", "wb") as stream:
            stream.write(b"lost")
        assert (mountpoint / "unflushed.txt").read_bytes() == b"lost"  # read back while on
    assert (backing / "flushed.txt").read_bytes() == b"kept"
    assert (backing / "unflushed.txt").read_bytes() == b""


def test_a_power_cut_loses_no_confirmed_write(tmp_path: Path) -> None:
    _fuse_or_skip()
    backing, mountpoint = tmp_path / "disk", tmp_path / "mnt"
    backing.mkdir()
    store = backing / "shop.sqlite"
    rng = random.Random(20261204)
    confirmed: list[str] = []
    for run in range(CUTS):
        confirmed += _confirmed_until_cut(store, run, rng.randint(1, 6), backing, mountpoint)
    opened = db.open_store(store)
    try:
        assert check_store() == []
        kept = {code for (code,) in Customer.select(Customer.code).tuples()}
    finally:
        opened.close()
    assert set(confirmed) <= kept
    print(f"{CUTS} power cuts, {len(confirmed)} batches confirmed, "
          f"{len(set(confirmed) - kept)} lost")
