"""The business figures for a terminal (tables), a spreadsheet (CSV) or a program
(JSON): month by month DSO, best possible DSO, ADD and CEI, aging by month, the top
debtors and the cash expected. The figures themselves are :mod:`models.business_figures`'."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from models.accounts import bucket_labels
from models.business_figures import (
    DEFAULT_MONTHS,
    FORMULAS,
    BusinessFigures,
    CashExpected,
    Debtor,
    MonthFigures,
    business_figures,
    cash_expected,
    top_debtors,
)
from models.money import format_amount, format_money, from_minor
from reports.spreadsheet_csv import Cell, write_csv
from reports.text_table import text_table


@dataclass(frozen=True)
class Insights:
    """The business figures as one snapshot, for printing."""

    figures: BusinessFigures
    debtors: tuple[Debtor, ...]
    cash: CashExpected


def insights_snapshot(as_of: dt.date, months: int = DEFAULT_MONTHS, *,
                      today: dt.date | None = None) -> Insights:
    """Read every figure once: the last ``months`` whole months, the top debtors and the
    cash expected from ``as_of``."""
    return Insights(business_figures(as_of, months), tuple(top_debtors(as_of, today=today)),
                    cash_expected(as_of, today=today))


def _days(value: Decimal | None) -> str:
    return "–" if value is None else f"{value}"


def _percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{value}%"


def insights_table(insights: Insights) -> str:
    """The figures as plain-text tables, one set per currency."""
    figures = insights.figures
    out = [f"The business at a glance, as of {figures.as_of.isoformat()}", ""]
    if not figures.months:
        out.append("No invoices yet: nothing to show.")
    for currency in figures.currencies:
        months = figures.of_currency(currency)
        out += [f"== {currency}: month by month", *_months_table(months, currency), "",
                f"== {currency}: aging at each month end", *_aging_table(months, currency), ""]
        debtors = [d for d in insights.debtors if d.currency == currency]
        if debtors:
            out += [f"== {currency}: top {len(debtors)} debtors (balance at the last month "
                    f"ends)", *_debtors_table(debtors, currency), ""]
    weeks = insights.cash.weeks
    if weeks:
        out += ["== Cash expected in the next weeks", *text_table(
            ["Week from", "Cur", "Promised", "Instalments", "Usual delay", "Total"],
            [[w.first_day.isoformat(), w.currency,
              *(format_amount(m, w.currency) for m in (w.promised_minor, w.instalments_minor,
                                                       w.usual_delay_minor, w.total_minor))]
             for w in weeks], {2, 3, 4, 5})]
        for currency, late in insights.cash.late:
            out.append(f"Late beyond expecting (invoices past their customer's usual delay, "
                       f"instalments missed), not counted above: {format_money(late, currency)}")
        out += ["Usual delay: " + FORMULAS["usual_delay"], ""]
    out += ["DSO: " + FORMULAS["dso"], "DSO std: " + FORMULAS["dso_standard"],
            "Best DSO: " + FORMULAS["best_possible_dso"],
            "ADD: " + FORMULAS["average_days_delinquent"], "CEI: " + FORMULAS["cei"]]
    return "\n".join(out) + "\n"


def _months_table(months: Sequence[MonthFigures], currency: str) -> list[str]:
    header = ["Month end", "A/R", "Credit sales", "Current", "DSO", "DSO std", "Best DSO",
              "ADD", "CEI"]
    rows = [[m.month_end.isoformat(), format_amount(m.receivables_minor, currency),
             format_amount(m.credit_sales_minor, currency),
             format_amount(m.current_minor, currency), _days(m.dso), _days(m.dso_standard),
             _days(m.best_possible_dso), _days(m.average_days_delinquent), _percent(m.cei)]
            for m in months]
    return text_table(header, rows, set(range(1, len(header))))


def _aging_table(months: Sequence[MonthFigures], currency: str) -> list[str]:
    header = ["Month end", *bucket_labels()]
    rows = [[m.month_end.isoformat(), *(format_amount(b, currency) for b in m.aging)]
            for m in months]
    return text_table(header, rows, set(range(1, len(header))))


def _debtors_table(debtors: Sequence[Debtor], currency: str) -> list[str]:
    ends = [day for day, _ in debtors[0].history]
    header = ["Customer", "Balance", "Overdue", *(day.strftime("%b %Y") for day in ends)]
    rows = [[d.name, format_amount(d.balance_minor, currency),
             format_amount(d.overdue_minor, currency),
             *(format_amount(balance, currency) for _, balance in d.history)]
            for d in debtors]
    return text_table(header, rows, set(range(1, len(header))))


def write_insights_csv(figures: BusinessFigures, out: TextIO) -> None:
    """The month-by-month figures as CSV: one row per currency and month end, amounts as
    decimal numbers, days and percentages as numbers (empty where there is none)."""
    header = ["Currency", "Month end", "A/R", "Credit sales", "Current", "Overdue",
              "DSO (count-back)", "DSO (standard)", "Best possible DSO (count-back)",
              "Best possible DSO (standard)", "ADD", "CEI %",
              *(f"Aging {label}" for label in bucket_labels())]
    write_csv(out, header, (_csv_row(m) for m in figures.months))


def _csv_row(m: MonthFigures) -> list[Cell]:
    money = [from_minor(v, m.currency) for v in (m.receivables_minor, m.credit_sales_minor,
                                                 m.current_minor, m.overdue_minor)]
    return [m.currency, m.month_end, *money, m.dso, m.dso_standard, m.best_possible_dso,
            m.best_possible_dso_standard, m.average_days_delinquent, m.cei,
            *(from_minor(b, m.currency) for b in m.aging)]


def insights_json(insights: Insights) -> str:
    """Every figure as JSON: amounts in minor units with their currency (exact, as the
    store keeps them), days and percentages as numbers or null."""
    figures = insights.figures
    document: dict[str, Any] = {
        "as_of": figures.as_of.isoformat(),
        "formulas": FORMULAS,
        "aging_buckets": list(bucket_labels()),
        "months": [{
            "currency": m.currency, "month_end": m.month_end.isoformat(),
            "receivables_minor": m.receivables_minor,
            "credit_sales_minor": m.credit_sales_minor, "current_minor": m.current_minor,
            "aging_minor": list(m.aging), "dso": _number(m.dso),
            "dso_standard": _number(m.dso_standard),
            "best_possible_dso": _number(m.best_possible_dso),
            "best_possible_dso_standard": _number(m.best_possible_dso_standard),
            "average_days_delinquent": _number(m.average_days_delinquent),
            "cei_percent": _number(m.cei)} for m in figures.months],
        "top_debtors": [{
            "customer_code": d.code, "customer_name": d.name, "currency": d.currency,
            "balance_minor": d.balance_minor, "overdue_minor": d.overdue_minor,
            "history": [{"month_end": day.isoformat(), "balance_minor": balance}
                        for day, balance in d.history]} for d in insights.debtors],
        "cash_expected": {
            "weeks": [{"currency": w.currency, "first_day": w.first_day.isoformat(),
                       "last_day": w.last_day.isoformat(),
                       "promised_minor": w.promised_minor,
                       "instalments_minor": w.instalments_minor,
                       "usual_delay_minor": w.usual_delay_minor,
                       "total_minor": w.total_minor} for w in insights.cash.weeks],
            "late": [{"currency": c, "amount_minor": a} for c, a in insights.cash.late]},
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _number(value: Decimal | None) -> float | None:
    # One decimal place at most: exact enough as a JSON number.
    return None if value is None else float(value)
