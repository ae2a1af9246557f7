"""A throwaway PostgreSQL cluster for the tests that run Duly on a server.

``initdb`` refuses to run as root (as ``make test`` and CI run), so as root the cluster
belongs to the ``postgres`` user Debian's ``postgresql`` package makes, and is run
through ``runuser``. It lives in a temporary folder, listens on a free port of
127.0.0.1 only, trusts local connections (but for the users made by
:meth:`ThrowawayCluster.password_user`, who must give their password), and is stopped and
removed at the end.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import psycopg
from psycopg import sql

# Durability is not what the tests prove on the server: skip the syncs (seconds a run).
_FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def server_programs() -> Path | None:
    """The folder of the newest PostgreSQL's ``initdb`` and ``pg_ctl``, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def why_not_available() -> str | None:
    """Why no throwaway cluster can be started here, or None when one can."""
    if os.environ.get("DULY_TEST_SERVER") == "none":
        return "DULY_TEST_SERVER=none"
    if server_programs() is None:
        return ("PostgreSQL is not installed (Debian: apt-get install postgresql; make test "
                "does it as root)")
    if os.geteuid() == 0:
        try:
            import pwd
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run initdb as"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ThrowawayCluster:
    """A PostgreSQL cluster started for one test run (see the module's docstring)."""

    def __init__(self, settings: str = "") -> None:
        """``settings``: more ``-c name=value`` options for the server (e.g. a
        benchmark's memory), after the fast ones."""
        programs = server_programs()
        assert programs is not None, why_not_available()
        self._programs = programs
        self.folder = Path(tempfile.mkdtemp(prefix="duly-postgres-"))
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0
        self._names = itertools.count(1)
        self._started = False
        self._settings = settings
        self._templates: set[str] = set()
        self._spares: dict[str, Future[str]] = {}
        self._copier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copies")

    def _run(self, program: str, *args: str) -> None:
        command = [str(self._programs / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stderr.strip() or done.stdout}")

    def start(self) -> None:
        """Make the cluster and start it (about a second)."""
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8", "--locale=C")
        self.resume()

    def pause(self) -> None:
        """Stop the server as its administrator would (every connection is ended), keeping
        its data for :meth:`resume`."""
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        self._started = False

    def resume(self) -> None:
        """Start the server (again), on the same port."""
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-l",
                  str(self.folder / "server.log"), "-w",
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                        f"{_FAST} {self._settings}", "start")
        self._started = True

    def stop(self) -> None:
        """Stop the cluster at once and remove its folder."""
        self._copier.shutdown(wait=True, cancel_futures=True)
        try:
            if self._started:
                self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate",
                          "-w", "stop")
                self._started = False
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def password_user(self, user: str, password: str) -> None:
        """Make ``user`` a login that must give ``password`` (SCRAM) over TCP, and may
        create databases; the other users stay trusted. A user made before gets the new
        password."""
        with self._admin() as admin:
            known = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                  (user,)).fetchone()
            admin.execute(sql.SQL("{} ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                sql.SQL("ALTER" if known else "CREATE"), sql.Identifier(user),
                sql.Literal(password)))
        if known:
            return
        hba = self.folder / "data" / "pg_hba.conf"
        # pg_hba.conf is read top down and the first line that fits decides (root writes
        # the postgres user's file in place: it stays the server's).
        hba.write_text(f"host all {user} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        with self._admin() as admin:
            admin.execute("SELECT pg_reload_conf()")
        # The server reloads it on its own time: until then the user is still trusted.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                psycopg.connect(host="127.0.0.1", port=self.port, user=user,
                                dbname="postgres").close()
            except psycopg.OperationalError:
                return
            time.sleep(0.02)
        raise RuntimeError(f"the server did not start asking {user} for a password")

    def url(self, name: str = "postgres", user: str = "postgres") -> str:
        """The address of database ``name`` on the cluster, as Duly takes it (``--db``)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{name}"

    def new_name(self) -> str:
        """A name no database of the cluster has had."""
        return f"duly_test_{next(self._names)}"

    def new_database(self) -> str:
        """A new empty database's name."""
        name = self.new_name()
        self.make_database(name)
        return name

    def make_database(self, name: str) -> None:
        """Make the empty database ``name`` unless it is there already."""
        with self._admin() as admin:
            if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             (name,)).fetchone() is None:
                admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]

    def copy_of(self, kind: str, fill: Callable[[], None], *, into: str) -> None:
        """Make database ``into`` (replaced if there) a copy of a store holding what
        ``fill`` writes into a new one. That store is made once, as a template, the first
        time ``kind`` is asked for; a copy takes the server a third of a second, so the
        next one is made while the test runs."""
        template = f"duly_template_{kind}"
        if kind not in self._templates:
            self._make_template(template, fill)
            self._templates.add(kind)
        spare = self._spares.pop(kind, None)
        try:
            copy = spare.result() if spare is not None else None
        except psycopg.Error:  # the server was stopped meanwhile (a test's own doing)
            copy = None
        if copy is None:
            copy = self._copy(template)
        self.drop_database(into)
        self._admin_execute(f'ALTER DATABASE "{copy}" RENAME TO "{into}"')
        self._spares[kind] = self._copier.submit(self._copy, template)

    def _make_template(self, template: str, fill: Callable[[], None]) -> None:
        from models import db

        self.drop_database(template)
        self._admin_execute(f'CREATE DATABASE "{template}"')
        store = db.open_store(self.url(template), create=True)
        try:
            fill()
        finally:
            store.close()
        # Its statistics made now, and no connection let in after (a copy waits for
        # every session in its template to leave).
        with psycopg.connect(self.url(template), autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
        self._admin_execute(f'ALTER DATABASE "{template}" WITH ALLOW_CONNECTIONS false')

    def _copy(self, template: str) -> str:
        name = f"duly_copy_{next(self._names)}"
        self._admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def _admin_execute(self, statement: str) -> None:
        with self._admin() as admin:
            admin.execute(statement)  # type: ignore[arg-type]

    def drop_database(self, name: str) -> None:
        """Remove database ``name``, ending whatever connection is still in it."""
        with self._admin() as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')

    @contextlib.contextmanager
    def throwaway_url(self):  # type: ignore[no-untyped-def]
        """The address of a new database, dropped once the block ends (one property
        test example's store)."""
        name = self.new_database()
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)

    @contextlib.contextmanager
    def _admin(self):  # type: ignore[no-untyped-def]
        with psycopg.connect(self.url(), autocommit=True) as connection:
            yield connection
