"""The write-offs of a period for the accountant: a sheet (XLSX or CSV, the columns of
:mod:`reports.write_offs_text`) and the bad-debt note as a PDF, each write-off with its
VAT share and the first day UK bad-debt relief can be claimed, and the totals.

Snapshot, then render: :func:`write_offs_report_data` reads the store once (the
business's name and paper); :func:`render_write_offs_report` reads nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from models.company import business_details, page_size_for
from models.dates import long_date, short_date
from models.kinds import WriteOffReason
from models.money import format_money
from models.write_offs import WriteOffRow
from reports.document import DeskReport
from reports.fonts import markup
from reports.plain_table import PlainTable, TableLook, column_width
from reports.spreadsheet_xlsx import Sheet
from reports.write_offs_text import HEADER, VAT_NOTE, write_off_cells

_LOOK = TableLook(body_size=7.5, total_size=8, padding=2, body_padding=2)
_HEADING = ["Customer", "Invoice", "Written off", "Reason", "Amount", "VAT share",
            "Relief from", "State"]
_RIGHT_FROM = 4


def write_offs_sheet(rows: Sequence[WriteOffRow], period: str) -> Sheet:
    """The write-offs as a sheet titled by the period ("Write-offs 2026")."""
    return Sheet(f"Write-offs {period}".strip(), HEADER, [write_off_cells(r) for r in rows])


def state_text(row: WriteOffRow) -> str:
    """How the write-off stands: "" (it stands) or "Reversed on 3 Mar 2027"."""
    return f"Reversed {short_date(row.reversed_on)}" if row.reversed_on else ""


def totals_text(rows: Sequence[WriteOffRow]) -> list[tuple[str, str, str]]:
    """(currency, amount, VAT share) of the write-offs that stand, per currency."""
    sums: dict[str, list[int]] = {}
    for row in rows:
        if row.reversed_on is None:
            pair = sums.setdefault(row.currency, [0, 0])
            pair[0] += row.amount_minor
            pair[1] += row.vat_minor
    return [(currency, format_money(amount, currency), format_money(vat, currency))
            for currency, (amount, vat) in sorted(sums.items())]


@dataclass(frozen=True)
class WriteOffsReportData:
    """What the bad-debt note prints."""

    period: str  # "1 Jan 2026 to 31 Dec 2026", or "all"
    printed_on: dt.date
    business_name: str
    page_size: str
    rows: tuple[WriteOffRow, ...]


def write_offs_report_data(rows: Sequence[WriteOffRow], period: str, *,
                           today: dt.date | None = None) -> WriteOffsReportData:
    """The report's snapshot of ``rows`` (the list as shown) for ``period``."""
    business = business_details()
    return WriteOffsReportData(
        period=period, printed_on=today or dt.date.today(),
        business_name=business.name if business else "",
        page_size=business.page_size if business else page_size_for(""), rows=tuple(rows))


def render_write_offs_report(data: WriteOffsReportData, out: BinaryIO | str | Path) -> int:
    """Write the bad-debt note's PDF; returns its number of pages."""
    return _WriteOffsReport(data).render(out)


def _cells(row: WriteOffRow) -> list[str]:
    vat = format_money(row.vat_minor, row.currency) if row.vat_percent is not None else "–"
    return [f"{row.customer_name} ({row.customer_code})", row.invoice_number,
            short_date(row.written_off_on), WriteOffReason.word_for(row.reason),
            format_money(row.amount_minor, row.currency), vat, short_date(row.relief_from),
            state_text(row).replace(" ", "\n", 1)]


class _WriteOffsReport(DeskReport):
    """The bad-debt note for the accountant."""

    def __init__(self, data: WriteOffsReportData) -> None:
        super().__init__(data.page_size, data.business_name)
        self.data = data

    def title(self) -> str:
        return "Bad debts written off"

    def story(self, width: float) -> list[Flowable]:
        data, style = self.data, self.style
        about = " · ".join(part for part in (
            data.business_name, f"Period: {data.period}", f"printed {long_date(data.printed_on)}")
            if part)
        story: list[Flowable] = [Paragraph(markup(self.title()), style["title"]),
                                 Paragraph(markup(about), style["small"]), Spacer(1, 4 * mm)]
        if not data.rows:
            story.append(Paragraph("No write-offs in this period.", style["body"]))
            return story
        body = [_cells(row) for row in data.rows]
        totals = [[f"Total written off ({currency})", amount, vat, "", ""]
                  for currency, amount, vat in totals_text(data.rows)]
        # The totals' amounts sit under the amount and VAT columns (after the label's 4).
        widths = [column_width(title, [row[n] for row in body]
                               + [row[n - 3] for row in totals if n in (4, 5)], _LOOK)
                  for n, title in enumerate(_HEADING)]
        widths[0] = max(width - sum(widths[1:]), width / 8)  # the customer wraps
        if sum(widths) > width:  # never wider than the page
            widths = [w * width / sum(widths) for w in widths]
        story.append(PlainTable(_HEADING, body, totals, widths, right_from=_RIGHT_FROM,
                                label_span=4, look=_LOOK))
        story += [Spacer(1, 4 * mm), Paragraph(markup(VAT_NOTE), style["small"])]
        return story
