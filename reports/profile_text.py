"""A customer's payment profile in words: for a terminal (:func:`profile_text`), and the
pieces the window's "How they pay" panel shows (the same words, written once here)."""

from __future__ import annotations

from models.customer_class import Classification
from models.customer_profile import CustomerProfile, Lateness
from models.dates import short_date
from models.money import format_money
from reports.text_table import text_table

LATENESS_HEADERS = ("Invoices", "Judged", "On time", "Share", "Days late (by amount)",
                    "Still unpaid")
STAGE_HEADERS = ("Stage", "Reached", "Paid within 7 days", "Median days to pay")
CHANNEL_HEADERS = ("Contact", "Made", "Paid within 7 days", "Median days to pay",
                   "Last worked")


def profile_text(profile: CustomerProfile, classification: Classification,
                 suggestion: str) -> str:
    """The profile, the class and why, and what to do next."""
    out = [f"Payment profile of {profile.name} ({profile.code}) on {profile.as_of.isoformat()}",
           "", f"Class: {classification.kind.word}"]
    out += [f"  - {reason}" for reason in classification.reasons]
    out += ["", f"Suggestion: {suggestion}", ""]
    out += text_table(list(LATENESS_HEADERS), lateness_rows(profile), {1, 2, 3, 4, 5})
    out += [on_time_note(profile), trend_words(profile)]
    out.append("")
    out += record_lines(profile)
    if profile.stages:
        out += ["", "After each follow-up stage:"]
        out += text_table(list(STAGE_HEADERS), stage_rows(profile), {1, 2, 3})
    if profile.channels:
        out += ["", "After each kind of contact:"]
        out += text_table(list(CHANNEL_HEADERS), channel_rows(profile), {1, 2, 3})
        out.append(answered_words(profile))
    return "\n".join(out) + "\n"


def lateness_rows(profile: CustomerProfile) -> list[list[str]]:
    """How late they paid: the last 12 months, before, all, and the latest few
    (the columns of ``LATENESS_HEADERS``)."""
    return [_row("Last 12 months", profile.last_12_months),
            _row("Before", profile.before), _row("All", profile.overall),
            _row(f"Last {profile.trend.recent.judged}", profile.trend.recent)]


def on_time_note(profile: CustomerProfile) -> str:
    """What "on time" means in these figures."""
    return (f"On time: paid within {profile.on_time_days} days of the due date; "
            f"an invoice still unpaid counts as late to date.")


def trend_words(profile: CustomerProfile) -> str:
    """The latest invoices against the history before them, in a sentence."""
    recent, earlier = profile.trend.recent, profile.trend.earlier
    if recent.days_late is None:
        return "Trend: nothing to judge yet."
    latest = (f"the last {recent.judged} invoices {_days_late(recent)} late on average, "
              f"{recent.on_time} of {recent.judged} on time")
    if earlier.days_late is None:
        return f"Trend: {latest}; no earlier invoices to set them against."
    direction = ("later than" if recent.days_late > earlier.days_late
                 else "earlier than" if recent.days_late < earlier.days_late
                 else "as late as")
    return (f"Trend: {latest}; paid {direction} the {earlier.judged} before them "
            f"({_days_late(earlier)} on average).")


def record_lines(profile: CustomerProfile) -> list[str]:
    """The overdue balance, promises, plans, disputes, write-offs and unanswered contacts."""
    money = format_money(profile.overdue_minor, profile.currency)
    before = format_money(profile.overdue_before_minor, profile.currency)
    unanswered = (f"{profile.unanswered_contacts} since "
                  f"{short_date(profile.unanswered_since)}" if profile.unanswered_since
                  else "none")
    return [f"Overdue: {money} (90 days before: {before})",
            f"Promises: {profile.promises_kept} kept, {profile.promises_broken} broken, "
            f"{profile.promises_open} open",
            f"Payment plans: {profile.plans_kept} kept, {profile.plans_defaulted} defaulted, "
            f"{profile.plans_active} running",
            f"Disputes: {profile.disputes} raised, {profile.disputed_now} open now",
            f"Written off: {profile.written_off}",
            f"Chasing contacts unanswered: {unanswered}"]


def stage_rows(profile: CustomerProfile) -> list[list[str]]:
    """After each follow-up stage: how often it reached them and how soon they paid
    (the columns of ``STAGE_HEADERS``)."""
    return [[s.stage, str(s.contacts), str(s.paid_within_7), _or_dash(s.median_days)]
            for s in profile.stages]


def channel_rows(profile: CustomerProfile) -> list[list[str]]:
    """After each kind of contact: how often it was made and followed by a payment
    (the columns of ``CHANNEL_HEADERS``)."""
    return [[c.kind.word, str(c.contacts), str(c.answered), _or_dash(c.median_days),
             short_date(c.last_answered) if c.last_answered else "never"]
            for c in profile.channels]


def answered_words(profile: CustomerProfile) -> str:
    """The kind of contact they answer, in a sentence."""
    answered = profile.answered_channel
    return f"They answer: {answered.word if answered else 'no kind of contact yet'}."


def _row(label: str, figures: Lateness) -> list[str]:
    share = figures.percent_on_time
    return [label, str(figures.judged), str(figures.on_time),
            "-" if share is None else f"{share}%",
            "-" if figures.days_late is None else f"{figures.days_late}",
            str(figures.still_open)]


def _days_late(figures: Lateness) -> str:
    days = figures.days_late
    return f"{days} day" if days == 1 else f"{days} days"


def _or_dash(value: int | None) -> str:
    return "-" if value is None else str(value)
