"""Today's work list as a PDF for the business's own desk: each item to do with its
customer, what it is about, since when, how long it has waited and the amount, on the
shared document renderer ("Page X of Y" on each page).

Snapshot, then render: :func:`worklist_report_data` reads the store once (the
business's name and paper); :func:`render_worklist_report` reads nothing.
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
from models.money import format_money
from models.today import WorkItem, details_text, kind_text, waiting_text, worklist_summary
from reports.document import DeskReport
from reports.fonts import markup
from reports.plain_table import PlainTable, TableLook, column_width

_LOOK = TableLook(body_size=8, total_size=8.5, padding=2.2, body_padding=2.2)
_HEADING = ["What", "Customer", "Details", "Due since", "Waiting", "Amount"]
_RIGHT_FROM = 3  # the day, the wait and the amount are on the right


@dataclass(frozen=True)
class WorklistReportData:
    """What the report prints: the items to do on a day, in the order given."""

    as_of: dt.date
    printed_on: dt.date
    business_name: str
    page_size: str
    items: tuple[WorkItem, ...]
    selection: str = ""  # which items, when not the whole list: "3 of 12 items shown"


def worklist_report_data(as_of: dt.date, items: Sequence[WorkItem], *,
                         today: dt.date | None = None,
                         selection: str = "") -> WorklistReportData:
    """The report's snapshot: ``items`` (the window's list as shown, or the command
    line's) as the work to do on ``as_of``; ``selection`` says which items when they are
    not the whole list."""
    business = business_details()
    return WorklistReportData(
        as_of=as_of, printed_on=today or dt.date.today(),
        business_name=business.name if business else "",
        page_size=business.page_size if business else page_size_for(""),
        items=tuple(items), selection=selection)


def render_worklist_report(data: WorklistReportData, out: BinaryIO | str | Path) -> int:
    """Write the work list's PDF; returns its number of pages."""
    return _WorklistReport(data).render(out)


def report_cells(item: WorkItem) -> list[str]:
    """One item's row as the report prints it (the columns of ``_HEADING``)."""
    amount = format_money(item.amount_minor, item.currency) \
        if item.amount_minor is not None else ""
    return [kind_text(item), f"{item.customer_name} ({item.customer_code})",
            details_text(item), short_date(item.due_on), waiting_text(item), amount]


class _WorklistReport(DeskReport):
    """The report for the business itself."""

    def __init__(self, data: WorklistReportData) -> None:
        super().__init__(data.page_size, data.business_name)
        self.data = data

    def title(self) -> str:
        return f"Work list for {long_date(self.data.as_of)}"

    def story(self, width: float) -> list[Flowable]:
        data, style = self.data, self.style
        about = " · ".join(part for part in (
            data.business_name, worklist_summary(data.items), data.selection,
            f"printed {long_date(data.printed_on)}") if part)
        story: list[Flowable] = [
            Paragraph(markup(self.title()), style["title"]),
            Paragraph(markup(about), style["small"]),
            Spacer(1, 4 * mm),
        ]
        if not data.items:
            story.append(Paragraph("Nothing to do.", style["body"]))
            return story
        body = [report_cells(item) for item in data.items]
        story.append(PlainTable(_HEADING, body, [], self._widths(body, width),
                                right_from=_RIGHT_FROM, label_span=1, look=_LOOK))
        return story

    @staticmethod
    def _widths(body: list[list[str]], width: float) -> list[float]:
        """Each column as wide as its widest text, what to do and the customer at most
        about a sixth of the page each (longer text wraps); the details take the rest."""
        widths = [column_width(title, [row[n] for row in body], _LOOK)
                  for n, title in enumerate(_HEADING)]
        widths[0] = min(widths[0], width * 0.15)
        widths[1] = min(widths[1], width * 0.19)
        widths[2] = max(width - sum(widths) + widths[2], width / 5)
        return widths
