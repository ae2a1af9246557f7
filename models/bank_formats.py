"""Reading a bank statement: OFX/QFX, CAMT.053, MT940 or the bank's own CSV.

Each reader gives the statement's credits only (money in), each under the bank's own
id (OFX ``FITID``, CAMT ``AcctSvcrRef`` or ``EndToEndId``, MT940's bank reference, or
a hash of the day, amount and text when the bank gives none), with the day, the
amount in minor units of its currency, the payer's name and IBAN when given, and the
text the payer wrote. Nothing here touches the store but a saved CSV mapping; a file
that cannot be read raises :class:`StatementRefused` saying what to do.
Which parser reads which format, and why, is in docs/decisions.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from models import input_rules as rules
from models.errors import LedgerError
from models.files import refuse_store_file
from models.imports.sources import Field, Preset
from models.kinds import BankFormat
from models.money import MoneyError, to_minor

# The most credits one statement may hold: a year of a busy business's bank account.
MAX_CREDITS = 100_000
_NOT_PROVIDED = {"", "NOTPROVIDED", "NONREF", "NONE"}


class StatementRefused(LedgerError):
    """A bank statement that cannot be read: what is wrong and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__("file", message)


@dataclass(frozen=True)
class StatementCredit:
    """One credit of a statement: money a payer sent."""

    bank_id: str  # the bank's own id of the transaction, or "hash:…" when it gives none
    booked_on: dt.date
    amount_minor: int
    currency: str
    payer_name: str = ""
    payer_iban: str = ""
    text: str = ""  # what the payer wrote: the remittance text and reference


@dataclass(frozen=True)
class Statement:
    """A statement as read: its file, format, the account's currency and its credits."""

    file_name: str
    file_hash: str
    format: BankFormat
    currency: str
    credits: tuple[StatementCredit, ...]
    account: str = ""  # the account's number or IBAN as the file gives it ("" for a CSV)


def read_statement(path: Path, *, format: BankFormat | None = None,
                   mapping: str | None = None, currency: str | None = None,
                   columns: Mapping[str, str] | None = None,
                   day_first: bool | None = None) -> Statement:
    """The credits of the statement in ``path``, its format recognised from its content
    unless given. A bank CSV needs ``mapping``, the name of a column mapping saved in the
    import, or ``columns`` (see :func:`bank_mapping`), ``currency`` when the file has no
    currency column, and ``day_first`` when its dates read both ways (05/11/2026)."""
    try:
        refuse_store_file(path)
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise StatementRefused(f"There is no file {path.name}.") from error
    except OSError as error:
        raise StatementRefused(f"{path.name} cannot be read ({error.strerror}).") from error
    if not data.strip():
        raise StatementRefused(f"{path.name} is empty.")
    format = format or (BankFormat.CSV if mapping or columns else
                        detect_format(data, path.name))
    account = ""
    if format is BankFormat.OFX:
        found, account_currency, account = _ofx(data, path.name)
    elif format is BankFormat.CAMT:
        found, account_currency, account = _camt(data, path.name)
    elif format is BankFormat.MT940:
        found, account_currency, account = _mt940(data, path.name)
    else:
        if not mapping and not columns:
            raise StatementRefused(f"To read {path.name} as a bank's CSV, name the column "
                                   f"mapping saved in the import (--mapping NAME), or say "
                                   f"which column holds what (--column day=Date ...).")
        found, account_currency = _csv(path, _csv_preset(mapping, columns), currency,
                                       day_first)
    credits = _checked(_of_account(found, account), path.name)
    return Statement(path.name, hashlib.sha256(data).hexdigest(), format,
                     account_currency or (credits[0].currency if credits else ""), credits,
                     account)


def detect_format(data: bytes, file_name: str) -> BankFormat:
    """The statement format of ``data`` told by its content, or StatementRefused."""
    head = data[:4096].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \r\n\t")
    upper = head.upper()
    if upper.startswith("OFXHEADER") or "<OFX>" in upper or "<?OFX" in upper:
        return BankFormat.OFX
    if head.startswith("<") and ("camt.05" in head or "BkToCstmrStmt" in head):
        return BankFormat.CAMT
    if re.search(r"^:20:", head, re.MULTILINE) and ":61:" in head or ":25:" in head and \
            ":60F:" in head:
        return BankFormat.MT940
    raise StatementRefused(
        f"Duly does not recognise {file_name} as a bank statement. Export it from your "
        f"bank as OFX/QFX, CAMT.053 (XML) or MT940, or as CSV read with a column mapping "
        f"saved in the import (--mapping NAME).")


def credit_hash(booked_on: dt.date, amount_minor: int, currency: str, text: str) -> str:
    """The id of a credit whose bank gives none: a hash of its day, amount and text, the
    same whenever the same credit is read again."""
    key = f"{booked_on.isoformat()}|{amount_minor}|{currency}|{' '.join(text.split())}"
    return "hash:" + hashlib.sha256(key.encode()).hexdigest()[:32]


# --- checks common to every format ------------------------------------------------------

def _checked(found: Iterable[StatementCredit], file_name: str) -> tuple[StatementCredit, ...]:
    credits: list[StatementCredit] = []
    seen: set[str] = set()
    for credit in found:
        try:
            rules.check_date(credit.booked_on, "file",
                             f"The day of the credit {_shown(credit)} in {file_name}")
        except LedgerError as error:
            raise StatementRefused(f"{error.message} Check the statement's dates, or "
                                   f"export it again from your bank.") from error
        if credit.bank_id in seen:
            raise StatementRefused(
                f"{file_name} lists the credit {_shown(credit)} twice (bank id "
                f"{credit.bank_id}). Export the statement again from your bank.")
        seen.add(credit.bank_id)
        credits.append(credit)
        if len(credits) > MAX_CREDITS:
            raise StatementRefused(f"{file_name} holds more than {MAX_CREDITS:,} credits: "
                                   f"import it a month at a time.")
    return tuple(credits)


def _of_account(found: Iterable[StatementCredit], account: str
                ) -> Iterator[StatementCredit]:
    """The credits with the bank's ids made the account's: a bank numbers transactions
    per account (OFX FITIDs may be 1, 2, 3 in each), so the same id in two accounts'
    statements is two credits, never one recorded before. A hash of the credit itself
    is left as it is."""
    key = _account_key(account)
    for credit in found:
        if key and not credit.bank_id.startswith("hash:"):
            credit = replace(credit, bank_id=f"{key}:{credit.bank_id}")
        yield credit


def _account_key(account: str) -> str:
    return re.sub(r"\s+", "", account).upper()[:40]


def bank_reference(credit: StatementCredit, account: str) -> str:
    """The credit's id as its bank shows it on the statement of ``account`` (without the
    account Duly keeps it under)."""
    key = _account_key(account)
    return credit.bank_id.removeprefix(f"{key}:") if key else credit.bank_id


def _shown(credit: StatementCredit) -> str:
    from models.money import format_money
    who = f" from {credit.payer_name}" if credit.payer_name else ""
    return f"of {format_money(credit.amount_minor, credit.currency)}{who}"


def _credit(*, bank_id: str, booked_on: dt.date, amount: Decimal, currency: str,
            payer_name: str = "", payer_iban: str = "", text: str = "",
            file_name: str) -> StatementCredit:
    currency = (currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise StatementRefused(f"{file_name} gives no currency for a credit of {amount}: "
                               f"export it again with the account's currency.")
    try:
        minor = to_minor(amount, currency)
    except MoneyError as error:
        raise StatementRefused(f"{file_name}: the amount {amount} {currency} cannot be "
                               f"kept ({error}).") from error
    text = rules.clean_line(" ".join(text.split()))[:rules.REFERENCE_LIMIT]
    payer_name = rules.clean_line(" ".join(payer_name.split()))[:rules.NAME_LIMIT]
    iban = re.sub(r"\s+", "", payer_iban).upper()[:34]
    bank_id = bank_id.strip() or credit_hash(booked_on, minor, currency, f"{payer_name} {text}")
    return StatementCredit(bank_id, booked_on, minor, currency, payer_name, iban, text)


# --- OFX / QFX ----------------------------------------------------------------------------

def _ofx(data: bytes, file_name: str) -> tuple[list[StatementCredit], str, str]:
    import io
    import warnings

    from ofxtools.Parser import OFXTree

    # ofxtools warns on the terminal of a tag it skips (a bank's own, a misspelt one) or
    # a text longer than the standard allows, and reads the statement all the same: the
    # user is not told of what does not stop it.
    warnings.filterwarnings("ignore", module=r"ofxtools\.")
    if not re.search(rb"</OFX>\s*$", data, re.IGNORECASE):
        # ofxtools reads what there is of a file cut short: refuse it, or credits vanish.
        raise StatementRefused(f"{file_name} is cut short: an OFX file ends with </OFX>. "
                               f"Download the statement again from your bank.")
    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
        ofx = tree.convert()
    except Exception as error:  # ofxtools raises its own and the XML parser's errors
        raise StatementRefused(f"{file_name} is not a readable OFX file ({_first_line(error)})"
                               f". Download the statement again from your bank.") from error
    credits: list[StatementCredit] = []
    currency = account = ""
    for statement in getattr(ofx, "statements", ()):
        currency = currency or str(statement.curdef or "")
        account = account or str(getattr(getattr(statement, "account", None), "acctid", "")
                                 or "")
        for item in statement.transactions or ():  # a statement may list none
            amount = Decimal(item.trnamt)
            if amount <= 0:
                continue
            posted = item.dtposted
            day = posted.date() if isinstance(posted, dt.datetime) else posted
            item_currency = getattr(getattr(item, "currency", None), "cursym", None)
            credits.append(_credit(
                bank_id=str(item.fitid or ""), booked_on=day, amount=amount,
                currency=str(item_currency or statement.curdef or ""),
                payer_name=str(item.name or getattr(item, "payee", None) or ""),
                text=" ".join(str(t) for t in (item.memo, item.refnum, item.checknum) if t),
                file_name=file_name))
    return credits, currency, account


def _first_line(error: Exception) -> str:
    words = str(error).strip().splitlines()
    return (words[0][:160] if words else type(error).__name__)


# --- CAMT.053 -------------------------------------------------------------------------

def _camt(data: bytes, file_name: str) -> tuple[list[StatementCredit], str, str]:
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError, LookupError) as error:
        # LookupError: an encoding the XML declaration names that Python does not know.
        raise StatementRefused(f"{file_name} is not a whole CAMT.053 XML file "
                               f"({_first_line(error)}): it may be cut short. Download the "
                               f"statement again from your bank.") from error
    statements = [e for e in root.iter() if _tag(e) == "Stmt"]
    if not statements:
        raise StatementRefused(f"{file_name} holds no CAMT.053 statement (no Stmt element)."
                               f" Export a CAMT.053 account statement from your bank.")
    credits: list[StatementCredit] = []
    currency = account = ""
    for statement in statements:
        account_currency = _text(statement, "Acct", "Ccy")
        currency = currency or account_currency
        account = account or _text(statement, "Acct", "Id", "IBAN") or _text(
            statement, "Acct", "Id", "Othr", "Id")
        for entry in _children(statement, "Ntry"):
            credits.extend(_camt_entry(entry, account_currency, file_name))
    return credits, currency, account


def _camt_entry(entry: Element, account_currency: str,
                file_name: str) -> Iterator[StatementCredit]:
    if _text(entry, "CdtDbtInd") != "CRDT" or _text(entry, "RvslInd").lower() == "true":
        return
    day = _camt_day(entry, file_name)
    entry_amount, entry_currency = _camt_amount(entry, file_name)
    entry_ref = _text(entry, "AcctSvcrRef")
    details = [d for group in _children(entry, "NtryDtls") for d in _children(group, "TxDtls")]
    if len(details) <= 1:
        one = details[0] if details else None
        yield _camt_credit(one, entry_ref, day, entry_amount, entry_currency or account_currency,
                           file_name)
        return
    for index, detail in enumerate(details, start=1):  # a batch: one credit per payer
        indicator = _text(detail, "CdtDbtInd")
        if indicator and indicator != "CRDT":
            continue
        amount, currency = _camt_amount(detail, file_name, ("AmtDtls", "TxAmt", "Amt"))
        if amount is None:
            amount, currency = _camt_amount(detail, file_name)
        if amount is None:
            raise StatementRefused(f"{file_name}: a batched entry of {entry_amount} has a "
                                   f"transaction without its amount.")
        fallback = f"{entry_ref}/{index}" if entry_ref else ""
        yield _camt_credit(detail, fallback, day, amount,
                           currency or entry_currency or account_currency, file_name)


def _camt_credit(detail: Element | None, fallback: str, day: dt.date, amount: Decimal | None,
                 currency: str, file_name: str) -> StatementCredit:
    if amount is None:
        raise StatementRefused(f"{file_name}: an entry booked on {day} has no amount.")
    bank_id, name, iban, text = fallback, "", "", ""
    if detail is not None:
        refs = _child(detail, "Refs")
        own = _text(refs, "AcctSvcrRef") if refs is not None else ""
        end_to_end = _text(refs, "EndToEndId") if refs is not None else ""
        # The bank's own references first; the EndToEndId is the payer's, who may well
        # quote one invoice number on each instalment: only with the day and amount
        # does it tell one payment from another.
        if own.upper() not in _NOT_PROVIDED:
            bank_id = own
        elif not fallback and end_to_end.upper() not in _NOT_PROVIDED:
            bank_id = f"e2e:{end_to_end}:{day.isoformat()}:{amount}"
        parties = _child(detail, "RltdPties")
        if parties is not None:
            debtor = _child(parties, "Dbtr")
            if debtor is not None:
                name = _text(debtor, "Nm") or _text(debtor, "Pty", "Nm")
            account = _child(parties, "DbtrAcct")
            if account is not None:
                iban = _text(account, "Id", "IBAN")
        remittance = _child(detail, "RmtInf")
        if remittance is not None:
            words = [e.text or "" for e in remittance.iter() if _tag(e) in ("Ustrd", "Ref")]
            text = " ".join(w.strip() for w in words if w.strip())
    return _credit(bank_id=bank_id, booked_on=day, amount=amount, currency=currency,
                   payer_name=name, payer_iban=iban, text=text, file_name=file_name)


def _camt_day(entry: Element, file_name: str) -> dt.date:
    for where in ("BookgDt", "ValDt"):
        when = _text(entry, where, "Dt") or _text(entry, where, "DtTm")[:10]
        if when:
            try:
                return dt.date.fromisoformat(when)
            except ValueError as error:
                raise StatementRefused(f"{file_name}: {when!r} is not a day "
                                       f"(YYYY-MM-DD).") from error
    raise StatementRefused(f"{file_name}: an entry has no booking date.")


def _camt_amount(element: Element, file_name: str,
                 path: tuple[str, ...] = ("Amt",)) -> tuple[Decimal | None, str]:
    found = _find(element, *path)
    if found is None or not (found.text or "").strip():
        return None, ""
    try:
        amount = Decimal(found.text.strip())  # type: ignore[union-attr]
    except InvalidOperation as error:
        raise StatementRefused(f"{file_name}: {found.text!r} is not an amount.") from error
    return amount, found.get("Ccy", "")


def _tag(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _children(element: Element, name: str) -> list[Element]:
    return [e for e in element if _tag(e) == name]


def _child(element: Element, name: str) -> Element | None:
    return next((e for e in element if _tag(e) == name), None)


def _find(element: Element | None, *path: str) -> Element | None:
    for name in path:
        if element is None:
            return None
        element = _child(element, name)
    return element


def _text(element: Element | None, *path: str) -> str:
    found = _find(element, *path)
    return (found.text or "").strip() if found is not None else ""


# --- MT940 -----------------------------------------------------------------------------

def _mt940(data: bytes, file_name: str) -> tuple[list[StatementCredit], str, str]:
    import logging

    import mt940

    # mt-940 logs each line it cannot read with its regular expression, as errors: the
    # refusal below says it in words, for neither the terminal nor the log file.
    library_log = logging.getLogger("mt940")
    if not library_log.handlers:
        library_log.addHandler(logging.NullHandler())
        library_log.propagate = False
    text = data.decode("utf-8", errors="replace") if _utf8(data) else data.decode("latin-1")
    # Options.all(): the IBAN of ?31 kept apart from the name, :86: of any length, a BOM
    # dropped, reversals signed (the fixes the library keeps behind switches).
    transactions = mt940.models.Transactions(options=mt940.Options.all())
    try:
        transactions.parse(text)
    except Exception as error:  # mt-940 raises bare errors on a line it cannot read
        raise StatementRefused(f"{file_name} is not a readable MT940 statement "
                               f"({_first_line(error)}).") from error
    if not transactions.transactions and ":61:" not in text:
        raise StatementRefused(f"{file_name} holds no MT940 transactions (:61: lines).")
    if not re.search(r"^:62[FM]:", text[text.rfind(":61:"):], re.MULTILINE):
        # Every MT940 statement ends with its closing balance; mt-940 reads a file cut
        # short without a word, so credits would vanish.
        raise StatementRefused(f"{file_name} is cut short: an MT940 statement ends with its "
                               f"closing balance (:62F:). Download it again from your bank.")
    credits: list[StatementCredit] = []
    currency = str(_balance_currency(transactions.data))
    for item in transactions:
        values: dict[str, Any] = item.data
        amount = values.get("amount")
        if amount is None or values.get("status") not in ("C", "RD", "c", "rd"):
            continue
        value = Decimal(amount.amount)
        if value <= 0:
            continue
        day = values.get("date")
        if day is None:
            raise StatementRefused(f"{file_name}: a credit of {value} has no date.")
        details = " ".join(str(values.get(k) or "") for k in
                           ("purpose", "additional_purpose", "transaction_details",
                            "extra_details")).strip()
        if values.get("customer_reference", "").upper() not in _NOT_PROVIDED:
            details = f"{details} {values['customer_reference']}".strip()
        reference = str(values.get("bank_reference") or "")
        credits.append(_credit(
            bank_id=f"mt940:{reference}" if reference.upper() not in _NOT_PROVIDED else "",
            booked_on=dt.date(day.year, day.month, day.day), amount=value,
            currency=str(amount.currency or currency),
            payer_name=str(values.get("applicant_name") or ""),
            payer_iban=str(values.get("applicant_iban") or ""), text=details,
            file_name=file_name))
    return credits, currency, str(transactions.data.get("account_identification") or "")


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _balance_currency(values: dict[str, Any]) -> str:
    for key in ("final_opening_balance", "opening_balance", "final_closing_balance"):
        balance = values.get(key)
        if balance is not None:
            return str(balance.amount.currency)
    return ""


# --- the bank's CSV, through the import's column mapping ---------------------------------

# What a bank's CSV column holds, in the bank's words, and the import's field it is kept
# as (the import's column-mapping step keeps it; docs/decisions.md).
BANK_COLUMNS = {"day": Field.PAID_ON, "amount": Field.PAID, "payer": Field.CUSTOMER,
                "text": Field.REFERENCE, "currency": Field.CURRENCY}


def bank_mapping(columns: Mapping[str, str]) -> dict[Field, str]:
    """A bank CSV's columns (``{"day": "Date", "amount": "Amount", "payer": "Name",
    "text": "Details", "currency": "Ccy"}``: the day and amount needed) as the import's
    column mapping. Without a payer column, the text's stands for it (the payer's name
    is often in a bank's description)."""
    fields: dict[Field, str] = {}
    for word, column in columns.items():
        field = BANK_COLUMNS.get(word.strip().lower())
        if field is None:
            raise StatementRefused(f"“{word}” is not a column Duly reads from a bank's CSV: "
                                   f"say which column holds the " + ", ".join(BANK_COLUMNS)
                                   + " (day and amount are needed).")
        if not column.strip():
            raise StatementRefused(f"Name the column that holds the {word}.")
        fields[field] = column.strip()
    missing = [w for w in ("day", "amount") if BANK_COLUMNS[w] not in fields]
    if missing:
        raise StatementRefused("Say which column holds the " + " and the ".join(missing)
                               + f" of each credit (--column {missing[0]}=NAME).")
    if Field.CUSTOMER not in fields and Field.REFERENCE in fields:
        fields[Field.CUSTOMER] = fields[Field.REFERENCE]
    return fields


def save_bank_mapping(name: str, columns: Mapping[str, str]) -> None:
    """Keep a bank CSV's columns (:func:`bank_mapping`) under ``name`` with the import's
    mappings, to read the next statement with ``mapping=name``."""
    from models.imports.mappings import save_mapping
    from models.imports.sources import Holds
    fields = bank_mapping(columns)
    if Field.CUSTOMER not in fields:
        raise StatementRefused("Say which column holds the payer's name or the details "
                               "(--column payer=NAME or --column text=NAME) to keep the "
                               "mapping.")
    save_mapping(name, Holds.CUSTOMERS, fields)


def _csv_preset(mapping: str | None, columns: Mapping[str, str] | None) -> Preset:
    from models.imports.mappings import mapping_as_preset, mapping_preset
    from models.imports.sources import Holds
    if columns:
        return mapping_as_preset("bank columns", Holds.CUSTOMERS, bank_mapping(columns))
    assert mapping is not None
    return mapping_preset(mapping)


def _csv(path: Path, preset: Preset, currency: str | None, day_first: bool | None
         ) -> tuple[list[StatementCredit], str]:
    from models.imports.table import normal_name, rows, sniff
    from models.imports.values import (
        CellError,
        DateOrder,
        DecimalMark,
        date_order_of,
        decimal_mark_of,
        read_amount,
        read_currency,
        read_date,
    )
    def column(*fields: Field) -> str | None:
        return next((preset.columns[f][0] for f in fields if preset.columns.get(f)), None)

    day_column = column(Field.PAID_ON, Field.ISSUED, Field.DUE)
    amount_column = column(Field.PAID, Field.TOTAL, Field.BALANCE)
    if day_column is None or amount_column is None:
        raise StatementRefused(f"{preset.title[0].upper()}{preset.title[1:]} names no "
                               f"column for the day and the amount: map “paid on” and "
                               f"“paid” (or “issued” and “total”).")
    table = sniff(path, frozenset(normal_name(c) for c in (day_column, amount_column)))
    listed = list(rows(path, table))
    order = (date_order_of(r.get(day_column) for r in listed) if day_first is None else
             DateOrder.DAY_FIRST if day_first else DateOrder.MONTH_FIRST)
    mark = decimal_mark_of(r.get(amount_column) for r in listed) or DecimalMark.POINT
    currency_column = column(Field.CURRENCY, Field.CUSTOMER_CURRENCY)
    credits = []
    for row in listed:
        try:
            row_currency = (read_currency(row.get(currency_column)) if currency_column
                            else None) or (currency or "")
            if not row_currency:
                raise StatementRefused(f"{path.name} has no currency column: give the "
                                       f"account's currency (--currency EUR).")
            minor = read_amount(row.get(amount_column), row_currency, mark)
            day = read_date(row.get(day_column), order)
        except CellError as error:
            raise StatementRefused(f"{path.name}, line {row.line}: {error}") from error
        if minor is None or minor <= 0 or day is None:
            continue
        text = " ".join(row.get(column(f)) for f in (Field.REFERENCE, Field.NUMBER)
                        if column(f)).strip()
        credits.append(_credit(
            bank_id="", booked_on=day, amount=Decimal(minor).scaleb(-_places(row_currency)),
            currency=row_currency, payer_name=row.get(column(Field.CUSTOMER)), text=text,
            file_name=path.name))
    return credits, currency or (credits[0].currency if credits else "")


def _places(currency: str) -> int:
    from models.money import exponent
    return exponent(currency)
