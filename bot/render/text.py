"""A scorecard as plain text for the terminal."""

from __future__ import annotations

from bot.kpi.scorecard import AhtStatus, Breakdown, Scorecard, Status
from bot.render.control_text import control_lines
from bot.wording import interval, p_value, percent, plural, seconds

_STATUS_MARK = {
    Status.MEETS: "OK",
    Status.BELOW: "BELOW",
    Status.SIGNIFICANTLY_BELOW: "SIGNIFICANTLY BELOW",
    Status.NO_DATA: "no data",
}
_SPARK = "▁▂▃▄▅▆▇█"
TOO_FEW_SHOWN = 5


def scorecard_text(card: Scorecard) -> str:
    lines = [f"{card.label} · {card.kind} · {card.period.describe()}"]
    if card.accuracy is None:
        lines.append(f"No audits in this period for {card.label}.")
        return "\n".join(lines)
    lines += [
        f"  Accuracy     {interval(card.accuracy)}   target {percent(card.targets.accuracy)}   "
        f"[{_STATUS_MARK[card.status]}]",
        f"  Change       {_change(card)}",
        f"  Audited      {card.counts.audits:,}",
        f"  Error rates  false positive {percent(card.false_positive_rate)} · "
        f"false negative {percent(card.false_negative_rate)} · wrong label {percent(card.wrong_label_rate)}",
        f"  AHT          {_aht(card)}",
    ]
    if card.top_errors:
        lines.append("  Top errors   " + " · ".join(
            f"{error.category} {error.errors:,} ({percent(error.share, 0)})" for error in card.top_errors))
    for breakdown in card.breakdowns:
        lines.append(f"  Weakest {plural(breakdown.kind)}: " + (" · ".join(
            f"{group.name} {percent(group.accuracy.value)} of {group.accuracy.trials:,}" for group in breakdown.weakest)
            or f"none with {breakdown.min_audits:,} or more audits"))
        if breakdown.too_few:
            lines.append(f"    {too_few_words(breakdown)}")
    for error in card.latest_errors:
        lines.append(f"  Error        {error.audited_at:%Y-%m-%d %H:%M} item {error.item_id}: "
                     f"{error.outcome.replace('_', ' ')} (agent {error.agent_decision}, QA {error.qa_decision})")
    lines.append(f"  Daily        {sparkline(card)}  {_daily_range(card)}")
    if card.control is not None:
        lines += [f"  {line}" for line in control_lines(card.control)]
    return "\n".join(lines)


def too_few_words(breakdown: Breakdown) -> str:
    """'Too few audits to rank (under 30): agent-9 (12) · agent-4 (3)': parts shown, never ranked."""
    shown = " · ".join(f"{group.name} ({group.accuracy.trials:,})" for group in breakdown.too_few[:TOO_FEW_SHOWN])
    more = len(breakdown.too_few) - TOO_FEW_SHOWN
    return (f"Too few audits to rank (under {breakdown.min_audits:,}): {shown}"
            + (f" · and {more:,} more" if more > 0 else ""))


def change_phrase(card: Scorecard) -> str:
    """'-6.5 pp vs previous 7 days (94.6%)': the change both renderings show (card.change must be set)."""
    change = card.change
    return f"{change.delta_points:+.1f} pp vs previous {card.period.days} days ({percent(change.previous.value)})"


def _change(card: Scorecard) -> str:
    change = card.change
    if change is None:
        return "no audits in the previous period to compare with"
    shown = p_value(change.p_value)
    verdict = f"significant ({shown})" if change.significant else f"not significant ({shown})"
    return f"{change_phrase(card)}, {verdict}"


def _aht(card: Scorecard) -> str:
    if card.aht_status is AhtStatus.NO_DATA:
        return "no handle times in this period"
    mark = "OK" if card.aht_status is AhtStatus.MEETS else "OVER"
    return (f"mean {seconds(card.aht_mean_s)}, p90 {seconds(card.aht_p90_s)}   "
            f"target {seconds(card.targets.aht_s)}   [{mark}]")


def sparkline(card: Scorecard) -> str:
    """Daily accuracy as block characters scaled between the period's lowest and highest day."""
    values = [point.accuracy.value if point.accuracy else None for point in card.daily]
    present = [value for value in values if value is not None]
    if not present:
        return ""
    low, high = min(present), max(present)
    span = (high - low) or 1.0
    return "".join(" " if value is None else _SPARK[round((value - low) / span * (len(_SPARK) - 1))]
                   for value in values)


def _daily_range(card: Scorecard) -> str:
    present = [point.accuracy.value for point in card.daily if point.accuracy]
    return f"(daily accuracy {percent(min(present))}–{percent(max(present))})"
