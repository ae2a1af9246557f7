"""A customer's payment profile as text for a terminal: the figures, the class with the
reasons it rests on, and the suggestion."""

from __future__ import annotations

from models.customer_class import Classification
from models.customer_profile import CustomerProfile, Lateness
from models.dates import short_date
from models.money import format_money
from reports.text_table import text_table


def profile_text(profile: CustomerProfile, classification: Classification,
                 suggestion: str) -> str:
    """The profile, the class and why, and what to do next."""
    out = [f"Payment profile of {profile.name} ({profile.code}) on {profile.as_of.isoformat()}",
           "", f"Class: {classification.kind.word}"]
    out += [f"  - {reason}" for reason in classification.reasons]
    out += ["", f"Suggestion: {suggestion}", ""]
    out += _lateness_table(profile)
    out.append("")
    out += _record(profile)
    if profile.stages:
        out += ["", "After each follow-up stage:"]
        out += text_table(["Stage", "Reached", "Paid within 7 days", "Median days to pay"],
                          [[s.stage, str(s.contacts), str(s.paid_within_7), _or_dash(
                              s.median_days)] for s in profile.stages], {1, 2, 3})
    if profile.channels:
        out += ["", "After each kind of contact:"]
        out += text_table(["Contact", "Made", "Paid within 7 days", "Median days to pay",
                           "Last worked"],
                          [[c.kind.word, str(c.contacts), str(c.answered),
                            _or_dash(c.median_days),
                            short_date(c.last_answered) if c.last_answered else "never"]
                           for c in profile.channels], {1, 2, 3})
        answered = profile.answered_channel
        out.append(f"They answer: {answered.word if answered else 'no kind of contact yet'}.")
    return "\n".join(out) + "\n"


def _lateness_table(profile: CustomerProfile) -> list[str]:
    rows = [_row("Last 12 months", profile.last_12_months),
            _row("Before", profile.before), _row("All", profile.overall),
            _row(f"Last {profile.trend.recent.judged}", profile.trend.recent)]
    lines = text_table(["Invoices", "Judged", "On time", "Share", "Days late (by amount)",
                        "Still unpaid"], rows, {1, 2, 3, 4, 5})
    return lines + [f"On time: paid within {profile.on_time_days} days of the due date; "
                    f"an invoice still unpaid counts as late to date."]


def _row(label: str, figures: Lateness) -> list[str]:
    share = figures.percent_on_time
    return [label, str(figures.judged), str(figures.on_time),
            "-" if share is None else f"{share}%",
            "-" if figures.days_late is None else f"{figures.days_late}",
            str(figures.still_open)]


def _record(profile: CustomerProfile) -> list[str]:
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


def _or_dash(value: int | None) -> str:
    return "-" if value is None else str(value)
