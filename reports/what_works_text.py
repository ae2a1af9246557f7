"""What works, for a terminal (tables), a spreadsheet (CSV or worksheets) or a program
(JSON): each stage, channel, tone and template with what was paid after it against the
baseline, and template A against template B. The figures are :mod:`models.what_works`'."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO

from models.kinds import CustomerClass
from models.what_works import (
    NOT_ENOUGH,
    WINDOWS,
    BaselineBucket,
    TemplateComparison,
    WhatWorks,
    WhatWorksRow,
)
from reports.spreadsheet_csv import Cell, write_csv
from reports.spreadsheet_xlsx import Sheet
from reports.text_table import text_table

ALL_CUSTOMERS = "All customers"

ROW_HEADER = ("Class", "By", "Which", "Cases", *(f"Paid in {d} days %" for d in WINDOWS),
              "Median days", *(f"Baseline {d} days %" for d in WINDOWS),
              *(f"Uplift {d} days (points)" for d in WINDOWS), "Note")
COMPARISON_HEADER = ("Class", "Stage", "Template A", "Template B", "Cases A", "Cases B",
                     "A paid in full in 14 days %", "B paid in full in 14 days %",
                     "Difference (points)", "z", "Verdict")
BASELINE_HEADER = ("Class", "Days overdue", "Account-days",
                   *(f"Paid in {d} days %" for d in WINDOWS))


def class_words(customer_class: CustomerClass | None) -> str:
    """The class as a reader names it ("All customers" for none)."""
    return ALL_CUSTOMERS if customer_class is None else customer_class.word


def median_words(row: WhatWorksRow) -> str:
    """The median days to payment in full, or "over 30"."""
    return "over 30" if row.median_days is None else str(row.median_days)


def row_note(row: WhatWorksRow) -> str:
    """What a reader should know before trusting the row ("" when nothing)."""
    if not row.enough:
        return NOT_ENOUGH
    if row.uplift_points[1] is None:
        return "no baseline (sent before the due date)"
    return ""


def row_cells(row: WhatWorksRow) -> list[Cell]:
    """One row as data: numbers as numbers, None where there is none."""
    return [class_words(row.customer_class), row.aspect.word, row.value, row.cases,
            *row.paid_percent, row.median_days, *row.baseline_percent, *row.uplift_points,
            row_note(row)]


def comparison_cells(comparison: TemplateComparison) -> list[Cell]:
    """One comparison as data."""
    z = None if comparison.z is None else Decimal(str(comparison.z))
    return [class_words(comparison.customer_class), comparison.stage, comparison.template_a,
            comparison.template_b, comparison.cases_a, comparison.cases_b,
            comparison.percent_a, comparison.percent_b, comparison.difference_points, z,
            comparison.verdict]


def baseline_cells(bucket: BaselineBucket) -> list[Cell]:
    """One bucket of the baseline as data."""
    return [class_words(bucket.customer_class), bucket.label, bucket.account_days,
            *bucket.paid_percent]


def what_works_sheets(answer: WhatWorks,
                      customer_class: CustomerClass | None = None) -> list[Sheet]:
    """The tables of all customers (or one class) as worksheets: the rows, the template
    comparisons and the baseline."""
    return [
        Sheet("What works", ROW_HEADER, [row_cells(r) for r in answer.rows_for(customer_class)]),
        Sheet("Template A against B", COMPARISON_HEADER,
              [comparison_cells(c) for c in answer.comparisons_for(customer_class)]),
        Sheet("Baseline", BASELINE_HEADER,
              [baseline_cells(b) for b in answer.baseline
               if b.customer_class == customer_class]),
    ]


def _percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{value}%"


def _points(value: Decimal | None) -> str:
    return "–" if value is None else f"{value:+}"


def assumed_templates_words(count: int) -> str:
    """How many older letters and e-mails count under their stage's template now."""
    if count == 1:
        return ("1 older letter or e-mail counts under the template its stage sends now "
                "(Duly did not keep its template then).")
    return (f"{count:,} older letters and e-mails count under the template their stage "
            f"sends now (Duly did not keep their template then).")


def what_works_table(answer: WhatWorks) -> str:
    """The tables as plain text: all customers first, then each class."""
    out = [f"What works, as of {answer.as_of.isoformat()}", ""]
    if not answer.rows:
        out.append("No reminders at least 30 days old yet: nothing to measure.")
    for scope in (None, *answer.classes):
        rows = answer.rows_for(scope)
        if not rows:
            continue
        out += [f"== {class_words(scope)}: paid after each reminder", *text_table(
            ["By", "Which", "Cases", *(f"{d} d" for d in WINDOWS), "Median d",
             "Baseline 14 d", "Uplift 14 d", "Note"],
            [[r.aspect.word, r.value, str(r.cases), *(_percent(p) for p in r.paid_percent),
              median_words(r), _percent(r.baseline_percent[1]),
              _points(r.uplift_points[1]) if r.enough else "–",  # no uplift on too few
              row_note(r)] for r in rows], {2, 3, 4, 5, 6, 7, 8}), ""]
        comparisons = answer.comparisons_for(scope)
        if comparisons:
            out += [f"== {class_words(scope)}: template A against B at the same stage "
                    f"(paid in full within 14 days)", *text_table(
                        ["Stage", "A", "B", "Cases A", "Cases B", "A %", "B %", "z",
                         "Verdict"],
                        [[c.stage, c.template_a, c.template_b, str(c.cases_a),
                          str(c.cases_b), _percent(c.percent_a), _percent(c.percent_b),
                          "–" if c.z is None else f"{c.z:.2f}", c.verdict]
                         for c in comparisons], {3, 4, 5, 6, 7}), ""]
    buckets = [b for b in answer.baseline if b.customer_class is None]
    if buckets:
        out += [f"== Baseline: accounts not chased in the 14 days before, every class "
                f"together ({answer.baseline_customers} customers sampled; a row is "
                f"compared within each class)", *text_table(
                    ["Days overdue", "Account-days", *(f"{d} d" for d in WINDOWS)],
                    [[b.label, str(b.account_days), *(_percent(p) for p in b.paid_percent)]
                     for b in buckets], {1, 2, 3, 4}), ""]
    if not answer.comparisons:
        out += ["Template A against B: not enough cases yet (no stage has had its letters "
                "or e-mails written from two templates).", ""]
    if answer.assumed_templates:
        out += [assumed_templates_words(answer.assumed_templates), ""]
    out += ["How it is measured:", *answer.method.split("\n")]
    return "\n".join(out) + "\n"


def write_what_works_csv(answer: WhatWorks, out: TextIO) -> None:
    """Every row (all customers, then each class) as CSV, numbers as numbers."""
    write_csv(out, ROW_HEADER, (row_cells(r) for r in answer.rows))


def _number(value: Decimal | None) -> float | None:
    # One decimal place at most: exact enough as a JSON number.
    return None if value is None else float(value)


def _numbers(values: Sequence[Decimal | None]) -> list[float | None]:
    return [_number(v) for v in values]


def what_works_json(answer: WhatWorks) -> str:
    """Every figure as JSON: shares in percent, uplifts in points, null where none."""
    def scope(value: CustomerClass | None) -> str | None:
        return None if value is None else str(value)

    document: dict[str, Any] = {
        "as_of": answer.as_of.isoformat(), "windows_days": list(WINDOWS),
        "method": answer.method, "baseline_customers": answer.baseline_customers,
        "assumed_templates": answer.assumed_templates,
        "rows": [{
            "customer_class": scope(r.customer_class), "by": str(r.aspect), "which": r.value,
            "cases": r.cases, "enough_cases": r.enough, "chased_minor": r.chased_minor,
            "paid_percent": _numbers(r.paid_percent), "median_days": r.median_days,
            "baseline_percent": _numbers(r.baseline_percent),
            "uplift_points": _numbers(r.uplift_points)} for r in answer.rows],
        "comparisons": [{
            "customer_class": scope(c.customer_class), "stage": c.stage,
            "template_a": c.template_a, "template_b": c.template_b, "cases_a": c.cases_a,
            "cases_b": c.cases_b, "settled_within_14_a": c.settled_a,
            "settled_within_14_b": c.settled_b, "z": c.z, "significant": c.significant,
            "verdict": c.verdict} for c in answer.comparisons],
        "baseline": [{
            "customer_class": scope(b.customer_class), "days_overdue": b.label,
            "account_days": b.account_days, "paid_percent": _numbers(b.paid_percent)}
            for b in answer.baseline],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

