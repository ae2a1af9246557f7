"""When a payment plan stops an invoice's interest and stage fees: from the day a plan
that freezes them is agreed until the day before it ends (a default, a cancellation, a
renegotiation), or for as long as it is kept. The one home of that rule, read by
``models.interest`` and ``models.charges``; it needs nothing but the store."""

from __future__ import annotations

import datetime as dt

from models.schema import PaymentPlan, PaymentPlanItem


def frozen_spans(invoice_id: int) -> tuple[tuple[dt.date, dt.date | None], ...]:
    """The days on which the invoice runs no interest and gets no stage fee, as (first,
    last) spans (last None: still running): each plan freezing charges that covers it,
    from the day it was agreed to the day before it ended."""
    rows = (PaymentPlan.select(PaymentPlan.agreed_on, PaymentPlan.ended_on)
            .join(PaymentPlanItem)
            .where((PaymentPlanItem.invoice == invoice_id) & PaymentPlan.freeze_charges)
            .order_by(PaymentPlan.agreed_on).tuples())
    return tuple((agreed, ended - dt.timedelta(days=1) if ended is not None else None)
                 for agreed, ended in rows if ended is None or ended > agreed)


def charges_frozen_on(invoice_id: int, day: dt.date) -> bool:
    """Whether a plan freezes the invoice's interest and fees on ``day``."""
    return any(first <= day and (last is None or day <= last)
               for first, last in frozen_spans(invoice_id))
