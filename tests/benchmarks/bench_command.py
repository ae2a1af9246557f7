"""The whole ``overdue`` command in a cold process, against ``python -c pass``.

On a copy of the 1,000-customer demo store (brought to this version's schema first; the
shared store is never opened), each run starts ``python main.py --db COPY overdue``
(today's list) and then ``python -c pass``, alternating, and times each process's wall
time. Prints the
medians, what the command costs above the bare interpreter, the load average, and what
the command imports (``-X importtime``: each top-level module's cumulative time, one run).
``python -m tests.benchmarks.bench_command [RUNS]``. Target (issue 21): at most 0.08 s.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.common import BIG_TODAY, ROOT, STORES, median

RUNS = 21
SMALL_CUSTOMERS = 1_000


def small_store() -> Path:
    """The 1,000-customer demo store (``DULY_SMALL_STORE``, or one generated once into
    ``bench-stores/`` and kept)."""
    if os.environ.get("DULY_SMALL_STORE"):
        return Path(os.environ["DULY_SMALL_STORE"])
    path = STORES / f"demo-{SMALL_CUSTOMERS}.sqlite"
    if not path.exists():
        STORES.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "main.py", "--db", str(path), "demo", "--customers",
                        str(SMALL_CUSTOMERS), "--as-of", BIG_TODAY.isoformat()],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return path


# As an installed Duly runs: its modules' bytecode cached (this machine's environment
# sets PYTHONDONTWRITEBYTECODE, which would compile every module on every run).
ENV = {name: value for name, value in os.environ.items()
       if name != "PYTHONDONTWRITEBYTECODE"}


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - started


def _cpu(command: list[str]) -> float:
    """The process's own CPU time (user and system): on a shared machine under load the
    wall time is mostly waiting for a core, the CPU time much less so."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def imports(command: list[str], top: int = 12) -> list[tuple[float, str]]:
    """The modules the command imports at the top level and below main.py's own lazy
    imports, with their cumulative import time in milliseconds, largest first."""
    done = subprocess.run([command[0], "-X", "importtime", *command[1:]], cwd=ROOT,
                          check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, env=ENV)
    found = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        if not name.startswith("   "):  # imported by main.py or the command, not below
            found.append((int(cumulative) / 1000, name.strip()))
    return sorted(found, reverse=True)[:top]


# peewee imports every database driver it finds when it is imported; this machine has
# psycopg (PostgreSQL) installed, which Duly's SQLite store never uses. The same command
# with the drivers hidden says what that costs (main.py compiled from source there).
_WITHOUT_DRIVERS = (
    "import sys; sys.modules.update(dict.fromkeys(('psycopg', 'psycopg2', 'psycopg2cffi', "
    "'pymysql', 'MySQLdb', 'pysqlite3'))); sys.argv = ['main.py', *sys.argv[1:]]; "
    "sys.path.insert(0, ''); exec(compile(open('main.py').read(), 'main.py', 'exec'), "
    "{'__name__': '__main__'})")


def main(runs: int = RUNS) -> list[str]:
    """Time the command and the bare interpreter, alternating, on a copy of the store."""
    from models.db import open_store

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "demo-1000.sqlite"
        shutil.copy(small_store(), copy)
        open_store(copy, check_later=True).close()  # migrated once, outside the timing
        command = [sys.executable, "main.py", "--db", str(copy), "overdue"]
        bare = [sys.executable, "-c", "pass"]
        driverless = [sys.executable, "-c", _WITHOUT_DRIVERS, *command[2:]]
        _wall(command), _wall(bare), _wall(driverless)
        ours, floor, without = [], [], []
        for _ in range(runs):
            ours.append(_wall(command))
            floor.append(_wall(bare))
            without.append(_wall(driverless))
        cpu: dict[str, list[float]] = {"command": [], "bare": [], "without": []}
        for _ in range(runs):  # interleaved, run by run, as the wall times are
            for name, line in (("command", command), ("bare", bare), ("without", driverless)):
                cpu[name].append(_cpu(line))
        lines = [f"overdue command, cold process, 1,000 customers: {median(ours):.3f} s "
                 f"(runs {min(ours):.3f}-{max(ours):.3f}); python -c pass {median(floor):.3f} s; "
                 f"above the floor {median(ours) - median(floor):.3f} s; without the database "
                 f"drivers peewee imports {median(without):.3f} s; "
                 f"load average {os.getloadavg()[0]:.2f}",
                 f"  CPU time (user + system): command {median(cpu['command']):.3f} s, "
                 f"python -c pass {median(cpu['bare']):.3f} s, without the drivers "
                 f"{median(cpu['without']):.3f} s"]
        lines += [f"  imports {ms:6.1f} ms  {name}" for ms, name in imports(command)]
    for line in lines:
        print(line, flush=True)
    return lines


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS)
