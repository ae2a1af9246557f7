"""The court's fees to issue a money claim: a table of bands kept in the store and
editable (fees change), seeded with England & Wales's; the band a claim falls in and its
fee. :mod:`models.claims` uses it for the claim pack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from models import input_rules as rules
from models.audit import record_change
from models.db import writing
from models.errors import LedgerError
from models.money import is_currency_code, to_minor
from models.schema import CourtFee

ENGLAND_AND_WALES = "GB-EAW"


@dataclass(frozen=True)
class CourtFeeBand:
    """One band of the fee to issue a money claim: for a claim from ``amount_from_minor``
    up to ``amount_to_minor`` (both included; None: no top), a fixed ``fee_minor`` or
    ``percent`` of the claim capped at ``cap_minor`` (None: no cap)."""

    jurisdiction: str
    currency: str
    amount_from_minor: int
    amount_to_minor: int | None
    fee_minor: int | None = None
    percent: Decimal | None = None
    cap_minor: int | None = None
    source: str = ""

    def fee_for(self, claim_minor: int) -> int:
        """The fee for a claim of ``claim_minor`` in this band: the fixed fee, or the
        percentage rounded down to the penny (as HMCTS works it out), at most the cap."""
        if self.fee_minor is not None:
            return self.fee_minor
        assert self.percent is not None
        fee = int((Decimal(claim_minor) * self.percent / 100).to_integral_value(ROUND_DOWN))
        return min(fee, self.cap_minor) if self.cap_minor is not None else fee


# HMCTS, "Make a court claim for money: court fees" (gov.uk, read 4 December 2026) and
# leaflet EX50, fees as at 16 September 2021 (Civil Proceedings Fees Order 2008, Sch. 1
# fee 1.1, as amended); the fee is for the amount claimed plus interest, the paper
# fee (Money Claim Online may be lower). Not checked against a later EX50 here: fees
# change, so the user can edit this table in Settings › Court fees.
_EX50 = "HMCTS EX50 / gov.uk money claim fees (as at 16 Sep 2021; check for changes)"
SHIPPED_COURT_FEES: tuple[CourtFeeBand, ...] = tuple(
    CourtFeeBand(ENGLAND_AND_WALES, "GBP", low, high, fee, percent, cap, _EX50)
    for low, high, fee, percent, cap in (
        (1, 300_00, 35_00, None, None),
        (300_01, 500_00, 50_00, None, None),
        (500_01, 1_000_00, 70_00, None, None),
        (1_000_01, 1_500_00, 80_00, None, None),
        (1_500_01, 3_000_00, 115_00, None, None),
        (3_000_01, 5_000_00, 205_00, None, None),
        (5_000_01, 10_000_00, 455_00, None, None),
        (10_000_01, 200_000_00, None, Decimal(5), None),
        (200_000_01, None, 10_000_00, None, None),
    ))


def court_fees(jurisdiction: str | None = None) -> list[CourtFeeBand]:
    """The store's court fee bands, by jurisdiction, currency and amount."""
    query = CourtFee.select().order_by(CourtFee.jurisdiction, CourtFee.currency,
                                       CourtFee.amount_from_minor)
    if jurisdiction is not None:
        query = query.where(CourtFee.jurisdiction == jurisdiction)
    return [CourtFeeBand(r.jurisdiction, r.currency, r.amount_from_minor, r.amount_to_minor,
                         r.fee_minor, r.percent, r.cap_minor, r.source) for r in query]


def court_fee_for(claim_minor: int, currency: str,
                  jurisdiction: str = ENGLAND_AND_WALES) -> tuple[CourtFeeBand, int] | None:
    """The band a claim of ``claim_minor`` falls in and its fee; None when the table has
    no band for it (another currency, or a gap the user left)."""
    for band in court_fees(jurisdiction):
        if band.currency == currency and band.amount_from_minor <= claim_minor and (
                band.amount_to_minor is None or claim_minor <= band.amount_to_minor):
            return band, band.fee_for(claim_minor)
    return None


def check_court_fees(bands: Sequence[CourtFeeBand]) -> list[CourtFeeBand]:
    """The bands as they can be kept, sorted; LedgerError naming the first band that is
    wrong: a fee neither fixed nor a percentage, amounts out of range, or bands of one
    jurisdiction and currency that overlap."""
    checked: list[CourtFeeBand] = []
    for number, band in enumerate(bands, 1):
        where = f"Court fee band {number}"
        jurisdiction = rules.check_line(band.jurisdiction, "jurisdiction",
                                        f"{where}'s jurisdiction", 8)
        currency = band.currency.strip().upper()
        if not is_currency_code(currency):
            raise LedgerError("currency", f"{where}: give the currency as three letters, "
                                          f"e.g. GBP.")
        low = rules.check_amount(band.amount_from_minor, "amount_from",
                                 f"{where}'s lowest claim")
        high = None if band.amount_to_minor is None else rules.check_amount(
            band.amount_to_minor, "amount_to", f"{where}'s highest claim")
        if high is not None and high < low:
            raise LedgerError("amount_to", f"{where} ends below where it starts: make its "
                                           f"highest claim at least its lowest.")
        if (band.fee_minor is None) == (band.percent is None):
            raise LedgerError("fee", f"{where}: give either a fixed fee or a percentage of "
                                     f"the claim, not both or neither.")
        fee = None if band.fee_minor is None else rules.check_amount(
            band.fee_minor, "fee", f"{where}'s fee")
        if band.percent is not None and not Decimal(0) < band.percent <= Decimal(100):
            raise LedgerError("percent", f"{where}: give a percentage above 0 and at most "
                                         f"100.")
        cap = None if band.cap_minor is None else rules.check_amount(
            band.cap_minor, "cap", f"{where}'s cap")
        checked.append(CourtFeeBand(jurisdiction, currency, low, high, fee, band.percent, cap,
                                    rules.clean_line(band.source)))
    checked.sort(key=lambda b: (b.jurisdiction, b.currency, b.amount_from_minor))
    for before, after in zip(checked, checked[1:], strict=False):
        if (before.jurisdiction, before.currency) == (after.jurisdiction, after.currency) and (
                before.amount_to_minor is None
                or after.amount_from_minor <= before.amount_to_minor):
            raise LedgerError("amount_from", f"Two court fee bands for {after.currency} "
                                             f"overlap: one band must end below where the "
                                             f"next starts.")
    return checked


def save_court_fees(bands: Sequence[CourtFeeBand]) -> None:
    """Keep ``bands`` as the whole court fee table, checked first (see
    :func:`check_court_fees`); audited as one change."""
    checked = check_court_fees(bands)
    with writing():
        before = len(court_fees())
        CourtFee.delete().execute()
        for band in checked:
            CourtFee.create(jurisdiction=band.jurisdiction, currency=band.currency,
                            amount_from_minor=band.amount_from_minor,
                            amount_to_minor=band.amount_to_minor, fee_minor=band.fee_minor,
                            percent=band.percent, cap_minor=band.cap_minor, source=band.source)
        record_change("edit court fees", "court_fee", None, before={"bands": before},
                      after={"bands": len(checked)})


def seed_court_fees() -> int:
    """Put the shipped bands in a store that has none; returns how many were added."""
    with writing():
        if CourtFee.select().exists():
            return 0
        for band in SHIPPED_COURT_FEES:
            CourtFee.create(jurisdiction=band.jurisdiction, currency=band.currency,
                            amount_from_minor=band.amount_from_minor,
                            amount_to_minor=band.amount_to_minor, fee_minor=band.fee_minor,
                            percent=band.percent, cap_minor=band.cap_minor, source=band.source)
    return len(SHIPPED_COURT_FEES)




def band_from_words(jurisdiction: str, currency: str, low: str, high: str, fee: str,
                    percent: str, cap: str, source: str = "") -> CourtFeeBand:
    """A band as typed in Settings › Court fees (amounts in major units, "" for none);
    LedgerError naming the field that is not an amount or a percentage."""
    code = currency.strip().upper()

    def amount(text: str, field: str, what: str) -> int | None:
        text = text.strip().replace(",", "")
        if not text:
            return None
        try:
            return to_minor(text, code if len(code) == 3 else "GBP")
        except (ValueError, ArithmeticError):
            raise LedgerError(field, f"Write {what} as an amount, e.g. 1500.00.") from None

    def rate(text: str) -> Decimal | None:
        text = text.strip().rstrip("%").strip()
        if not text:
            return None
        try:
            value = Decimal(text)
        except ArithmeticError:
            raise LedgerError("percent", "Write the percentage as a number, e.g. 5.") from None
        if not value.is_finite():
            raise LedgerError("percent", "Write the percentage as a number, e.g. 5.")
        return value

    lowest = amount(low, "amount_from", "the lowest claim")
    if lowest is None:
        raise LedgerError("amount_from", "Give the lowest claim the band starts at.")
    return CourtFeeBand(jurisdiction.strip(), code, lowest,
                        amount(high, "amount_to", "the highest claim"),
                        amount(fee, "fee", "the fee"), rate(percent),
                        amount(cap, "cap", "the cap"), source.strip())
