"""Block Kit for `/qa sample`: the audits a scope needs against those it gets. Pure."""

from __future__ import annotations

from bot.render.blocks import header, mrkdwn, section
from bot.render.error_text import scope_words
from bot.render.sample_text import (
    AGENTS_SHOWN,
    accuracy_words,
    agent_figures,
    agents_headline,
    drop_words,
    interval_line,
    intervals_heading,
    points,
    population_words,
    terminal_scope,
)
from bot.sampling.plan import SamplePlan
from bot.slack.ids import COMMAND


def sample_blocks(plan: SamplePlan) -> list[dict]:
    blocks: list[dict] = [
        header(f"{plan.label} · sample plan"),
        {"type": "context", "elements": [mrkdwn(
            f"{plan.period.describe()} · the last {plan.weeks} full weeks · "
            f"{plan.accuracy.trials if plan.accuracy else 0:,} audits")]},
        section(accuracy_words(plan)),
        section(f"*{intervals_heading(plan)}*\n" + "\n".join(
            f"{_mark(need.met_by(plan.weekly_audits))} {interval_line(need, plan)}" for need in plan.intervals)),
        {"type": "context", "elements": [mrkdwn(population_words(plan))]},
    ]
    lines = [f"• `{need.agent_id}` {agent_figures(need)}"
             for need in plan.agents_too_few[:AGENTS_SHOWN]]
    if len(plan.agents_too_few) > AGENTS_SHOWN:
        lines.append(f"…and {len(plan.agents_too_few) - AGENTS_SHOWN:,} more: `qabot sample "
                     f"{terminal_scope(plan.scopes)}` lists them all")
    blocks.append(section("*Agents*: " + agents_headline(plan) + "".join("\n" + line for line in lines)))
    blocks.append(section(f"*Catching a drop*\n{drop_words(plan)}"))
    other = 1 if plan.drop.drop >= 0.015 else 3
    blocks.append({"type": "context", "elements": [mrkdwn(
        f"For another drop: `{COMMAND} sample {scope_words(plan.scopes)} {other}` ({points(other / 100)}).")]})
    return blocks


def _mark(met: bool) -> str:
    return ":white_check_mark:" if met else ":warning:"
