"""A cold command builds and imports only what it uses, and reads the same as before.

The command line builds only the named sub-command's arguments, so every sub-command
must still offer exactly the arguments and help it had with all of them built, and
``duly overdue`` must not import what only a past day's list, a spreadsheet or the
window needs (issue 21: the whole command in a cold process).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from main import _chosen_command, _opens_the_window, build_parser

ROOT = Path(__file__).resolve().parents[2]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_subcommand_built_alone_offers_what_it_offers_with_all_built() -> None:
    whole = _subcommands(build_parser())
    assert len(whole) > 20
    for name, sub in whole.items():
        alone = _subcommands(build_parser(["--db", "x.sqlite", name]))
        assert alone.keys() == whole.keys()
        assert alone[name].format_help() == sub.format_help(), name
        assert alone[name].get_default("handler") is sub.get_default("handler"), name


def test_the_command_list_and_an_unknown_command_read_the_same() -> None:
    assert build_parser(["overdue"]).format_help() == build_parser().format_help()
    with pytest.raises(SystemExit):
        build_parser(["overdo"]).parse_args(["overdo"])


def test_a_command_line_it_cannot_read_ahead_builds_every_subcommand() -> None:
    assert _chosen_command(["--db", "x.sqlite", "overdue", "--all"]) == "overdue"
    assert _chosen_command(["--db=x.sqlite", "check"]) == "check"
    assert _chosen_command(["--d", "x.sqlite", "check"]) is None  # an abbreviated --db
    assert _chosen_command(["-h", "check"]) is None
    assert _chosen_command([]) is None


def test_the_windows_command_line_builds_no_subcommand_and_lists_them_all() -> None:
    whole = build_parser()
    for argv in ([], ["--db", "x.sqlite"], ["--db=x.sqlite"]):
        parser = build_parser(argv)
        assert parser.format_help() == whole.format_help()
        args = parser.parse_args(argv)
        assert args.command is None and (args.db is None) == (not argv)
        for sub in _subcommands(parser).values():
            assert sub._actions == []  # listed, not built
    for argv in (["--d", "x.sqlite"], ["-h"], ["x.sqlite"], ["--db", "x.sqlite", "check"]):
        assert not _opens_the_window(argv)


def test_a_past_days_list_parses_its_dates_with_only_its_own_arguments_built() -> None:
    argv = ["--db", "x.sqlite", "overdue", "--as-of", "2026-06-30", "--all"]
    args = build_parser(argv).parse_args(argv)
    assert (args.command, str(args.as_of), args.all) == ("overdue", "2026-06-30", True)


@pytest.fixture
def small_demo(tmp_path: Path) -> str:
    """A three-customer demo store made by the command line, its path."""
    store = str(tmp_path / "s.sqlite")
    subprocess.run([sys.executable, "main.py", "--db", store, "demo", "--customers", "3"],
                   cwd=ROOT, capture_output=True, timeout=120, check=True)
    return store


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)


def test_todays_overdue_list_imports_no_contacts_spreadsheet_window_or_filelock(
        small_demo: str) -> None:
    store = small_demo
    cold = ("import sys, main\n"
            f"code = main.main(['--db', {store!r}, 'overdue'])\n"
            "print(code, sorted(m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'openpyxl', 'reportlab', 'babel', 'jinja2') or m in "
            "('models.contacts', 'reports.spreadsheet_xlsx', 'filelock')))\n")
    assert _python(cold).stdout.strip().splitlines()[-1] == "0 []"


def test_a_command_run_as_the_process_keeps_its_modules_from_the_collector_and_main_alone_does_not(
        small_demo: str) -> None:
    store = small_demo
    probe = ("import gc, main, sys\n"
             f"alone = main.main(['--db', {store!r}, 'overdue'])\n"
             "print(alone, gc.get_freeze_count(), file=sys.stderr)\n"
             f"whole = main.main(['--db', {store!r}, 'overdue'], whole_process=True)\n"
             "print(whole, gc.get_freeze_count() > 10_000, gc.isenabled(), file=sys.stderr)\n")
    assert _python(probe).stderr.splitlines() == ["0 0", "0 True True"]
    listed = subprocess.run([sys.executable, "main.py", "--db", store, "overdue"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=True)
    assert listed.stdout.startswith("Overdue accounts as of")
