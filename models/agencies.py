"""The collection agencies the business knows: whom to call, what they charge, what
they are good at, and how well they did.

A directory, not a referral: handing invoices to an agency is an
:class:`~models.schema.AgencyReferral`. An agency's commission is a percentage of what
it recovers, with a minimum per case in the agency's currency; its other fees are the
business's own words. The rating (1 to 5) is the business's own view.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial

import peewee as pw

from models import input_rules as rules
from models.audit import record_change
from models.db import writing
from models.errors import LedgerError, Problems
from models.mail import valid_address
from models.money import format_money, is_currency_code
from models.schema import Agency, AgencyReferral

MAX_RATING = 5


@dataclass(frozen=True)
class AgencyDraft:
    """An agency's details as typed in."""

    name: str
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    commission_percent: Decimal | None = None
    commission_min_minor: int | None = None  # in ``currency``
    currency: str = ""
    fees: str = ""  # other fees, in the business's words ("£50 to open a case")
    strengths: str = ""  # what it is good at ("B2B, Germany, court action")
    notes: str = ""
    rating: int | None = None  # 1 to 5, the business's own view


@dataclass(frozen=True)
class AgencyRow:
    """An agency as the directory lists it, with how many cases it was given."""

    id: int
    name: str
    contact_name: str
    email: str
    phone: str
    address: str
    commission_percent: Decimal | None
    commission_min_minor: int | None
    currency: str
    fees: str
    strengths: str
    notes: str
    rating: int | None
    referrals: int

    @property
    def commission_words(self) -> str:
        """The commission in words: "15% (at least 50.00 GBP)", or "" when unknown."""
        if self.commission_percent is None:
            return ""
        words = f"{self.commission_percent}%"
        if self.commission_min_minor:
            words += f" (at least {format_money(self.commission_min_minor, self.currency)})"
        return words


def commission_on(row: AgencyRow, recovered_minor: int) -> int:
    """What the agency charges for recovering ``recovered_minor`` (in its currency): its
    percentage, rounded half-up to the minor unit, but never less than its minimum nor
    more than what it recovered; 0 without a percentage."""
    return case_commission(row.commission_percent, row.commission_min_minor, recovered_minor)


def case_commission(percent: Decimal | None, minimum_minor: int | None,
                    recovered_minor: int) -> int:
    """The commission on a case that recovered ``recovered_minor`` in all: ``percent`` of
    it, rounded half-up to the minor unit, but never less than ``minimum_minor`` nor
    more than what was recovered; 0 without a percentage or before any recovery."""
    if percent is None or recovered_minor <= 0:
        return 0
    share = (Decimal(recovered_minor) * percent / 100).quantize(
        Decimal(1), rounding=ROUND_HALF_UP)
    return min(max(int(share), minimum_minor or 0), recovered_minor)


def add_agency(draft: AgencyDraft) -> int:
    """Add an agency to the directory; its id. Refuses a name already listed."""
    with writing():
        values = _checked(draft, agency_id=None)
        agency = Agency.create(**values)
        record_change("add agency", "agency", agency.id, after=values)
    return int(agency.id)


def update_agency(agency_id: int, draft: AgencyDraft) -> None:
    """Change an agency's details (audited)."""
    with writing():
        agency = Agency.get_or_none(Agency.id == agency_id)
        if agency is None:
            raise LedgerError("agency", "That agency is no longer in the directory.")
        values = _checked(draft, agency_id=agency.id)
        before = {name: getattr(agency, name) for name in values}
        Agency.update(**values).where(Agency.id == agency.id).execute()
        record_change("edit agency", "agency", agency.id, before=before, after=values)


def agencies() -> list[AgencyRow]:
    """The directory, best rated first, then by name."""
    given = (AgencyReferral.select(pw.fn.COUNT(AgencyReferral.id))
             .where(AgencyReferral.agency == Agency.id))
    query = (Agency.select(Agency, given.alias("referrals"))
             .order_by(pw.Case(None, [(Agency.rating.is_null(), 1)], 0),
                       Agency.rating.desc(), Agency.name))
    return [_row(agency) for agency in query]


def agency(agency_id: int) -> AgencyRow:
    """One agency of the directory."""
    found = [row for row in agencies() if row.id == agency_id]
    if not found:
        raise LedgerError("agency", "That agency is no longer in the directory.")
    return found[0]


def _row(agency: Agency) -> AgencyRow:
    return AgencyRow(
        id=agency.id, name=agency.name, contact_name=agency.contact_name, email=agency.email,
        phone=agency.phone, address=agency.address,
        commission_percent=agency.commission_percent,
        commission_min_minor=agency.commission_min_minor, currency=agency.currency,
        fees=agency.fees, strengths=agency.strengths, notes=agency.notes,
        rating=agency.rating, referrals=int(getattr(agency, "referrals", 0) or 0))


def _checked(draft: AgencyDraft, agency_id: int | None) -> dict[str, object]:
    problems = Problems()
    name = problems.read(lambda: rules.check_line(draft.name, "name", "the name",
                                                  rules.NAME_LIMIT))
    if name == "":
        problems.refuse("name", "Enter the agency's name.")
    elif name is not None:
        clash = Agency.select().where(pw.fn.LOWER(Agency.name) == name.lower())
        if agency_id is not None:
            clash = clash.where(Agency.id != agency_id)
        if clash.exists():
            problems.refuse("name", f"{name} is already in the directory.")
    lines = {field: problems.read(partial(rules.check_line, getattr(draft, field), field,
                                          what, limit)) for field, what, limit in _LINES}
    texts = {field: problems.read(partial(rules.check_text, getattr(draft, field), field, what,
                                          rules.NOTE_LIMIT)) for field, what in _TEXTS}
    email = lines.get("email") or ""
    if email and not valid_address(email):
        problems.refuse("email", f"“{email}” does not look like an e-mail address.")
    percent = problems.read(lambda: _percent(draft.commission_percent))
    currency = draft.currency.strip().upper()
    minimum = draft.commission_min_minor
    if minimum is not None:
        problems.read(lambda: rules.check_amount(minimum, "commission_min_minor",
                                                 "the minimum commission"))
        if not is_currency_code(currency):
            problems.refuse("currency", "Say the minimum's currency as a three-letter code, "
                                        "e.g. GBP.")
    elif currency and not is_currency_code(currency):
        problems.refuse("currency", "Choose the currency as a three-letter code, e.g. GBP.")
    rating = draft.rating
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int)
                               or not 1 <= rating <= MAX_RATING):
        problems.refuse("rating", f"Rate the agency from 1 to {MAX_RATING}, or leave it "
                                  f"unrated.")
    problems.check()
    return {"name": name, **lines, **texts, "commission_percent": percent,
            "commission_min_minor": minimum, "currency": currency, "rating": rating}


_LINES = (("contact_name", "the contact's name", rules.NAME_LIMIT),
          ("email", "the e-mail address", rules.EMAIL_LIMIT),
          ("phone", "the phone number", rules.PHONE_LIMIT))
_TEXTS = (("address", "the address"), ("fees", "the fees"), ("strengths", "the strengths"),
          ("notes", "the notes"))


def _percent(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    try:
        percent = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise LedgerError("commission_percent", "Give the commission as a percentage, "
                                                "e.g. 15.") from None
    if not percent.is_finite() or not 0 <= percent <= 100:
        raise LedgerError("commission_percent", "Give the commission as a percentage from 0 "
                                                "to 100.")
    return percent
