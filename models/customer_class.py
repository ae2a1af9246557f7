"""What a customer's payment profile makes of them: a class with its reasons in plain
words (never a bare score), and a suggestion of what to do next.

Each class is defined once, in :func:`classify`, from the business's thresholds (a
setting, :func:`class_thresholds`); the definitions and the method's limits are written
in ``docs/decisions.md``. In the order they are tried:

* **at risk**: something is owed overdue and at least two of three warning signs show:
  the overdue balance grew by half or more in 90 days, two or more promises broken or
  plans defaulted in the last 180 days, three or more chasing contacts unanswered (no
  payment and no word from the customer since);
* **new**: fewer than 4 invoices judged (paid, or open past the tolerance);
* **temporary difficulty**: each of the last 3 judged invoices late, 30 days or more on
  average, after a history of at least 4 invoices of which 80% or more were on time;
* **recurring late payer**: under 50% on time, or 30 days or more late on average;
* **occasionally late**: under 90% on time, or more than 5 days late on average;
* **reliable**: the rest.

The shares and averages are those of the last 12 months when they hold enough invoices
to judge (4), otherwise of the whole history.

The suggestion says what has worked with this customer and, from
:func:`models.what_works.lesson_for` over the whole book, with customers of the same
class (:func:`class_lessons`, kept until the store is written to: it takes seconds on a
big book, so the window reads it off the GUI thread, as it reads the profile).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from decimal import Decimal

from models.audit import record_change
from models.customer_profile import (
    ANSWER_DAYS,
    CHANNELS,
    GROWTH_DAYS,
    RECENT_DAYS,
    ChannelResponse,
    CustomerProfile,
    Lateness,
    customer_profile,
    each_customer_profile,
)
from models.dates import month_year, short_date
from models.db import latest_write, writing
from models.errors import LedgerError
from models.kinds import ContactKind, CustomerClass, ReminderAspect
from models.money import format_money
from models.schema import Customer, Setting
from models.users import Permission, require
from models.what_works import Lesson, lesson_for, what_works

THRESHOLDS_SETTING = "customer_class_thresholds"
AT_RISK_SIGNS = 2  # of the three warning signs


@dataclass(frozen=True)
class ClassThresholds:
    """Where one class ends and the next begins (the business's setting)."""

    min_invoices: int = 4  # fewer judged invoices: new
    on_time_days: int = 3  # paid this many days after the due date is still on time
    reliable_percent: int = 90  # on time at least this share ...
    reliable_days: int = 5  # ... and no more than this many days late on average
    recurring_percent: int = 50  # on time less than this share: recurring late payer
    recurring_days: int = 30  # or at least this many days late on average
    recent_invoices: int = 3  # the latest invoices a change of habit is seen in
    difficulty_days: int = 30  # ... late this many days on average: temporary difficulty
    good_history_percent: int = 80  # ... after a history on time at least this share
    broken_promises: int = 2  # broken promises and defaulted plans in 180 days
    unanswered_contacts: int = 3  # chasing contacts with no payment or word since
    growth_percent: int = 50  # the overdue balance grew by this share in 90 days


# The lowest and highest each threshold may be set to.
_LIMITS = {"min_invoices": (1, 100), "on_time_days": (0, 60), "reliable_percent": (1, 100),
           "reliable_days": (0, 365), "recurring_percent": (1, 100),
           "recurring_days": (1, 365), "recent_invoices": (1, 24),
           "difficulty_days": (1, 365), "good_history_percent": (1, 100),
           "broken_promises": (1, 100), "unanswered_contacts": (1, 100),
           "growth_percent": (1, 1000)}
THRESHOLD_LIMITS = _LIMITS
"""The lowest and highest each threshold may be set to, by name (the window's fields)."""

# Each threshold in the user's words, for a refusal to name it.
_NAMES = {"min_invoices": "invoices judged before a customer stops being new",
          "on_time_days": "days after the due date a payment is still on time",
          "reliable_percent": "share of invoices a reliable customer pays on time",
          "reliable_days": "days a reliable customer may be late on average",
          "recurring_percent": "on-time share below which a customer pays late recurringly",
          "recurring_days": "days late on average that make a recurring late payer",
          "recent_invoices": "latest invoices a change of habit is seen in",
          "difficulty_days": "days late on average that show a temporary difficulty",
          "good_history_percent": "on-time share of a good history before a difficulty",
          "broken_promises": "broken promises and defaulted plans that warn of risk",
          "unanswered_contacts": "unanswered chasing contacts that warn of risk",
          "growth_percent": "growth of the overdue balance that warns of risk"}


@dataclass(frozen=True)
class Classification:
    """A customer's class and the facts it rests on, in words."""

    kind: CustomerClass
    reasons: tuple[str, ...]


# --- the thresholds setting ----------------------------------------------------------

def class_thresholds() -> ClassThresholds:
    """The business's thresholds (the defaults where none were chosen)."""
    row = Setting.get_or_none(Setting.key == THRESHOLDS_SETTING)
    chosen = json.loads(row.value) if row is not None else {}
    known = {f.name for f in fields(ClassThresholds)}
    return ClassThresholds(**{k: int(v) for k, v in chosen.items() if k in known})


def set_class_thresholds(thresholds: ClassThresholds) -> None:
    """Change the thresholds the classes are drawn with; refuses one out of its range,
    or a recurring-late line above the reliable one."""
    for name, (low, high) in _LIMITS.items():
        value = getattr(thresholds, name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise LedgerError(name, f"Give the {_NAMES[name]} as a whole number from "
                                    f"{low} to {high}.")
    if thresholds.recurring_percent > thresholds.reliable_percent:
        raise LedgerError("recurring_percent", "The on-time share below which a customer is "
                                               "a recurring late payer cannot be above the "
                                               "share a reliable customer keeps.")
    if thresholds.recurring_days < thresholds.reliable_days:
        raise LedgerError("recurring_days", "The days late that make a recurring late payer "
                                            "cannot be fewer than a reliable customer's.")
    with writing():
        require(Permission.CHANGE_POLICIES)
        before = asdict(class_thresholds())
        Setting.put(THRESHOLDS_SETTING, json.dumps(asdict(thresholds)))
        record_change("set customer class thresholds", "setting", None, before=before,
                      after=asdict(thresholds))


def assessed_profile(customer_id: int, as_of: dt.date,
                     thresholds: ClassThresholds | None = None, *, lesson: bool = True
                     ) -> tuple[CustomerProfile, Classification, str]:
    """A customer's profile as of a day, its class with the reasons, and the suggestion,
    under the business's thresholds (or those given). With ``lesson``, under the
    business's thresholds, the suggestion says what has worked with customers of the
    same class too (:func:`class_lessons`: seconds on a big book the first time after a
    write; never on the GUI thread)."""
    business = class_thresholds()
    thresholds = thresholds or business
    profile = customer_profile(customer_id, as_of, on_time_days=thresholds.on_time_days,
                               recent_invoices=thresholds.recent_invoices)
    classification = classify(profile, thresholds)
    learnt = (kept_lessons(as_of).get(classification.kind)
              if lesson and thresholds == business else None)
    return profile, classification, suggestion(profile, classification, learnt)


def customer_classes(as_of: dt.date, customer_ids: Iterable[int] | None = None,
                     thresholds: ClassThresholds | None = None, *,
                     progress: Callable[[int, int], None] | None = None
                     ) -> dict[int, Classification]:
    """The class of every customer (or of those in ``customer_ids``) as of a day, with
    its reasons, by customer id: what :func:`assessed_profile` draws one by one, read in
    bulk (a few seconds for 10,000 customers and a million invoices: run it off the GUI
    thread). ``progress(done, total)`` is told as the customers are read."""
    thresholds = thresholds or class_thresholds()
    return {profile.customer_id: classify(profile, thresholds)
            for profile in each_customer_profile(
                as_of, customer_ids, on_time_days=thresholds.on_time_days,
                recent_invoices=thresholds.recent_invoices, progress=progress)}


class _KeptClasses:
    """The classes the lists last read, kept until the store is written to (or another
    day, store or thresholds is asked for): Accounts and Customers both show them, and
    on a big book reading them costs seconds each time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # one reads at a time; the next finds them kept
        self.key: tuple[object, ...] | None = None
        self.classes: dict[int, Classification] = {}


_kept = _KeptClasses()


def listed_classes(as_of: dt.date, customer_ids: Iterable[int] | None = None, *,
                   progress: Callable[[int, int], None] | None = None
                   ) -> dict[int, Classification]:
    """:func:`customer_classes` for the window's lists: the classes already read for the
    same store, day and thresholds since the store was last written to are given again,
    and only the customers not read yet are read."""
    thresholds = class_thresholds()
    key = (*latest_write(), as_of, thresholds)
    with _kept.lock:
        if _kept.key != key:
            _kept.key, _kept.classes = key, {}
        if customer_ids is None:
            wanted = [cid for (cid,) in Customer.select(Customer.id).tuples()]
        else:
            wanted = list(customer_ids)
        missing = [cid for cid in wanted if cid not in _kept.classes]
        if missing:
            _kept.classes.update(customer_classes(as_of, missing, thresholds,
                                                  progress=progress))
        elif progress is not None:
            progress(len(wanted), len(wanted))
        return {cid: _kept.classes[cid] for cid in wanted if cid in _kept.classes}


def classes_by_customer(as_of: dt.date, customer_ids: Iterable[int] | None = None, *,
                        progress: Callable[[int, int], None] | None = None
                        ) -> dict[int, CustomerClass]:
    """Each customer's class as of a day (:func:`listed_classes`: all customers read
    together, or as the lists last read them), as :func:`models.what_works.what_works`'
    ``classes`` takes them."""
    return {customer_id: classification.kind for customer_id, classification
            in listed_classes(as_of, customer_ids, progress=progress).items()}


class _KeptLessons:
    """What has worked with each class, kept for the day (until another day, store or
    thresholds is asked for): what-works over the whole book costs seconds, every
    account and review shows it, and a day's writes move lessons drawn from the whole
    history by a case or two, so working them out again after each approval would only
    make the next review wait."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # one works it out at a time; the next finds it kept
        self.key: tuple[object, ...] | None = None
        self.lessons: dict[CustomerClass, Lesson] = {}


_lessons = _KeptLessons()


def class_lessons(as_of: dt.date, *, progress: Callable[[int, int], None] | None = None
                  ) -> dict[CustomerClass, str]:
    """What has worked with customers of each class as of a day, in words (a class
    without enough cases to say anything has none): :func:`kept_lessons` in words."""
    return {kind: lesson_words(lesson)
            for kind, lesson in kept_lessons(as_of, progress=progress).items()}


def kept_lessons(as_of: dt.date, *, progress: Callable[[int, int], None] | None = None
                 ) -> dict[CustomerClass, Lesson]:
    """What has worked with customers of each class as of a day:
    :func:`models.what_works.lesson_for` over the whole book, each customer in their
    class (:func:`listed_classes`). Kept for the same store, day and thresholds (see
    :class:`_KeptLessons`); seconds on a big book otherwise, so never on the GUI
    thread."""
    key = (latest_write()[0], as_of, class_thresholds())
    with _lessons.lock:
        if _lessons.key != key:
            answer = what_works(as_of, classes_by_customer(as_of), progress=progress)
            found = {kind: lesson_for(answer, kind) for kind in answer.classes}
            _lessons.key = key
            _lessons.lessons = {kind: lesson for kind, lesson in found.items()
                                if lesson is not None}
        return dict(_lessons.lessons)


# --- the classes -------------------------------------------------------------------

def classify(profile: CustomerProfile, thresholds: ClassThresholds) -> Classification:
    """The customer's class and the facts it rests on: the one definition of each."""
    warnings = _warning_signs(profile, thresholds)
    if len(warnings) >= AT_RISK_SIGNS:
        return Classification(CustomerClass.AT_RISK, (_owed(profile), *warnings))
    if profile.overall.judged < thresholds.min_invoices:
        return Classification(CustomerClass.NEW, (
            f"Only {_invoices(profile.overall.judged)} to judge by so far "
            f"({thresholds.min_invoices} are needed).",))
    difficulty = _difficulty(profile, thresholds)
    if difficulty:
        return Classification(CustomerClass.TEMPORARY_DIFFICULTY, difficulty)
    period, figures = _period(profile, thresholds)
    share = _share(figures)
    days = figures.days_late or Decimal(0)
    facts = (f"Paid {figures.on_time} of {_invoices(figures.judged)} on time {period} "
             f"({share}%).",
             f"On average {_days(days)} late {period}, weighted by amount.")
    if _below(figures, thresholds.recurring_percent) or days >= thresholds.recurring_days:
        kind = CustomerClass.RECURRING_LATE
    elif _below(figures, thresholds.reliable_percent) or days > thresholds.reliable_days:
        kind = CustomerClass.OCCASIONALLY_LATE
    else:
        kind = CustomerClass.RELIABLE
    return Classification(kind, facts + tuple(warnings))


def _warning_signs(profile: CustomerProfile, thresholds: ClassThresholds) -> list[str]:
    """The warning signs of an account at risk that show, each in words."""
    if profile.overdue_minor <= 0:
        return []
    signs = []
    before = profile.overdue_before_minor
    if before > 0 and profile.overdue_minor * 100 >= before * (100 + thresholds.growth_percent):
        signs.append(f"The overdue balance grew from {_money(profile, before)} to "
                     f"{_money(profile, profile.overdue_minor)} in {GROWTH_DAYS} days.")
    broken = profile.broken_lately + profile.defaulted_lately
    if broken >= thresholds.broken_promises:
        parts = [_count(profile.broken_lately, "promise"),
                 _count(profile.defaulted_lately, "payment plan")]
        said = " and ".join(p for p in parts if not p.startswith("0 "))
        signs.append(f"Broke {said} in the last {RECENT_DAYS} days.")
    if profile.unanswered_contacts >= thresholds.unanswered_contacts \
            and profile.unanswered_since is not None:
        signs.append(f"No payment and no word from them since "
                     f"{short_date(profile.unanswered_since)}: "
                     f"{_count(profile.unanswered_contacts, 'contact')} unanswered.")
    return signs


def _difficulty(profile: CustomerProfile,
                thresholds: ClassThresholds) -> tuple[str, ...] | None:
    """The reasons for a temporary difficulty (a good record that changed with the last
    few invoices), or None when the record does not show one."""
    recent, earlier = profile.trend.recent, profile.trend.earlier
    if recent.judged < thresholds.recent_invoices or recent.on_time \
            or earlier.judged < thresholds.min_invoices or recent.days_late is None \
            or recent.days_late < thresholds.difficulty_days \
            or _below(earlier, thresholds.good_history_percent):
        return None
    until = profile.trend.earlier_until
    when = f" until {month_year(until)}" if until else ""
    spread = (f"{recent.least_days_late} to {recent.most_days_late} days"
              if recent.least_days_late != recent.most_days_late
              else f"{recent.most_days_late} days")
    still = f" ({recent.still_open} still unpaid)" if recent.still_open else ""
    return (f"Paid {earlier.on_time} of {_invoices(earlier.judged)} on time{when}.",
            f"The last {recent.judged} are all late: {spread}{still}.")


def _period(profile: CustomerProfile, thresholds: ClassThresholds) -> tuple[str, Lateness]:
    if profile.last_12_months.judged >= thresholds.min_invoices:
        return "in the last 12 months", profile.last_12_months
    return "so far", profile.overall


# --- the suggestion ----------------------------------------------------------------

_KIND_WORDS = {ContactKind.CALL: ("phone call", "calls"),
               ContactKind.EMAIL: ("e-mail", "e-mails"),
               ContactKind.LETTER: ("letter", "letters"), ContactKind.SMS: ("text", "texts"),
               ContactKind.MEETING: ("meeting", "meetings")}
# Contacts of a kind since it last worked before it is said not to work.
NOT_WORKING_AFTER = 3

# The kind of contact a class's advice prefers; the customer's own record overrides it.
_ADVISED_CHANNEL = {CustomerClass.RECURRING_LATE: ContactKind.CALL,
                    CustomerClass.AT_RISK: ContactKind.CALL}
# The same advice without the kind of contact, for a customer whose record names another.
_ADVICE_BY_THEIR_CHANNEL = {
    CustomerClass.RECURRING_LATE: "Remind them before the due date, by {way}, the way they "
                                  "answer; keep to the stages and charge what the terms "
                                  "allow.",
    CustomerClass.AT_RISK: "Contact them now, by {way}, the way they answer, and think "
                           "about holding further supplies until the overdue balance comes "
                           "down; if nothing comes of it, escalate.",
}

_ADVICE = {
    CustomerClass.RELIABLE: "A friendly reminder is enough; keep the tone light.",
    CustomerClass.OCCASIONALLY_LATE: "Follow the usual stages; a reminder just before the "
                                     "due date helps.",
    CustomerClass.RECURRING_LATE: "Remind them before the due date and call early rather "
                                  "than send another e-mail; keep to the stages and charge "
                                  "what the terms allow.",
    CustomerClass.AT_RISK: "Call now rather than write, and think about holding further "
                           "supplies until the overdue balance comes down; if nothing "
                           "comes of it, escalate.",
    CustomerClass.NEW: "Too little history to judge: follow the usual stages and watch how "
                       "they answer.",
}


def suggestion(profile: CustomerProfile, classification: Classification,
               lesson: Lesson | None = None) -> str:
    """What to do next with this customer, and the facts it rests on: which kind of
    contact they answer (and which has stopped working); for a temporary difficulty, to
    offer a payment plan rather than escalate; then ``lesson``, what has worked with
    customers like them (:func:`kept_lessons`). The customer's own record wins: where it
    names another kind of contact than the class's advice or lesson, the advice follows
    their record and the lesson says it gives way to it."""
    parts = [_what_to_do(profile, classification.kind)]
    answered = next((c for c in profile.channels if c.kind == profile.answered_channel), None)
    if answered is not None:
        parts.append(_works(answered))
    parts += [_not_working(c) for c in profile.channels
              if c.unanswered_since >= NOT_WORKING_AFTER and c is not answered]
    if lesson is not None:
        parts.append(_lesson_for_them(lesson, profile.answered_channel))
    return " ".join(parts)


def _lesson_for_them(lesson: Lesson, own: ContactKind | None) -> str:
    """The class's lesson, saying so when the customer's own record points elsewhere."""
    words = lesson_words(lesson)
    better = _lesson_channel(lesson)
    if own is None or own not in _KIND_WORDS or better is None or better == own:
        return words
    return (f"{words.removesuffix('.')}; their own record points to "
            f"{_a(_KIND_WORDS[own][0])}, and it counts for more.")


def _lesson_channel(lesson: Lesson) -> ContactKind | None:
    """The kind of contact a lesson recommends; None for a lesson about stages."""
    if lesson.aspect is not ReminderAspect.CHANNEL:
        return None
    return next((k for k in CHANNELS if ContactKind.word_for(k) == lesson.better.value), None)


# The customers of each class, as a lesson about them begins: "With recurring late payers".
_CLASS_PEOPLE = {
    CustomerClass.RELIABLE: "reliable payers",
    CustomerClass.OCCASIONALLY_LATE: "customers who are occasionally late",
    CustomerClass.TEMPORARY_DIFFICULTY: "customers in a temporary difficulty",
    CustomerClass.RECURRING_LATE: "recurring late payers",
    CustomerClass.AT_RISK: "customers at risk",
    CustomerClass.NEW: "new customers",
}


def lesson_words(lesson: Lesson) -> str:
    """A lesson in a sentence: "With recurring late payers, a phone call gets 62% paid
    within 14 days against 31% for an e-mail (48 and 120 cases)."."""
    better, against = lesson.better, lesson.against
    return (f"With {_CLASS_PEOPLE[lesson.customer_class]}, {_reminder(lesson, better.value)} "
            f"gets {_percent(better.paid_percent[1])} paid within 14 days against "
            f"{_percent(against.paid_percent[1])} for {_reminder(lesson, against.value)} "
            f"({better.cases} and {against.cases} cases).")


def _reminder(lesson: Lesson, value: str) -> str:
    """A row's kind of reminder as the lesson names it: "a phone call", "the “Second
    reminder” stage"."""
    if lesson.aspect is ReminderAspect.STAGE:
        return f"the “{value}” stage"
    words = next((_KIND_WORDS[k] for k in CHANNELS
                  if k in _KIND_WORDS and ContactKind.word_for(k) == value), None)
    return _a(words[0] if words is not None else value.lower())


def _a(thing: str) -> str:
    """The thing with its article: "a phone call", "an e-mail"."""
    return f"{'an' if thing[:1] in 'aeiou' else 'a'} {thing}"


def _percent(share: Decimal | None) -> str:
    return f"{(share or Decimal(0)).normalize():f}%"


def _what_to_do(profile: CustomerProfile, kind: CustomerClass) -> str:
    own = profile.answered_channel
    if kind in _ADVISED_CHANNEL and own is not None and own != _ADVISED_CHANNEL[kind] \
            and own in _KIND_WORDS:
        return _ADVICE_BY_THEIR_CHANNEL[kind].format(way=_a(_KIND_WORDS[own][0]))
    if kind is not CustomerClass.TEMPORARY_DIFFICULTY:
        return _ADVICE[kind]
    if profile.plans_active:
        return ("Their record was good until lately and a payment plan is running: keep to "
                "it and thank them for each instalment rather than escalate.")
    kept = (f" They kept {_count(profile.plans_kept, 'payment plan')} before."
            if profile.plans_kept else "")
    return ("Offer a payment plan rather than escalate: their record was good until lately, "
            "and a plan they can keep is likelier to get paid than a harsher letter." + kept)


def _works(channel: ChannelResponse) -> str:
    one, many = _KIND_WORDS.get(channel.kind, (channel.kind.word.lower(), "contacts"))
    if channel.median_days == 0:
        usually = f"Usually pays on the day of {_a(one)}"
    elif channel.median_days is not None and channel.median_days <= ANSWER_DAYS:
        usually = f"Usually pays within {_days(channel.median_days)} of {_a(one)}"
    else:
        usually = f"Pays after {_a(one)} more often than after anything else"
    return (f"{usually} ({channel.answered} of {channel.contacts} {many} were followed by a "
            f"payment within {ANSWER_DAYS} days).")


def _not_working(channel: ChannelResponse) -> str:
    one, many = _KIND_WORDS.get(channel.kind, (channel.kind.word.lower(), "contacts"))
    if channel.last_answered is None:
        return (f"None of the {channel.contacts} {many} was followed by a payment within "
                f"{ANSWER_DAYS} days.")
    return (f"{many.capitalize()} have not worked since {month_year(channel.last_answered)} "
            f"({channel.unanswered_since} since without a payment within {ANSWER_DAYS} "
            f"days).")


# --- words -------------------------------------------------------------------------

def _below(figures: Lateness, percent: int) -> bool:
    """Whether fewer than ``percent`` % of the invoices were paid on time (exactly)."""
    return figures.on_time * 100 < percent * figures.judged


def _share(figures: Lateness) -> int:
    return figures.percent_on_time if figures.percent_on_time is not None else 0


def _owed(profile: CustomerProfile) -> str:
    return f"{_money(profile, profile.overdue_minor)} is overdue."


def _money(profile: CustomerProfile, minor: int) -> str:
    return format_money(minor, profile.currency)


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def _invoices(n: int) -> str:
    return _count(n, "invoice")


def _days(days: Decimal | int) -> str:
    value = Decimal(days).normalize()
    text = f"{value:f}"
    return f"{text} day" if value == 1 else f"{text} days"
