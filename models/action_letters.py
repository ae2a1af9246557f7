"""The text a follow-up action would send: its stage's template filled in for the
account, with the next step the business will take and its date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.dates import short_date
from models.followup import DueAction, Stage, goes_by_letter, on_paper, stages_by_policy
from models.kinds import Channel
from models.language import N_, Wording
from models.letter_context import customer_wording, letter_context
from models.money import format_money
from models.template_store import (
    letter_template_for,
    letter_template_instead,
    template_for,
    template_text,
)
from models.templating import render_letter

# What the next stage means for the customer, written to follow "we will".
_NEXT_STEPS = (
    ("agency", N_("refer the account to a collection agency")),
    ("final", N_("send you our final notice")),
    ("call", N_("call you to discuss the account")),
)
_FURTHER: dict[str, str] = {Channel.EMAIL: N_("send you a further e-mail"),
            Channel.LETTER: N_("send you a further letter")}


@dataclass(frozen=True)
class ActionDraft:
    """What an action would say: for a letter or e-mail its subject and text, for a
    call the points to go through."""

    channel: str  # email, letter, phone
    subject: str
    text: str
    template_name: str  # "" for a call
    language_note: str = ""  # why it is not in the customer's language, when it is not
    language: str = ""  # the language it is written in ("" for a call)


def as_letter(action: DueAction) -> DueAction:
    """The action as it is made: one that goes by letter (a letter stage, or an e-mail
    stage to a customer with no usable address) as a printed letter, the e-mail one
    written from the business's letter of the same tone if it has one (an instalment's,
    the plan's letter), else from the stage's own template."""
    if not goes_by_letter(action) or action.stage.channel == Channel.LETTER:
        return action
    template_id = (letter_template_instead(action.stage.template_id)
                   if action.instalment is not None
                   else letter_template_for(action.stage.tone, action.customer_id))
    return on_paper(action, template_id)


def draft_for(action: DueAction, as_of: dt.date) -> ActionDraft:
    """The action's text, from its stage's template, as the customer would read it (an
    instalment's reminder with the instalment's fields, and no next step: the plan says
    what comes next)."""
    follow = _next_stage(action.stage) if action.instalment is None else None
    next_on = (as_of + dt.timedelta(days=follow.offset_days - action.stage.offset_days)
               if follow is not None else None)
    if action.stage.channel == Channel.PHONE or action.stage.template_id is None:
        return ActionDraft(action.stage.channel, "", _call_points(action), "")
    choice = template_for(action.stage.template_id, action.customer_id)
    template = template_text(choice.template_id)
    words = customer_wording(action.customer_id, template.language)
    context = letter_context(action.customer_id, [i.id for i in action.invoices], as_of,
                             stage_name=action.stage.name,
                             next_step=_next_step(follow, words) if follow is not None else "",
                             next_step_on=next_on, language=template.language,
                             instalment_id=(action.instalment.instalment_id
                                            if action.instalment is not None else None))
    letter = render_letter(template.subject, template.body, context,
                           template_name=template.name)
    return ActionDraft(action.stage.channel, letter.subject, letter.body, template.name,
                       choice.note, template.language)


def _next_stage(stage: Stage) -> Stage | None:
    later = [s for s in stages_by_policy().get(stage.policy_id, [])
             if s.position > stage.position]
    return later[0] if later else None


def _next_step(stage: Stage, words: Wording) -> str:
    name = stage.name.casefold()
    for word, step in _NEXT_STEPS:
        if word in name:
            return words.gettext(step)
    if stage.channel == Channel.PHONE:
        return words.gettext("call you to discuss the account")
    return words.gettext(_FURTHER.get(stage.channel, _FURTHER[Channel.LETTER]))


def _call_points(action: DueAction) -> str:
    lines = [f"Call {action.customer_name} ({action.stage.name}) about "
             f"{format_money(action.total_minor, action.currency)}:"]
    if action.instalment is not None:
        return "\n".join([*lines, f"- {action.instalment.words}", "",
                          "Ask when the instalment will be paid, and log the call with its "
                          "outcome."])
    for invoice in action.invoices:
        lines.append(f"- {invoice.number}, due {short_date(invoice.due_date)}: "
                     f"{format_money(invoice.open_minor, action.currency)} open, "
                     f"{invoice.days_overdue} days overdue")
    lines += ["", "Ask when payment will be made, and log the call with its outcome."]
    return "\n".join(lines)
