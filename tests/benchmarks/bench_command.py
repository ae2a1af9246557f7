"""The whole ``overdue`` command in a cold process, against ``python -c pass``.

On a copy of the 1,000-customer demo store (brought to this version's schema first; the
shared store is never opened), each run starts the command as an installed ``duly --db
COPY overdue`` runs it (today's list; ``main`` imported with its bytecode cached, where
``python main.py`` would compile the script's 1,600 lines each time, 10 ms), then
``python -c pass``, then the command with its kept answer forgotten (asked for the first
time since the store changed: models.kept_answers), then with the store's damage check to
run as well (its last clean verdict forgotten too, as after anything wrote the store),
alternating, and times each process's wall and CPU time. Prints the medians, what the
command costs above the bare interpreter, the load average, and what the command imports
(``-X importtime``: each top-level module's cumulative time, one run, its answer kept and
not).
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


# The ``duly`` an installer or pipx puts on the PATH (setup.cfg's entry point).
INSTALLED = "import main; main.run()"

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


def _forget_answers(folder: Path) -> None:
    """As after anything wrote the store: the next command reads it again."""
    for record in folder.glob(".duly-*.answers"):
        record.unlink()


def _forget_checks(folder: Path) -> None:
    """As after anything wrote the store: the next command reads it and checks it for
    damage again."""
    _forget_answers(folder)
    for record in folder.glob(".duly-*.checked"):
        record.unlink()


def _kept(folder: Path) -> bool:
    return any(folder.glob(".duly-*.answers"))


def main(runs: int = RUNS) -> list[str]:
    """Time the command and the bare interpreter, alternating, on a copy of the store:
    on the store as the last command found it whole, and with its damage check to run
    (as after anything wrote the store)."""
    from models.checked_whole import found_whole
    from models.db import open_store

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "demo-1000.sqlite"
        shutil.copy(small_store(), copy)
        open_store(copy, check_later=True).close()  # migrated once, outside the timing
        command = [sys.executable, "-c", INSTALLED, "--db", str(copy), "overdue"]
        bare = [sys.executable, "-c", "pass"]
        _wall(command), _wall(bare)
        for _ in range(100):  # a file copied seconds ago is too fresh to be remembered
            if found_whole(copy) and _kept(copy.parent):
                break
            _wall(command)
        runs_of: dict[str, list[float]] = {"command": [], "bare": [], "unkept": [],
                                           "checking": []}
        cpu: dict[str, list[float]] = {name: [] for name in runs_of}
        forget = {"unkept": _forget_answers, "checking": _forget_checks}
        for timing, times in ((_wall, runs_of), (_cpu, cpu)):
            for _ in range(runs):  # interleaved, run by run
                for name in times:
                    if name in forget:
                        forget[name](copy.parent)
                    times[name].append(timing(bare if name == "bare" else command))
        remembered = found_whole(copy)
        kept = _kept(copy.parent)
        ours, floor = runs_of["command"], runs_of["bare"]
        lines = [f"overdue command, cold process, 1,000 customers, its answer kept: "
                 f"{median(ours):.3f} s (runs {min(ours):.3f}-{max(ours):.3f}); "
                 f"python -c pass {median(floor):.3f} s; above the floor "
                 f"{median(ours) - median(floor):.3f} s; load average {os.getloadavg()[0]:.2f}",
                 f"  asked first since the store changed (answer not kept): "
                 f"{median(runs_of['unkept']):.3f} s; with the damage check to run as well "
                 f"(after a write) {median(runs_of['checking']):.3f} s",
                 f"  CPU time (user + system): answer kept {median(cpu['command']):.3f} s, "
                 f"python -c pass {median(cpu['bare']):.3f} s, not kept "
                 f"{median(cpu['unkept']):.3f} s, with the damage check "
                 f"{median(cpu['checking']):.3f} s",
                 f"  at the end: the store's clean check remembered {remembered}, "
                 f"the answer kept {kept}"]
        lines += [f"  imports, answer kept {ms:6.1f} ms  {name}"
                  for ms, name in imports(command)]
        _forget_answers(copy.parent)
        lines += [f"  imports, not kept {ms:6.1f} ms  {name}" for ms, name in imports(command)]
    for line in lines:
        print(line, flush=True)
    return lines


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS)
