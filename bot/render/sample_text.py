"""A sample plan in words: the phrases Slack and the terminal share, and what `qabot sample` prints."""

from __future__ import annotations

import shlex

from bot.sampling.plan import AgentNeed, IntervalNeed, SamplePlan
from bot.wording import interval, percent

AGENTS_SHOWN = 5


def points(fraction: float) -> str:
    """0.02 -> '2 points'; 0.015 -> '1.5 points'."""
    value = f"{fraction * 100:.1f}".removesuffix(".0")
    return f"{value} point" + ("" if value == "1" else "s")


def terminal_scope(scopes: dict[str, str]) -> str:
    """`vendor 'Acme BPO' --queue video-uploads`: the scope as `qabot sample` takes it in a shell."""
    if not scopes:
        return "org"
    (kind, name), *narrower = scopes.items()
    return " ".join([kind, shlex.quote(name), *(f"--{other} {shlex.quote(value)}" for other, value in narrower)])


def intervals_heading(plan: SamplePlan) -> str:
    return (f"Audits a week for a week's accuracy to be known within ±1, ±2 or ±3 points (95% Wilson interval, at "
            f"{percent(plan.planning_accuracy)}):")


def accuracy_words(plan: SamplePlan) -> str:
    if plan.accuracy is None:
        return (f"No audits in the last {plan.weeks} full weeks: the counts are worked out at the target, "
                f"{percent(plan.target)}.")
    return (f"Accuracy {interval(plan.accuracy)} against target {percent(plan.target)}, on "
            f"{plan.weekly_audits:,.0f} audits a week.")


def interval_line(need: IntervalNeed, plan: SamplePlan) -> str:
    """'±1 point: 1,838 a week; gets 850, 988 short'."""
    weekly, met = plan.weekly_audits, need.met_by(plan.weekly_audits)
    got = f"gets {weekly:,.1f}" if not met and round(weekly) >= need.weekly_audits else f"gets {weekly:,.0f}"
    verdict = "enough" if met else f"{need.weekly_audits - round(weekly) or 1:,} short"  # 999.6 of 1,000: 1 short
    return f"±{points(need.margin)}: {need.weekly_audits:,} a week; {got}, {verdict}"


def population_words(plan: SamplePlan) -> str:
    if plan.weekly_items is not None:
        return f"Corrected for its {plan.weekly_items:,} decisions a week (finite-population correction)."
    return ("The data holds the audits, not how many decisions they were drawn from, so these counts assume "
            "far more decisions than audits (no finite-population correction; `weekly_items` of a vendor, queue "
            "or policy in the config adds it).")


def agents_headline(plan: SamplePlan) -> str:
    if not plan.agents:
        return "No agents with audits in these weeks."
    short = len(plan.agents_too_few)
    if not short:
        return (f"None of its {plan.agents:,} agents: each one's figures are clear of the target, or rest on enough "
                f"audits to tell a {points(plan.drop.drop)} gap.")
    return (f"{short:,} of {plan.agents:,} agents ({percent(plan.too_few_share, 0)}) have too few audits in these "
            f"{plan.weeks} weeks to tell them from the target:")


def agent_figures(need: AgentNeed) -> str:
    """'90.0% of 40: needs 183 (143 more)'."""
    return (f"{percent(need.accuracy.value)} of {need.accuracy.trials:,}: needs "
            f"{need.audits_needed:,} ({need.more_needed:,} more)")


def drop_words(plan: SamplePlan) -> str:
    drop = plan.drop
    weeks = ("" if drop.weeks is None else
             f", about {drop.weeks:.1f} weeks of its current audits" if drop.weeks >= 1 else
             f", about {max(1, round(drop.weeks * 7))} days of its current audits")
    return (f"To catch accuracy {points(drop.drop)} under target ({percent(plan.target)} to "
            f"{percent(plan.target - drop.drop)}) with a one-sided test at 5% significance and 80% power: "
            f"{drop.audits:,} audits{weeks}.")


def sample_summary(plan: SamplePlan) -> str:
    """One line for notifications and screen readers."""
    middle = plan.intervals[1]
    return (f"{plan.label}: {plan.weekly_audits:,.0f} audits a week; ±{points(middle.margin)} needs "
            f"{middle.weekly_audits:,} a week; {len(plan.agents_too_few):,} of {plan.agents:,} agents on too few audits")


def sample_text(plan: SamplePlan) -> str:
    """What `qabot sample` prints."""
    lines = [f"{plan.label} · sample plan · {plan.period.describe()}", f"  {accuracy_words(plan)}",
             f"  {intervals_heading(plan)}"]
    lines += [f"    {interval_line(need, plan)}" for need in plan.intervals]
    lines += [f"  {population_words(plan)}", f"  Agents: {agents_headline(plan)}"]
    lines += [f"    {need.agent_id} {agent_figures(need)}" for need in plan.agents_too_few]
    lines.append(f"  {drop_words(plan)}")
    lines.append(f"  Another drop: qabot sample {terminal_scope(plan.scopes)} --margin 1")
    return "\n".join(lines)
