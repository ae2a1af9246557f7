"""An invoice's late-payment interest and compensation as text for a terminal."""

from __future__ import annotations

import datetime as dt

from models.interest import InterestCalculation, exact_amount
from models.money import format_money
from reports.text_table import text_table

_REGIMES = {
    "none": "no late-payment charges",
    "contractual_annual": "contractual interest, a yearly rate",
    "contractual_monthly": "contractual interest, a monthly rate",
    "uk_statutory": "UK statutory (Late Payment of Commercial Debts (Interest) Act 1998)",
    "eu_statutory": "EU statutory (Directive 2011/7/EU)",
    "de_statutory": "German statutory (BGB § 288(2))",
    "fr_statutory": "French statutory (Code de commerce art. L441-10)",
}


def regime_words(regime: str) -> str:
    """The law or terms a regime charges under, in words."""
    return _REGIMES.get(regime, regime)


def interest_text(calculation: InterestCalculation, as_of: dt.date) -> str:
    """The calculation: its rule, a table of periods (dates, days, principal, rate,
    exact amount), then interest, compensation, total and what is already charged."""
    currency = calculation.currency
    out = [f"Late-payment charges on invoice {calculation.number} as of {as_of.isoformat()}",
           f"Regime: {_REGIMES.get(calculation.regime, calculation.regime)}", ""]
    if calculation.basis:
        out += [calculation.basis, ""]
    if calculation.periods:
        rows = [[p.start.isoformat(), p.end.isoformat(), str(p.days),
                 format_money(p.principal_minor, currency), f"{p.rate_percent.normalize():f}%",
                 f"{exact_amount(p.amount, currency)} {currency}"]
                for p in calculation.periods]
        out += text_table(["From", "To", "Days", "Principal", "Rate a year", "Interest"], rows,
                          right_aligned={2, 3, 4, 5})
        out.append("")
    elif calculation.regime != "none" and not calculation.missing_rate:
        out += ["No interest has accrued.", ""]
    totals: list[tuple[str, int | None]] = [
        ("Interest (rounded once)", calculation.interest_minor),
        ("Fixed compensation", calculation.compensation_minor),
        ("Total", calculation.total_minor),
        ("Already charged", calculation.already_charged_minor)]
    if calculation.missing_rate:  # a total without the interest would mislead
        totals = [("Interest", None), ("Fixed compensation", calculation.compensation_minor),
                  ("Already charged", calculation.already_charged_minor)]
    width = max(len(label) for label, _ in totals)
    figures = [format_money(minor, currency) if minor is not None else "not worked out"
               for _, minor in totals]
    figure_width = max(len(f) for f in figures)
    out += [f"{label.ljust(width)}  {figure.rjust(figure_width)}"
            for (label, _), figure in zip(totals, figures, strict=True)]
    if calculation.compensation_basis:
        out += ["", calculation.compensation_basis]
    return "\n".join(out) + "\n"
