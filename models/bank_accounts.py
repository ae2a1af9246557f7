"""Where customers pay the business: its bank accounts, one per currency, and who signs
its letters.

An account is IBAN and BIC, a UK sort code and account number, a US ABA routing
number and account number, or the business's own words. A document in a currency
shows the account for that currency, else the one for any currency, else none
(:func:`payment_account`, the one home of that rule); its labels ("IBAN", "Sort
code") are in the document's language and an IBAN prints in groups of four that
never break across a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from models.audit import record_change
from models.db import writing
from models.errors import LedgerError, Problems
from models.kinds import BankKind
from models.language import N_, Wording
from models.money import is_currency_code
from models.schema import BankAccount, Business
from models.steady import steady_answer

ANY_CURRENCY = ""
MAX_TEXT_CHARS = 500  # the free-text details: a few lines on a statement
MAX_NAME_CHARS = 120  # a holder's, bank's or signatory's name, a position

_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_SEPARATORS = re.compile(r"[\s\-./\u00a0]")

_NO_BREAK = "\u00a0"
# The labels a document prints, in its language.
HOLDER_LABEL = N_("Account holder")
BANK_LABEL = N_("Bank")
IBAN_LABEL = N_("IBAN")
BIC_LABEL = N_("BIC")
SORT_CODE_LABEL = N_("Sort code")
ACCOUNT_NUMBER_LABEL = N_("Account number")
ROUTING_LABEL = N_("Routing number")
# A label and its value: "IBAN: …"; French puts a space before the colon.
LABELLED = N_("{label}: {value}")


@dataclass(frozen=True)
class BankAccountDraft:
    """A bank account as typed; only the fields of its ``kind`` are kept."""

    currency: str  # "" for any currency
    kind: str
    label: str = ""
    holder: str = ""
    iban: str = ""
    bic: str = ""
    sort_code: str = ""
    account_number: str = ""
    routing_number: str = ""
    details: str = ""


@dataclass(frozen=True)
class BankAccountRow(BankAccountDraft):
    """A bank account of the business, as kept."""

    id: int = 0


@dataclass(frozen=True)
class Signatory:
    """Who signs the business's letters: a name and, if given, a position."""

    name: str
    position: str = ""

    def lines(self) -> tuple[str, ...]:
        """The name, then the position, as printed under the signature (none without a
        name)."""
        if not self.name:
            return ()
        return (self.name, self.position) if self.position else (self.name,)


# --- checking what was typed ----------------------------------------------------------

def compact(text: str) -> str:
    """A code as typed, without its spaces, dashes and dots, in capitals."""
    return _SEPARATORS.sub("", text).upper()


def check_iban(typed: str) -> str:
    """The IBAN, compact; LedgerError at "iban" when it cannot be one."""
    iban = compact(typed)
    if not iban:
        raise LedgerError("iban", "Enter the IBAN, e.g. GB29 NWBK 6016 1331 9268 19.")
    if not _IBAN_SHAPE.fullmatch(iban):
        raise LedgerError("iban", "An IBAN starts with two letters for the country and two "
                                  "check digits, then letters and digits: 15 to 34 in all, "
                                  "e.g. GB29 NWBK 6016 1331 9268 19.")
    # The IBAN registry's length and pattern for each country, the mod-97 check
    # (ISO 13616) and the national checks where a country has one: python-stdnum,
    # imported here, as the bank checks below: the window's lists never need them.
    from stdnum import iban as std_iban
    from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

    try:
        std_iban.validate(iban)
    except InvalidChecksum:
        raise LedgerError("iban", "This IBAN's check digits do not match the rest: a "
                                  "character is mistyped, missing or one too many. Check "
                                  "it against your bank statement.") from None
    except InvalidComponent:
        raise LedgerError("iban", f"“{iban[:2]}” is not a country with IBANs. Check the "
                                  f"first two letters.") from None
    except ValidationError:
        raise LedgerError("iban", f"This is not an IBAN from {iban[:2]}: it has "
                                  f"{len(iban)} characters, not the number and pattern that "
                                  f"country's IBANs have. Check it against your bank "
                                  f"statement.") from None
    return iban


def check_bic(typed: str) -> str:
    """The BIC, compact ("" when none is given); LedgerError at "bic" when it cannot be
    one."""
    from stdnum import bic as std_bic

    bic = compact(typed)
    if bic and not std_bic.is_valid(bic):  # ISO 9362: bank, country, place, branch
        raise LedgerError("bic", "A BIC (SWIFT code) has 8 or 11 letters and digits, the "
                                 "fifth and sixth the bank's country, e.g. NWBKGB2L.")
    return bic


def check_sort_code(typed: str) -> str:
    """The sort code as printed, "20-00-00"; LedgerError at "sort_code" otherwise."""
    digits = compact(typed)
    if len(digits) != 6 or not digits.isdigit():
        raise LedgerError("sort_code", "A sort code has six digits, e.g. 20-00-00.")
    return f"{digits[:2]}-{digits[2:4]}-{digits[4:]}"


def check_uk_account(typed: str) -> str:
    """A UK account number: eight digits; LedgerError at "account_number" otherwise."""
    digits = compact(typed)
    if len(digits) != 8 or not digits.isdigit():
        raise LedgerError("account_number", "A UK account number has eight digits, e.g. "
                                            "12345678.")
    return digits


def check_routing_number(typed: str) -> str:
    """An ABA routing number: nine digits with its check; LedgerError at
    "routing_number" otherwise."""
    from stdnum.us import rtn as std_rtn

    digits = compact(typed)
    if len(digits) != 9 or not digits.isdigit():
        raise LedgerError("routing_number", "A routing number (ABA) has nine digits, e.g. "
                                            "021000021.")
    if not std_rtn.is_valid(digits):  # the ABA check: 3, 7, 1 times the digits in turn
        raise LedgerError("routing_number", "This routing number's check digit does not "
                                            "match: a digit is mistyped. Check it against "
                                            "a cheque or your bank statement.")
    return digits


def check_us_account(typed: str) -> str:
    """A US account number: 4 to 17 digits; LedgerError at "account_number" otherwise."""
    digits = compact(typed)
    if not 4 <= len(digits) <= 17 or not digits.isdigit():
        raise LedgerError("account_number", "A US account number has 4 to 17 digits.")
    return digits


def check_currency(typed: str) -> str:
    """The currency code, or "" for any currency; LedgerError at "currency" otherwise."""
    currency = typed.strip().upper()
    if currency and not is_currency_code(currency):
        raise LedgerError("currency", "Choose the currency as a three-letter code, e.g. "
                                      "EUR, or “Any currency”.")
    return currency


def _name(field: str, typed: str, what: str) -> str:
    text = " ".join(typed.split())
    if len(text) > MAX_NAME_CHARS:
        raise LedgerError(field, f"The {what} is too long: at most {MAX_NAME_CHARS} "
                                 f"characters.")
    return text


def _details(typed: str) -> str:
    text = "\n".join(line.strip() for line in typed.strip().splitlines())
    if not text:
        raise LedgerError("details", "Write how customers pay you, e.g. your bank's name "
                                     "and your account's number.")
    if len(text) > MAX_TEXT_CHARS:
        raise LedgerError("details", f"The details are too long for a statement: at most "
                                     f"{MAX_TEXT_CHARS} characters.")
    return text


def check_bank_account(draft: BankAccountDraft) -> BankAccountDraft:
    """The account cleaned as it will be kept (codes compact, the fields of other kinds
    emptied); FieldProblems naming every field that will not do."""
    problems = Problems()
    currency = problems.read(lambda: check_currency(draft.currency))
    try:
        kind = BankKind(draft.kind)
    except ValueError:
        problems.refuse("kind", "Choose how customers pay into this account.")
        kind = None
    label = problems.read(lambda: _name("label", draft.label, "bank's name"))
    holder = problems.read(lambda: _name("holder", draft.holder, "account holder's name"))
    kept: dict[str, str | None] = {}
    if kind == BankKind.IBAN:
        kept["iban"] = problems.read(lambda: check_iban(draft.iban))
        kept["bic"] = problems.read(lambda: check_bic(draft.bic))
    elif kind == BankKind.UK:
        kept["sort_code"] = problems.read(lambda: check_sort_code(draft.sort_code))
        kept["account_number"] = problems.read(lambda: check_uk_account(draft.account_number))
    elif kind == BankKind.US:
        kept["routing_number"] = problems.read(
            lambda: check_routing_number(draft.routing_number))
        kept["account_number"] = problems.read(lambda: check_us_account(draft.account_number))
    elif kind == BankKind.TEXT:
        kept["details"] = problems.read(lambda: _details(draft.details))
    problems.check()
    return BankAccountDraft(currency=currency or "", kind=str(kind), label=label or "",
                            holder=holder or "", **{k: v or "" for k, v in kept.items()})


# --- the store ------------------------------------------------------------------------

_FIELDS = tuple(f.name for f in fields(BankAccountDraft))


def bank_accounts() -> list[BankAccountRow]:
    """The business's bank accounts: by currency, the one for any currency last."""
    rows = BankAccount.select().order_by(BankAccount.currency == ANY_CURRENCY,
                                         BankAccount.currency)
    return [_row(row) for row in rows]


@steady_answer
def payment_account(currency: str) -> BankAccountRow | None:
    """The account a document in ``currency`` asks the customer to pay into: the one for
    that currency, else the one for any currency, else None (no "How to pay")."""
    wanted = (currency or "").strip().upper()
    found = {row.currency: row for row in BankAccount.select().where(
        BankAccount.currency.in_([wanted, ANY_CURRENCY]))}
    row = found.get(wanted) or found.get(ANY_CURRENCY)
    return _row(row) if row is not None else None


def save_bank_account(account_id: int | None, draft: BankAccountDraft) -> int:
    """Add an account (``account_id`` None) or change one; returns its id.

    A second account for a currency that has one is refused, not put in its place:
    the business edits the one it has, so no details are lost by a slip of the
    currency box.
    """
    clean = check_bank_account(draft)
    values = {name: getattr(clean, name) for name in _FIELDS}
    with writing():
        other = BankAccount.get_or_none((BankAccount.currency == clean.currency)
                                        & (BankAccount.id != (account_id or 0)))
        if other is not None:
            raise LedgerError("currency", f"You already have an account for "
                                          f"{currency_words(clean.currency)}: "
                                          f"{account_summary(_row(other))}. Edit that one, "
                                          f"or choose another currency.")
        if account_id is None:
            row = BankAccount.create(**values)
            record_change("create", "bank_account", row.id, after=values)
            return int(row.id)
        row = BankAccount.get_or_none(BankAccount.id == account_id)
        if row is None:
            raise LedgerError("account", "That bank account was removed meanwhile.")
        before = {name: getattr(row, name) for name in _FIELDS}
        BankAccount.update(**values).where(BankAccount.id == account_id).execute()
        record_change("update", "bank_account", account_id, before=before, after=values)
        return account_id


def remove_bank_account(account_id: int) -> None:
    """Remove an account: documents in its currency show the one for any currency,
    or none."""
    with writing():
        row = BankAccount.get_or_none(BankAccount.id == account_id)
        if row is None:
            return
        before = {name: getattr(row, name) for name in _FIELDS}
        row.delete_instance()
        record_change("delete", "bank_account", account_id, before=before)


@steady_answer
def signatory() -> Signatory:
    """Who signs the letters (an empty name when no one is named)."""
    row = Business.select(Business.signatory_name, Business.signatory_position).first()
    if row is None:
        return Signatory("")
    return Signatory(row.signatory_name, row.signatory_position if row.signatory_name else "")


def save_signatory(name: str, position: str = "") -> Signatory:
    """Name who signs the letters, printed under the signature ("" for no one)."""
    problems = Problems()
    clean_name = problems.read(lambda: _name("signatory_name", name, "signatory's name"))
    clean_position = problems.read(lambda: _name("signatory_position", position, "position"))
    if not clean_name and clean_position:
        problems.refuse("signatory_name", "Enter the name of whoever signs as "
                                          f"{clean_position}.")
    problems.check()
    with writing():
        before = signatory()
        Business.update(signatory_name=clean_name or "",
                        signatory_position=clean_position or "").execute()
        business = Business.select(Business.id).first()
        record_change("update", "business", business.id if business else None,
                      before={"signatory_name": before.name,
                              "signatory_position": before.position},
                      after={"signatory_name": clean_name, "signatory_position": clean_position})
    return Signatory(clean_name or "", clean_position or "")


def add_text_account(details: str) -> int | None:
    """Keep bank details typed as one text as the account for any currency (a new
    business's, from its first form); None when ``details`` is blank."""
    if not details.strip():
        return None
    return save_bank_account(None, BankAccountDraft(ANY_CURRENCY, BankKind.TEXT,
                                                    details=details))


def _row(row: BankAccount) -> BankAccountRow:
    return BankAccountRow(id=row.id, **{name: str(getattr(row, name)) for name in _FIELDS})


# An IBAN as typed: country, check digits, then 11-30 letters and digits (ISO 13616),
# either unbroken or in groups of four (a last group of up to three holding a digit, so
# that a "BIC" after it is not taken in).
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}"
                   r"|(?: [A-Z0-9]{4}){2,7}(?: (?=[A-Z]{0,2}\d)[A-Z0-9]{1,3})?))\b")


def printed_bank_details(text: str) -> str:
    """The business's bank details as a document prints them: each IBAN in groups of
    four (ISO 13616's paper form), joined by spaces that never break a line, so it is
    read and copied whole."""
    return _IBAN.sub(lambda match: grouped_iban(match.group(1).replace(" ", "")), text)


# --- in words -------------------------------------------------------------------------

def currency_words(currency: str) -> str:
    """ "EUR payments", or "any other currency" for the catch-all account."""
    return f"{currency} payments" if currency else "any other currency"


def grouped_iban(iban: str) -> str:
    """An IBAN in groups of four joined by spaces that never break a line (ISO 13616's
    paper form)."""
    return _NO_BREAK.join(iban[i:i + 4] for i in range(0, len(iban), 4))


def account_summary(account: BankAccountRow) -> str:
    """The account in one line, for the window: "IBAN GB29 NWBK … · BIC NWBKGB2L"."""
    kind = account.kind
    if kind == BankKind.IBAN:
        parts = [f"IBAN {grouped_iban(account.iban)}", f"BIC {account.bic}" if account.bic
                 else ""]
    elif kind == BankKind.UK:
        parts = [f"Sort code {account.sort_code}", f"Account {account.account_number}"]
    elif kind == BankKind.US:
        parts = [f"Routing {account.routing_number}", f"Account {account.account_number}"]
    else:
        parts = [" ".join(account.details.split())]
    return " · ".join(p for p in [account.label, *parts] if p)


def printed_account(account: BankAccountRow | None, words: Wording) -> str:
    """The account as a document prints it, a line for each label and value in the
    document's language; "" for no account."""
    if account is None:
        return ""
    say = words.gettext

    def line(label: str, value: str) -> str:
        return say(LABELLED).format(label=say(label), value=value) if value else ""

    lines = [line(HOLDER_LABEL, account.holder), line(BANK_LABEL, account.label)]
    kind = account.kind
    if kind == BankKind.IBAN:
        lines += [line(IBAN_LABEL, grouped_iban(account.iban)), line(BIC_LABEL, account.bic)]
    elif kind == BankKind.UK:
        lines += [line(SORT_CODE_LABEL, account.sort_code),
                  line(ACCOUNT_NUMBER_LABEL, account.account_number)]
    elif kind == BankKind.US:
        lines += [line(ROUTING_LABEL, account.routing_number),
                  line(ACCOUNT_NUMBER_LABEL, account.account_number)]
    else:
        lines.append(printed_bank_details(account.details))
    return "\n".join(text for text in lines if text)


def payment_details(currency: str, words: Wording) -> str:
    """How to pay a document in ``currency``, printed in its words ("" when the
    business has no account that fits)."""
    return printed_account(payment_account(currency), words)


def blank_draft(currency: str = ANY_CURRENCY, kind: str = BankKind.IBAN) -> BankAccountDraft:
    """A new account's form: nothing typed yet."""
    return BankAccountDraft(currency, kind)


def draft_of(row: BankAccountRow) -> BankAccountDraft:
    """The form of an account kept, to edit."""
    return BankAccountDraft(**{name: getattr(row, name) for name in _FIELDS})

