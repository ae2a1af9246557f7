"""The letter before a claim to court, and the claim pack, on the shared document renderer.

The letter (:func:`render_claim_letter`) is the one :func:`models.claims.letter_for`
chooses:

- the Pre-Action Protocol for Debt Claims' letter of claim to an individual or sole
  trader in England & Wales, with the Information Sheet and the Reply Form it must
  enclose (para 3.1(c), (d); Annex 1) and 30 days to reply (para 3.3). The Annex's forms
  are set out here in the order and with the choices of the official ones (Annex 1 of
  the Protocol, in force 1 October 2017); compare them with the current Annex before
  relying on them in court. In English: the courts of England & Wales.
- a letter before action to a company in England & Wales: 14 days (Practice Direction –
  Pre-Action Conduct and Protocols, paras 3, 6).
- elsewhere, a letter before action in the customer's language (gettext), 14 days.

The claim pack (:func:`render_claim_pack`) is the business's own: the particulars of
claim in summary, the statement of interest, the compensation, the court fee, the total
and the evidence list, in English, for the claim form (N1 or Money Claim Online).

Snapshot first (:func:`claim_letter_data`, plain values from ``models/``), then render;
:func:`print_claim_letter` writes the letter and records it as sent in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from models.bank_accounts import payment_details, signatory
from models.claims import ClaimPack, claim_pack, record_claim_letter
from models.company import business_details, business_logo
from models.court_fees import CourtFeeBand
from models.customer_account import customer_draft
from models.db import writing
from models.errors import LedgerError
from models.files import whole_file
from models.kinds import ClaimLetterKind, ContactKind, LegalForm
from models.language import N_, Wording
from models.letter_context import document_wording
from models.money import format_amount, format_money, round_to_minor
from models.postal import postal_address
from reports.document import DeskReport, DocumentRenderer
from reports.fonts import BLOCK_LIMIT, check_printable, shortened
from reports.page import (
    Letterhead,
    PlainText,
    address_warning,
    recipient_lines,
    return_address,
)
from reports.plain_table import PlainTable, TableLook, scaled_widths
from reports.text_table import text_table

# The generic letter's words, translated in every catalogue.
LBA_TITLE = N_("Letter before action")
_DEAR = N_("Dear Sir or Madam,")
_UNPAID = N_("Despite our reminders, the invoices listed below remain unpaid. With the "
             "interest and compensation due on them up to {date}, you owe us {amount}.")
_INTEREST_RUNS = N_("Interest continues to run at {daily} a day until you pay.")
_DEMAND = N_("Unless we receive payment of {amount} by {date}, we intend to start court "
             "proceedings against you to recover the debt, with interest and costs, "
             "without further notice.")
_DISPUTE = N_("If you dispute this debt, or any part of it, please tell us in writing by "
              "that date, giving your reasons and any documents you rely on.")
_CHARGES = N_("Interest and compensation")
_TOTAL_CLAIMED = N_("Total claimed")
_YOURS = N_("Yours faithfully,")

# Free, independent debt advice the Information Sheet names (Protocol Annex 1).
_ADVICE = (
    ("National Debtline", "0808 808 4000", "www.nationaldebtline.org"),
    ("Business Debtline (for sole traders)", "0800 197 6026", "www.businessdebtline.org"),
    ("StepChange Debt Charity", "0800 138 1111", "www.stepchange.org"),
    ("Citizens Advice", "0800 144 8848 (England), 0800 702 2020 (Wales)",
     "www.citizensadvice.org.uk"),
    ("Money Helper", "0800 138 7777", "www.moneyhelper.org.uk"),
)


@dataclass(frozen=True)
class ClaimLetterData:
    """Everything the letter before a claim prints, dated ``pack.as_of``, with
    ``warnings`` for the user to read before sending it."""

    sender: Letterhead
    page_size: str
    pack: ClaimPack
    customer_name: str
    contact_name: str
    customer_address: str
    bank_details: str
    signatory: tuple[str, ...]
    language: str
    region: str
    warnings: tuple[str, ...] = ()

    @property
    def kind(self) -> ClaimLetterKind:
        """Which letter it is."""
        return self.pack.letter.kind

    @property
    def words(self) -> Wording:
        """Its words and formats: English in England & Wales, else the customer's."""
        if self.kind != ClaimLetterKind.GENERIC:
            return document_wording("en", "GB", "GB")
        return document_wording(self.language, self.region, self.region)


def claim_letter_data(customer_id: int, as_of: dt.date, *, language: str = ""
                      ) -> ClaimLetterData:
    """The letter before a claim to the customer as of ``as_of`` (see the module);
    LedgerError when the business is not set up or nothing is overdue."""
    business = business_details()
    if business is None:
        raise LedgerError("business", "Set up the business before writing a letter before "
                                      "action.")
    pack = claim_pack(customer_id, as_of)
    draft = customer_draft(customer_id)
    words = document_wording(language or draft.language, draft.country, business.country)
    address = postal_address(draft.address, draft.country, business.country)
    check_printable("letter before action", draft.name, (
        ("the customer's name", draft.name), ("the contact's name", draft.contact_name),
        ("the customer's address", address), ("your business's name", business.name)))
    logo = business_logo()
    sender = Letterhead(business.name, business.address, business.email, business.phone,
                        business.registration, logo[0] if logo else None)
    data = ClaimLetterData(
        sender=sender, page_size=business.page_size, pack=pack,
        customer_name=shortened(draft.name), contact_name=shortened(draft.contact_name),
        customer_address=shortened(address, BLOCK_LIMIT),
        bank_details=shortened(payment_details(pack.currency, words), BLOCK_LIMIT),
        signatory=signatory().lines(), language=words.language, region=words.region)
    recipient = recipient_lines(data.customer_name, data.contact_name, data.customer_address,
                                data.words)
    warnings = [*pack.warnings, words.problem,
                address_warning(data.page_size, return_address(sender), recipient),
                "" if data.customer_address.strip() else (
                    "The customer has no postal address: the Protocol asks for the letter "
                    "to be posted. Add the address first."),
                "" if data.bank_details.strip() else (
                    f"You have no bank account for {pack.currency}: the letter does not say "
                    f"where to pay. Add one in Settings."),
                "" if pack.legal_form != LegalForm.UNKNOWN else (
                    "The customer's legal form is not known, so the Debt Protocol's letter "
                    "is used: set it in the customer's details if they are a company.")]
    return replace(data, warnings=tuple(w for w in warnings if w))


def render_claim_letter(data: ClaimLetterData, out: BinaryIO | str | Path) -> int:
    """Write the letter (with its enclosures) as a PDF; returns its pages."""
    return _LetterRenderer(data).render(out)


def print_claim_letter(customer_id: int, as_of: dt.date, out: str | Path, *,
                       now: dt.datetime | None = None) -> int:
    """Write the letter before a claim at ``out``, whole or not at all, and record it as
    sent on ``as_of`` with its response deadline; nothing is recorded unless the file is
    written. Returns its pages."""
    now = now or dt.datetime.now()
    data = claim_letter_data(customer_id, as_of)
    out = Path(out)
    placed = False
    try:
        with writing():
            record_claim_letter(customer_id, as_of, now=now)
            with whole_file(out) as partial:
                pages = render_claim_letter(data, partial)
            placed = True
    except BaseException:
        if placed:  # the file went into place but the record was not committed
            out.unlink(missing_ok=True)
        raise
    return pages


def render_claim_pack(pack: ClaimPack, out: BinaryIO | str | Path) -> int:
    """Write the claim pack (the business's own summary for the claim form) as a PDF;
    returns its pages."""
    business = business_details()
    if business is None:
        raise LedgerError("business", "Set up the business before preparing a claim.")
    return _PackRenderer(business.page_size, business.name, pack).render(out)


# --- the letters -----------------------------------------------------------------------

class _LetterRenderer(DocumentRenderer):
    """The letter, then for the Protocol's its Information Sheet and Reply Form."""

    def __init__(self, data: ClaimLetterData) -> None:
        super().__init__(data.page_size, data.sender, data.words)
        self.data = data
        self.text = ParagraphStyle("claim", self.style["body"], fontSize=9.5, leading=12.5,
                                   spaceAfter=5)
        self.section = ParagraphStyle("section", self.style["heading"], spaceBefore=8,
                                      spaceAfter=3)

    def title(self) -> str:
        return f"{self._name()} – {self.data.customer_name}"

    def subject(self) -> str:
        return self._name()

    def _name(self) -> str:
        kind = self.data.kind
        if kind == ClaimLetterKind.PROTOCOL:
            return "Letter of claim"
        if kind == ClaimLetterKind.BEFORE_ACTION:
            return "Letter before action"
        return self.words.gettext(LBA_TITLE)

    def recipient(self) -> list[str]:
        data = self.data
        return recipient_lines(data.customer_name, data.contact_name, data.customer_address,
                               self.words)

    def running_head(self) -> str:
        return f"{self._name()} · {self.data.customer_name} ({self.data.pack.customer_code})"

    def _p(self, text: str) -> PlainText:
        return PlainText(text, self.text)

    def story(self, width: float) -> list[Flowable]:
        kind = self.data.kind
        if kind == ClaimLetterKind.PROTOCOL:
            return [*self._protocol_letter(width), PageBreak(), *self._information_sheet(),
                    PageBreak(), *self._reply_form()]
        if kind == ClaimLetterKind.BEFORE_ACTION:
            return self._company_letter(width)
        return self._generic_letter(width)

    # England & Wales ---------------------------------------------------------------------

    def _head(self, heading: str) -> list[Flowable]:
        words, data = self.words, self.data
        name = data.contact_name or "Sir or Madam"
        return [self._p(words.date(data.pack.as_of)), Spacer(1, 2 * mm),
                PlainText(heading, self.style["title"]), Spacer(1, 1 * mm),
                self._p(f"Dear {name},")]

    def _protocol_letter(self, width: float) -> list[Flowable]:
        data, words, pack = self.data, self.words, self.data.pack
        money = words.money
        respond_by = words.date(pack.respond_by)
        parts = [
            *self._head("Letter of claim – Pre-Action Protocol for Debt Claims"),
            self._p(f"We write about the money you owe {data.sender.name} for goods and "
                    f"services supplied to you on the invoices listed below, on account "
                    f"{pack.customer_code}. The amount of the debt is "
                    f"{money(pack.principal_minor, pack.currency)}; with the interest and "
                    f"compensation due up to {words.date(pack.as_of)} you owe "
                    f"{money(pack.claim_minor, pack.currency)}."),
            *self._invoices(width),
            self._p(self._interest_sentence()),
            self._p(f"You can pay by bank transfer to the account below, quoting your "
                    f"account number {pack.customer_code}, or contact us to agree how to "
                    f"pay, for example by instalments." if data.bank_details.strip() else
                    f"Please contact us to pay, quoting your account number "
                    f"{pack.customer_code}, or to agree how to pay, for example by "
                    f"instalments."),
            *self._bank(),
            self._p(f"Please read the enclosed Information Sheet, and fill in and return the "
                    f"enclosed Reply Form to us at the address above by {respond_by}, "
                    f"30 days from the date of this letter. If you need more time to get "
                    f"advice, tell us on the Reply Form."),
            self._p(f"If you do not reply by {respond_by}, we may start court proceedings "
                    f"against you without further notice, and ask the court to order you to "
                    f"pay the debt, interest and our costs."),
            self._p("You can get free and independent advice about your debts from the "
                    "organisations named in the Information Sheet. If you dispute the debt, "
                    "say so on the Reply Form and tell us why; if you ask for documents, we "
                    "will send them to you."),
            *self._closing("Yours sincerely,"),
            self._p("Enclosed: Information Sheet; Reply Form; Financial Statement (part of "
                    "the Reply Form).")]
        return parts

    def _company_letter(self, width: float) -> list[Flowable]:
        data, words, pack = self.data, self.words, self.data.pack
        money = words.money
        return [
            *self._head("Letter before action"),
            self._p(f"Despite our reminders, {data.customer_name} has not paid the invoices "
                    f"listed below for goods and services supplied by {data.sender.name}. "
                    f"With the interest and compensation due up to {words.date(pack.as_of)}, "
                    f"the amount owed is {money(pack.claim_minor, pack.currency)}."),
            *self._invoices(width),
            self._p(self._interest_sentence()),
            self._p(f"Unless we receive payment of {money(pack.claim_minor, pack.currency)} "
                    f"by {words.date(pack.respond_by)}, 14 days from the date of this "
                    f"letter, we intend to issue a claim in the County Court without further "
                    f"notice, for the debt, interest, compensation, the court fee and our "
                    f"costs."),
            self._p("If you dispute the debt or any part of it, please tell us in writing by "
                    "that date with your reasons and any documents you rely on. We refer "
                    "you to the Practice Direction – Pre-Action Conduct and Protocols, and "
                    "to the court's powers to penalise a party who does not follow it."),
            *self._bank(),
            *self._closing("Yours faithfully,")]

    def _interest_sentence(self) -> str:
        pack, words = self.data.pack, self.words
        if not pack.interest_minor:
            # Never a word that could read as giving interest up: the figure may only be
            # missing (a reference rate not yet recorded), and the right stays either way.
            return ("We reserve our right to claim interest on the debt, and the costs of "
                    "recovering it, in addition.")
        start = words.date(pack.interest_from) if pack.interest_from else ""
        return (f"Interest is claimed under {pack.interest_basis} from {start} to "
                f"{words.date(pack.as_of)}: {words.money(pack.interest_minor, pack.currency)}"
                + (f", and fixed compensation of "
                   f"{words.money(pack.compensation_minor, pack.currency)}"
                   if pack.compensation_minor else "")
                + f". Interest continues to run at {words.money(_daily(pack), pack.currency)} "
                  f"a day until payment.")

    def _bank(self) -> list[Flowable]:
        if not self.data.bank_details.strip():
            return []
        return [PlainText(self.data.bank_details, self.text)]

    def _closing(self, closing: str) -> list[Flowable]:
        return [Spacer(1, 2 * mm), self._p(closing), Spacer(1, 10 * mm),
                self._p("\n".join([*self.data.signatory, self.data.sender.name]))]

    def _invoices(self, width: float) -> list[Flowable]:
        pack, words, say = self.data.pack, self.words, self.words.gettext
        heading = [say("Invoice"), say("Date"), say("Due"),
                   say("Open ({currency})").format(currency=pack.currency),
                   say(_CHARGES)]
        body = [[i.number, words.date(i.issue_date), words.date(i.due_date),
                 words.amount(i.open_minor, pack.currency),
                 words.amount(i.interest_minor + i.compensation_minor, pack.currency)]
                for i in pack.invoices]
        table = PlainTable(heading, body, [[say(_TOTAL_CLAIMED),
                                            words.money(pack.claim_minor, pack.currency)]],
                           scaled_widths(width, (28, 22, 22, 30, 38)), right_from=3, label_span=4,
                           look=TableLook(body_size=8.5))
        return [Spacer(1, 1 * mm), table, Spacer(1, 3 * mm)]

    def _information_sheet(self) -> list[Flowable]:
        data, words = self.data, self.words
        pack = data.pack
        parts: list[Flowable] = [
            PlainText("Information Sheet", self.style["title"]),
            self._p("Pre-Action Protocol for Debt Claims, Annex 1"),
            PlainText("You have received this because a business says you owe it money",
                      self.section),
            self._p(f"{data.sender.name} says you owe "
                    f"{words.money(pack.claim_minor, pack.currency)}, as set out in the "
                    f"letter of claim sent with this sheet, dated {words.date(pack.as_of)}. "
                    f"Please read the letter and this sheet carefully."),
            PlainText("What you should do", self.section),
            self._p(f"Fill in the Reply Form and send it to {data.sender.name} by "
                    f"{words.date(pack.respond_by)}. If you agree you owe the debt, you can "
                    f"pay it, or propose to pay in instalments and fill in the financial "
                    f"statement so they can consider your offer. If you do not agree, tick "
                    f"that box and explain why. If you need documents, ask for them."),
            self._p("If you do not reply within 30 days of the date of the letter, a claim "
                    "may be started against you in court. A County Court Judgment may "
                    "affect your ability to get credit, and you may have to pay more in "
                    "interest and costs."),
            self._p("If you are getting advice and need more time, say so on the Reply "
                    "Form: the business should then give you a reasonable time before "
                    "starting court proceedings."),
            PlainText("Free, independent debt advice", self.section)]
        parts += [self._p(f"{name}: {phone}, {site}") for name, phone, site in _ADVICE]
        return parts

    def _reply_form(self) -> list[Flowable]:
        data, words = self.data, self.words
        pack = data.pack
        box = "\u2610"  # a box to tick
        line = "_" * 60
        parts: list[Flowable] = [
            PlainText("Reply Form", self.style["title"]),
            self._p(f"To: {data.sender.name}. From: {data.customer_name} (account "
                    f"{pack.customer_code}). Return by {words.date(pack.respond_by)}."),
            PlainText("Section 1 – Do you owe the debt?", self.section),
            self._p(f"{box} I agree I owe the debt of "
                    f"{words.money(pack.claim_minor, pack.currency)}."),
            self._p(f"{box} I agree I owe part of the debt: £ ________ . I do not owe the "
                    f"rest because: {line}"),
            self._p(f"{box} I do not owe the debt, because: {line}"),
            PlainText("Section 2 – Paying the debt", self.section),
            self._p(f"{box} I will pay the debt in full by ____ / ____ / ______."),
            self._p(f"{box} I want to pay the debt by instalments of £ ________ a ________ "
                    f"(week / month), starting on ____ / ____ / ______. I enclose the "
                    f"financial statement."),
            PlainText("Section 3 – Documents and advice", self.section),
            self._p(f"{box} I need documents about the debt. I would like: {line}"),
            self._p(f"{box} I am getting advice about the debt from: {line}. I need more "
                    f"time to reply; I expect to reply by ____ / ____ / ______."),
            PlainText("Section 4 – Anything else", self.section),
            self._p(f"{line}\n{line}"),
            PlainText("Financial statement", self.section),
            self._p("Income each month (wages, benefits, other): £ ________ . Outgoings each "
                    "month (housing, bills, food, travel, other debts): £ ________ . Other "
                    "debts and to whom: " + line),
            Spacer(1, 6 * mm),
            self._p("Signed: ______________________________   Date: ____ / ____ / ______"),
            self._p("Name: ______________________________")]
        return [KeepTogether(parts[:2]), *parts[2:]]

    # Elsewhere ------------------------------------------------------------------------

    def _generic_letter(self, width: float) -> list[Flowable]:
        data, words, say = self.data, self.words, self.words.gettext
        pack = data.pack
        claimed = words.money(pack.claim_minor, pack.currency)
        parts: list[Flowable] = [
            self._p(words.date(pack.as_of)), Spacer(1, 2 * mm),
            PlainText(say(LBA_TITLE), self.style["title"]), Spacer(1, 1 * mm),
            self._p(say(_DEAR)),
            self._p(say(_UNPAID).format(date=words.date(pack.as_of), amount=claimed)),
            *self._invoices(width)]
        if pack.daily > 0:
            parts.append(self._p(say(_INTEREST_RUNS).format(
                daily=words.money(_daily(pack), pack.currency))))
        parts += [self._p(say(_DEMAND).format(amount=claimed,
                                              date=words.date(pack.respond_by))),
                  self._p(say(_DISPUTE))]
        if data.bank_details.strip():
            parts += [PlainText(say("How to pay"), self.section), *self._bank()]
        return [*parts, *self._closing(say(_YOURS))]


def _daily(pack: ClaimPack) -> int:
    """The daily interest in minor units, to the nearest (a letter shows money so)."""
    return round_to_minor(pack.daily, pack.currency)


# --- the claim pack ----------------------------------------------------------------------

class _PackRenderer(DeskReport):
    """The claim pack: the business's own papers for the claim form."""

    def __init__(self, page_size: str, business_name: str, pack: ClaimPack) -> None:
        super().__init__(page_size, business_name)
        self.pack = pack
        self.text = ParagraphStyle("pack", self.style["body"], fontSize=9.5, leading=12.5,
                                   spaceAfter=4)
        self.section = ParagraphStyle("section", self.style["heading"], spaceBefore=9,
                                      spaceAfter=3)

    def title(self) -> str:
        return f"Claim pack – {self.pack.customer_name}"

    def _p(self, text: str) -> PlainText:
        return PlainText(text, self.text)

    def story(self, width: float) -> list[Flowable]:
        pack, words = self.pack, self.words
        money = words.money
        kind = ClaimLetterKind(pack.letter.kind)
        parts: list[Flowable] = [
            PlainText(self.title(), self.style["title"]),
            self._p(f"Prepared on {words.date(pack.as_of)} by {self.business_name} against "
                    f"{pack.customer_name} (account {pack.customer_code}, "
                    f"{LegalForm(pack.legal_form).word.lower()}). Letter before a claim: "
                    f"{kind.word}, {pack.letter.days} days to reply."),
            PlainText("Particulars of claim (summary)", self.section),
            self._p(f"The claimant supplied goods and services to the defendant on the "
                    f"invoices below, on credit. The defendant has not paid "
                    f"{money(pack.principal_minor, pack.currency)} of them, though due. The "
                    f"claimant claims that sum, interest and the fixed compensation."),
            *self._invoices(width),
            PlainText("Statement of interest", self.section),
            *self._interest(),
            PlainText("Amount of the claim", self.section),
            self._totals(width),
            PlainText("Evidence", self.section),
            *self._evidence(width)]
        if pack.warnings:
            parts += [PlainText("Check before you claim", self.section),
                      *(self._p(w) for w in pack.warnings)]
        return parts

    def _invoices(self, width: float) -> list[Flowable]:
        pack, words = self.pack, self.words
        c = pack.currency
        body = [[i.number, words.date(i.issue_date), words.date(i.due_date),
                 words.amount(i.amount_minor, c), words.amount(i.open_minor, c),
                 words.amount(i.interest_minor, c), words.amount(i.compensation_minor, c)]
                for i in pack.invoices]
        return [PlainTable(
            ["Invoice", "Issued", "Due", f"Amount ({c})", f"Unpaid ({c})", f"Interest ({c})",
             f"Compensation ({c})"], body,
            [["Total", words.amount(pack.principal_minor, c), words.amount(pack.interest_minor,
                                                                         c),
              words.amount(pack.compensation_minor, c)]],
            scaled_widths(width, (27, 25, 25, 21, 21, 21, 25)), right_from=3, label_span=4)]

    def _interest(self) -> list[Flowable]:
        pack, words = self.pack, self.words
        if not pack.interest_minor:
            if pack.warnings:  # e.g. a reference rate missing: not "none is owed"
                return [self._p("No interest is claimed yet: it could not all be worked "
                                "out. See “Check before you claim” below.")]
            return [self._p("No interest is claimed.")]
        rates = sorted({i.rate_percent for i in pack.invoices if i.rate_percent is not None})
        rate_words = ", ".join(f"{words.number(r)}%" for r in rates)
        start = words.date(pack.interest_from) if pack.interest_from else "—"
        return [self._p(f"The claimant claims interest under {pack.interest_basis}, at "
                        f"{rate_words} a year simple, from {start} (the day after each "
                        f"invoice fell due) to {words.date(pack.as_of)}, the date of this "
                        f"claim: {words.money(pack.interest_minor, pack.currency)}."),
                self._p(f"Interest continues at {words.money(_daily(pack), pack.currency)} a "
                        f"day (exactly {pack.daily:.4f} {pack.currency}) until judgment or "
                        f"earlier payment.")]

    def _totals(self, width: float) -> Flowable:
        pack, words = self.pack, self.words
        c = pack.currency
        fee = pack.court_fee
        if fee is None and pack.letter.kind == ClaimLetterKind.GENERIC:
            fee_words = "Court fee (outside England & Wales: not worked out)"
        elif fee is None:
            fee_words = "Court fee (no band in the table)"
        elif fee.fee_minor is not None:
            fee_words = "Court fee (fixed for the band)"
        else:
            fee_words = f"Court fee ({words.number(fee.percent or Decimal(0))}% of the claim)"
        rows = [["Principal unpaid", words.money(pack.principal_minor, c)],
                ["Interest to the date of claim", words.money(pack.interest_minor, c)],
                ["Fixed compensation", words.money(pack.compensation_minor, c)],
                ["Amount claimed", words.money(pack.claim_minor, c)],
                [fee_words, words.money(pack.court_fee_minor, c)]]
        table = PlainTable(["", f"Amount ({c})"], rows, [["Total, with the court fee",
                                              words.money(pack.total_minor, c)]],
                           scaled_widths(width * 0.7, (60, 40)), right_from=1, label_span=1)
        table.hAlign = "LEFT"
        return table

    def _evidence(self, width: float) -> list[Flowable]:
        words = self.words
        body = [[words.date(e.on), ContactKind.word_for(e.kind), e.what]
                for e in self.pack.evidence]
        if not body:
            return [self._p("Nothing on the timeline.")]
        return [PlainTable(["Date", "Kind", "What"], body, [],
                           scaled_widths(width, (20, 18, 82)), right_from=3, label_span=1)]


# --- as text, for the command line -------------------------------------------------------

def claim_pack_text(pack: ClaimPack) -> str:
    """The claim's figures for a terminal: the letter, the invoices, interest, daily rate,
    compensation, court fee and total, then the evidence."""
    c = pack.currency
    kind = ClaimLetterKind(pack.letter.kind)
    rows = [[i.number, i.due_date.isoformat(), format_amount(i.open_minor, c),
             i.interest_from.isoformat() if i.interest_from else "",
             f"{i.rate_percent}%" if i.rate_percent is not None else "",
             format_amount(i.interest_minor, c), format_amount(i.compensation_minor, c)]
            for i in pack.invoices]
    lines = [f"Claim against {pack.customer_name} ({pack.customer_code}) as of "
             f"{pack.as_of.isoformat()}",
             f"Legal form: {LegalForm(pack.legal_form).word}. Letter: {kind.word}, "
             f"{pack.letter.days} days to reply (by {pack.respond_by.isoformat()}).", "",
             *text_table(("Invoice", "Due", "Unpaid", "Interest from", "Rate", "Interest",
                          "Compensation"), rows, right_aligned=(2, 5, 6)), "",
             f"Interest under: {pack.interest_basis}",
             f"Principal:      {format_money(pack.principal_minor, c)}",
             f"Interest:       {format_money(pack.interest_minor, c)} "
             f"(then {pack.daily:.4f} {c} a day)",
             f"Compensation:   {format_money(pack.compensation_minor, c)}",
             f"Amount claimed: {format_money(pack.claim_minor, c)}",
             f"Court fee:      {format_money(pack.court_fee_minor, c)}",
             f"Total:          {format_money(pack.total_minor, c)}", ""]
    if pack.warnings:  # before the evidence, where they are read
        lines += [*(f"Check: {w}" for w in pack.warnings), ""]
    lines.append("Evidence:")
    for e in pack.evidence:  # a note's later lines stay under its first
        first, *more = e.what.splitlines() or [""]
        lines.append(f"  {e.on.isoformat()}  {ContactKind.word_for(e.kind):<8} {first}")
        lines += [f"{'':23}{line}" for line in more]
    return "\n".join(lines) + "\n"


def court_fees_text(bands: Sequence[CourtFeeBand]) -> str:
    """The court fee table for a terminal."""
    rows = [[b.jurisdiction, b.currency, format_amount(b.amount_from_minor, b.currency),
             format_amount(b.amount_to_minor, b.currency) if b.amount_to_minor else "no limit",
             format_amount(b.fee_minor, b.currency) if b.fee_minor is not None
             else f"{b.percent}%",
             format_amount(b.cap_minor, b.currency) if b.cap_minor is not None else ""]
            for b in bands]
    sources = sorted({b.source for b in bands if b.source})
    table = text_table(("Court", "Currency", "Claim from", "Claim to", "Fee", "At most"), rows,
                       right_aligned=(2, 3, 4, 5))
    return "\n".join([*table, *(f"Source: {s}" for s in sources)]) + "\n"
