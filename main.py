"""Duly: get paid for overdue invoices without losing the customer.

With no command, opens the window. The commands do the same work headless,
for scheduled jobs and scripts: ``python main.py --help`` lists them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.store_state import FileState


def _date(text: str) -> dt.date:
    from models.errors import LedgerError
    from models.input_rules import check_date

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-24") from None
    try:
        return check_date(day)
    except LedgerError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _file_name(text: str) -> Path:
    """A file or folder named on the command line; an empty name is refused (``Path("")``
    would be the current folder: ``--to ""`` would back up there, unasked)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty name; give the file's or folder's name")
    return Path(text)


class _SafeText:
    """A terminal stream that shows control and bidirectional characters escaped, so
    text an old store kept cannot move the cursor or reverse a line. A lone carriage
    return (a progress line redrawing itself) is Duly's own and passes."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from models.terminal_text import safe_for_terminal

        return int(self._stream.write("\r".join(safe_for_terminal(part)
                                                for part in text.split("\r"))))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above zero")
    return value


class _Unbuilt:
    """A sub-command the command line does not run: listed with its help, its arguments
    not built (a cold ``duly overdue`` builds only its own)."""

    def __getattr__(self, name: str) -> Callable[..., _Unbuilt]:
        return lambda *args, **kwargs: self


_NOT_CHOSEN = argparse.ArgumentParser(prog="duly", add_help=False)


class _OnlyChosen:
    """The sub-commands, every one listed (``duly --help``, an unknown command's error)
    and only the chosen one's arguments built (None: none's)."""

    def __init__(self, commands: Any, chosen: str | None) -> None:
        self._commands = commands
        self._chosen = chosen

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        """The real sub-parser for the chosen command; a listing for any other."""
        if name == self._chosen:
            return self._commands.add_parser(name, **kwargs)
        # Listed as argparse's own add_parser lists it, without building a parser (each
        # costs 0.1 ms, mostly gettext looking for translations): argparse reads a
        # sub-command's parser only once that command is the one named.
        self._commands._choices_actions.append(
            argparse._SubParsersAction._ChoicesPseudoAction(name, (), kwargs["help"]))
        self._commands.choices[name] = _NOT_CHOSEN
        return _Unbuilt()


def _chosen_command(argv: list[str]) -> str | None:
    """The sub-command ``argv`` names (the first word that is not ``--db`` or its value),
    or None when it names none or asks for help before one."""
    return _command_and_store(argv)[0]


def _command_and_store(argv: list[str]) -> tuple[str | None, str | None]:
    """The sub-command ``argv`` names, as :func:`_chosen_command`, and the store its
    ``--db`` names before it (the last one, as argparse takes it), or None."""
    store = None
    words = iter(argv)
    for word in words:
        if word == "--db":
            store = next(words, None)
        elif word.startswith("--db="):
            store = word.removeprefix("--db=")
        elif word.startswith("-"):
            return None, store
        else:
            return word, store
    return None, store


def _opens_the_window(argv: list[str]) -> bool:
    """Whether ``argv`` is the window's command line, ``[--db PATH]``: no sub-command's
    arguments are parsed, so none need building before the window starts."""
    return (not argv or (len(argv) == 2 and argv[0] == "--db")
            or (len(argv) == 1 and argv[0].startswith("--db=")))


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line: ``[--db PATH] [COMMAND ...]``. Given the command line, every
    sub-command is listed but only the one it names has its arguments built (none for
    the window's)."""
    parser = argparse.ArgumentParser(
        prog="duly", description="Duly helps a small business get paid for overdue "
        "invoices. Without a command it opens the window; 'duly FILE' opens it on that "
        "store.")
    parser.add_argument("--db", type=_store_location, metavar="PATH",
                        help="the store file to use (default: your own store in the "
                             "user data folder; for 'demo', the demo store beside it), "
                             "or a store on a PostgreSQL server: "
                             "postgresql://user@host:port/database")
    commands: Any = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = None if argv is None else _chosen_command(argv)
    if chosen is not None or (argv is not None and _opens_the_window(argv)):
        commands = _OnlyChosen(commands, chosen)
    demo = commands.add_parser("demo", help="create the demo company in a new store")
    demo.add_argument("--seed", type=int, default=2026, help="same seed, same data (2026)")
    demo.add_argument("--customers", type=_positive, default=60, help="how many (60)")
    demo.add_argument("--invoices", type=_positive,
                      help="how many in all (about one a month per customer)")
    demo.add_argument("--as-of", type=_date, metavar="DATE",
                      help="the demo's today, YYYY-MM-DD (default: today)")
    demo.set_defaults(handler=_demo)
    check = commands.add_parser(
        "check", help="verify a store: SQLite integrity, allocations and balances")
    check.set_defaults(handler=_check)
    overdue = commands.add_parser("overdue", help="list who owes what, and how late")
    overdue.add_argument("--as-of", type=_date, metavar="DATE",
                         help="the day the figures are for, YYYY-MM-DD (default: today)")
    overdue.add_argument("--format", choices=("table", "csv", "xlsx", "pdf"), default="table",
                         help="a table to read, CSV or XLSX for a spreadsheet, or the aging "
                              "report as a PDF (table)")
    overdue.add_argument("--out", type=_file_name, metavar="FILE",
                         help="where to write the XLSX or PDF (needed for those)")
    overdue.add_argument("--all", action="store_true", help="include customers not overdue")
    overdue.set_defaults(handler=_overdue)
    insights = commands.add_parser(
        "insights", help="the business at a glance: DSO, best possible DSO, ADD and CEI by "
                         "month, aging by month, the top debtors, the cash expected; or, "
                         "for one customer, how they pay: the profile, the class with its "
                         "reasons and what to do next")
    insights.add_argument("customer", metavar="CUSTOMER", nargs="?",
                          help="a customer's account code or exact name: their profile "
                               "instead of the business's figures")
    insights.add_argument("--as-of", type=_date, metavar="DATE",
                          help="the figures up to this day, YYYY-MM-DD (default: today)")
    insights.add_argument("--months", type=_positive, default=18,
                          help="how many whole months back (18)")
    insights.add_argument("--format", choices=("table", "csv", "json", "pdf"), default="table",
                          help="tables to read, CSV of the months for a spreadsheet, JSON "
                               "of every figure, or a PDF report with charts (needs --out) "
                               "(table; a customer's profile is text)")
    insights.add_argument("--out", type=_file_name, metavar="FILE",
                          help="where to write the PDF (--format pdf)")
    insights.add_argument("--what-works", action="store_true",
                          help="what works: how much of the chased amount was paid within "
                               "7, 14 and 30 days of each stage, channel, tone and template, "
                               "against accounts of the same class not chased then, and "
                               "template A against B (classes every customer first: about "
                               "10 s on 10,000 customers)")
    insights.add_argument("--by-class", action="store_true",
                          help="with --what-works: the same for each class of customer too")
    insights.set_defaults(handler=_insights)
    today = commands.add_parser(
        "today", help="list the day's work: follow-ups, promises, newly overdue accounts")
    today.add_argument("--as-of", type=_date, metavar="DATE",
                       help="the day to list, YYYY-MM-DD (default: today)")
    today.add_argument("--format", choices=("table", "csv", "xlsx", "pdf"), default="table",
                       help="a table to read, CSV or XLSX for a spreadsheet, or the work "
                            "list as a PDF to print (table)")
    today.add_argument("--out", type=_file_name, metavar="FILE",
                       help="where to write the XLSX or PDF (needed for those)")
    today.set_defaults(handler=_today)
    actions = commands.add_parser(
        "actions", help="list the follow-up reminders, letters and calls due, and what is "
                        "held back and why")
    actions.add_argument("--as-of", type=_date, metavar="DATE",
                         help="the day to list, YYYY-MM-DD (default: today)")
    actions.set_defaults(handler=_actions)
    log = commands.add_parser("log", help="record a contact with a customer")
    log.add_argument("customer", metavar="CUSTOMER", help="the account code or exact name")
    log.add_argument("--kind", choices=("call", "email", "letter", "meeting", "sms", "note"),
                     default="note", help="what kind of contact (note)")
    log.add_argument("--incoming", action="store_true", help="they contacted us")
    log.add_argument("--summary", required=True, metavar="TEXT", help="what was said")
    log.add_argument("--outcome", default="", metavar="TEXT",
                     help="e.g. 'promised to pay', 'no answer'")
    log.add_argument("--follow-up", type=_date, metavar="DATE",
                     help="when to follow up, YYYY-MM-DD")
    log.set_defaults(handler=_log)
    interest = commands.add_parser(
        "interest", help="show an invoice's late-payment interest and compensation, worked out")
    interest.add_argument("invoice", metavar="INVOICE", help="the invoice number")
    interest.add_argument("--as-of", type=_date, metavar="DATE",
                          help="interest up to and including this day, YYYY-MM-DD "
                               "(default: today)")
    interest.set_defaults(handler=_interest)
    statement = commands.add_parser(
        "statement", help="write a customer's statement as a PDF: open items, or the "
                          "account's activity over a period")
    statement.add_argument("customer", metavar="CUSTOMER", help="the account code or exact name")
    statement.add_argument("--out", type=_file_name, required=True, metavar="FILE.pdf",
                           help="where to write the PDF")
    statement.add_argument("--as-of", type=_date, metavar="DATE",
                           help="open items: the day the statement is for, YYYY-MM-DD "
                                "(default: today)")
    statement.add_argument("--activity", action="store_true",
                           help="every invoice, credit, payment and charge of a period with "
                                "a running balance, instead of the open items")
    statement.add_argument("--from", dest="start", type=_date, metavar="DATE",
                           help="with --activity: the first day, YYYY-MM-DD")
    statement.add_argument("--to", dest="end", type=_date, metavar="DATE",
                           help="with --activity: the last day, YYYY-MM-DD (default: today)")
    statement.set_defaults(handler=_statement)
    letters = commands.add_parser(
        "letters", help="print the reminder letters due into one PDF and record them as sent")
    letters.add_argument("--due", action="store_true", required=True,
                         help="the letters the follow-up stages have due (required)")
    letters.add_argument("--as-of", type=_date, metavar="DATE",
                         help="the day they are due, YYYY-MM-DD (default: today)")
    letters.add_argument("--out", type=_file_name, required=True, metavar="FILE.pdf",
                         help="where to write the PDF")
    letters.set_defaults(handler=_letters)
    send = commands.add_parser(
        "send", help="e-mail the reminders due (the statement attached) through the "
                     "business's mail server, and send anything else in the outbox")
    send.add_argument("--due", action="store_true", required=True,
                      help="the e-mail reminders the follow-up stages have due (required)")
    send.add_argument("--as-of", type=_date, metavar="DATE",
                      help="the day they are due, YYYY-MM-DD (default: today)")
    send.add_argument("--dry-run", action="store_true",
                      help="show what would be sent; send and record nothing")
    send.add_argument("--password-stdin", action="store_true",
                      help="read the mail server's password from standard input (default: "
                           "the one kept in the system keyring)")
    send.set_defaults(handler=_send)
    _import_parsers(commands)
    _plan_parsers(commands)
    _backup_parsers(commands)

    _offer_parsers(commands)
    _collections_parsers(commands)
    return parser


def _import_parsers(commands: Any) -> None:
    imports = commands.add_parser(
        "import", help="bring customers and invoices in from your accounting program's "
                       "export (CSV or Excel); again with each newer export")
    imports.add_argument("file", type=_file_name, help="the exported file")
    imports.add_argument("--source", choices=[s.value for s in _sources()],
                         help="the program it comes from (default: recognised by its columns)")
    imports.add_argument("--mapping", metavar="NAME",
                         help="read it with a column mapping saved in the window's import")
    order = imports.add_mutually_exclusive_group()
    order.add_argument("--day-first", action="store_true",
                       help="dates are written day first (24/11/2026)")
    order.add_argument("--month-first", action="store_true",
                       help="dates are written month first (11/24/2026)")
    imports.add_argument("--dry-run", action="store_true",
                         help="show what it would do and write nothing")
    imports.add_argument("--missing", choices=("leave", "paid"), default="leave",
                         help="invoices imported before and not in this file: leave them "
                              "open, or take them as paid (leave)")
    imports.set_defaults(handler=_import)
    bank = commands.add_parser(
        "bank", help="match a bank statement's credits (OFX/QFX, CAMT.053, MT940 or CSV) "
                     "to customers and invoices; with --accept-sure, record the sure ones")
    bank.add_argument("file", type=_file_name, nargs="?", help="the statement file")
    bank_mode = bank.add_mutually_exclusive_group()
    bank_mode.add_argument("--list", action="store_true",
                           help="list the statements imported, newest first, with their "
                                "numbers")
    bank_mode.add_argument("--undo", type=int, metavar="NUMBER",
                           help="undo a statement imported (see --list): void every payment "
                                "it recorded, so it can be imported again")
    bank.add_argument("--reason", default="The bank statement was undone.",
                      help="with --undo: why, kept with each payment voided")
    bank.add_argument("--format", choices=[f.value for f in _bank_formats()],
                      help="its format (default: recognised by its content)")
    bank.add_argument("--mapping", metavar="NAME",
                      help="for a CSV: the column mapping saved in the window's import")
    bank.add_argument("--column", metavar="WHAT=NAME", action="append", default=[],
                      help="for a CSV: the column that holds the day, amount, payer, text "
                           "or currency, e.g. --column day=Date --column amount=Amount")
    bank.add_argument("--save-mapping", metavar="NAME",
                      help="with --column: keep these columns as a mapping NAME, to read "
                           "the next statement with --mapping NAME")
    bank.add_argument("--currency", metavar="CODE",
                      help="for a CSV without a currency column: the account's currency")
    bank_order = bank.add_mutually_exclusive_group()
    bank_order.add_argument("--day-first", action="store_true", default=None,
                            help="for a CSV: dates are written day first (05/11/2026)")
    bank_order.add_argument("--month-first", action="store_false", dest="day_first",
                            help="for a CSV: dates are written month first (11/05/2026)")
    bank_mode.add_argument("--dry-run", action="store_true",
                           help="show the matches and record nothing (the default)")
    bank_mode.add_argument("--accept-sure", action="store_true",
                           help="record the credits matched with certainty as payments")
    bank.set_defaults(handler=_bank)
    new = commands.add_parser("new", help="create an empty company store (for a first "
                                          "import from a script)")
    new.add_argument("--business", required=True, help="the business's name")
    new.add_argument("--country", required=True, help="its two-letter country code, e.g. GB")
    new.add_argument("--currency", required=True, help="its currency, e.g. GBP")
    new.set_defaults(handler=_new)


def _backup_parsers(commands: Any) -> None:
    backup = commands.add_parser(
        "backup", help="back the store up now (checked once written), keeping the "
                       "rotation's daily, weekly and monthly backups")
    backup.add_argument("--to", type=_file_name, metavar="DIR",
                        help="the folder to back up into (default: the one set in Settings, "
                             "else the Backups folder beside the store)")
    backup.set_defaults(handler=_backup)
    restore = commands.add_parser(
        "restore", help="put a backup in place of the store (a copy of the store as it is "
                        "is kept first); not while a Duly window has it open")
    restore.add_argument("file", type=_file_name, metavar="FILE", help="the backup to restore")
    restore.set_defaults(handler=_restore)
    export = commands.add_parser(
        "export-all", help="write everything in the store to a ZIP of CSV files, one per "
                           "table, with the files it keeps")
    export.add_argument("file", type=_file_name, metavar="FILE.zip", help="the ZIP to write")
    export.set_defaults(handler=_export_all)
    move = commands.add_parser(
        "move-store", help="move the store (--db) to a PostgreSQL server's empty database, "
                           "or from a server to a new file: every row, checked on both "
                           "sides; the store moved from is left as it is")
    move.add_argument("--to", required=True, type=_store_location, metavar="TARGET",
                      help="postgresql://user@host:port/database (empty), or a new file")
    move.set_defaults(handler=_move_store)


def _store_location(text: str) -> Path | str:
    from models.db import store_location

    _file_name(text)  # an empty name refused as for any file
    return store_location(text)


def _backup(args: argparse.Namespace) -> int:
    from models.backup import take_backup
    from models.db import default_store_path, open_store, refuse_server
    from models.schedule import scheduled_run

    refuse_server(args.db, "Backing up")
    store = open_store(args.db or default_store_path(), alongside=True)
    try:
        with scheduled_run("backup") as run:
            taken = take_backup(store.path, dt.datetime.now(), args.to)
            run.outcome = f"Backed up to {taken.path}"
        removed = f"; {len(taken.removed)} older backup(s) removed by the rotation" \
            if taken.removed else ""
    finally:
        store.close()
    print(f"Backed up {store.path.name} to {taken.path} (checked){removed}.")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from models.backup import BackupError, restore_backup
    from models.db import default_store_path, refuse_server
    from models.money import format_money

    refuse_server(args.db, "Restoring a backup")
    path = args.db or default_store_path()
    try:
        restored = restore_backup(args.file, path, dt.datetime.now())
    except BackupError as error:
        print(error.message, file=sys.stderr)
        return 2
    summary = restored.summary
    balance = ", ".join(format_money(minor, currency) for currency, minor in summary.open_minor)
    print(f"Restored {Path(path).name} from {summary.path.name} (taken "
          f"{summary.taken_at:%Y-%m-%d %H:%M}): {summary.customers:,} customers, "
          f"{summary.invoices:,} invoices, open {balance or 'nothing'}. The store as it "
          f"was is kept at {restored.kept_copy}.")
    return 0


def _export_all(args: argparse.Namespace) -> int:
    from models.db import default_store_path, run_in_store
    from models.files import write_failure_words
    from models.schedule import scheduled_run
    from reports.export_all import ExportSummary, export_all

    def export() -> ExportSummary:
        with scheduled_run("export-all", target=args.file) as run:
            summary = export_all(args.file)
            run.outcome = f"Wrote everything to {summary.path}"
        return summary

    try:
        summary = run_in_store(args.db or default_store_path(), export, alongside=True)
    except OSError as exc:
        print(write_failure_words(exc, args.file), file=sys.stderr)
        return 2
    print(f"Wrote {sum(summary.rows.values()):,} rows of {len(summary.rows)} tables to "
          f"{summary.path}.")
    return 0


def _move_store(args: argparse.Namespace) -> int:
    from models.db import default_store_path
    from models.move_store import move_store

    def report(done: int, total: int) -> None:
        print(f"\rMoving rows: {done:,} of {total:,}", end="", file=sys.stderr)

    moved = move_store(args.db or default_store_path(), args.to, report)
    print(file=sys.stderr)
    print(f"{moved.summary()} ({moved.source} to {moved.target}, "
          f"{moved.seconds:,.1f} s)")
    return 0


def _plan_parsers(commands: Any) -> None:
    plans = commands.add_parser("plans", help="list the payment plans: how each stands and "
                                              "its next instalment")
    plans.add_argument("--as-of", type=_date, metavar="DATE",
                       help="the day they stand on, YYYY-MM-DD (default: today)")
    plans.set_defaults(handler=_plans)
    plan = commands.add_parser("plan", help="agree a payment plan with a customer (see it "
                                            "first with --dry-run)")
    plan.add_argument("customer", metavar="CUSTOMER", help="the account code or exact name")
    plan.add_argument("--invoices", default="", metavar="N1,N2",
                      help="the invoice numbers it covers (default: every overdue one)")
    size = plan.add_mutually_exclusive_group(required=True)
    size.add_argument("--instalments", type=_positive, metavar="N",
                      help="how many equal instalments (the last balances to the cent)")
    size.add_argument("--amount", metavar="AMOUNT", help="so much each time until paid")
    plan.add_argument("--every", choices=("week", "fortnight", "month"), default="month",
                      help="how often an instalment falls due (month)")
    plan.add_argument("--first", type=_date, required=True, metavar="DATE",
                      help="the first instalment's date, YYYY-MM-DD")
    plan.add_argument("--deposit", default="", metavar="AMOUNT",
                      help="a deposit paid on the day it is agreed")
    plan.add_argument("--freeze", action="store_true",
                      help="stop interest and fees while the plan is kept")
    plan.add_argument("--agreed", type=_date, metavar="DATE",
                      help="the day it is agreed, YYYY-MM-DD (default: today)")
    plan.add_argument("--notes", default="", metavar="TEXT", help="what was agreed, in words")
    plan.add_argument("--dry-run", action="store_true",
                      help="show the schedule; record nothing")
    plan.set_defaults(handler=_plan)


def _plans(args: argparse.Namespace) -> int:
    from models.db import default_store_path, run_in_store
    from models.plans import plan_standings
    from reports.plans_text import plans_table

    as_of = args.as_of or dt.date.today()
    rows = run_in_store(args.db or default_store_path(), lambda: plan_standings(as_of))
    sys.stdout.write(plans_table(rows, as_of))
    return 0


def _plan(args: argparse.Namespace) -> int:
    from models.customer_account import find_customer
    from models.db import default_store_path, run_in_store
    from models.kinds import PlanFrequency
    from models.plan_input import draft_from_words
    from models.plans import agree_plan, preview_plan
    from reports.plans_text import schedule_text

    every = {"week": PlanFrequency.WEEKLY, "fortnight": PlanFrequency.FORTNIGHTLY,
             "month": PlanFrequency.MONTHLY}[args.every]

    def work() -> tuple[Any, int | None]:
        draft = draft_from_words(
            find_customer(args.customer), agreed_on=args.agreed or dt.date.today(),
            frequency=every, first_on=args.first, invoice_numbers=args.invoices.split(","),
            count=args.instalments, amount=args.amount or "", deposit=args.deposit,
            freeze_charges=args.freeze, notes=args.notes)
        return preview_plan(draft), None if args.dry_run else agree_plan(draft)

    preview, plan_id = run_in_store(args.db or default_store_path(), work)
    sys.stdout.write(schedule_text(preview, plan_id=plan_id))
    return 0


def _offer_parsers(commands: Any) -> None:
    offer = commands.add_parser(
        "offer", help="list a customer's settlement and loyalty offers, make or withdraw "
                      "one, or record those whose day has gone as lapsed")
    offer.add_argument("customer", nargs="?", metavar="CUSTOMER",
                       help="the account code or exact name (not with --lapse)")
    action = offer.add_mutually_exclusive_group()
    action.add_argument("--settlement", action="store_true",
                        help="offer to settle the invoices for part of what is owed")
    action.add_argument("--loyalty", action="store_true",
                        help="offer to waive what the credit policy says for payment in full")
    action.add_argument("--withdraw", type=_positive, metavar="OFFER",
                        help="withdraw the open offer with this number")
    action.add_argument("--lapse", action="store_true",
                        help="record every offer whose last day has gone by as lapsed")
    offer.add_argument("--invoice", action="append", default=[], metavar="NUMBER",
                       help="an invoice the offer is about (repeat for more)")
    offer.add_argument("--pay-by", type=_date, metavar="DATE",
                       help="the last day to pay, YYYY-MM-DD")
    share = offer.add_mutually_exclusive_group()
    share.add_argument("--percent", metavar="P", help="a settlement: the share to pay, in %%")
    share.add_argument("--amount", metavar="AMOUNT", help="a settlement: the amount to pay")
    offer.add_argument("--reason", default="", metavar="TEXT", help="why it is withdrawn")
    offer.add_argument("--dry-run", action="store_true", help="show the offer; make nothing")
    offer.add_argument("--as-of", type=_date, metavar="DATE",
                       help="the day, YYYY-MM-DD (default: today)")
    offer.set_defaults(handler=_offer)


def _collections_parsers(commands: Any) -> None:
    disputes = commands.add_parser("disputes", help="list the dispute cases: all, open or "
                                                    "closed, of a category, or by age")
    disputes.add_argument("--state", choices=("all", "open", "closed"), default="all",
                          help="which cases (all)")
    disputes.add_argument("--category", metavar="CATEGORY",
                          help="price, quality, not_delivered, already_paid, duplicate or "
                               "other")
    disputes.add_argument("--older-than", type=_positive, metavar="DAYS",
                          help="only cases open longer than so many days")
    disputes.add_argument("--customer", metavar="CUSTOMER",
                          help="one customer's (account code or exact name)")
    disputes.add_argument("--as-of", type=_date, metavar="DATE",
                          help="the day ages count to, YYYY-MM-DD (default: today)")
    disputes.set_defaults(handler=_disputes)
    write_off = commands.add_parser("write-off", help="write off an invoice, or part of it, "
                                                      "as a bad debt")
    write_off.add_argument("invoice", metavar="INVOICE", help="the invoice's number")
    write_off.add_argument("--reason", required=True,
                           choices=("uncollectable", "insolvent", "settled_for_less",
                                    "too_small", "agency_returned"),
                           help="why it is written off")
    write_off.add_argument("--amount", metavar="AMOUNT",
                           help="how much to write off (default: all that is open)")
    write_off.add_argument("--on", type=_date, metavar="DATE",
                           help="the day of the write-off, YYYY-MM-DD (default: today)")
    write_off.add_argument("--vat-rate", metavar="PERCENT",
                           help="the VAT rate in the amount, for its VAT share (default: "
                                "the business's setting, else none)")
    write_off.add_argument("--notes", default="", metavar="TEXT", help="what happened")
    write_off.set_defaults(handler=_write_off)
    write_offs = commands.add_parser("write-offs", help="list the write-offs of a period, "
                                                        "with their VAT and relief dates")
    write_offs.add_argument("--from", dest="date_from", type=_date, metavar="DATE",
                            help="the first day, YYYY-MM-DD")
    write_offs.add_argument("--to", dest="date_to", type=_date, metavar="DATE",
                            help="the last day, YYYY-MM-DD")
    write_offs.add_argument("--format", choices=("table", "csv"), default="table",
                            help="a table to read, or CSV for a spreadsheet (table)")
    write_offs.set_defaults(handler=_write_offs)
    agencies = commands.add_parser("agencies", help="list the collection agencies: whom to "
                                                    "call, what they charge, what they do well")
    agencies.set_defaults(handler=_agencies)
    refer = commands.add_parser("refer", help="refer an account (or some of its invoices) to "
                                              "a collection agency, after the pre-referral "
                                              "check (see it first with --dry-run)")
    refer.add_argument("customer", metavar="CUSTOMER", help="the account code or exact name")
    refer.add_argument("--agency", required=True, metavar="NAME",
                       help="the agency's name in the directory (or its beginning)")
    refer.add_argument("--invoices", default="", metavar="N1,N2",
                       help="the invoice numbers to refer (default: every overdue one)")
    refer.add_argument("--on", type=_date, metavar="DATE",
                       help="the day of the referral, YYYY-MM-DD (default: today)")
    refer.add_argument("--note", default="", metavar="TEXT", help="a note kept with it")
    refer.add_argument("--final-notice-warned", action="store_true",
                       help="the final notice told them the account would be referred: "
                            "record it as the warning")
    refer.add_argument("--override", default="", metavar="REASON",
                       help="refer although the check refuses, for this reason (recorded)")
    refer.add_argument("--dry-run", action="store_true",
                       help="show the check and what would be referred; record nothing")
    refer.set_defaults(handler=_refer)
    referrals = commands.add_parser("referrals", help="list the referrals to collection "
                                                      "agencies with the money recovered")
    referrals.set_defaults(handler=_referrals)
    _claim_parsers(commands)
    _users_parser(commands)


def _users_parser(commands: Any) -> None:
    users = commands.add_parser(
        "users", help="list the store's users, or (managers) add one, change a role, "
                      "deactivate one")
    what = users.add_mutually_exclusive_group()
    what.add_argument("--add", metavar="NAME", help="add a user with this name (shown on what "
                                                    "they do); give --login and --role")
    what.add_argument("--deactivate", metavar="LOGIN",
                      help="deactivate the user with this login (what they did keeps "
                           "their name)")
    users.add_argument("--login", metavar="LOGIN",
                       help="the login: the server's user name on a server, the "
                            "computer's on a file; with --role alone, whose role to change")
    users.add_argument("--role", choices=("manage", "record"),
                       help="manage (also policies, write-offs, users) or record (record "
                            "and send)")
    users.set_defaults(handler=_users)


def _users(args: argparse.Namespace) -> int:
    from models.db import default_store_path, run_in_store
    from models.errors import LedgerError
    from models.kinds import UserRole
    from models.users import add_user, change_role, deactivate, signed_in_user, user_by_login
    from models.users import users as all_users
    from reports.users_text import users_table

    role = {"manage": UserRole.MANAGE, "record": UserRole.RECORD_AND_SEND}.get(args.role or "")

    def named(login: str) -> int:
        found = user_by_login(login)
        if found is None:
            raise LedgerError("login", f"No user of this store has the login {login}.")
        return found.id

    def work() -> str:
        if args.add is not None:
            if not args.login:
                raise LedgerError("login", "Give the new user's login: --login LOGIN.")
            add_user(args.add, args.login, role or UserRole.RECORD_AND_SEND)
        elif args.deactivate is not None:
            deactivate(named(args.deactivate))
        elif role is not None:
            if not args.login:
                raise LedgerError("login", "Say whose role to change: --login LOGIN.")
            change_role(named(args.login), role)
        return users_table(all_users(), signed_in_user())

    sys.stdout.write(run_in_store(args.db or default_store_path(), work))
    return 0


def _claim_parsers(commands: Any) -> None:
    claim = commands.add_parser(
        "claim", help="a claim ready for court: its figures, the letter before action "
                      "(written and recorded as sent) or the claim pack")
    claim.add_argument("customer", metavar="CUSTOMER", help="the account code or exact name")
    claim.add_argument("--as-of", type=_date, metavar="DATE",
                       help="the day of the letter or claim, YYYY-MM-DD (default: today)")
    what = claim.add_mutually_exclusive_group()
    what.add_argument("--letter", action="store_true",
                      help="write the letter before action to --out and record it as sent")
    what.add_argument("--pack", action="store_true",
                      help="write the claim pack (particulars, interest, fee, evidence) to --out")
    claim.add_argument("--out", type=_file_name, metavar="FILE", help="the PDF to write")
    claim.set_defaults(handler=_claim)
    fees = commands.add_parser("court-fees", help="list the court fees to issue a money "
                                                  "claim, or reset them to Duly's")
    fees.add_argument("--reset", action="store_true",
                      help="put back the fees Duly ships (England & Wales), replacing yours")
    fees.set_defaults(handler=_court_fees)


def _claim(args: argparse.Namespace) -> int:
    from models.claims import claim_pack
    from models.customer_account import find_customer
    from models.db import default_store_path, run_in_store
    from models.files import write_failure_words
    from reports.claim_pack import claim_pack_text, print_claim_letter, render_claim_pack

    if (args.letter or args.pack) and args.out is None:
        print("Say where to write the PDF: add --out FILE.", file=sys.stderr)
        return 2
    as_of = args.as_of or dt.date.today()
    path = args.db or default_store_path()

    def work() -> str:
        customer_id = find_customer(args.customer)
        pack = claim_pack(customer_id, as_of)
        if not (args.letter or args.pack):
            return claim_pack_text(pack)
        check = "".join(f"Check: {w}\n" for w in pack.warnings)  # the PDF's own warnings
        if args.letter:
            pages = print_claim_letter(customer_id, as_of, args.out)
            return check + (f"Wrote the letter before action ({_pages(pages)}) to "
                            f"{args.out} and recorded it as sent on {as_of.isoformat()}.\n")
        pages = render_claim_pack(pack, args.out)
        return check + f"Wrote the claim pack ({_pages(pages)}) to {args.out}.\n"

    try:
        sys.stdout.write(run_in_store(path, work))
    except OSError as exc:
        print(write_failure_words(exc, args.out), file=sys.stderr)
        return 2
    return 0


def _pages(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"


def _court_fees(args: argparse.Namespace) -> int:
    from models.court_fees import SHIPPED_COURT_FEES, court_fees, save_court_fees
    from models.db import default_store_path, run_in_store
    from reports.claim_pack import court_fees_text

    def work() -> str:
        if args.reset:
            save_court_fees(SHIPPED_COURT_FEES)
        return court_fees_text(court_fees())

    sys.stdout.write(run_in_store(args.db or default_store_path(), work))
    return 0


def _agencies(args: argparse.Namespace) -> int:
    from models.agencies import agencies
    from models.db import default_store_path, run_in_store
    from reports.agencies_text import agencies_table

    sys.stdout.write(agencies_table(run_in_store(args.db or default_store_path(), agencies)))
    return 0


def _refer(args: argparse.Namespace) -> int:
    from models.customer_account import find_customer
    from models.db import default_store_path, run_in_store
    from models.errors import LedgerError
    from models.referrals import agency_named, record_warning, refer, referral_check
    from models.schema import Agency, Invoice
    from reports.referrals_text import check_text

    on = args.on or dt.date.today()

    def work() -> tuple[str, str, bool]:
        customer_id = find_customer(args.customer)
        agency_id = agency_named(args.agency)
        numbers = [n.strip() for n in args.invoices.split(",") if n.strip()]
        invoice_ids = None
        if numbers:
            found = dict(Invoice.select(Invoice.number, Invoice.id).where(
                (Invoice.number.in_(numbers)) & (Invoice.customer == customer_id)).tuples())
            unknown = [n for n in numbers if n not in found]
            if unknown:
                raise LedgerError("invoices", f"The customer has no invoice "
                                              f"{', '.join(unknown)}.")
            invoice_ids = [found[n] for n in numbers]
        check = referral_check(customer_id, invoice_ids, on)
        if args.final_notice_warned and not args.dry_run:
            if check.final_notice_contact_id is None:
                raise LedgerError("warning", "No final notice was sent to mark as the warning.")
            record_warning(customer_id, contact_id=check.final_notice_contact_id)
            check = referral_check(customer_id, invoice_ids, on)
        text = check_text(check, Agency.get_by_id(agency_id).name)
        if args.dry_run or (not check.passed and not args.override):
            return text, "", check.passed
        referral_id = refer(customer_id, agency_id, invoice_ids, on, note=args.note,
                            override_reason=args.override)
        return text, f"Referred (referral {referral_id}).", True

    text, done, passed = run_in_store(args.db or default_store_path(), work)
    sys.stdout.write(text)
    if done:
        print(done)
        return 0
    if args.dry_run:
        print("Dry run: nothing was recorded." if passed else
              "Dry run: the account may not be referred yet; nothing was recorded.")
        return 0 if passed else 1
    print("Not referred: put right what is marked ✗, or give --override with a reason.",
          file=sys.stderr)
    return 1


def _referrals(args: argparse.Namespace) -> int:
    from models.db import default_store_path, run_in_store
    from models.referrals import referrals
    from reports.referrals_text import referrals_table

    sys.stdout.write(referrals_table(run_in_store(args.db or default_store_path(),
                                                  referrals)))
    return 0


def _disputes(args: argparse.Namespace) -> int:
    from models.customer_account import find_customer
    from models.db import default_store_path, run_in_store
    from models.disputes import disputes
    from reports.disputes_text import disputes_table

    as_of = args.as_of or dt.date.today()

    def work() -> str:
        customer_id = find_customer(args.customer) if args.customer else None
        rows = disputes(state=args.state, category=args.category, customer_id=customer_id,
                        older_than_days=args.older_than, as_of=as_of)
        which = {"all": "Disputes", "open": "Open disputes", "closed": "Closed disputes"}
        heading = which[args.state] + (f" open over {args.older_than} days"
                                       if args.older_than else "")
        return disputes_table(rows, as_of, f"{heading} as of {as_of.isoformat()}")

    sys.stdout.write(run_in_store(args.db or default_store_path(), work))
    return 0


def _write_off(args: argparse.Namespace) -> int:
    from models.db import default_store_path, run_in_store
    from models.interest import invoice_id_for
    from models.ledger import parse_amount
    from models.money import format_money
    from models.schema import Invoice
    from models.write_offs import write_off, write_offs

    def work() -> str:
        invoice_id = invoice_id_for(args.invoice)
        currency = Invoice.get_by_id(invoice_id).currency
        amount = parse_amount(args.amount, currency) if args.amount else None
        rate: dict[str, Any] = {} if args.vat_rate is None else {"vat_percent": args.vat_rate}
        made = write_off(invoice_id, reason=args.reason, amount_minor=amount, on=args.on,
                         notes=args.notes, **rate)
        row = next(r for r in write_offs() if r.write_off_id == made)
        vat = (f", of which VAT {format_money(row.vat_minor, currency)} at {row.vat_percent}%"
               if row.vat_percent is not None else " (no VAT rate given)")
        return (f"Wrote off {format_money(row.amount_minor, currency)} of invoice "
                f"{row.invoice_number} as {row.number}{vat}. UK bad-debt relief can be "
                f"claimed from {row.relief_from.isoformat()} to "
                f"{row.relief_claim_by.isoformat()}.\n")

    sys.stdout.write(run_in_store(args.db or default_store_path(), work))
    return 0


def _write_offs(args: argparse.Namespace) -> int:
    from models.db import default_store_path, run_in_store
    from models.write_offs import write_offs
    from reports.write_offs_text import write_offs_table, write_write_offs_csv

    rows = run_in_store(args.db or default_store_path(),
                        lambda: write_offs(date_from=args.date_from, date_to=args.date_to))
    if args.format == "csv":
        write_write_offs_csv(rows, sys.stdout)
    else:
        sys.stdout.write(write_offs_table(rows, args.date_from, args.date_to))
    return 0


def _sources() -> list[Any]:
    from models.kinds import ImportSource

    return list(ImportSource)


def _demo(args: argparse.Namespace) -> int:
    from models.db import create_store, default_demo_path
    from models.demo import DemoSummary, create_demo

    path = args.db or default_demo_path()
    if isinstance(path, Path) and path.exists():
        print(f"{path} already exists; the demo company goes into a new store. "
              f"Choose another file with --db.", file=sys.stderr)
        return 2

    def report(done: int, total: int) -> None:
        print(f"\rCreating customers: {done:,} of {total:,}", end="", file=sys.stderr)

    made: list[DemoSummary] = []
    # Built whole under a hidden name and moved into place: a demo cut short leaves no store.
    create_store(path, fill=lambda: made.append(create_demo(
        seed=args.seed, today=args.as_of, customers=args.customers,
        invoices=args.invoices, progress=report))).close()
    summary = made[0]
    print(file=sys.stderr)
    print(f"Created the demo company in {path}: {summary.customers:,} customers, "
          f"{summary.invoices:,} invoices, {summary.payments:,} payments, "
          f"{summary.interactions:,} contacts.")
    return 0


def _check(args: argparse.Namespace) -> int:
    from models.check import check_store
    from models.db import (
        default_store_path,
        opened_for_reading_only,
        restore_advice,
        run_in_store,
    )

    path = args.db or default_store_path()
    problems, full = run_in_store(path, lambda: (check_store(), opened_for_reading_only()),
                                  check_later=True)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{path}: {len(problems)} problem(s) found.", file=sys.stderr)
        if any(problem.area == "database" for problem in problems):
            print(restore_advice(Path(path).expanduser().absolute()), file=sys.stderr)
        return 1
    if full:
        print(f"{path}: all checks passed but one: its disk is full, so the notes' search "
              f"index, whose check must write, was not checked.")
        return 0
    print(f"{path}: all checks passed.")
    return 0


def _overdue(args: argparse.Namespace) -> int:
    from models.accounts import overdue_accounts
    from models.db import default_store_path, run_in_store

    if args.format in ("xlsx", "pdf"):
        return _overdue_file(args)
    if args.out is not None:
        print("--out is for --format xlsx or pdf; CSV and the table go to the screen "
              "(redirect them with >).", file=sys.stderr)
        return 2
    from reports.accounts_export import overdue_table, write_overdue_csv

    today = dt.date.today()
    as_of = args.as_of or today
    store = args.db or default_store_path()
    # The file's state before the list is read: a write while it is read shows then.
    read, rows = run_in_store(store, lambda: (_store_state(store),
                                              overdue_accounts(as_of, include_all=args.all)))
    if args.format == "csv":
        written = io.StringIO()
        write_overdue_csv(rows, written)
        text = written.getvalue()
    else:
        text = overdue_table(rows, as_of)
    sys.stdout.write(text)
    if args.command_line is not None:
        from models.kept_answers import keep_answer

        keep_answer(Path(store), _question(today, args.command_line), read, text)
    return 0


def _store_state(store: Path | str) -> FileState | None:
    """The open store file's state (:mod:`models.store_state`); None on a server."""
    from models.places import is_server_address
    from models.store_state import state_of

    return None if is_server_address(store) else state_of(Path(store))


def _overdue_file(args: argparse.Namespace) -> int:
    from models.db import default_store_path, run_in_store
    from models.files import whole_file, write_failure_words
    from reports.accounts_export import write_overdue_xlsx
    from reports.aging_report import aging_report_data, render_aging_report

    if args.out is None:
        print(f"Say where to write the {args.format.upper()}: add --out FILE.", file=sys.stderr)
        return 2
    today = dt.date.today()
    as_of = args.as_of or today
    data = run_in_store(args.db or default_store_path(),
                        lambda: aging_report_data(as_of, include_all=args.all, today=today))
    try:
        with whole_file(args.out) as partial:
            if args.format == "xlsx":
                write_overdue_xlsx(data.accounts, partial, as_of)
            else:
                render_aging_report(data, partial)
    except OSError as exc:
        print(write_failure_words(exc, args.out), file=sys.stderr)
        return 2
    print(f"Wrote {len(data.accounts):,} account(s) as of {as_of.isoformat()} to {args.out}.")
    return 0


def _insights(args: argparse.Namespace) -> int:
    if args.what_works:
        return _what_works(args)
    if args.customer is not None:
        return _profile(args)
    if args.format == "pdf":
        return _insights_pdf(args)
    if args.out is not None:
        print("--out is for --format pdf; the table, CSV and JSON go to the screen "
              "(redirect them with >).", file=sys.stderr)
        return 2
    from models.business_figures import CashExpected, business_figures
    from models.db import default_store_path, run_in_store
    from reports.insights_text import (
        Insights,
        insights_json,
        insights_snapshot,
        insights_table,
        write_insights_csv,
    )

    today = dt.date.today()
    as_of = args.as_of or today

    def read() -> Insights:
        if args.format == "csv":  # the months only: the rest is not read
            return Insights(business_figures(as_of, args.months), (),
                            CashExpected(as_of, (), ()))
        return insights_snapshot(as_of, args.months, today=today)

    insights = run_in_store(args.db or default_store_path(), read)
    if args.format == "csv":
        write_insights_csv(insights.figures, sys.stdout)
    elif args.format == "json":
        sys.stdout.write(insights_json(insights))
    else:
        sys.stdout.write(insights_table(insights))
    return 0


def _what_works(args: argparse.Namespace) -> int:
    from models.customer_class import classes_by_customer
    from models.db import default_store_path, run_in_store
    from models.what_works import WhatWorks, what_works
    from reports.what_works_text import (
        what_works_json,
        what_works_table,
        write_what_works_csv,
    )

    if args.customer is not None:
        print("What works is measured over every customer: leave out the customer.",
              file=sys.stderr)
        return 2
    if args.format == "pdf" or args.out is not None:
        print("What works goes to the screen as a table, CSV or JSON (redirect it with >); "
              "the window's Insights › What works exports it to a spreadsheet.",
              file=sys.stderr)
        return 2
    as_of = args.as_of or dt.date.today()

    def read() -> WhatWorks:
        # Classed even for all customers' tables alone: their baseline compares within
        # each class, as the window's does (models.what_works).
        answer = what_works(as_of, classes_by_customer(as_of))
        return answer if args.by_class else answer.all_customers()

    answer = run_in_store(args.db or default_store_path(), read)
    if args.format == "csv":
        write_what_works_csv(answer, sys.stdout)
    elif args.format == "json":
        sys.stdout.write(what_works_json(answer))
    else:
        sys.stdout.write(what_works_table(answer))
    return 0


def _insights_pdf(args: argparse.Namespace) -> int:
    from models.db import default_store_path, run_in_store
    from models.files import whole_file, write_failure_words
    from reports.insights_report import insights_report_data, render_insights_report

    if args.out is None:
        print("Say where to write the PDF: add --out FILE.", file=sys.stderr)
        return 2
    today = dt.date.today()
    as_of = args.as_of or today
    data = run_in_store(args.db or default_store_path(),
                        lambda: insights_report_data(as_of, months=args.months, today=today))
    try:
        with whole_file(args.out) as partial:
            pages = render_insights_report(data, partial)
    except OSError as exc:
        print(write_failure_words(exc, args.out), file=sys.stderr)
        return 2
    currencies = ", ".join(data.insights.figures.currencies) or "no currency yet"
    print(f"Wrote the figures of {data.months} month(s) as of {as_of.isoformat()} "
          f"({currencies}) to {args.out}: {pages} page(s).")
    return 0


def _today(args: argparse.Namespace) -> int:
    from models.daily import DaySettled, settle_day
    from models.db import default_store_path, run_in_store
    from models.today import WorkItem, worklist
    from reports.spreadsheet_csv import write_csv
    from reports.worklist_export import worklist_sheet, worklist_table

    as_of = args.as_of or dt.date.today()

    def read() -> tuple[DaySettled, list[WorkItem]]:
        settled = settle_day(as_of)  # the day's plans broken or completed, offers lapsed
        return settled, worklist(as_of)

    if args.format in ("xlsx", "pdf") and args.out is None:
        print(f"Say where to write the {args.format.upper()}: add --out FILE.", file=sys.stderr)
        return 2
    if args.format in ("table", "csv") and args.out is not None:
        print("--out is for --format xlsx or pdf; CSV and the table go to the screen "
              "(redirect them with >).", file=sys.stderr)
        return 2
    settled, items = run_in_store(args.db or default_store_path(), read)
    if args.format == "table":
        sys.stdout.write(worklist_table(items, as_of, settled))
    elif args.format == "csv":
        sheet = worklist_sheet(items, as_of)
        write_csv(sys.stdout, sheet.header, sheet.rows)
    else:
        return _today_file(args, as_of, items)
    return 0


def _today_file(args: argparse.Namespace, as_of: dt.date, items: list[Any]) -> int:
    from models.db import default_store_path, run_in_store
    from models.files import whole_file, write_failure_words
    from reports.spreadsheet_xlsx import write_xlsx
    from reports.worklist_export import worklist_sheet
    from reports.worklist_report import render_worklist_report, worklist_report_data

    today = dt.date.today()
    data = run_in_store(args.db or default_store_path(),
                        lambda: worklist_report_data(as_of, items, today=today))
    try:
        with whole_file(args.out) as partial:
            if args.format == "xlsx":
                write_xlsx(partial, [worklist_sheet(items, as_of)])
            else:
                render_worklist_report(data, partial)
    except OSError as exc:
        print(write_failure_words(exc, args.out), file=sys.stderr)
        return 2
    print(f"Wrote {len(items):,} item(s) to do on {as_of.isoformat()} to {args.out}.")
    return 0


def _actions(args: argparse.Namespace) -> int:
    from models.daily import DaySettled, settle_day
    from models.db import default_store_path, run_in_store
    from models.followup import FollowUpPlan, follow_up_plan
    from reports.actions_text import actions_table

    as_of = args.as_of or dt.date.today()

    def read() -> tuple[DaySettled, FollowUpPlan]:
        settled = settle_day(as_of)
        return settled, follow_up_plan(as_of)

    settled, plan = run_in_store(args.db or default_store_path(), read)
    sys.stdout.write(actions_table(plan, as_of, settled))
    return 0


def _log(args: argparse.Namespace) -> int:
    from models.contacts import ContactEntry, log_contact
    from models.customer_account import find_customer
    from models.db import default_store_path, run_in_store
    from models.kinds import Direction

    entry = ContactEntry(kind=args.kind, occurred_at=dt.datetime.now().replace(microsecond=0),
                         direction=Direction.INCOMING if args.incoming else Direction.OUTGOING,
                         summary=args.summary, outcome=args.outcome,
                         follow_up_on=args.follow_up)

    def record() -> str:
        customer_id = find_customer(args.customer)
        log_contact(customer_id, entry)
        return args.customer

    run_in_store(args.db or default_store_path(), record)
    follow = f"; follow up on {args.follow_up.isoformat()}" if args.follow_up else ""
    print(f"Recorded a {args.kind} with {args.customer}{follow}.")
    return 0


def _interest(args: argparse.Namespace) -> int:
    from models.db import default_store_path, run_in_store
    from models.interest import invoice_id_for, invoice_interest
    from reports.interest_text import interest_text

    as_of = args.as_of or dt.date.today()
    calculation = run_in_store(args.db or default_store_path(),
                               lambda: invoice_interest(invoice_id_for(args.invoice), as_of,
                                                        without_missing_rate=True))
    sys.stdout.write(interest_text(calculation, as_of))
    if calculation.missing_rate:  # the compensation is shown; the interest needs a rate
        print(calculation.missing_rate, file=sys.stderr)
        return 2
    return 0


def _statement(args: argparse.Namespace) -> int:
    from models.customer_account import find_customer
    from models.db import default_store_path, run_in_store
    from models.files import whole_file, write_failure_words
    from reports.activity_statement import activity_statement_data, render_activity_statement
    from reports.statement import render_open_item_statement, statement_data

    if args.activity and args.start is None:
        print("An activity statement needs its first day: add --from YYYY-MM-DD.",
              file=sys.stderr)
        return 2
    if not args.activity and (args.start or args.end):
        print("--from and --to are for an activity statement: add --activity.",
              file=sys.stderr)
        return 2
    today = dt.date.today()
    if args.activity:
        end = args.end or today
        data: Any = run_in_store(args.db or default_store_path(), lambda: activity_statement_data(
            find_customer(args.customer), args.start, end, today=today))
        render: Callable[[Any, Path], None] = render_activity_statement
    else:
        as_of = args.as_of or today
        data = run_in_store(args.db or default_store_path(),
                            lambda: statement_data(find_customer(args.customer), as_of))
        render = render_open_item_statement
    try:
        with whole_file(args.out) as partial:
            render(data, partial)
    except OSError as exc:
        print(write_failure_words(exc, args.out), file=sys.stderr)
        return 2
    for warning in data.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    print(f"Wrote the statement for {data.customer_name} to {args.out}.")
    return 0


def _letters(args: argparse.Namespace) -> int:
    from models.daily import settle_day
    from models.db import default_store_path, run_in_store
    from models.files import write_failure_words
    from models.schedule import scheduled_run
    from reports.due_letters import DueLettersResult, print_due_letters

    as_of = args.as_of or dt.date.today()
    def settle_and_print() -> DueLettersResult:
        with scheduled_run("letters --due", target=args.out) as run:
            for line in settle_day(as_of).lines():  # a plan broken today is chased again
                print(line)
            result = print_due_letters(as_of, args.out)
            run.succeeded, run.outcome = not result.skipped, _letters_outcome(result)
        return result

    try:
        result = run_in_store(args.db or default_store_path(), settle_and_print,
                              alongside=True)
    except OSError as exc:
        print(f"{write_failure_words(exc, args.out)} No letter was recorded as sent.",
              file=sys.stderr)
        return 2
    for skipped in result.skipped:
        print(f"Not printed: {skipped.customer_name}: {skipped.reason}", file=sys.stderr)
    for letter in result.printed:
        for warning in letter.warnings:
            print(f"Warning ({letter.customer_name}): {warning}", file=sys.stderr)
    if result.path is None:
        print(f"No letters are due on {as_of.isoformat()}; nothing was written.")
        return 0
    noun = "letter" if result.letters == 1 else "letters"
    print(f"Wrote {result.letters} {noun} ({result.pages} pages with the summary) to "
          f"{result.path} and recorded them as sent.")
    return 0


def _letters_outcome(result: Any) -> str:
    """How ``letters --due`` ended, in words for its last run."""
    noun = "letter" if result.letters == 1 else "letters"
    said = f"Wrote {result.letters} {noun} to {result.path}" if result.path is not None \
        else "No letters were due"
    if not result.skipped:
        return f"{said}."
    return f"{said}; {len(result.skipped)} not printed (see the command's output)."


def _send(args: argparse.Namespace) -> int:
    from models.db import default_store_path, run_in_store

    as_of = args.as_of or dt.date.today()
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    work = _dry_run if args.dry_run else _send_due
    return run_in_store(args.db or default_store_path(), lambda: work(as_of, password),
                        alongside=True)


def _mail_ready(password: str | None, *, dry_run: bool) -> tuple[Any, str | None] | str:
    """The mail settings and password to send with, or how to make them ready, in words."""
    from models.mail import mail_settings
    from models.mail_password import password_for

    settings = mail_settings()
    if settings is None:
        return ("Outgoing mail is not set up. Open Duly, go to Settings, Outgoing mail, and "
                "enter your mail server; then run this again.")
    if dry_run or not settings.username or password:
        return settings, password
    password = password_for(settings)
    if password is None:
        return (f"There is no password for {settings.username} on {settings.host}: none is "
                f"kept in the system keyring. Save it in Settings, Outgoing mail, or give it "
                f"on standard input with --password-stdin.")
    return settings, password


def _send_due(as_of: dt.date, password: str | None) -> int:
    from models.schedule import scheduled_run

    with scheduled_run("send --due") as run:
        ready = _mail_ready(password, dry_run=False)
        if isinstance(ready, str):
            print(ready, file=sys.stderr)
            run.succeeded, run.outcome = False, f"Nothing sent: {ready}"
            return 2
        said, failed = _send_queued(as_of, *ready)
        run.succeeded, run.outcome = not failed, said
    return 1 if failed else 0


def _send_queued(as_of: dt.date, settings: Any, password: str | None) -> tuple[str, bool]:
    """Queue the e-mails due and send the outbox; what was done in words, and whether
    any e-mail failed or may not have gone."""
    from models.daily import settle_day
    from models.outbox import outbox, send_queued
    from reports.email_reminders import queue_due_emails

    for line in settle_day(as_of).lines():  # a plan broken today is chased again
        print(line)
    queued = queue_due_emails(as_of)
    _report_queueing(queued)
    waiting = {row.id for row in outbox(["queued"])}
    result = send_queued(settings, password)
    for row in reversed(outbox(["sent"])):
        if row.id in waiting:
            print(f"Sent to {row.to}: \u201c{row.subject}\u201d")
    for name, reason in result.failed:
        print(f"Not sent: {name}: {reason}", file=sys.stderr)
    for name, subject in result.uncertain:
        print(f"Perhaps sent: {name}: \u201c{subject}\u201d. Duly was closed while sending "
              f"it; check your Sent folder, then retry it in Today if it did not go.",
              file=sys.stderr)
    noun = "e-mail" if result.sent == 1 else "e-mails"
    said = f"Sent {result.sent} {noun}" + (f"; {len(result.failed)} not sent (they stay in "
                                           f"the outbox to retry)." if result.failed else ".")
    print(said)
    return said, bool(result.failed or result.uncertain)


def _dry_run(as_of: dt.date, _password: str | None) -> int:
    from models.daily import settle_day
    from models.db import writing
    from models.outbox import outbox
    from reports.email_reminders import queue_due_emails

    ready = _mail_ready(None, dry_run=True)
    if isinstance(ready, str):
        print(ready, file=sys.stderr)
        return 2
    with writing() as transaction:
        settle_day(as_of)  # as sending would: a plan broken today is chased again
        queued = queue_due_emails(as_of)
        rows = outbox(["queued"])
        transaction.rollback()  # a dry run records nothing
    _report_queueing(queued)
    for row in sorted(rows, key=lambda r: (r.queued_at, r.id)):
        attached = f"; attached: {row.attachment_name}" if row.attachment_name else ""
        print(f"Would send to {row.to}: \u201c{row.subject}\u201d{attached}")
    noun = "e-mail" if len(rows) == 1 else "e-mails"
    print(f"Dry run: {len(rows)} {noun} would be sent; nothing was sent or recorded.")
    return 0


def _import(args: argparse.Namespace) -> int:
    from models.company import business_details
    from models.db import default_store_path, known_errors, open_store, reading
    from models.errors import LedgerError
    from models.imports.detect import detect, read_settings
    from models.imports.mappings import mapping_preset
    from models.imports.plan import plan_import
    from models.imports.run import ImportRefused, MissingChoice, run_import
    from models.imports.values import DateOrder
    from models.kinds import ImportSource
    from models.schedule import RunOutcome, scheduled_run
    from reports.import_summary import import_summary

    order = DateOrder.DAY_FIRST if args.day_first else \
        DateOrder.MONTH_FIRST if args.month_first else None
    missing = MissingChoice(args.missing)
    store = open_store(args.db or default_store_path(), alongside=True)
    recorded = contextlib.nullcontext(RunOutcome()) if args.dry_run \
        else scheduled_run("import")  # a dry run does nothing to record
    try:
        with known_errors(store.path), recorded as run:
            business = business_details()
            try:
                detected = detect(args.file, ImportSource(args.source) if args.source else None)
                preset = mapping_preset(args.mapping) if args.mapping else None
                if detected.note:
                    print(detected.note, file=sys.stderr)
                settings = read_settings(detected, currency=business.currency if business
                                         else "EUR", preset=preset, date_order=order)
            except LedgerError as error:
                print(error.message, file=sys.stderr)
                run.succeeded, run.outcome = False, f"Not imported: {error.message}"
                return 2
            if args.dry_run:
                with reading():  # one consistent view of the store, no write lock
                    plan = plan_import(args.file, settings)
                sys.stdout.write(import_summary(plan, settings, done=False, missing=missing))
                return 1 if plan.refused else 0
            try:
                result = run_import(args.file, settings, missing=missing,
                                    today=dt.date.today())
            except ImportRefused:
                plan = plan_import(args.file, settings)
                sys.stdout.write(import_summary(plan, settings, done=False, missing=missing))
                run.succeeded = False
                run.outcome = (f"Not imported: {len(plan.refused):,} row(s) of "
                               f"{plan.file_name} refused (see the command's output).")
                return 1
            summary = import_summary(result.plan, settings, done=True, missing=missing,
                                     started=result.started)
            sys.stdout.write(summary)
            run.outcome = f"Imported {result.plan.file_name}: {_import_counts(result.plan)}"
            return 0
    finally:
        store.close()


def _bank_formats() -> list[Any]:
    from models.kinds import BankFormat
    return list(BankFormat)


def _bank(args: argparse.Namespace) -> int:
    from models.bank_formats import read_statement, save_bank_mapping
    from models.bank_statements import preview, record, sure_choices
    from models.db import default_store_path, known_errors, open_store
    from models.errors import LedgerError
    from models.kinds import BankFormat
    from models.schedule import RunOutcome, scheduled_run
    from reports.bank_summary import bank_counts, bank_summary

    if args.list or args.undo is not None:
        return _bank_statements(args)
    if args.file is None:
        raise LedgerError("file", "Name the statement file to read (or --list, --undo).")
    store = open_store(args.db or default_store_path(), alongside=True)
    recorded = scheduled_run("bank") if args.accept_sure \
        else contextlib.nullcontext(RunOutcome())  # a dry run does nothing to record
    try:
        with known_errors(store.path), recorded as run:
            try:
                columns = _bank_columns(args.column, args.save_mapping, args.mapping)
                statement = read_statement(
                    args.file, format=BankFormat(args.format) if args.format else None,
                    mapping=args.mapping, currency=args.currency, columns=columns,
                    day_first=args.day_first)
                if args.save_mapping:
                    save_bank_mapping(args.save_mapping, columns or {})
                    print(f"Kept these columns as the mapping “{args.save_mapping}”: next "
                          f"time, --mapping \"{args.save_mapping}\".")
                matched = preview(statement)
            except LedgerError as error:
                print(error.message, file=sys.stderr)
                run.succeeded, run.outcome = False, f"Not read: {error.message}"
                return 2
            sys.stdout.write(bank_summary(matched))
            if not args.accept_sure:
                print(f"Dry run: nothing was recorded. {statement.file_name}: "
                      f"{bank_counts(matched)}.")
                return 0
            done = record(matched, sure_choices(matched), today=dt.date.today())
            left = len(matched.new_lines()) - done.recorded
            # The last line is the scheduled job's one-line summary (and its last run).
            words = (f"Recorded {done.recorded:,} payment(s) from {statement.file_name}; "
                     f"{left:,} credit(s) left to review in the window; "
                     f"{matched.already_done:,} credit(s) were already recorded or ignored.")
            print(words)
            run.outcome = words
            return 0
    finally:
        store.close()


def _bank_statements(args: argparse.Namespace) -> int:
    """``bank --list`` and ``bank --undo NUMBER``."""
    from models.bank_statements import recorded_statements, undo_statement
    from models.db import default_store_path, run_in_store
    from models.money import format_money

    def work() -> str:
        if args.undo is not None:
            voided = undo_statement(args.undo, args.reason)
            return (f"Statement {args.undo} undone: {voided:,} payment(s) voided; it can be "
                    f"imported again.\n")
        lines = [f"{s.id:>5}  {s.imported_at:%Y-%m-%d %H:%M}  {s.file_name} ({s.format}): "
                 f"{s.recorded:,} recorded ({format_money(s.recorded_minor, s.currency)}), "
                 f"{s.ignored:,} ignored" + (f"; undone {s.undone_at:%Y-%m-%d}"
                                              if s.undone_at else "")
                 for s in recorded_statements()]
        return "\n".join(lines or ["No bank statement has been imported."]) + "\n"

    sys.stdout.write(run_in_store(args.db or default_store_path(), work, alongside=True))
    return 0


def _bank_columns(typed: list[str], save_as: str | None,
                  mapping: str | None) -> dict[str, str] | None:
    """The ``--column WHAT=NAME`` options as {what: column name}, or None without any."""
    from models.errors import LedgerError

    if save_as and not typed:
        raise LedgerError("column", "Say which column holds what (--column day=Date "
                                    "--column amount=Amount ...) to keep them as a mapping.")
    if typed and mapping:
        raise LedgerError("column", "Read the CSV with a saved mapping (--mapping) or with "
                                    "--column options, not both.")
    columns = {}
    for option in typed:
        what, equals, name = option.partition("=")
        if not equals:
            raise LedgerError("column", f"“{option}” says no column: write it as WHAT=NAME, "
                                        f"e.g. --column amount=Amount.")
        columns[what.strip().lower()] = name.strip()
    return columns or None


def _import_counts(plan: Any) -> str:
    """An import's counts in a few words, for its last run."""
    counts = plan.counts()
    return (f"{counts['customers_new']:,} new and {counts['customers_changed']:,} changed "
            f"customers, {counts['invoices_new']:,} new and {counts['invoices_changed']:,} "
            f"changed invoices.")


def _offer(args: argparse.Namespace) -> int:
    from decimal import Decimal, InvalidOperation

    from models import offers
    from models.customer_account import customer_record, find_customer
    from models.db import default_store_path, run_in_store
    from models.interest import invoice_id_for
    from models.kinds import OfferKind
    from models.ledger import parse_amount
    from reports.offers_text import offers_text, preview_text

    as_of = args.as_of or dt.date.today()

    def work() -> str:
        if args.lapse:
            return f"{offers.settle_offers(as_of)} offer(s) lapsed.\n"
        if args.withdraw:
            offers.withdraw_offer(args.withdraw, args.reason, on=as_of)
            return f"Offer {args.withdraw} withdrawn.\n"
        customer_id = find_customer(args.customer or "")
        if not (args.settlement or args.loyalty):
            return offers_text(args.customer, offers.customer_offers(customer_id, as_of), as_of)
        if args.pay_by is None:
            raise ValueError("Say the last day to pay: add --pay-by YYYY-MM-DD.")
        try:
            percent = Decimal(args.percent) if args.percent else None
        except InvalidOperation as exc:
            raise ValueError(f"“{args.percent}” is not a percentage.") from exc
        pay_minor = (parse_amount(args.amount, customer_record(customer_id).currency)
                     if args.amount else None)
        kind = OfferKind.SETTLEMENT if args.settlement else OfferKind.LOYALTY
        invoice_ids = [invoice_id_for(n) for n in args.invoice]
        preview = offers.offer_preview(customer_id, kind, invoice_ids, pay_by=args.pay_by,
                                       as_of=as_of, percent=percent, pay_minor=pay_minor)
        if not args.dry_run:
            made = offers.make_offer(customer_id, kind, invoice_ids, pay_by=args.pay_by,
                                     as_of=as_of, percent=percent, pay_minor=pay_minor)
            return f"Offer {made} made. " + preview_text(preview)
        return "Dry run, nothing made. " + preview_text(preview)

    sys.stdout.write(run_in_store(args.db or default_store_path(), work))
    return 0


def _new(args: argparse.Namespace) -> int:
    from models.company import CompanyError, create_business
    from models.db import create_store, default_store_path

    path = args.db or default_store_path()
    try:
        create_store(path, fill=lambda: create_business(
            args.business, country=args.country.strip().upper(),
            currency=args.currency.strip().upper())).close()
    except CompanyError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"Created {args.business} in {path}.")
    return 0


def _profile(args: argparse.Namespace) -> int:
    from models.customer_account import find_customer
    from models.customer_class import assessed_profile
    from models.db import default_store_path, run_in_store
    from reports.profile_text import profile_text

    as_of = args.as_of or dt.date.today()
    assessed = run_in_store(args.db or default_store_path(),
                            lambda: assessed_profile(find_customer(args.customer), as_of))
    sys.stdout.write(profile_text(*assessed))
    return 0


def _report_queueing(queued: Any) -> None:
    for name in queued.without_address:
        print(f"Letter instead: {name} has no e-mail address; print the letter with "
              f"'letters --due'.")
    for name, reason in queued.skipped:
        print(f"Not queued: {name}: {reason}", file=sys.stderr)
    for name, reason in queued.without_interest:
        print(f"Queued without interest: {name}: {reason}", file=sys.stderr)


def opened_store(argv: list[str], parser: argparse.ArgumentParser) -> Path | None:
    """The store in ``duly FILE``: what the desktop runs when a store is double-clicked
    (the .desktop entry's ``Exec=duly %f``). None for any other command line."""
    if len(argv) != 1 or argv[0].startswith("-") or not Path(argv[0]).is_file():
        return None
    commands = next(action.choices for action in parser._actions
                    if isinstance(action, argparse._SubParsersAction))
    return None if argv[0] in commands else Path(argv[0])


def main(argv: list[str] | None = None, *, whole_process: bool = False) -> int:
    """Run a command, or open the window when none is given (on FILE, if given alone).
    ``whole_process``: this call is the process (:func:`run`), which ends with it."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    opened = opened_store(argv, parser)
    args = parser.parse_args([] if opened else argv)
    if args.command is None:
        from ui.window.app import run_window

        return run_window(args.db, opened=opened)
    # Only a process that is Duly alone keeps answers (models.kept_answers): a test's
    # process may have changed what Duly's modules do.
    args.command_line = argv if whole_process and args.command in _KEEPS_ANSWER else None
    if whole_process:
        _load_for_good()
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeText(sys.stdout), _SafeText(sys.stderr)
    try:
        return _run(args)
    finally:
        sys.stdout, sys.stderr = streams


def _run(args: argparse.Namespace) -> int:
    from models.errors import Refusal

    try:
        return args.handler(args)
    except Refusal as exc:  # the store, a backup: the user's environment, in words
        print(exc.message, file=sys.stderr)
        return 2
    except ValueError as exc:  # a rule of the business, e.g. demo into a used store
        print(exc, file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped early, e.g. `duly overdue | head`
        return _reader_gone()


def _reader_gone() -> int:
    """The reader of the output stopped early: the rest goes nowhere, and that is fine."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


# The commands whose answer is kept beside the store and given again while the store, the
# day and the program are unchanged (models.kept_answers): reads whose text depends on
# nothing else.
_KEEPS_ANSWER = frozenset({"overdue"})


def run() -> None:
    """Duly's process: ``duly``, ``python main.py`` and the bundle start here."""
    argv = sys.argv[1:]
    kept = _kept_answer(argv)
    if kept is not None:
        try:
            _SafeText(sys.stdout).write(kept)  # as the store's own text always is
            sys.stdout.flush()
        except BrokenPipeError:
            sys.exit(_reader_gone())
        sys.exit(0)
    sys.exit(main(argv, whole_process=True))


def _question(today: dt.date, argv: list[str]) -> tuple[str, ...]:
    """What a kept answer answers: the day it was asked on and the command line."""
    return (today.isoformat(), *argv)


def _kept_answer(argv: list[str]) -> str | None:
    """The answer kept for this command line today (:mod:`models.kept_answers`), if it
    may be given: a command that keeps its answer, on a store file (a server's address
    names no file: none is kept for it)."""
    command, store = _command_and_store(argv)
    if command not in _KEEPS_ANSWER:
        return None
    from models.kept_answers import kept_answer

    if store is None:
        from models.places import default_store_path

        store = str(default_store_path())
    return kept_answer(Path(store), _question(dt.date.today(), argv))


def _load_for_good() -> None:
    """Import the store's modules, which nearly every command uses, with the cyclic
    garbage collector paused, then put all they made out of its sight.

    Their objects live as long as the process, yet the collector would walk them some
    fifty times while they load and again as the interpreter ends: 14 of a cold
    ``duly overdue``'s 114 ms (docs/performance.md, stop 45). Only for a process that
    ends with the command: a frozen object is never collected, so a process that goes
    on (the tests) must not freeze what it made before. Not for the window, which
    paints before it imports the store's modules (and freezes once it has started)."""
    gc.disable()
    try:
        import models.db  # noqa: F401
    finally:
        gc.freeze()
        gc.enable()


if __name__ == "__main__":
    run()
