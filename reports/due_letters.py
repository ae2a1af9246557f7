"""Print due letters: every reminder letter due on a day, recorded as sent and
printed into one PDF, with a summary page for the business first. An e-mail
reminder to a customer with no usable e-mail address is printed as a letter too.

All or nothing: the letters are recorded in one transaction that is committed
only once the PDF is complete and in place, so a failure or a cancel leaves
neither a record of a letter nobody printed nor a file of letters not recorded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from models.action_letters import as_letter, draft_for
from models.allocations import hold_accounts
from models.charges import read_charges_ahead
from models.company import business_details
from models.contacts import refresh_contact_summary
from models.customer_account import read_ahead
from models.dates import long_date
from models.db import writing
from models.errors import LedgerError
from models.files import whole_file
from models.followup import (
    DueAction,
    carry_out_action,
    execute_action,
    letters_due,
    recorded_stage,
    restate_action_text,
)
from models.kinds import Channel, ContactKind
from models.letter_context import read_contacts_ahead
from models.money import format_money
from models.note_search import notes_indexed_at_the_end
from models.offers import read_offers_ahead
from models.reference_rates import MissingRate
from models.steady import steady
from models.templating import TemplateError
from reports.batch import PdfBatch, collecting_rarely
from reports.document import DocumentRenderer
from reports.fonts import BOLD, REGULAR, UnprintableText, markup, refusal_reason, shortened
from reports.letter import (
    LetterData,
    letter_data,
    print_letter,
)
from reports.page import INK, RULE, paper
from reports.plain_table import PlainTable, TableLook, column_width

Progress = Callable[[int, int], None]


class Cancelled(Exception):
    """The user stopped the printing; nothing was recorded and no file was written."""


@dataclass(frozen=True)
class PrintedLetter:
    """One letter of the batch, as the summary lists it."""

    contact_id: int
    customer_name: str
    customer_code: str
    stage_name: str
    invoices: tuple[str, ...]  # invoice numbers
    amount_minor: int  # open on the invoices, with the open charges
    currency: str
    first_page: int  # in the whole PDF, the summary being page 1
    pages: int
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class SkippedLetter:
    """A letter that was due but not printed (nor recorded), and why."""

    customer_name: str
    reason: str


@dataclass(frozen=True)
class DueLettersResult:
    """What "Print due letters" did: the letters recorded and printed, and those not."""

    as_of: dt.date
    letters: int
    pages: int  # of the whole PDF, summary included; 0 with no file
    printed: tuple[PrintedLetter, ...]
    skipped: tuple[SkippedLetter, ...]
    path: Path | None  # None when no letter was due

    @property
    def message(self) -> str:
        """The outcome in the user's words."""
        if not self.letters:
            nothing = f"No letters are due on {long_date(self.as_of)}."
            return nothing if not self.skipped else (
                f"{nothing[:-1]} that could be printed: {len(self.skipped)} could not be "
                f"written.")
        noun = "letter" if self.letters == 1 else "letters"
        text = f"{self.letters} {noun} printed to {self.path} ({self.pages} pages)."
        if self.skipped:
            text += f" {len(self.skipped)} could not be written."
        return text


@dataclass(frozen=True)
class _Built:
    """A letter recorded in the open transaction, ready to render."""

    contact_id: int
    action: DueAction
    data: LetterData


class _NotKept(Exception):
    """Ends a preview's transaction: what it recorded is taken back, its PDF kept."""

    def __init__(self, result: DueLettersResult) -> None:
        super().__init__()
        self.result = result


def print_due_letters(as_of: dt.date, out: str | Path, *, progress: Progress | None = None,
                      cancelled: Callable[[], bool] | None = None,
                      now: dt.datetime | None = None, record: bool = True) -> DueLettersResult:
    """Record every letter due on ``as_of`` as sent, with its stage's charges, and print
    them into one PDF at ``out`` after a summary page. Nothing is recorded and no
    file is left unless all of it succeeds; raises :class:`Cancelled` when
    ``cancelled()`` says so. A letter whose template cannot be filled in is
    skipped and reported, not recorded; so is one with characters no font here can
    print (in its name, address or text).

    With ``record=False`` it is a preview: the PDF is the one printing would make
    (letters, charges and references as they would be recorded), but the records are
    taken back, so nothing is sent until it is printed or saved for real."""
    out = Path(out)
    now = now or dt.datetime.now()
    if as_of > now.date():
        raise LedgerError("as_of", f"Letters cannot be recorded as sent on "
                                   f"{long_date(as_of)}: that day has not come yet. Print "
                                   f"the letters due today, or on a day gone by.")
    business = business_details()
    if business is None:
        raise LedgerError("business", "Set up the business before printing letters.")
    placed = False
    try:
        with writing(), steady(), collecting_rarely(), notes_indexed_at_the_end():
            built, skipped = _record_letters(as_of, now, progress, cancelled)
            if not built:
                return DueLettersResult(as_of, 0, 0, (), tuple(skipped), None)
            with whole_file(out) as partial:
                printed, pages = _render_batch(partial, as_of, now, business.name,
                                               business.page_size, built, skipped, cancelled)
                _stop_if_cancelled(cancelled)
            placed = True
            result = DueLettersResult(as_of, len(printed), pages, printed, tuple(skipped), out)
            if not record:
                raise _NotKept(result)
    except _NotKept as preview:
        return preview.result
    except BaseException:
        if placed:  # the file went into place but the records were not committed
            out.unlink(missing_ok=True)
        raise
    return result


def _stop_if_cancelled(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled("Printing the letters was cancelled; nothing was recorded.")


def _record_letters(as_of: dt.date, now: dt.datetime, progress: Progress | None,
                    cancelled: Callable[[], bool] | None
                    ) -> tuple[list[_Built], list[SkippedLetter]]:
    """Record each letter due as sent (inside the caller's transaction) and snapshot it."""
    due = letters_due(as_of)
    # On a server two people may print at once: hold the accounts, then read again what
    # is due (what the other recorded meanwhile is then seen), so each letter goes once.
    if hold_accounts(action.customer_id for action in due):
        due = letters_due(as_of)
    read_ahead(((a.customer_id, [i.id for i in a.invoices]) for a in due), as_of)
    read_charges_ahead((i.id for a in due for i in a.invoices), as_of)
    read_contacts_ahead(a.customer_id for a in due)
    read_offers_ahead((a.customer_id for a in due), as_of)
    actions = [as_letter(a) for a in due]
    built: list[_Built] = []
    skipped: list[SkippedLetter] = []
    for done, action in enumerate(actions, 1):
        _stop_if_cancelled(cancelled)
        try:
            built.append(_record_letter(action, as_of, now))
        except (TemplateError, MissingRate, UnprintableText) as refusal:
            skipped.append(SkippedLetter(shortened(action.customer_name), refusal_reason(refusal)))
        if progress is not None:
            progress(done, len(actions))
    refresh_contact_summary(sorted({letter.action.customer_id for letter in built}))
    return built, skipped


def _record_letter(action: DueAction, as_of: dt.date, now: dt.datetime) -> _Built:
    """One letter: its text, recorded with its charges, then snapshotted to show them."""
    draft = draft_for(action, as_of)
    missing: list[MissingRate] = []
    with writing():  # a savepoint: a letter that fails leaves nothing of itself
        # A rate missing for the interest never drops the letter: it goes with the
        # charges that need no rate, and the summary page says which rate to add.
        contact_id = carry_out_action(action, as_of, subject=draft.subject, text=draft.text,
                                      now=now, rate_missing=missing.append,
                                      refresh_summary=False, template_name=draft.template_name)
        if _charges(action):
            # Written again so that the text's charges and total agree with the
            # charges just recorded, which the letter lists.
            draft = draft_for(action, as_of)
            restate_action_text(contact_id, action, subject=draft.subject, text=draft.text)
        # Inside the savepoint: a letter that cannot be printed is not recorded either.
        data = letter_data(action.customer_id, [i.id for i in action.invoices], as_of,
                           subject=draft.subject, text=draft.text,
                           stage_name=action.stage.name, tone=action.stage.tone,
                           language=draft.language,
                           reference=_reference(action.customer_code, contact_id))
    if missing:
        action = action._replace(warnings=(*action.warnings, *dict.fromkeys(
            f"No interest was charged. {m.message}" for m in missing)))
    return _Built(contact_id, action, data)


def _charges(action: DueAction) -> bool:
    """Whether carrying out the action's stage records charges."""
    stage = action.stage
    return bool(stage.fee_minor or stage.apply_interest or stage.apply_compensation)


def _reference(customer_code: str, contact_id: int) -> str:
    """Our reference on a letter: the account and the contact that recorded it."""
    return f"{customer_code}/{contact_id}"


def _render_batch(path: Path, as_of: dt.date, now: dt.datetime, business_name: str,
                  page_size: str, built: list[_Built], skipped: list[SkippedLetter],
                  cancelled: Callable[[], bool] | None
                  ) -> tuple[tuple[PrintedLetter, ...], int]:
    """The summary, then each letter on its own pages; returns the summary's rows and
    the number of pages written. The letters are drawn first, each laid out once, and
    the summary after them, once it knows their pages; it is then put in front."""
    with PdfBatch(path, title=f"Letters due {long_date(as_of)}", author=business_name,
                  pagesize=paper(page_size)) as batch:
        pages = []
        for letter in built:
            _stop_if_cancelled(cancelled)
            pages.append(print_letter(letter.data, batch))
        letter_pages = batch.pages
        summary_pages = _Summary(as_of, now, page_size, _paged(built, pages, 1),
                                 skipped).estimated_pages()
        drawn = 0
        while drawn != summary_pages:  # a long summary moves the letters on: drawn again
            summary_pages = drawn or summary_pages
            printed = _paged(built, pages, summary_pages)
            with batch.kept_if(_exactly(summary_pages)):
                drawn = _Summary(as_of, now, page_size, printed, skipped).render(
                    None, canvasmaker=batch.canvasmaker)
        batch.to_front(letter_pages)
        total = batch.pages
    return printed, total


def _exactly(pages: int) -> Callable[[int], bool]:
    return lambda count: count == pages


def _paged(built: list[_Built], pages: list[int], summary_pages: int
           ) -> tuple[PrintedLetter, ...]:
    """The summary's rows, each letter's first page counted after the summary."""
    rows = []
    page = summary_pages + 1
    for letter, letter_pages in zip(built, pages, strict=True):
        data, action = letter.data, letter.action
        warnings = tuple(dict.fromkeys([*action.warnings, *data.warnings]))
        # An instalment's reminder is about the instalment: its amount, in the plan's money.
        amount, currency = ((action.total_minor, action.currency) if action.instalment
                            else (data.total_with_charges_minor, data.currency))
        rows.append(PrintedLetter(
            letter.contact_id, data.customer_name, data.customer_code, data.stage_name,
            tuple(i.number for i in data.invoices), amount, currency, page, letter_pages,
            warnings))
        page += letter_pages
    return tuple(rows)


class _Summary(DocumentRenderer):
    """The first page of the batch, for the business: which letter is where. It goes to
    no one, so it has no letterhead and no address."""

    def __init__(self, as_of: dt.date, now: dt.datetime, page_size: str,
                 printed: tuple[PrintedLetter, ...], skipped: list[SkippedLetter]) -> None:
        super().__init__(page_size, None)
        self.as_of, self.now = as_of, now
        self.printed, self.skipped = printed, skipped

    def title(self) -> str:
        return f"Letters due {long_date(self.as_of)}"

    def story(self, width: float) -> list[Flowable]:
        style = self.style
        count = len(self.printed)
        story: list[Flowable] = [
            Paragraph(self.title(), style["title"]),
            Paragraph(f"{count} letter{'s' if count != 1 else ''} recorded as sent on "
                      f"{long_date(self.now.date())} at {self.now:%H:%M}, to post. This page "
                      f"is for your records: do not send it.", style["body"]),
            Spacer(1, 4 * mm),
            self._totals(),
            Spacer(1, 6 * mm),
            self._letters_table(width),
        ]
        warned = [(p.customer_name, w) for p in self.printed for w in p.warnings]
        if warned:
            story += [Paragraph("Check before posting", style["heading"]),
                      self._reasons_table(width, warned)]
        if self.skipped:
            story += [Paragraph("Not printed and not recorded", style["heading"]),
                      self._reasons_table(width, [(s.customer_name, s.reason)
                                                  for s in self.skipped])]
        return story

    def _totals(self) -> Table:
        amounts: dict[str, int] = defaultdict(int)
        for letter in self.printed:
            amounts[letter.currency] += letter.amount_minor
        rows = [["Letters", str(len(self.printed))],
                ["Letter pages", str(sum(p.pages for p in self.printed))],
                *(["Amount due" if i == 0 else "", format_money(amount, currency)]
                  for i, (currency, amount) in enumerate(sorted(amounts.items())))]
        table = Table(rows, colWidths=[30 * mm, 45 * mm], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("FONTNAME", (1, 0), (1, -1), BOLD), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]))
        return table

    def _letters_table(self, width: float) -> PlainTable:
        heading = ["Customer", "Account", "Stage", "Invoices", "Amount due", "Page"]
        body = [[letter.customer_name, letter.customer_code, letter.stage_name,
                 # An instalment's reminder is about no invoice: nothing to count.
                 str(len(letter.invoices)) if letter.invoices else "–",
                 format_money(letter.amount_minor, letter.currency),
                 str(letter.first_page)] for letter in self.printed]
        look = TableLook(body_size=8, padding=2.5, body_padding=2.5)
        return PlainTable(heading, body, [], _summary_widths(heading, body, width, look),
                          right_from=3, label_span=1, look=look)

    def _reasons_table(self, width: float, rows: list[tuple[str, str]]) -> Table:
        cell = self.style["cell"]
        table = Table([[Paragraph(markup(who), cell), Paragraph(markup(why), cell)]
                       for who, why in rows], colWidths=[width * 0.3, width * 0.7])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        return table



def _summary_widths(heading: list[str], body: list[list[str]], width: float,
                    look: TableLook) -> list[float]:
    """Every column but the customer's as wide as its widest text, measured in its font
    (a stage's name, whatever its language, stays on one line); the customer's name has
    the rest, and wraps if it must. Only a stage's name too long to leave the customer's
    a quarter of the width wraps too."""
    widths = [column_width(title, [row[n] for row in body], look)
              for n, title in enumerate(heading)]
    stage = heading.index("Stage")
    least = min(widths[0], width / 4)  # for the customer's name
    short = max(least - (width - sum(widths[1:])), 0.0)
    widths[stage] = max(widths[stage] - short, column_width(heading[stage], [], look))
    widths[0] = width - sum(widths[1:])
    return widths


# --- printing a recorded letter again ----------------------------------------------

@dataclass(frozen=True)
class RecordedLetters:
    """Letters printed again: the pages written, and the warnings of their names."""

    pages: int
    warnings: tuple[str, ...]


def print_recorded_letters(contact_ids: Sequence[int], out: str | Path, *,
                           progress: Progress | None = None) -> RecordedLetters:
    """Print letters already recorded as sent (approved in the window, or to print
    again) into one PDF at ``out``, each starting on its own page. No file is left
    unless all of it is written."""
    letters = []
    with steady():  # the business, its signatory and logo read once for all the letters
        for done, contact_id in enumerate(contact_ids):
            if progress is not None:
                progress(done, len(contact_ids))
            letters.append(letter_for_contact(contact_id))
    if not letters:
        raise LedgerError("letters", "There is no letter to print.")
    title = (f"Letter to {letters[0].customer_name}" if len(letters) == 1
             else f"{len(letters)} letters")
    with collecting_rarely(), whole_file(out) as partial, \
            PdfBatch(partial, title=title, author=letters[0].sender.name,
                     pagesize=paper(letters[0].page_size)) as batch:
        for data in letters:
            print_letter(data, batch)
        pages = batch.pages
    return RecordedLetters(pages, tuple(dict.fromkeys(w for data in letters
                                                      for w in data.warnings)))


def record_letter(customer_id: int, currency: str, as_of: dt.date, *, stage_id: int,
                  subject: str, text: str, now: dt.datetime | None = None,
                  plan_id: int | None = None, template_name: str = "") -> int:
    """Record a letter the user approved as sent (written from the template
    ``template_name``, "" for none), as ``models.followup.execute_action``
    does, and return its contact's id; refused (``UnprintableText``, nothing recorded)
    when the letter cannot be printed, so no letter is recorded that nobody can post."""
    with writing():
        contact_id = execute_action(customer_id, currency, as_of, stage_id=stage_id,
                                    subject=subject, text=text, now=now, plan_id=plan_id,
                                    printed=True, template_name=template_name)
        letter_for_contact(contact_id)  # the letter as it will print, or the refusal
        return contact_id


def letter_for_contact(interaction_id: int) -> LetterData:
    """The letter a letter stage recorded as this contact, as it was printed then (its
    invoices and the charges open on its date), to print again."""
    recorded = recorded_stage(interaction_id)
    # An e-mail stage printed as a letter (no e-mail address) is a letter contact.
    if recorded.stage_channel != Channel.LETTER and recorded.contact_kind != ContactKind.LETTER:
        raise LedgerError("contact", "That contact is not a letter of a follow-up stage.")
    return letter_data(recorded.customer_id, recorded.invoice_ids, recorded.day,
                       subject=recorded.subject, text=recorded.text,
                       stage_name=recorded.stage_name, tone=recorded.tone,
                       reference=_reference(recorded.customer_code, recorded.contact_id))
