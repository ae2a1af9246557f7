"""Offers to a customer to pay by a date: a settlement ("pay 80% by 15 January and the
rest is waived") for a customer who is struggling, and a loyalty incentive ("pay in
full by 15 January and the next reminder's fee, or the interest, is waived") where the
credit policy offers one (``CreditPolicy.loyalty_waiver``).

An offer covers invoices of one currency, and an invoice is in one open offer at a
time. It is accepted by the payment that fulfils it, received from the day it was made
to its last day ``pay_by`` (which counts), whenever that payment is recorded
(:func:`review_offers`, called for every payment the ledger allocates):

- a settlement, when the money allocated to its invoices from payments received in
  that time reaches ``pay_minor``: what is then still open on the invoices and their
  charges is written off with a credit note of kind SETTLEMENT, so they close;
- a loyalty offer, when its invoices are paid in full: the charges it waives (the
  fees charged on them since the offer, or their interest) are credited with a credit
  note of kind WAIVER. A fee a stage has not yet charged is simply never charged: the
  account is settled before that stage comes, so nothing is owed and nothing is
  credited; interest not yet charged likewise stops with the payment.

An offer whose last day has gone by without that payment lapses: :func:`settle_offers`
records it (the lists read an open offer past its day as lapsed already), and a
payment recorded later but received in time still accepts it. Voiding the payment that
accepted an offer voids the credit note it earned and opens the offer again
(:func:`reopen_offers`). Every change is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from models import input_rules as rules
from models.allocations import allocated
from models.audit import record_change
from models.dates import short_date
from models.db import writing
from models.errors import LedgerError
from models.followup import default_policy_id, stages_by_policy
from models.kinds import (
    ChargeKind,
    CreditKind,
    InvoiceStatus,
    LoyaltyWaiver,
    OfferKind,
    OfferStatus,
)
from models.money import format_money, from_minor, round_to_minor
from models.rule_credits import grant_credit, void_credit
from models.schema import (
    Allocation,
    Charge,
    CreditNote,
    CreditPolicy,
    Customer,
    FollowUpStage,
    Interaction,
    Invoice,
    Offer,
    OfferInvoice,
    Payment,
    StageExecution,
)
from models.steady import remember, steady_answer

# Invoices an offer can be about: live and owed, not in dispute.
_OFFERABLE = (InvoiceStatus.OPEN, InvoiceStatus.WITH_AGENCY)
# Offers a payment received in time still accepts.
_PENDING = (OfferStatus.OPEN, OfferStatus.LAPSED)
# The charges a loyalty waiver credits.
_WAIVED_CHARGES = {LoyaltyWaiver.FEE: ChargeKind.FEE, LoyaltyWaiver.INTEREST: ChargeKind.INTEREST}


@dataclass(frozen=True)
class OfferPreview:
    """What an offer would say before it is made: what is owed on its invoices, what
    the customer pays by ``pay_by``, and what is then waived."""

    kind: OfferKind
    customer_id: int
    currency: str
    invoice_ids: tuple[int, ...]
    invoice_numbers: tuple[str, ...]
    owed_minor: int  # open on the invoices (a settlement: and on their charges)
    pay_minor: int
    waive_minor: int
    offered_on: dt.date
    pay_by: dt.date
    waives: LoyaltyWaiver  # what a loyalty offer waives; NONE for a settlement

    @property
    def summary(self) -> str:
        """The offer in the user's words."""
        pay, waive = (format_money(m, self.currency) for m in (self.pay_minor,
                                                                 self.waive_minor))
        if self.kind == OfferKind.SETTLEMENT:
            return (f"Pay {pay} by {short_date(self.pay_by)} and the remaining {waive} of the "
                    f"{format_money(self.owed_minor, self.currency)} owed is waived.")
        what = "the next reminder's fee" if self.waives == LoyaltyWaiver.FEE else "the interest"
        return f"Pay {pay} in full by {short_date(self.pay_by)} and {what} of {waive} is waived."


@dataclass(frozen=True)
class OfferRow:
    """An offer as the customer's lists show it, with where it stands on a day."""

    id: int
    customer_id: int
    kind: OfferKind
    currency: str
    offered_on: dt.date
    pay_by: dt.date
    pay_minor: int
    waive_minor: int
    status: OfferStatus  # as it stands on the day asked: an open one past its day lapsed
    resolved_on: dt.date | None
    invoice_ids: tuple[int, ...]
    invoice_numbers: tuple[str, ...]
    credit_note_number: str  # the credit note that waived the rest; "" without one
    waived_minor: int  # what that credit note waived
    waives: LoyaltyWaiver  # what a loyalty offer waives (the policy's); NONE otherwise
    notes: str


def offer_state(status: OfferStatus, pay_by: dt.date, as_of: dt.date) -> OfferStatus:
    """Where an offer stands on ``as_of``: an open one whose last day has gone by has
    lapsed, whether or not :func:`settle_offers` has recorded it yet."""
    if status == OfferStatus.OPEN and as_of > pay_by:
        return OfferStatus.LAPSED
    return status


# --- making and withdrawing offers ------------------------------------------------------

def offer_preview(customer_id: int, kind: OfferKind, invoice_ids: Sequence[int], *,
                  pay_by: dt.date, as_of: dt.date, percent: Decimal | None = None,
                  pay_minor: int | None = None) -> OfferPreview:
    """What an offer of ``kind`` about these invoices, made on ``as_of`` and open to
    ``pay_by``, would be. A settlement takes the share to pay as ``percent`` of what is
    owed (rounded half-up to the minor unit) or as ``pay_minor``; a loyalty offer
    asks for what is open on the invoices and waives what the customer's credit policy
    says. Raises :class:`LedgerError` for what will not do, saying what to change."""
    rules.check_date(pay_by, "pay_by", "The date to pay by")
    if pay_by <= as_of:
        raise LedgerError("pay_by", "Give the customer until a day after the offer to pay.")
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise LedgerError("customer", "That customer no longer exists.")
    invoices = _offer_invoices(customer, invoice_ids)
    currency = invoices[0].currency
    open_minor = sum(i.open_minor for i in invoices)
    ids = tuple(i.id for i in invoices)
    if kind == OfferKind.SETTLEMENT:
        owed = open_minor + sum(c.open_minor for c in _open_charges(ids))
        pay = _settlement_share(owed, currency, percent, pay_minor)
        waives, waive = LoyaltyWaiver.NONE, owed - pay
    else:
        owed = pay = open_minor
        waives = _loyalty_waiver(customer)
        waive = _loyalty_waive_minor(customer, waives, ids, as_of)
    return OfferPreview(kind=OfferKind(kind), customer_id=customer.id, currency=currency,
                        invoice_ids=ids, invoice_numbers=tuple(i.number for i in invoices),
                        owed_minor=owed, pay_minor=pay, waive_minor=waive, offered_on=as_of,
                        pay_by=pay_by, waives=waives)


def make_offer(customer_id: int, kind: OfferKind, invoice_ids: Sequence[int], *,
               pay_by: dt.date, as_of: dt.date, percent: Decimal | None = None,
               pay_minor: int | None = None, notes: str = "",
               interaction_id: int | None = None) -> int:
    """Make the offer :func:`offer_preview` describes (worked out again here), linked to
    the letter or e-mail that carries it if given; its id."""
    notes = rules.check_text(notes, "notes", "the notes", rules.NOTE_LIMIT)
    with writing():
        preview = offer_preview(customer_id, kind, invoice_ids, pay_by=pay_by, as_of=as_of,
                                percent=percent, pay_minor=pay_minor)
        if interaction_id is not None and Interaction.get_or_none(
                (Interaction.id == interaction_id)
                & (Interaction.customer == customer_id)) is None:
            raise LedgerError("interaction", "That letter or e-mail is not in this "
                                             "customer's contact log.")
        offer = Offer.create(customer=customer_id, kind=preview.kind,
                             currency=preview.currency, offered_on=as_of, pay_by=pay_by,
                             pay_minor=preview.pay_minor, waive_minor=preview.waive_minor,
                             interaction=interaction_id, notes=notes.strip(),
                             created_at=dt.datetime.now())
        OfferInvoice.insert_many([{"offer": offer.id, "invoice": i}
                                  for i in preview.invoice_ids]).execute()
        record_change("make offer", "offer", offer.id, after={
            "kind": preview.kind, "invoices": list(preview.invoice_numbers),
            "pay_minor": preview.pay_minor, "waive_minor": preview.waive_minor,
            "currency": preview.currency, "offered_on": as_of, "pay_by": pay_by,
            "waives": preview.waives})
    return int(offer.id)


def withdraw_offer(offer_id: int, reason: str, *, on: dt.date) -> None:
    """Withdraw an open offer, saying why; one accepted, lapsed or withdrawn stays."""
    reason = rules.check_text(reason, "reason", "the reason", rules.REASON_LIMIT).strip()
    if not reason:
        raise LedgerError("reason", "Say why the offer is withdrawn.")
    with writing():
        offer = _offer(offer_id)
        state = offer_state(offer.status, offer.pay_by, on)
        if state != OfferStatus.OPEN:
            raise LedgerError("offer", f"The offer is {state.value} already: only an open "
                                       f"offer can be withdrawn.")
        Offer.update(status=OfferStatus.WITHDRAWN, resolved_on=on).where(
            Offer.id == offer.id).execute()
        record_change("withdraw offer", "offer", offer.id, before={"status": offer.status},
                      after={"status": OfferStatus.WITHDRAWN, "resolved_on": on,
                             "reason": reason})


def settle_offers(as_of: dt.date) -> int:
    """Record as lapsed every open offer whose last day went by before ``as_of``
    without the payment it asked for; how many lapsed."""
    with writing():
        lapsed = list(Offer.select().where((Offer.status == OfferStatus.OPEN)
                                           & (Offer.pay_by < as_of)))
        for offer in lapsed:
            day = offer.pay_by + dt.timedelta(days=1)
            Offer.update(status=OfferStatus.LAPSED, resolved_on=day).where(
                Offer.id == offer.id).execute()
            record_change("lapse offer", "offer", offer.id, before={"status": offer.status},
                          after={"status": OfferStatus.LAPSED, "resolved_on": day})
    return len(lapsed)


# --- reading offers --------------------------------------------------------------------

@steady_answer
def customer_offers(customer_id: int, as_of: dt.date) -> list[OfferRow]:
    """The customer's offers, newest first, each as it stands on ``as_of``."""
    return _rows(Offer.customer == customer_id, as_of)


def read_offers_ahead(customer_ids: Iterable[int], as_of: dt.date) -> None:
    """Inside ``models.steady.steady``, read the customers' offers in one query (a block
    of customers at a time), for a batch of their documents (a document records no
    offer, so they stay as read)."""
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), 500):  # SQLite's limit on bound values
        block = ids[start:start + 500]
        found: dict[int, list[OfferRow]] = {}
        for row in _rows(Offer.customer.in_(block), as_of):
            found.setdefault(row.customer_id, []).append(row)
        for customer_id in block:
            remember(customer_offers, found.get(customer_id, []), customer_id, as_of)


def offer_row(offer_id: int, as_of: dt.date) -> OfferRow:
    """One offer as it stands on ``as_of``; LedgerError when there is none such."""
    rows = _rows(Offer.id == offer_id, as_of)
    if not rows:
        raise LedgerError("offer", "That offer no longer exists.")
    return rows[0]


def offer_for_letter(customer_id: int, kind: OfferKind, currency: str,
                     as_of: dt.date) -> OfferRow | None:
    """The offer of ``kind`` a document dated ``as_of`` to the customer carries: the
    latest made by then that is open and whose last day is still to come after the
    document's date (one ending that day would have gone when it arrives)."""
    for row in customer_offers(customer_id, as_of):
        if (row.kind == kind and row.currency == currency and row.offered_on <= as_of
                and row.status == OfferStatus.OPEN and as_of < row.pay_by):
            return row
    return None


# --- what payments do to offers ---------------------------------------------------------

def review_offers(payment: Payment, on: dt.date) -> None:
    """Accept each offer of the payment's customer that the payment fulfils, received
    in the offer's time (see the module's notes); inside the ledger's transaction."""
    received = payment.received_on
    offers = Offer.select().where((Offer.customer == payment.customer_id)
                                  & Offer.status.in_(_PENDING)
                                  & (Offer.currency == payment.currency)
                                  & (Offer.offered_on <= received) & (Offer.pay_by >= received))
    for offer in offers.order_by(Offer.id):
        ids = _invoice_ids(offer.id)
        if offer.kind == OfferKind.SETTLEMENT and _paid_in_time(offer, ids) >= offer.pay_minor:
            _accept(offer, on, received, _settlement_credit(offer, ids, on))
        elif offer.kind == OfferKind.LOYALTY and _all_paid(ids):
            _accept(offer, on, received, _loyalty_credit(offer, ids, on))


def reopen_offers(invoice_ids: Iterable[int], reason: str) -> None:
    """Open again the accepted offers about these invoices (a payment that paid them
    was voided): the credit note each earned is voided."""
    ids = list(invoice_ids)
    if not ids:
        return
    accepted = (Offer.select().join(OfferInvoice, on=(OfferInvoice.offer == Offer.id))
                .where(OfferInvoice.invoice.in_(ids) & (Offer.status == OfferStatus.ACCEPTED))
                .distinct())
    for offer in accepted:
        if offer.credit_note_id is not None:
            void_credit(offer.credit_note_id, f"The payment that accepted the offer was "
                                              f"voided: {reason}")
        Offer.update(status=OfferStatus.OPEN, resolved_on=None, credit_note=None).where(
            Offer.id == offer.id).execute()
        record_change("reopen offer", "offer", offer.id,
                      before={"status": offer.status, "resolved_on": offer.resolved_on,
                              "credit_note": offer.credit_note_id},
                      after={"status": OfferStatus.OPEN, "reason": reason})


def _accept(offer: Offer, on: dt.date, received: dt.date, note_id: int | None) -> None:
    Offer.update(status=OfferStatus.ACCEPTED, resolved_on=received, credit_note=note_id).where(
        Offer.id == offer.id).execute()
    record_change("accept offer", "offer", offer.id, before={"status": offer.status},
                  after={"status": OfferStatus.ACCEPTED, "resolved_on": received,
                         "credit_note": note_id, "recorded_on": on})


def _paid_in_time(offer: Offer, invoice_ids: list[int]) -> int:
    """Money allocated to the offer's invoices from payments received in its time."""
    return int(allocated(Allocation.invoice.in_(invoice_ids) & ~Payment.voided
                         & (Payment.received_on >= offer.offered_on)
                         & (Payment.received_on <= offer.pay_by))
               .join(Payment, on=(Allocation.payment == Payment.id)).scalar())


def _all_paid(invoice_ids: list[int]) -> bool:
    return not Invoice.select().where(Invoice.id.in_(invoice_ids)
                                      & (Invoice.open_minor > 0)).exists()


def _settlement_credit(offer: Offer, invoice_ids: list[int], on: dt.date) -> int | None:
    """Write off what is still open on the settled invoices and their charges."""
    invoices = [(i.id, i.open_minor) for i in Invoice.select().where(
        Invoice.id.in_(invoice_ids) & (Invoice.open_minor > 0)).order_by(Invoice.id)]
    charges = [(c.id, c.open_minor) for c in _open_charges(invoice_ids)]
    if not invoices and not charges:
        return None
    return grant_credit(offer.customer_id, CreditKind.SETTLEMENT, on,
                        f"The rest waived under the settlement offered on "
                        f"{short_date(offer.offered_on)}: "
                        f"{format_money(offer.pay_minor, offer.currency)} paid by "
                        f"{short_date(offer.pay_by)}.", invoices=invoices, charges=charges)


def _loyalty_credit(offer: Offer, invoice_ids: list[int], on: dt.date) -> int | None:
    """Credit the charges the loyalty offer waives, if any were charged."""
    waives = _loyalty_waiver(Customer.get_by_id(offer.customer_id), strict=False)
    kind = _WAIVED_CHARGES.get(waives)
    if kind is None:
        return None
    charges = [c for c in _open_charges(invoice_ids) if c.kind == kind
               and (kind != ChargeKind.FEE or c.charged_on >= offer.offered_on)]
    if not charges:
        return None
    what = "fee" if kind == ChargeKind.FEE else "interest"
    return grant_credit(offer.customer_id, CreditKind.WAIVER, on,
                        f"The {what} waived for paying in full by "
                        f"{short_date(offer.pay_by)}, as offered on "
                        f"{short_date(offer.offered_on)}.",
                        charges=[(c.id, c.open_minor) for c in charges])


# --- the rules behind them --------------------------------------------------------------

def _offer_invoices(customer: Customer, invoice_ids: Sequence[int]) -> list[Invoice]:
    wanted = list(dict.fromkeys(invoice_ids))
    if not wanted:
        raise LedgerError("invoices", "Choose the invoices the offer is about.")
    invoices = list(Invoice.select().where(Invoice.id.in_(wanted)
                                           & (Invoice.customer == customer.id))
                    .order_by(Invoice.due_date, Invoice.number))
    if len(invoices) != len(wanted):
        raise LedgerError("invoices", "An invoice of the offer is not on this customer's "
                                      "account.")
    for invoice in invoices:
        if invoice.status not in _OFFERABLE or invoice.open_minor <= 0:
            raise LedgerError("invoices", f"Invoice {invoice.number} has nothing open to "
                                          f"offer on.")
    if len({i.currency for i in invoices}) > 1:
        raise LedgerError("invoices", "An offer is about invoices in one currency.")
    taken = (Invoice.select(Invoice.number).join(OfferInvoice)
             .join(Offer).where(Invoice.id.in_(wanted) & (Offer.status == OfferStatus.OPEN))
             .first())
    if taken is not None:
        raise LedgerError("invoices", f"Invoice {taken.number} is already in an open offer. "
                                      f"Withdraw that offer first.")
    return invoices


def _settlement_share(owed: int, currency: str, percent: Decimal | None,
                      pay_minor: int | None) -> int:
    if (percent is None) == (pay_minor is None):
        raise LedgerError("pay", "Say what the customer pays: a share in percent, or an "
                                 "amount.")
    if percent is not None:
        if not Decimal(0) < percent < Decimal(100):
            raise LedgerError("pay", "The share to pay is more than 0% and less than 100%.")
        pay_minor = round_to_minor(from_minor(owed, currency) * percent / 100, currency)
    assert pay_minor is not None
    if not 0 < pay_minor < owed:
        raise LedgerError("pay", f"What the customer pays is more than nothing and less "
                                 f"than the {format_money(owed, currency)} owed.")
    return pay_minor


def _loyalty_waiver(customer: Customer, *, strict: bool = True) -> LoyaltyWaiver:
    policy = (CreditPolicy.get_or_none(CreditPolicy.id == customer.credit_policy_id)
              if customer.credit_policy_id is not None else None)
    waives = LoyaltyWaiver(policy.loyalty_waiver) if policy is not None else LoyaltyWaiver.NONE
    if strict and waives == LoyaltyWaiver.NONE:
        raise LedgerError("kind", "The customer's credit policy offers no loyalty incentive. "
                                  "Choose what it waives in the policy first.")
    return waives


def _loyalty_waive_minor(customer: Customer, waives: LoyaltyWaiver, invoice_ids: tuple[int, ...],
                         as_of: dt.date) -> int:
    """What paying in full waives: the next stage's fee, or the interest charged and
    still open on the invoices with what has run up and is not yet charged."""
    if waives == LoyaltyWaiver.FEE:
        fee = next_stage_fee(customer.id, invoice_ids)
        if fee <= 0:
            raise LedgerError("kind", "The next reminder carries no fee to waive.")
        return fee
    charged = sum(c.open_minor for c in _open_charges(invoice_ids)
                  if c.kind == ChargeKind.INTEREST)
    # Here, not at the top: settling the day (before Today's list) needs offers, not this.
    from models.interest import accrued_interest

    running, _missing = accrued_interest(list(invoice_ids), as_of)
    if charged + running <= 0:
        raise LedgerError("kind", "No interest has run up on these invoices to waive.")
    return charged + running


def next_stage_fee(customer_id: int, invoice_ids: Iterable[int]) -> int:
    """The fee of the next follow-up stage these invoices of the customer would reach:
    the first stage after the furthest any of them has reached (0 without one)."""
    customer = Customer.get_by_id(customer_id)
    stages = stages_by_policy().get(customer.followup_policy_id or default_policy_id() or 0,
                                    [])
    reached = (StageExecution.select(pw.fn.MAX(FollowUpStage.position)).join(FollowUpStage)
               .where(StageExecution.invoice.in_(list(invoice_ids))).scalar())
    upcoming = [s for s in stages if s.position > (reached if reached is not None else -1)]
    return upcoming[0].fee_minor if upcoming else 0


def _open_charges(invoice_ids: Iterable[int]) -> list[Charge]:
    return list(Charge.select().where(Charge.invoice.in_(list(invoice_ids)) & ~Charge.voided
                                      & (Charge.open_minor > 0))
                .order_by(Charge.charged_on, Charge.id))


def _invoice_ids(offer_id: int) -> list[int]:
    return [i for (i,) in OfferInvoice.select(OfferInvoice.invoice)
            .where(OfferInvoice.offer == offer_id).tuples()]


def _offer(offer_id: int) -> Offer:
    offer = Offer.get_or_none(Offer.id == offer_id)
    if offer is None:
        raise LedgerError("offer", "That offer no longer exists.")
    return offer


def _rows(where: pw.Expression, as_of: dt.date) -> list[OfferRow]:
    offers = list(Offer.select().where(where).order_by(Offer.offered_on.desc(),
                                                       Offer.id.desc()))
    if not offers:
        return []
    links: dict[int, list[tuple[int, str]]] = {}
    for offer_id, invoice_id, number in (
            OfferInvoice.select(OfferInvoice.offer, Invoice.id, Invoice.number).join(Invoice)
            .where(OfferInvoice.offer.in_([o.id for o in offers]))
            .order_by(Invoice.due_date, Invoice.number).tuples()):
        links.setdefault(offer_id, []).append((invoice_id, number))
    notes = {n.id: n for n in CreditNote.select().where(
        CreditNote.id.in_([o.credit_note_id for o in offers if o.credit_note_id]))}
    waives = {}
    for offer in offers:
        if offer.kind == OfferKind.LOYALTY and offer.customer_id not in waives:
            waives[offer.customer_id] = _loyalty_waiver(Customer.get_by_id(offer.customer_id),
                                                        strict=False)
    rows = []
    for offer in offers:
        note = notes.get(offer.credit_note_id)
        linked = links.get(offer.id, [])
        rows.append(OfferRow(
            id=offer.id, customer_id=offer.customer_id, kind=OfferKind(offer.kind),
            currency=offer.currency, offered_on=offer.offered_on, pay_by=offer.pay_by,
            pay_minor=offer.pay_minor, waive_minor=offer.waive_minor,
            status=offer_state(OfferStatus(offer.status), offer.pay_by, as_of),
            resolved_on=offer.resolved_on, invoice_ids=tuple(i for i, _ in linked),
            invoice_numbers=tuple(n for _, n in linked),
            credit_note_number=note.number if note is not None else "",
            waived_minor=note.amount_minor if note is not None and not note.voided else 0,
            waives=(waives.get(offer.customer_id, LoyaltyWaiver.NONE)
                    if offer.kind == OfferKind.LOYALTY else LoyaltyWaiver.NONE),
            notes=offer.notes))
    return rows


# --- check ------------------------------------------------------------------------------

_OFFER_CREDITS = {OfferKind.SETTLEMENT: CreditKind.SETTLEMENT, OfferKind.LOYALTY: CreditKind.WAIVER}


def offer_problems() -> list[str]:
    """What does not add up between offers and the credit notes they earned (for
    ``check``): an accepted offer's credit note is live, of its kind, and credits exactly
    what is open on the offer's invoices and their charges, which are all closed; every
    settlement or waiver credit note is an accepted offer's; every early-payment
    discount credits exactly the invoice it was granted on."""
    found = []
    earned: set[int] = set()
    for offer in Offer.select().where(Offer.status == OfferStatus.ACCEPTED):
        ids = _invoice_ids(offer.id)
        what = f"the {offer.kind} offer #{offer.id} accepted on {offer.resolved_on}"
        still_open = (Invoice.select(Invoice.number)
                      .where(Invoice.id.in_(ids) & (Invoice.open_minor > 0)).tuples())
        for (number,) in still_open:
            found.append(f"{what} leaves invoice {number} open")
        if offer.credit_note_id is None:
            if offer.kind == OfferKind.SETTLEMENT and _open_charges(ids):
                found.append(f"{what} has no credit note for what it waived")
            continue
        earned.add(offer.credit_note_id)
        note = CreditNote.get_or_none(CreditNote.id == offer.credit_note_id)
        if note is None or note.voided or note.kind != _OFFER_CREDITS[offer.kind]:
            found.append(f"{what} has no live {_OFFER_CREDITS[offer.kind]} credit note")
            continue
        on_offer = _credited(note.id, (Allocation.invoice.in_(ids)
                                       | Allocation.charge.in_(_charge_ids(ids))))
        if on_offer != note.amount_minor or note.customer_id != offer.customer_id:
            found.append(f"{what}: credit note {note.number} of "
                         f"{format_money(note.amount_minor, note.currency)} credits "
                         f"{format_money(on_offer, note.currency)} of the offer's invoices "
                         f"and charges")
    rule_notes = CreditNote.select().where(
        ~CreditNote.voided & CreditNote.kind.in_(list(_OFFER_CREDITS.values())))
    for note in rule_notes:
        if note.id not in earned:
            found.append(f"credit note {note.number} ({note.kind}) is no accepted offer's")
    discounts = CreditNote.select().where(~CreditNote.voided
                                          & (CreditNote.kind == CreditKind.EARLY_PAYMENT))
    for note in discounts:
        credited = (_credited(note.id, Allocation.invoice == note.invoice_id)
                    if note.invoice_id is not None else 0)
        if credited != note.amount_minor:
            found.append(f"early-payment discount {note.number} of "
                         f"{format_money(note.amount_minor, note.currency)} credits "
                         f"{format_money(credited, note.currency)} of its invoice")
    return found


def _credited(note_id: int, where: pw.Expression) -> int:
    return int(allocated((Allocation.credit_note == note_id) & where).scalar())


def _charge_ids(invoice_ids: list[int]) -> list[int]:
    return [i for (i,) in Charge.select(Charge.id).where(Charge.invoice.in_(invoice_ids))
            .tuples()]
