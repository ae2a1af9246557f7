"""The default letters and e-mails, one per tone and channel, in every language Duly
writes (``models.language.LANGUAGES``).

Written as a good credit controller would: personal, plain and courteous, firm where
the stage is firm. Each is assembled once, when a business starts (or when a store
gains the languages), from the paragraphs below, each a message of the gettext
catalogue so a translator renders it whole, merge fields and conditions included;
the user then edits the whole text in the Templates area.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from models.kinds import Channel, Tone
from models.language import LANGUAGES, SOURCE_LANGUAGE, catalogue, translated
from models.schema import LetterTemplate

Translate = Callable[[str], str]
TONES: tuple[str, ...] = tuple(Tone)
CHANNELS = ("email", "letter")
# The name the business sees; one name links a template's versions in each language.
TEMPLATE_NAMES = {(tone, channel): f"{tone.capitalize()} {channel}"
                  for tone in TONES for channel in CHANNELS}
# The letters and e-mails around the debt (models.relationship): a welcome setting out the
# terms, a thank-you once an account is paid up. Written in the friendly tone.
WELCOME, THANK_YOU = "welcome", "thank you"
OCCASIONS = (WELCOME, THANK_YOU)
RELATIONSHIP_TEMPLATE_NAMES = {(occasion, channel): f"{occasion.capitalize()} {channel}"
                               for occasion in OCCASIONS for channel in CHANNELS}
RELATIONSHIP_TONE = "friendly"
# The letters and e-mails of a payment plan's instalments (models.plan_followup): a
# courtesy reminder before each instalment, and a gentle one for an instalment missed.
INSTALMENT_REMINDER, MISSED_INSTALMENT = "instalment reminder", "missed instalment"
PLAN_OCCASIONS = (INSTALMENT_REMINDER, MISSED_INSTALMENT)
PLAN_TEMPLATE_NAMES = {(occasion, channel): f"{occasion.capitalize()} {channel}"
                       for occasion in PLAN_OCCASIONS for channel in CHANNELS}
PLAN_TONES = {INSTALMENT_REMINDER: "friendly", MISSED_INSTALMENT: "polite"}


def default_template(tone: str, channel: str, translate: Translate | None = None
                     ) -> tuple[str, str]:
    """The subject and text Duly starts with for a tone ("friendly" … "final") and a
    channel ("email" or "letter"), in the language ``translate`` (a catalogue's
    gettext) writes; English without one."""
    _ = translate or _english
    email = channel == Channel.EMAIL
    subject = _subject(tone, _)
    body = {"friendly": _friendly, "polite": _polite, "personal": _personal,
            "firm": _firm, "final": _final}[tone](_, email)
    return subject, body + _sign_off(tone, _, email)


def _english(message: str) -> str:
    return message


def _subject(tone: str, _: Translate) -> str:
    if tone == "friendly":
        return _("{% if overdue_count %}A friendly reminder{% else %}Coming up for payment"
                 "{% endif %}: your account {{ customer_code }} with {{ business_name }}")
    if tone == "polite":
        return _("{% if overdue_count %}Overdue payment{% else %}Payment due{% endif %}: "
                 "your account {{ customer_code }} with {{ business_name }}")
    if tone == "personal":
        return _("Your account {{ customer_code }} with {{ business_name }}: can we talk?")
    if tone == "firm":
        return _("Payment required: overdue account {{ customer_code }} with "
                 "{{ business_name }}")
    return _("Final notice before further action: account {{ customer_code }} with "
             "{{ business_name }}")


def _dear(_: Translate) -> str:
    return _("Dear {{ contact_name }},") + "\n\n"


def _invoice_list(_: Translate) -> str:
    return ("{% for invoice in invoices %}\n"
            + _("  - Invoice {{ invoice.number }} of {{ invoice.issue_date }}, due "
                "{{ invoice.due_date }}: {{ invoice.open }}{% if invoice.open != "
                "invoice.amount %} still open of {{ invoice.amount }}{% endif %} "
                "({{ invoice.lateness }})")
            + "\n{% endfor %}\n")


def _total(_: Translate) -> str:
    return "\n" + _("Total: {{ total_due }}") + "\n"


def _overdue_totals(_: Translate) -> str:
    """What is overdue, and (only when some invoice is not overdue yet) what is due in
    all: an invoice due on the letter's own day is never counted as overdue."""
    return ("\n" + _("Total overdue: {{ total_overdue }}") + "\n"
            "{% if total_overdue != total_due %}"
            + _("Total due, with invoices not yet overdue: {{ total_due }}")
            + "\n{% endif %}")


# What of the invoices is in dispute and not asked for (models.letter_context), right under
# the totals it explains; added to the defaults after v21 (see :func:`bring_up_to_date`).
_IN_DISPUTE = "{% if in_dispute %}\n\n{{ in_dispute }}\n{% endif %}\n"


def _extras(_: Translate) -> str:
    return (_IN_DISPUTE
            + "{% if early_payment_saving %}\n\n{{ early_payment_saving }}\n{% endif %}\n"
            "{% if settlement_offer %}\n\n{{ settlement_offer }}\n{% endif %}\n"
            "{% if loyalty_offer %}\n\n{{ loyalty_offer }}\n{% endif %}\n"
            "{% if interest_and_charges %}\n\n"
            + _("{{ interest_and_charges }} That brings the total now due to "
                "{{ total_with_charges }}.")
            + "\n{% endif %}\n")


def _payment(_: Translate) -> str:
    return ("{% if payment_details %}\n"
            + _("Our bank details for payment:") + "\n{{ payment_details }}\n\n"
            + _("Please quote your account number, {{ customer_code }}, so that we can match "
                "your payment quickly.")
            + "\n{% else %}\n"
            + _("Please quote your account number, {{ customer_code }}, with your payment so "
                "that we can match it quickly.")
            + "\n{% endif %}\n")


def _friendly(_: Translate, email: bool) -> str:
    if email:
        put_right = _("{% if overdue_count %}It may simply have slipped through; it happens "
                      "to all of us. {% endif %}If anything on an invoice is not right, or "
                      "you need a copy, just reply to this e-mail and we will put it right "
                      "straight away.")
        paid = _("If you have already paid, thank you, and please disregard this e-mail.")
    else:
        put_right = _("{% if overdue_count %}It may simply have slipped through; it happens "
                      "to all of us. {% endif %}If anything on an invoice is not right, or "
                      "you need a copy, just write to us and we will put it right straight "
                      "away.")
        paid = _("If you have already paid, thank you, and please disregard this letter.")
    return (_dear(_) + "{% if overdue_count %}\n"
            + _("I hope all is well with you. This is a friendly reminder that, according "
                "to our records, the following on your account {{ customer_code }} is now "
                "past its due date and we have not yet received payment:")
            + "\n{% else %}\n"
            + _("I hope all is well with you. As a courtesy, here is what falls due shortly "
                "on your account {{ customer_code }}, in case it helps with your next "
                "payment run:")
            + "\n{% endif %}\n\n" + _invoice_list(_) + _total(_) + _extras(_)
            + "\n" + put_right + "\n\n" + _payment(_) + "\n" + paid + "\n\n")


def _polite(_: Translate, email: bool) -> str:
    crossed = (_("If your payment has crossed with this e-mail, thank you, and please "
                 "disregard it.") if email else
               _("If your payment has crossed with this letter, thank you, and please "
                 "disregard it."))
    return (_dear(_) + "{% if overdue_count %}\n"
            + _("We have not yet received payment for the following on your account "
                "{{ customer_code }}, which is now overdue:")
            + "\n{% else %}\n"
            + _("A reminder that the following on your account {{ customer_code }} is now "
                "due for payment:")
            + "\n{% endif %}\n\n" + _invoice_list(_) + _total(_) + _extras(_) + "\n"
            + _("Please arrange payment at your earliest convenience{% if next_step_date %}, "
                "and in any case by {{ next_step_date }}{% endif %}. If something is holding "
                "payment up, such as a query on an invoice or a question of timing, please "
                "let us know now: we would much rather hear from you and find a way forward "
                "together.")
            + "\n\n" + _payment(_) + "\n" + crossed + "\n\n")


def _personal(_: Translate, email: bool) -> str:
    call = (_("I know there can be good reasons for a delay: a query about an invoice, a "
              "change in who handles payments, or simply a difficult month. Whatever the "
              "reason, please call me {% if business_phone %}on {{ business_phone }} "
              "{% endif %}or reply to this e-mail{% if next_step_date %} by "
              "{{ next_step_date }}{% endif %}. If paying the full amount at once is "
              "difficult, we can agree a payment plan that works for both of us.")
            if email else
            _("I know there can be good reasons for a delay: a query about an invoice, a "
              "change in who handles payments, or simply a difficult month. Whatever the "
              "reason, please call me {% if business_phone %}on {{ business_phone }} "
              "{% endif %}or write to us{% if next_step_date %} by {{ next_step_date }}"
              "{% endif %}. If paying the full amount at once is difficult, we can agree a "
              "payment plan that works for both of us."))
    return (_dear(_)
            + _("I am writing to you personally about your account {{ customer_code }}"
                "{% if oldest_days_overdue %}, which has now been overdue for "
                "{{ oldest_days_overdue }} days{% endif %}. We value working with "
                "{{ customer_name }}, and I would like to resolve this with you directly "
                "rather than send you more reminders.")
            + "\n\n" + _("This is what is still open:") + "\n\n"
            + _invoice_list(_) + _total(_) + _extras(_) + "\n" + call + "\n\n"
            + _payment(_) + "\n" + _("I look forward to hearing from you.") + "\n\n")


def _firm(_: Translate, email: bool) -> str:
    pay = (_("Please pay the full amount {% if next_step_date %}by {{ next_step_date }}"
             "{% else %}within 7 days of the date of this e-mail{% endif %}. {% if "
             "next_step %}If payment has not reached us by then, we will {{ next_step }}."
             "{% endif %}") if email else
           _("Please pay the full amount {% if next_step_date %}by {{ next_step_date }}"
             "{% else %}within 7 days of the date of this letter{% endif %}. {% if "
             "next_step %}If payment has not reached us by then, we will {{ next_step }}."
             "{% endif %}"))
    return (_dear(_)
            + _("Despite our earlier reminders, the following remains unpaid on your account "
                "{{ customer_code }}{% if oldest_days_overdue %}, the oldest of it now "
                "{{ oldest_days_overdue }} days overdue{% endif %}:")
            + "\n\n" + _invoice_list(_) + _overdue_totals(_) + _extras(_) + "\n" + pay
            + "\n\n"
            + _("If you dispute any of these invoices, tell us at once which and why, so that "
                "we can look into it. If you cannot pay in full, contact us {% if "
                "business_phone %}on {{ business_phone }} {% endif %}before that date to "
                "agree a payment plan: we would much rather settle this with you than take "
                "further steps.")
            + "\n\n" + _payment(_) + "\n")


def _final(_: Translate, email: bool) -> str:
    unless = (_("This is our final notice. Unless the full amount reaches us {% if "
                "next_step_date %}by {{ next_step_date }}{% else %}within 7 days of the date "
                "of this e-mail{% endif %}, we will {% if next_step %}{{ next_step }}{% else "
                "%}pass the account to a debt collection agency{% endif %} without further "
                "notice. That is a step we would much rather not take.") if email else
              _("This is our final notice. Unless the full amount reaches us {% if "
                "next_step_date %}by {{ next_step_date }}{% else %}within 7 days of the date "
                "of this letter{% endif %}, we will {% if next_step %}{{ next_step }}{% else "
                "%}pass the account to a debt collection agency{% endif %} without further "
                "notice. That is a step we would much rather not take."))
    return (_dear(_)
            + _("We have already reminded you about the following, which remains unpaid on "
                "your account {{ customer_code }}{% if oldest_days_overdue %}, the oldest of "
                "it now {{ oldest_days_overdue }} days overdue{% endif %}:")
            + "\n\n" + _invoice_list(_) + _overdue_totals(_) + _extras(_) + "\n" + unless
            + "\n\n"
            + _("If there is a reason we do not know about, such as a dispute over an invoice "
                "or difficulty in paying, contact us {% if business_phone %}on "
                "{{ business_phone }} {% endif %}before then. Even now, we are willing to "
                "agree a payment plan if you get in touch.")
            + "\n\n" + _payment(_) + "\n")


def _sign_off(tone: str, _: Translate, email: bool) -> str:
    if not email:
        return (_("{% if contact_name == \"Sir or Madam\" %}Yours faithfully,{% else %}"
                  "Yours sincerely,{% endif %}") + "\n\n{{ business_name }}\n")
    greeting = (_("With best wishes,") if tone == "personal" else
                _("Kind regards,") if tone in ("friendly", "polite") else _("Regards,"))
    return (greeting + "\n{% if signatory %}{{ signatory }}\n{% endif %}{{ business_name }}\n"
            "{% if business_phone %}\n{{ business_phone }}\n{% endif %}\n")


def relationship_template(occasion: str, channel: str, translate: Translate | None = None
                          ) -> tuple[str, str]:
    """The subject and text Duly starts with for a welcome ("welcome") or a thank-you
    ("thank you") by ``channel``, in the language ``translate`` writes."""
    _ = translate or _english
    email = channel == Channel.EMAIL
    if occasion == WELCOME:
        subject, body = _("Welcome to {{ business_name }}: how our invoices work"), _welcome(
            _, email)
    else:
        subject, body = _("Thank you from {{ business_name }}"), _thank_you(_, email)
    return subject, body + _sign_off(RELATIONSHIP_TONE, _, email)


def _welcome(_: Translate, email: bool) -> str:
    questions = (_("If you have a question about an invoice or need a copy, just reply to "
                   "this e-mail: we are always happy to help.") if email else
                 _("If you have a question about an invoice or need a copy, just get in "
                   "touch{% if business_phone %} on {{ business_phone }}{% endif %}: we are "
                   "always happy to help."))
    return (_dear(_)
            + _("Thank you for choosing {{ business_name }}. We look forward to working "
                "with you.")
            + "\n\n"
            + _("So that everything runs smoothly from the start, here is how our invoicing "
                "works for your account {{ customer_code }}:")
            + "\n\n{{ payment_terms }}\n{% if discount_terms %}\n{{ discount_terms }}\n"
              "{% endif %}\n{% if late_payment_terms %}\n{{ late_payment_terms }}\n"
              "{% endif %}\n\n{{ how_to_pay }}\n\n" + questions + "\n\n")


def _thank_you(_: Translate, email: bool) -> str:
    more = (_("If there is ever anything we can do for you, just reply to this e-mail.")
            if email else
            _("If there is ever anything we can do for you, just let us know."))
    return (_dear(_) + "{% if thanks_for %}{{ thanks_for }}{% else %}"
            + _("Thank you for your payment.") + "{% endif %} "
            + _("We really appreciate it, and we look forward to continuing to work with "
                "you.")
            + "\n\n" + more + "\n\n")


def plan_template(occasion: str, channel: str, translate: Translate | None = None
                  ) -> tuple[str, str]:
    """The subject and text Duly starts with for an instalment's reminder ("instalment
    reminder", before its date) or an instalment not paid by its date ("missed
    instalment") by ``channel``, in the language ``translate`` writes."""
    _ = translate or _english
    email = channel == Channel.EMAIL
    if occasion == INSTALMENT_REMINDER:
        subject = _("Your next instalment: {{ instalment_amount }} due on {{ instalment_date }} "
                    "(payment plan {{ plan_reference }})")
        body = _instalment_reminder(_, email)
    else:
        subject = _("Payment plan {{ plan_reference }}: instalment {{ instalment_number }} "
                    "not yet received")
        body = _missed_instalment(_, email)
    return subject, body + _sign_off(PLAN_TONES[occasion], _, email)


def _plan_payment(_: Translate) -> str:
    return ("{% if payment_details %}\n" + _("Our bank details for payment:")
            + "\n{{ payment_details }}\n\n{% endif %}\n"
            + _("Please quote the plan's reference, {{ plan_reference }}, with your payment so "
                "that we can match it quickly.") + "\n")


def _instalment_reminder(_: Translate, email: bool) -> str:
    paid = (_("If you have already paid, thank you, and please disregard this e-mail.")
            if email else
            _("If you have already paid, thank you, and please disregard this letter."))
    return (_dear(_)
            + _("Thank you for keeping to your payment plan {{ plan_reference }}. This is a "
                "friendly reminder that instalment {{ instalment_number }} of "
                "{{ instalment_count }}, {{ instalment_amount }}, falls due on "
                "{{ instalment_date }}.")
            + "\n\n"
            + _("With this instalment, {{ plan_left }} is still to pay on the plan in all.")
            + "\n\n" + _plan_payment(_) + "\n" + paid + "\n\n")


def _missed_instalment(_: Translate, email: bool) -> str:
    crossed = (_("If your payment has crossed with this e-mail, thank you, and please "
                 "disregard it.") if email else
               _("If your payment has crossed with this letter, thank you, and please "
                 "disregard it."))
    return (_dear(_)
            + _("According to our records, instalment {{ instalment_number }} of "
                "{{ instalment_count }} of your payment plan {{ plan_reference }}, "
                "{{ instalment_amount }} due on {{ instalment_date }}, has not yet reached "
                "us in full.")
            + "\n\n"
            + _("It may simply have slipped through. Please pay it {% if plan_grace_until %}by "
                "{{ plan_grace_until }}{% else %}as soon as you can{% endif %} so that the "
                "plan stays in place. If something has changed and you cannot keep to the "
                "plan, please let us know now: we would much rather find a way forward "
                "together.")
            + "\n\n" + _plan_payment(_) + "\n" + crossed + "\n\n")


def seed_default_templates(kinds: tuple[tuple[str, str], ...] = tuple(TEMPLATE_NAMES),
                           occasions: tuple[tuple[str, str], ...] = tuple(
                               RELATIONSHIP_TEMPLATE_NAMES),
                           plans: tuple[tuple[str, str], ...] = tuple(PLAN_TEMPLATE_NAMES)
                           ) -> dict[tuple[str, str], LetterTemplate]:
    """Create the default templates of ``kinds`` (tone, channel), ``occasions`` and
    ``plans`` (occasion, channel) in each language Duly writes, where the store lacks
    them (by name, channel and language), inside a write; returns the English ones by
    (tone, channel) and by (plan occasion, channel), for the default follow-up stages."""
    wanted: dict[tuple[str, str], str] = {
        **{key: TEMPLATE_NAMES[key] for key in kinds},
        **{key: PLAN_TEMPLATE_NAMES[key] for key in plans}}
    kept = {(row.name, row.channel, row.language) for row in LetterTemplate.select(
        LetterTemplate.name, LetterTemplate.channel, LetterTemplate.language)}
    missing = [(name, channel, language, tone, *words())
               for language in LANGUAGES if translated(language)
               for name, channel, tone, words in _defaults_in(language, kinds, occasions, plans)
               if (name, channel, language) not in kept]
    if missing:
        LetterTemplate.insert_many(missing, fields=[
            LetterTemplate.name, LetterTemplate.channel, LetterTemplate.language,
            LetterTemplate.tone, LetterTemplate.subject, LetterTemplate.body]).execute()
    english = {(row.name, row.channel): row for row in LetterTemplate.select().where(
        (LetterTemplate.language == SOURCE_LANGUAGE)
        & LetterTemplate.name.in_(sorted(set(wanted.values()))))}
    return {key: english[name, key[1]] for key, name in wanted.items()}


def _defaults_in(language: str, kinds: tuple[tuple[str, str], ...],
                 occasions: tuple[tuple[str, str], ...], plans: tuple[tuple[str, str], ...]
                 ) -> Iterator[tuple[str, str, str, Callable[[], tuple[str, str]]]]:
    """Each default template of ``kinds``, ``occasions`` and ``plans`` in ``language``:
    its name, channel, tone, and how to write its subject and text."""
    translate = catalogue(language).gettext
    for tone, channel in kinds:
        yield (TEMPLATE_NAMES[tone, channel], channel, tone,
               partial(default_template, tone, channel, translate))
    for occasion, channel in occasions:
        yield (RELATIONSHIP_TEMPLATE_NAMES[occasion, channel], channel, RELATIONSHIP_TONE,
               partial(relationship_template, occasion, channel, translate))
    for occasion, channel in plans:
        yield (PLAN_TEMPLATE_NAMES[occasion, channel], channel, PLAN_TONES[occasion],
               partial(plan_template, occasion, channel, translate))


def add_languages() -> None:
    """Give each default template the business still has in English (by its name) its
    versions in the languages it lacks: a store made before Duly wrote in them."""
    english = {(row.name, row.channel) for row in LetterTemplate.select().where(
        LetterTemplate.language == SOURCE_LANGUAGE)}
    kept = tuple(key for key, name in TEMPLATE_NAMES.items() if (name, key[1]) in english)
    seed_default_templates(kinds=kept, occasions=tuple(
        key for key, name in RELATIONSHIP_TEMPLATE_NAMES.items() if (name, key[1]) in english),
        plans=tuple(key for key, name in PLAN_TEMPLATE_NAMES.items()
                    if (name, key[1]) in english))


def add_relationship_templates() -> None:
    """Give a store made before Duly wrote welcomes and thank-yous their default
    templates in every language (those it lacks)."""
    seed_default_templates(kinds=(), plans=())


def add_plan_templates() -> dict[tuple[str, str], LetterTemplate]:
    """Give a store made before Duly reminded customers of their instalments the default
    templates for it in every language (those it lacks); returns the English ones."""
    return seed_default_templates(kinds=(), occasions=())


# How an earlier Duly wrote each default reminder, from how this one does: each step
# takes away what was added since. A template whose words are still exactly an earlier
# default's was never edited, and is brought up to date.
_EARLIER_EDITIONS: tuple[Callable[[str], str], ...] = (
    lambda body: body.replace(_IN_DISPUTE, ""),  # before the dispute line (after v21)
)


def bring_up_to_date() -> int:
    """Give each default reminder the business has not edited (its subject and text still
    exactly as an earlier Duly wrote them, in its language) the words Duly writes now;
    returns how many were changed. A template the business edited, or one it made, is
    left as it is: its words are the business's. (Part of updating a store, as
    :func:`add_languages` is: not audited, as the store's update is not.)"""
    changed = 0
    for language in (code for code in LANGUAGES if translated(code)):
        translate = catalogue(language).gettext
        for (tone, channel), name in TEMPLATE_NAMES.items():
            subject, body = default_template(tone, channel, translate)
            earlier = _earlier_texts(body)
            row = LetterTemplate.get_or_none(
                (LetterTemplate.name == name) & (LetterTemplate.channel == channel)
                & (LetterTemplate.language == language))
            if row is None or row.subject != subject or row.body not in earlier:
                continue
            LetterTemplate.update(body=body).where(LetterTemplate.id == row.id).execute()
            changed += 1
    return changed


def _earlier_texts(body: str) -> set[str]:
    """The texts earlier Dulys wrote for a default reminder that is ``body`` now."""
    texts, text = set(), body
    for step in _EARLIER_EDITIONS:
        text = step(text)
        texts.add(text)
    return texts - {body}
