"""The Templates area's store: list, read, save and preview letter and e-mail templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from models.audit import record_change
from models.customer_account import customer_record
from models.db import writing
from models.edit_versions import VERSION, next_version
from models.errors import LedgerError
from models.kinds import Channel, Tone
from models.language import SOURCE_LANGUAGE, language_name
from models.letter_context import letter_context, letter_invoice_ids
from models.schema import FollowUpPolicy, FollowUpStage, LetterTemplate
from models.steady import steady_answer
from models.templating import RenderedLetter, check_template, render_letter

CHANNELS = (Channel.EMAIL, Channel.LETTER)  # a phone stage has no template
TONES = tuple(Tone)


@dataclass(frozen=True)
class TemplateRow:
    """A template in the Templates area's list, with the stages that send it."""

    id: int
    name: str
    channel: str
    tone: str
    language: str
    used_by: tuple[str, ...]  # "Standard: Final notice"


@dataclass(frozen=True)
class TemplateText:
    """A template as the editor shows it."""

    id: int
    name: str
    channel: str
    tone: str
    language: str
    subject: str
    body: str
    edit_version: int = 0  # what its save passes back (save_template's read_version)


def template_list() -> list[TemplateRow]:
    """Every template, by name, channel and language. A stage sends a template in the
    customer's language (:func:`template_for`), so each language's version of it lists
    the stages that send the template."""
    used_by: dict[tuple[str, str], list[str]] = {}
    stages = (FollowUpStage.select(LetterTemplate.name, LetterTemplate.channel,
                                   FollowUpPolicy.name, FollowUpStage.name)
              .join(FollowUpPolicy).switch(FollowUpStage).join(LetterTemplate)
              .order_by(FollowUpPolicy.name, FollowUpStage.position))
    for name, channel, policy, stage in stages.tuples():
        used_by.setdefault((name, channel), []).append(f"{policy}: {stage}")
    query = (LetterTemplate.select(LetterTemplate.id, LetterTemplate.name,
                                   LetterTemplate.channel, LetterTemplate.tone,
                                   LetterTemplate.language)
             .order_by(pw.fn.LOWER(LetterTemplate.name), LetterTemplate.channel,
                       LetterTemplate.language != SOURCE_LANGUAGE, LetterTemplate.language))
    return [TemplateRow(id=t_id, name=name, channel=channel, tone=tone, language=language,
                        used_by=tuple(used_by.get((name, channel), ())))
            for t_id, name, channel, tone, language in query.tuples()]


def stage_templates() -> list[TemplateRow]:
    """The templates a follow-up stage can send, one by name and channel: the version
    first written (the business's own; each customer gets theirs in their language)."""
    first: dict[tuple[str, str], TemplateRow] = {}
    for row in sorted(template_list(), key=lambda r: r.id):
        first.setdefault((row.name, row.channel), row)
    chosen = {row.id for row in first.values()}
    return [row for row in template_list() if row.id in chosen]


@steady_answer
def template_text(template_id: int) -> TemplateText:
    """A template's name, kind, subject and text; :class:`LedgerError` if it is gone."""
    row = _template(template_id)
    return TemplateText(id=row.id, name=row.name, channel=row.channel, tone=row.tone,
                        language=row.language, subject=row.subject, body=row.body,
                        edit_version=int(row.edit_version))


# A template's parts in words, as a refused save names those changed meanwhile.
TEMPLATE_FIELD_WORDS = {"name": "the name", "channel": "the kind", "tone": "the tone",
                        "language": "the language", "subject": "the subject",
                        "body": "the text"}


def save_template(template_id: int | None, *, name: str, channel: str, tone: str,
                  language: str, subject: str, body: str,
                  read_version: int | None = None) -> int:
    """Create a template (``template_id`` None) or change one; returns its id (audited,
    with its parts before and after).

    Refuses, with :class:`LedgerError` or its :class:`~models.templating.TemplateError`,
    an empty name, an unknown channel or tone, a template that uses anything
    but the merge fields, and a second template of the same name, channel and
    language. ``read_version`` is the edit version the editor read
    (:attr:`TemplateText.edit_version`): when someone else saved the template since,
    the save is refused with :class:`~models.errors.EditConflict` naming who changed
    what, and nothing is written (None: saved whatever the version).
    """
    fields = _fields(name=name, channel=channel, tone=tone, language=language,
                     subject=subject, body=body)
    with writing():
        if template_id is None:
            _refuse_clash(fields, template_id)
            row = LetterTemplate.create(**fields)
            record_change("add template", "letter_template", row.id, after=fields)
            return int(row.id)
        _template(template_id)
        version = next_version(LetterTemplate, template_id, read_version, what="template",
                               table="letter_template", actions=("edit template",),
                               labels=TEMPLATE_FIELD_WORDS)
        _refuse_clash(fields, template_id)
        row = _template(template_id)
        before = {key: getattr(row, key) for key in fields}
        LetterTemplate.update(**fields).where(LetterTemplate.id == row.id).execute()
        record_change("edit template", "letter_template", row.id,
                      before={**before, VERSION: version - 1}, after={**fields, VERSION: version})
        return int(row.id)


def preview(template: int | tuple[str, str], customer_id: int, as_of: dt.date, *,
            next_step: str = "", next_step_on: dt.date | None = None,
            language: str = "") -> RenderedLetter:
    """A saved template (its id) or the text being edited (subject, body, in
    ``language``, "" for the customer's), filled in for a customer's open overdue
    invoices, or their open invoices when none is overdue."""
    if isinstance(template, tuple):
        (subject, body), name = template, ""
    else:
        row = _template(template)
        subject, body, name, language = row.subject, row.body, row.name, row.language
    context = letter_context(customer_id, letter_invoice_ids(customer_id, as_of), as_of,
                             next_step=next_step, next_step_on=next_step_on,
                             language=language)
    return render_letter(subject, body, context, template_name=name)


def _fields(*, name: str, channel: str, tone: str, language: str, subject: str,
            body: str) -> dict[str, str]:
    name, language = name.strip(), language.strip().lower() or "en"
    if not name:
        raise LedgerError("name", "Enter a name for the template.")
    if channel not in CHANNELS:
        raise LedgerError("channel", "Choose whether the template is an e-mail or a letter.")
    if tone not in TONES:
        raise LedgerError("tone", "Choose the tone: " + ", ".join(TONES) + ".")
    if len(language) > 8 or not language.replace("-", "").isalpha():
        raise LedgerError("language", "Choose the language as a code, e.g. en.")
    if not body.strip():
        raise LedgerError("body", "Write the text of the template.")
    check_template(subject, body)
    return {"name": name, "channel": channel, "tone": tone, "language": language,
            "subject": subject, "body": body}


def _refuse_clash(fields: dict[str, str], template_id: int | None) -> None:
    clash = LetterTemplate.select().where(
        (LetterTemplate.name == fields["name"]) & (LetterTemplate.channel == fields["channel"])
        & (LetterTemplate.language == fields["language"]))
    if template_id is not None:
        clash = clash.where(LetterTemplate.id != template_id)
    if clash.exists():
        kind = "an e-mail" if fields["channel"] == "email" else "a letter"
        raise LedgerError("name", f"There is already {kind} template called "
                                  f"“{fields['name']}” in this language; choose another name.")


def _template(template_id: int) -> LetterTemplate:
    row = LetterTemplate.get_or_none(LetterTemplate.id == template_id)
    if row is None:
        raise LedgerError("template", "That template no longer exists.")
    return row


@steady_answer
def _language_of(customer_id: int) -> str | None:
    """The customer's language; None when the customer is gone."""
    try:
        return str(customer_record(customer_id).language)
    except LedgerError:  # the customer is gone
        return None


@dataclass(frozen=True)
class TemplateChoice:
    """The template a reminder is written from, and why it is not in the customer's
    language when it is not ("" when it is)."""

    template_id: int
    note: str


@steady_answer
def template_for(template_id: int, customer_id: int) -> TemplateChoice:
    """The template a reminder is written from: ``template_id`` (the stage's, as the
    business chose it) in the customer's language, that is its version of the same name
    there when the business has one; else the template itself, with a note saying so.

    The one rule for every reminder, e-mail, letter, or e-mail printed as a letter."""
    template = template_text(template_id)
    language = _language_of(customer_id)
    wanted = language if language is not None else template.language
    if template.language == wanted:
        return TemplateChoice(template.id, "")
    version = _version_in(template.name, template.channel, wanted)
    if version is not None:
        return TemplateChoice(version, "")
    return TemplateChoice(template.id, f"The template has no {language_name(wanted)} version: "
                                       f"this is written in {language_name(template.language)}.")


@steady_answer
def letter_template_for(tone: str, customer_id: int) -> int | None:
    """The business's letter template of ``tone``, in the customer's language if there is
    one (for an e-mail stage printed as a letter); None when it has none."""
    known = _language_of(customer_id)
    return _letter_template(tone, known if known is not None else "en")


@steady_answer
def _version_in(name: str, channel: str, language: str) -> int | None:
    """The template of that name and channel written in ``language``, if there is one."""
    version = LetterTemplate.get_or_none(
        (LetterTemplate.name == name) & (LetterTemplate.channel == channel)
        & (LetterTemplate.language == language))
    return int(version.id) if version is not None else None


@steady_answer
def _letter_template(tone: str, language: str) -> int | None:
    """The letter template of ``tone``, the one in ``language`` first."""
    letter = (LetterTemplate.select(LetterTemplate.id)
              .where((LetterTemplate.channel == Channel.LETTER) & (LetterTemplate.tone == tone))
              .order_by(LetterTemplate.language != language, LetterTemplate.id).first())
    return int(letter.id) if letter is not None else None


@steady_answer
def letter_template_instead(template_id: int | None) -> int | None:
    """The letter written for an e-mail template (its name with "letter" for "email", in
    its language), for an e-mail printed as a letter to a customer without an address;
    the template itself when there is no such letter."""
    if template_id is None:
        return None
    email = LetterTemplate.get_or_none(LetterTemplate.id == template_id)
    if email is None or email.channel == Channel.LETTER or \
            not email.name.casefold().endswith(" email"):
        return template_id
    letter = LetterTemplate.get_or_none(
        (LetterTemplate.name == f"{email.name[:-len('email')]}letter")
        & (LetterTemplate.channel == Channel.LETTER)
        & (LetterTemplate.language == email.language))
    return int(letter.id) if letter is not None else template_id
