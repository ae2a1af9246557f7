"""The aging report as a PDF for the business's own records: each currency's accounts
with what they owe by age (current, 1–30, 31–60, 61–90, over 90 days overdue) and
the currency's totals, on the shared document renderer ("Page X of Y" on each page).

Snapshot, then render: :func:`aging_report_data` reads the store once;
:func:`render_aging_report` reads nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from models.accounts import (
    DEFAULT_BUCKET_EDGES,
    AccountRow,
    CurrencyTotals,
    bucket_labels,
    currency_totals,
    overdue_accounts,
)
from models.company import business_details, page_size_for
from models.dates import long_date
from models.money import format_amount
from reports.document import DeskReport
from reports.fonts import BOLD, markup, text_width
from reports.plain_table import PlainTable, TableLook, column_width

_LOOK = TableLook(body_size=8, total_size=8.5, padding=2.2, body_padding=2.2)


@dataclass(frozen=True)
class AgingReportData:
    """What the report prints: the accounts as of a day, by currency, with totals."""

    as_of: dt.date
    printed_on: dt.date
    business_name: str
    page_size: str
    edges: tuple[int, ...]
    accounts: tuple[AccountRow, ...]
    totals: tuple[CurrencyTotals, ...]
    include_all: bool
    selection: str = ""  # which accounts, when not all of them: "Filtered: EUR (3 of 58)"


def aging_report_data(as_of: dt.date, *, include_all: bool = False,
                      today: dt.date | None = None,
                      rows: Sequence[AccountRow] | None = None,
                      selection: str = "") -> AgingReportData:
    """The aging report's snapshot: the overdue accounts on ``as_of`` (every account
    with ``include_all``), or the ``rows`` already read (the window's list, with
    ``selection`` saying which of them when filtered)."""
    today = today or dt.date.today()
    accounts = tuple(rows if rows is not None
                     else overdue_accounts(as_of, today=today, include_all=include_all))
    business = business_details()
    return AgingReportData(
        as_of=as_of, printed_on=today, business_name=business.name if business else "",
        page_size=business.page_size if business else page_size_for(""),
        edges=DEFAULT_BUCKET_EDGES, accounts=accounts, totals=tuple(currency_totals(accounts)),
        include_all=include_all, selection=selection)


def render_aging_report(data: AgingReportData, out: BinaryIO | str | Path) -> int:
    """Write the aging report's PDF; returns its number of pages."""
    return _AgingReport(data).render(out)


class _AgingReport(DeskReport):
    """The report for the business itself."""

    def __init__(self, data: AgingReportData) -> None:
        super().__init__(data.page_size, data.business_name)
        self.data = data

    def title(self) -> str:
        return f"Aging report as of {long_date(self.data.as_of)}"

    def story(self, width: float) -> list[Flowable]:
        data, style = self.data, self.style
        which = "All accounts" if data.include_all else "Accounts with money overdue"
        story: list[Flowable] = [
            Paragraph(markup(self.title()), style["title"]),
            Paragraph(markup(" · ".join(part for part in (
                data.business_name, which, data.selection,
                f"printed {long_date(data.printed_on)}") if part)), style["small"]),
            Spacer(1, 4 * mm),
        ]
        if not data.accounts:
            story.append(Paragraph("Nothing is overdue.", style["body"]))
        heading = ["Customer", "Account", "Balance", *bucket_labels(self.data.edges)]
        parts = [(total.currency, *self._rows(total)) for total in data.totals]
        widths = self._widths(heading, parts, width)  # one set: the currencies' columns align
        for currency, body, totals in parts:
            story += [Paragraph(markup(f"Amounts in {currency}"), style["heading"]),
                      PlainTable(heading, body, totals, widths, right_from=2, label_span=2,
                                 look=_LOOK)]
        return story

    def _rows(self, total: CurrencyTotals) -> tuple[list[list[str]], list[list[str]]]:
        """A currency's accounts and its total row, as the table shows them."""
        currency = total.currency
        rows = [r for r in self.data.accounts if r.currency == currency]
        body = [[r.name, r.code, format_amount(r.balance_minor, currency),
                 *(format_amount(b, currency) for b in r.buckets)] for r in rows]
        count = f"{total.accounts} account{'s' if total.accounts != 1 else ''}"
        totals = [[f"Total ({count})", format_amount(total.balance_minor, currency),
                   *(format_amount(b, currency) for b in total.buckets)]]
        return body, totals

    @staticmethod
    def _widths(heading: list[str], parts: list[tuple[str, list[list[str]], list[list[str]]]],
                width: float) -> list[float]:
        """The columns as wide as their widest text in any currency's table; the
        customer's name takes the rest."""
        body = [row for _, rows, _ in parts for row in rows]
        widths = [column_width(title, [row[n] for row in body], _LOOK)
                  for n, title in enumerate(heading)]
        for _, _, totals in parts:  # the totals are bold and a little larger
            for n, text in enumerate(totals[0][1:], 2):
                widths[n] = max(widths[n], text_width(text, BOLD, _LOOK.total_size) + 12)
        widths[0] = max(width - sum(widths[1:]), width / 5)
        return widths
