"""Central-bank reference rates: the dated table statutory late-payment interest reads.

A row says the rate of a series in force from a day until the next row of the
same series. The table is only as current as its latest row: a rate asked for a
day after it may have changed since, so Duly says which rate is missing rather
than assume it did not (see :func:`rate_in_force`).

Shipped rows (:data:`SHIPPED_RATES`) carry their citation. Only figures that
could be checked against the central bank's own table or its published
decision are shipped; the rest is for the user to add in Settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import peewee as pw

from models.audit import record_change
from models.dates import short_date, stored_day
from models.db import writing
from models.errors import LedgerError
from models.schema import ReferenceRate
from models.steady import steady_answer
from models.users import Permission, require

BOE_BASE = "BOE_BASE"
ECB_MRO = "ECB_MRO"
DE_BASE = "DE_BASIS"

SERIES_NAMES: dict[str, str] = {
    BOE_BASE: "Bank of England base rate",
    ECB_MRO: "ECB main refinancing operations rate",
    DE_BASE: "Basiszinssatz (German base rate, BGB § 247)",
}

_BOE_TABLE = ("Bank of England, Bank Rate history "
              "(https://www.bankofengland.co.uk/boeapps/database/Bank-Rate.asp)")
_ECB_TABLE = ("ECB, Key ECB interest rates, main refinancing operations, fixed rate "
              "(https://www.ecb.europa.eu/stats/policy_and_exchange_rates/"
              "key_ecb_interest_rates/html/index.en.html)")


@dataclass(frozen=True)
class ReferenceRateValue:
    """One row of the table: a series' rate in force from a day, and where it comes from."""

    series: str
    effective_from: dt.date
    rate_percent: Decimal
    source: str


class MissingRate(LedgerError):
    """A reference rate a calculation needs is not in the table."""

    def __init__(self, series: str, day: dt.date, message: str) -> None:
        super().__init__("reference_rate", message)
        self.series = series
        self.day = day


def _boe(day: str, rate: str, decision: str) -> ReferenceRateValue:
    return ReferenceRateValue(BOE_BASE, dt.date.fromisoformat(day), Decimal(rate),
                              f"{_BOE_TABLE}; {decision}")


_DE_TABLE = ("Deutsche Bundesbank, Basiszinssatz nach § 247 BGB, announced in the "
             "Bundesanzeiger (https://www.bundesbank.de/de/bundesbank/organisation/"
             "agb-und-regelungen/basiszinssatz-607820)")


def _de(day: str, rate: str, note: str) -> ReferenceRateValue:
    return ReferenceRateValue(DE_BASE, dt.date.fromisoformat(day), Decimal(rate),
                              f"{_DE_TABLE}; {note}")


def _ecb(day: str, rate: str, decision: str) -> ReferenceRateValue:
    return ReferenceRateValue(ECB_MRO, dt.date.fromisoformat(day), Decimal(rate),
                              f"{_ECB_TABLE}; {decision}")


# Bank Rate changes take effect on the day the MPC announces them.
SHIPPED_RATES: tuple[ReferenceRateValue, ...] = (
    _boe("2021-12-16", "0.25", "MPC decision announced 16 Dec 2021"),
    _boe("2022-02-03", "0.50", "MPC decision announced 3 Feb 2022"),
    _boe("2022-03-17", "0.75", "MPC decision announced 17 Mar 2022"),
    _boe("2022-05-05", "1.00", "MPC decision announced 5 May 2022"),
    _boe("2022-06-16", "1.25", "MPC decision announced 16 Jun 2022"),
    _boe("2022-08-04", "1.75", "MPC decision announced 4 Aug 2022"),
    _boe("2022-09-22", "2.25", "MPC decision announced 22 Sep 2022"),
    _boe("2022-11-03", "3.00", "MPC decision announced 3 Nov 2022"),
    _boe("2022-12-15", "3.50", "MPC decision announced 15 Dec 2022"),
    _boe("2023-02-02", "4.00", "MPC decision announced 2 Feb 2023"),
    _boe("2023-03-23", "4.25", "MPC decision announced 23 Mar 2023"),
    _boe("2023-05-11", "4.50", "MPC decision announced 11 May 2023"),
    _boe("2023-06-22", "5.00", "MPC decision announced 22 Jun 2023"),
    _boe("2023-08-03", "5.25", "MPC decision announced 3 Aug 2023"),
    _boe("2024-08-01", "5.00", "MPC decision announced 1 Aug 2024"),
    _boe("2024-11-07", "4.75", "MPC decision announced 7 Nov 2024"),
    _boe("2025-02-06", "4.50", "MPC decision announced 6 Feb 2025"),
    _boe("2025-05-08", "4.25", "MPC decision announced 8 May 2025"),
    _boe("2025-08-07", "4.00", "MPC decision announced 7 Aug 2025"),
    _boe("2025-12-18", "3.75", "MPC decision announced 18 Dec 2025"),
    # Not a change: the rate in force at the close of 31 December 2025, the UK
    # reference day for debts falling due 1 Jan-30 Jun 2026 (no MPC decision
    # fell between 18 Dec 2025 and the end of the year).
    _boe("2025-12-31", "3.75", "in force on 31 Dec 2025, unchanged since the MPC "
                               "decision of 18 Dec 2025"),
    _ecb("2019-09-18", "0.00", "with effect from 18 Sep 2019"),
    _ecb("2022-07-27", "0.50", "with effect from 27 Jul 2022"),
    _ecb("2022-09-14", "1.25", "with effect from 14 Sep 2022"),
    _ecb("2022-11-02", "2.00", "with effect from 2 Nov 2022"),
    _ecb("2022-12-21", "2.50", "with effect from 21 Dec 2022"),
    _ecb("2023-02-08", "3.00", "with effect from 8 Feb 2023"),
    _ecb("2023-03-22", "3.50", "with effect from 22 Mar 2023"),
    _ecb("2023-05-10", "3.75", "with effect from 10 May 2023"),
    _ecb("2023-06-21", "4.00", "with effect from 21 Jun 2023"),
    _ecb("2023-08-02", "4.25", "with effect from 2 Aug 2023"),
    _ecb("2023-09-20", "4.50", "with effect from 20 Sep 2023"),
    _ecb("2024-06-12", "4.25", "with effect from 12 Jun 2024"),
    _ecb("2024-09-18", "3.65", "with effect from 18 Sep 2024"),
    _ecb("2024-10-23", "3.40", "with effect from 23 Oct 2024"),
    _ecb("2024-12-18", "3.15", "Governing Council decision of 12 Dec 2024, "
                               "with effect from 18 Dec 2024"),
    _ecb("2025-02-05", "2.90", "Governing Council decision of 30 Jan 2025, "
                               "with effect from 5 Feb 2025"),
    _ecb("2025-03-12", "2.65", "Governing Council decision of 6 Mar 2025, "
                               "with effect from 12 Mar 2025"),
    _ecb("2025-04-23", "2.40", "Governing Council decision of 17 Apr 2025, "
                               "with effect from 23 Apr 2025"),
    _ecb("2025-06-11", "2.15", "Governing Council decision of 5 Jun 2025, "
                               "with effect from 11 Jun 2025"),
    # Not a change: the rate on 1 January 2026, the EU reference day for
    # January-June 2026 (the Governing Council left it unchanged on 18 Dec 2025).
    _ecb("2026-01-01", "2.15", "in force on 1 Jan 2026, left unchanged by the "
                               "Governing Council on 18 Dec 2025"),
    # The German base rate moves only on 1 January and 1 July, by as many points as the
    # ECB's main refinancing rate moved since its last change (BGB § 247(1)).
    _de("2016-07-01", "-0.88", "from 1 Jul 2016, unchanged until 31 Dec 2022"),
    _de("2023-01-01", "1.62", "from 1 Jan 2023"),
    _de("2023-07-01", "3.12", "from 1 Jul 2023"),
    _de("2024-01-01", "3.62", "from 1 Jan 2024"),
    _de("2024-07-01", "3.37", "from 1 Jul 2024"),
    _de("2025-01-01", "2.27", "from 1 Jan 2025"),
    _de("2025-07-01", "1.27", "from 1 Jul 2025"),
    # Not a change: the ECB's rate stood at 2.15% from 11 Jun 2025 to the end of 2025,
    # so by § 247(1) the base rate is unchanged on 1 Jan 2026.
    _de("2026-01-01", "1.27", "from 1 Jan 2026, unchanged (ECB rate unchanged since "
                              "11 Jun 2025)"),
)


def series_name(series: str) -> str:
    """The series in words, for messages and documents."""
    return SERIES_NAMES.get(series, f"reference rate {series}")


def seed_reference_rates() -> int:
    """Add the shipped rates the store does not have yet; returns how many were added.

    A row the user already has for a series and day is kept as it is, even if
    its rate differs: the user's correction wins.
    """
    added = 0
    with writing():
        have = set(ReferenceRate.select(ReferenceRate.series, ReferenceRate.effective_from)
                   .tuples())
        for value in SHIPPED_RATES:
            if (value.series, value.effective_from) in have:
                continue
            ReferenceRate.create(series=value.series, effective_from=value.effective_from,
                                 rate_percent=value.rate_percent, source=value.source)
            added += 1
    return added


def reference_rates(series: str | None = None) -> list[ReferenceRateValue]:
    """The table, by series and then by day, optionally of one series only."""
    query = ReferenceRate.select().order_by(ReferenceRate.series, ReferenceRate.effective_from)
    if series is not None:
        query = query.where(ReferenceRate.series == series)
    return [_value(row) for row in query]


def add_reference_rate(series: str, effective_from: dt.date, rate_percent: Decimal | str,
                       source: str) -> int:
    """Record a series' rate in force from a day (audited); refuses a second row for the
    same series and day, a rate that is not a number, and a row without its source."""
    series = series.strip().upper()
    if not series or len(series) > 16:
        raise LedgerError("series", "Name the series in up to 16 letters, e.g. BOE_BASE.")
    rate = _rate(rate_percent)
    source = source.strip()
    if not source:
        raise LedgerError("source", "Say where the rate comes from, e.g. the central "
                                    "bank's page and the decision's date.")
    with writing():
        require(Permission.CHANGE_POLICIES)
        if ReferenceRate.select().where((ReferenceRate.series == series)
                                        & (ReferenceRate.effective_from
                                           == effective_from)).exists():
            raise LedgerError("effective_from", f"{series_name(series)} already has a rate "
                                                f"from {short_date(effective_from)}.")
        row = ReferenceRate.create(series=series, effective_from=effective_from,
                                   rate_percent=rate, source=source)
        record_change("add reference rate", "reference_rate", row.id,
                      after={"series": series, "effective_from": effective_from,
                             "rate_percent": str(rate), "source": source})
    return int(row.id)


@steady_answer
def rate_in_force(series: str, day: dt.date) -> ReferenceRateValue:
    """The rate of ``series`` in force on ``day``.

    Raises :class:`MissingRate` naming the series and the day when no rate on
    or before the day is recorded, or when the table ends before the day (the
    rate may have changed since its latest row).
    """
    found = (ReferenceRate.select()
             .where((ReferenceRate.series == series) & (ReferenceRate.effective_from <= day))
             .order_by(ReferenceRate.effective_from.desc()).first())
    if found is None:
        raise MissingRate(series, day, f"No {series_name(series)} on or before {short_date(day)} "
                                       f"is recorded; add it in Settings → Reference rates.")
    latest = ReferenceRate.select(pw.fn.MAX(ReferenceRate.effective_from)).where(
        ReferenceRate.series == series).scalar()
    if stored_day(latest) < day:
        raise MissingRate(series, day, f"No {series_name(series)} on {short_date(day)} is "
                                       f"recorded: the latest is {found.rate_percent}% from "
                                       f"{short_date(found.effective_from)} and it may have "
                                       f"changed since. Add the rate in force on "
                                       f"{short_date(day)} in Settings → Reference rates.")
    return _value(found)


def _value(row: ReferenceRate) -> ReferenceRateValue:
    return ReferenceRateValue(row.series, stored_day(row.effective_from),
                              Decimal(row.rate_percent), row.source)


def _rate(value: Decimal | str) -> Decimal:
    try:
        rate = Decimal(str(value).strip().rstrip("%").strip())
    except InvalidOperation:
        rate = Decimal("NaN")
    if not rate.is_finite() or not Decimal(-100) < rate < Decimal(100):
        raise LedgerError("rate_percent", f"“{value}” is not a rate; write it in percent, "
                                          f"e.g. 4.25.")
    return rate
