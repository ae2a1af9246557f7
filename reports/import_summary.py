"""What an import would do (the dry run) or did, as text for a terminal or a log."""

from __future__ import annotations

from models.imports.plan import TO_CONFIRM, ImportPlan, Match
from models.imports.records import ReadSettings
from models.imports.run import MissingChoice
from models.imports.values import DateOrder
from models.money import format_money

_SHOWN = 20  # rows listed per section; the rest are counted


def import_summary(plan: ImportPlan, settings: ReadSettings, *, done: bool,
                   missing: MissingChoice, started: str | None = None) -> str:
    """The plan in words: what is new, changed, unchanged, skipped and refused (with
    lines and reasons), customers found by name, VAT number or e-mail, conflicts, invoices
    no longer in the file; and whether it was imported (and then, ``started``: where its
    long-overdue invoices' reminders started, in words)."""
    counts = plan.counts()
    order = {DateOrder.DAY_FIRST: "day first", DateOrder.MONTH_FIRST: "month first",
             None: "ISO"}[settings.date_order]
    out = [f"Read {plan.file_name} as {settings.preset.title} (dates {order}, amounts like "
           f"1{'.' if settings.decimal_mark == ',' else ','}234{settings.decimal_mark}50).",
           f"Customers: {counts['customers_new']:,} new, {counts['customers_changed']:,} "
           f"changed, {counts['customers_unchanged']:,} unchanged."]
    invoices = counts["invoices_new"] + counts["invoices_changed"] + counts["invoices_unchanged"]
    if invoices or counts["skipped"] or counts["refused"]:
        out.append(f"Invoices: {counts['invoices_new']:,} new, {counts['invoices_changed']:,}"
                   f" changed, {counts['invoices_unchanged']:,} unchanged.")
    if counts["starting_late"]:
        accounts = counts["accounts_starting_late"]
        where = f"started {started}" if done and started else (
            "start at the first one (unless another start is chosen), not at the stage "
            "their age has reached")
        out.append(f"{counts['starting_late']:,} of the new invoices, in {accounts:,} "
                   f"account{'' if accounts == 1 else 's'}, "
                   f"{'were' if done else 'are'} long overdue: their reminders {where}.")
    if plan.latest_again:
        out.append("This very file is the last one imported from this program: nothing in "
                   "it is new.")
    elif plan.same_file_as is not None:
        out.append("This very file was imported before.")
    out += _section("Found by name, VAT number or e-mail (check each is the same customer):", [
        f"{step.record.name} (line {step.record.line}): {found_by(step.match)}"
        for step in plan.customers if step.match in TO_CONFIRM])
    out += _section("Changed:", [
        f"{step.record.number}: " + "; ".join(
            f"{c.field} {c.before} → {c.after}" for c in step.changes)
        for step in plan.invoices if step.changes])
    out += _section("Payments the file shows:", [
        f"{step.record.number}: {format_money(step.pays_minor, step.record.currency)} paid"
        for step in plan.invoices if step.pays_minor and step.invoice_id is not None])
    out += _section("Conflicts, kept as Duly has them (changed in Duly and in the file):", [
        f"{c.what}, {c.field}: Duly {c.in_duly}, file {c.in_file} (line {c.line})"
        for c in plan.conflicts])
    then = "taken as paid" if missing is MissingChoice.PAID else "left open"
    out += _section(f"No longer in the file, still open in Duly ({then}):", [
        f"{m.number} {m.customer_name}: {format_money(m.open_minor, m.currency)}"
        for m in plan.missing])
    out += _section("Skipped:", [f"line {r.line}: {r.reason}" for r in plan.skipped])
    out += _section("Refused:", [f"line {r.line}: {r.reason}" if r.line else r.reason
                                 for r in plan.refused])
    if plan.refused:
        out.append("Nothing was imported: correct the refused rows and import again.")
    elif not done:
        out.append("Dry run: nothing was written.")
    elif plan.changes_nothing and not (plan.missing and missing is MissingChoice.PAID):
        out.append("Nothing to import: the store already has all of it.")
    else:
        out.append("Imported.")
    return "\n".join(out) + "\n"


def found_by(match: Match) -> str:
    """What a customer found here for the user to confirm has in common with the file's."""
    return {Match.NAME: "same name", Match.TAX_NUMBER: "same VAT number",
            Match.EMAIL: "same e-mail address"}[match]


def _section(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    shown = [f"  {line}" for line in lines[:_SHOWN]]
    if len(lines) > _SHOWN:
        shown.append(f"  … and {len(lines) - _SHOWN:,} more")
    return [title, *shown]
