"""Shared fixtures: a headless Qt, a private home for settings, a fresh store."""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Before anything imports Qt or platformdirs: no screen, and a private home so
# tests never read or write the developer's own settings or store.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
_HOME = Path(tempfile.mkdtemp(prefix="duly-test-home-"))
for _var, _sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                   ("XDG_CACHE_HOME", "cache")):
    os.environ[_var] = str(_HOME / _sub)
# Nor the developer's own keyring: only the private one tests/with_keyring.sh starts (make
# test). Elsewhere keyring's own "fail" backend stands in, as on a computer without one.
if not os.environ.get("DULY_TEST_KEYRING"):
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from models import db  # noqa: E402
from models.company import create_business  # noqa: E402
from tests.mail_server import (  # noqa: E402, F401
    closed_port,
    mail_authority,
    plain_smtp_server,
    remote_smtp_server,
    smtp_server,
)

# The demo company and most tests are pinned to this day.
DEMO_TODAY = dt.date(2026, 11, 24)
DEMO_SEED = 2026


def pytest_report_header(config: pytest.Config) -> str:
    """One line saying whether the models tests (and those marked ``both_engines``) also
    run on a server."""
    from tests.postgres_server import server_programs, why_not_available

    why = why_not_available()
    if why is not None:
        return f"PostgreSQL: the server runs of the models tests are skipped: {why}"
    return (f"PostgreSQL: {server_programs()}, a throwaway cluster for the models tests "
            f"(started once, when the first needs it)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test of ``models/`` and ``reports/`` (``tests/unit``) whose store is made by
    ``store_target`` runs once on an SQLite file and once on a PostgreSQL server (its
    ``store_engine``), but for those marked ``file_only`` (a file's own behaviour: its
    backup, lock, log, damage); elsewhere (the window, the commands) only those marked
    ``both_engines`` do. With DULY_TEST_SERVER=all every test on such a store runs on
    both; with DULY_TEST_SERVER=none the server runs are left out (as where PostgreSQL
    is not installed)."""
    if "store_engine" not in metafunc.fixturenames \
            or metafunc.definition.get_closest_marker("file_only") is not None:
        return
    if os.environ.get("DULY_TEST_SERVER") == "all" \
            or metafunc.definition.get_closest_marker("both_engines") \
            or _MODELS_TESTS in Path(str(metafunc.definition.path)).parents:
        metafunc.parametrize("store_engine", ["sqlite", "postgresql"])


_MODELS_TESTS = Path(__file__).resolve().parent / "unit"


def _needs_server(item: pytest.Item) -> bool:
    spec = getattr(item, "callspec", None)
    return "postgres_cluster" in getattr(item, "fixturenames", ()) or (
        spec is not None and spec.params.get("store_engine") == "postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Where no PostgreSQL can be started, the tests that need one are left out, and
    the report says so in one line (its header and its summary). When the suite runs on
    several cores (``make test``), the tests of a module that speaks of the keyring run
    on one of them: they share one Secret Service, which some lock and unlock."""
    from tests.postgres_server import why_not_available

    if config.pluginmanager.hasplugin("xdist"):
        _keyring_tests_together(items)
    if why_not_available() is None:
        return
    left_out = [item for item in items if _needs_server(item)]
    if left_out:
        items[:] = [item for item in items if not _needs_server(item)]
        config.hook.pytest_deselected(items=left_out)
        config.stash[_SERVER_TESTS_LEFT_OUT] = len(left_out)


_SERVER_TESTS_LEFT_OUT = pytest.StashKey[int]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once every test module is imported: what lives for the whole run (the modules,
    Qt's bindings, the collected tests) is set aside from the cyclic collector. The
    window's tests collect fully after each test, on the GUI thread
    (``_cycles_collected_on_the_gui_thread``), and that full collection went through the
    whole heap each time: 0.2 s a test late in a run, a sixth of the suite's time."""
    gc.collect()
    gc.freeze()


def _keyring_tests_together(items: list[pytest.Item]) -> None:
    speaks: dict[Path, bool] = {}
    for item in items:
        module = Path(str(item.path))
        if module not in speaks:
            speaks[module] = b"keyring" in module.read_bytes()
        if speaks[module]:
            item.add_marker(pytest.mark.xdist_group("keyring"))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int,
                            config: pytest.Config) -> None:
    """The one line telling how many PostgreSQL tests did not run, and why."""
    from tests.postgres_server import why_not_available

    left_out = config.stash.get(_SERVER_TESTS_LEFT_OUT, 0)
    if left_out:
        terminalreporter.write_line(f"PostgreSQL tests skipped ({left_out}, deselected): "
                                    f"{why_not_available()}")


@pytest.fixture
def store_engine() -> str:
    """Which engine holds the test's store: "sqlite" (a file) unless the test is marked
    ``both_engines``, when it runs on each."""
    return "sqlite"


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[object]:
    """A throwaway PostgreSQL cluster for the whole run, stopped at its end (even when
    tests fail); skips the test, with the reason, where none can be started."""
    from tests.postgres_server import ThrowawayCluster, why_not_available

    why = why_not_available()
    if why is not None:
        pytest.skip(f"PostgreSQL tests skipped: {why}")
    cluster = ThrowawayCluster()
    # A run ended by SIGTERM (a timeout, CI stopping) stops its cluster too: as Ctrl+C.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture
def new_database(postgres_cluster: Any) -> Iterator[str]:
    """The address of a new, empty database on the throwaway server (removed after the
    test, this thread's connection to it closed first)."""
    from models.schema import database

    name = postgres_cluster.new_database()
    try:
        yield postgres_cluster.url(name)
    finally:
        if not database.is_closed():
            database.close()
        postgres_cluster.drop_database(name)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where a test's store lives (not created yet)."""
    return tmp_path / "store.sqlite"


@pytest.fixture
def server_database(store_engine: str, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """On the server: the name of the test's database (made by whichever fixture needs
    it first, removed after the test); None on a file."""
    if store_engine == "sqlite":
        yield None
        return
    cluster = request.getfixturevalue("postgres_cluster")
    name = cluster.new_name()
    try:
        yield name
    finally:
        cluster.drop_database(name)


@pytest.fixture
def store_target(store_path: Path, server_database: str | None,
                 request: pytest.FixtureRequest) -> Path | str:
    """Where a test's store is made: ``store_path`` for a file (not made yet), or the
    address of the test's database on the throwaway server (empty, unless ``empty_store``
    or ``demo_store`` made the store there)."""
    if server_database is None:
        return store_path
    cluster = request.getfixturevalue("postgres_cluster")
    cluster.make_database(server_database)
    return str(cluster.url(server_database))


def _business() -> None:
    create_business("Harbour & Finch Ltd", address="1 Quay Street\nBristol BS1 4DJ",
                    country="GB", currency="GBP")


def _demo() -> None:
    from models.demo import create_demo

    create_demo(seed=DEMO_SEED, today=DEMO_TODAY)


def _made_store(store_path: Path, server_database: str | None, fill: Callable[[], None],
                request: pytest.FixtureRequest) -> db.Store:
    """A store holding what ``fill`` writes into a new one: at ``store_path``, or in the
    test's database on the server, as a copy of a store made so once for the whole run
    (a copy is made in a fraction of the time: a file's in 2 ms against 0.15 s): the
    same rows, made by the same code and login."""
    if server_database is None:
        _copy_of_file(fill, store_path, request)
        return db.open_store(store_path)
    cluster = request.getfixturevalue("postgres_cluster")
    cluster.copy_of(fill.__name__.strip("_"), fill, into=server_database)
    return db.open_store(cluster.url(server_database))


@pytest.fixture
def empty_store(store_path: Path, server_database: str | None,
                request: pytest.FixtureRequest) -> Iterator[db.Store]:
    """A new store with a business and its defaults, and nothing else."""
    store = _made_store(store_path, server_database, _business, request)
    yield store
    store.close()


@pytest.fixture
def demo_store(store_path: Path, server_database: str | None,
               request: pytest.FixtureRequest) -> Iterator[db.Store]:
    """A store holding the demo company as of ``DEMO_TODAY``."""
    store = _made_store(store_path, server_database, _demo, request)
    yield store
    store.close()


@pytest.fixture
def demo_file(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A closed store holding the demo company as of ``DEMO_TODAY`` (for a window or a
    command to open)."""
    path = tmp_path / "demo-fixture.sqlite"
    _copy_of_file(_demo, path, request)
    return path


_FILES_MADE = pytest.StashKey[dict[str, Path]]()


def _copy_of_file(fill: Callable[[], None], path: Path, request: pytest.FixtureRequest) -> None:
    """Put at ``path`` a copy of a closed store file holding what ``fill`` writes into a
    new one, made once for the whole run (a copy has its own inode, so its lock and its
    remembered check are its own)."""
    made = request.config.stash.setdefault(_FILES_MADE, {})
    if fill.__name__ not in made:
        template = request.getfixturevalue("tmp_path_factory").mktemp("stores") / "made.sqlite"
        store = db.open_store(template, create=True)
        try:
            fill()
        finally:
            store.close()
        made[fill.__name__] = template
    shutil.copy(made[fill.__name__], path)  # with its mode: a store is private


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on its own real 4 MB disk (a tmpfs), to fill up; needs root to mount."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a real full disk needs root to mount a small tmpfs")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


@pytest.fixture
def fast_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder in memory when the system has one: property tests make a store (and sync
    many commits) for each example."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=shm) as folder:
        yield Path(folder)
