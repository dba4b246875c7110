"""Block Kit for `/qa errors`: the Pareto of error categories, and where one category comes from. Pure."""

from __future__ import annotations

from bot.rca.analysis import CategoryView, ErrorsView, ParetoRow
from bot.render.blocks import header, mrkdwn, section
from bot.render.error_text import (
    CATEGORIES_SHOWN,
    REPEATS_SHOWN,
    category_headline,
    change_words,
    excess_line,
    root_cause_words,
    scope_words,
    split_words,
)
from bot.slack.ids import COMMAND, BlockId
from bot.wording import percent, plural


def errors_summary(view: ErrorsView) -> str:
    """One line for notifications and screen readers."""
    pareto = view.pareto
    if not pareto.errors:
        return f"{view.label}: no errors {view.period.describe()}"
    top = pareto.rows[0]
    return (f"{view.label}: {pareto.errors:,} errors in {pareto.audits:,} audits; top category {top.category} "
            f"({percent(top.share, 0)}), {view.period.describe()}")


def errors_blocks(view: ErrorsView, *, chart_file_id: str | None) -> list[dict]:
    pareto = view.pareto
    blocks: list[dict] = [
        header(f"{view.label} · errors"),
        {"type": "context", "elements": [mrkdwn(
            f"{view.period.describe()} · {pareto.audits:,} audits · {pareto.errors:,} errors")]},
    ]
    if not pareto.audits:
        blocks.append(section(f"No audits for *{view.label}* in this period. Try a longer one, e.g. "
                              f"`{COMMAND} errors {scope_words(view.scopes)} 30d`."))
        return blocks
    if not pareto.errors:
        blocks.append(section(f"No errors at all for *{view.label}* in this period. :tada:"))
    else:
        shown = pareto.rows[:CATEGORIES_SHOWN]
        blocks.append(section(
            f"*Error categories*, most first: {pareto.vital_few} of {len(pareto.rows)} make 80% of the errors. "
            f"Rates are per 1,000 audits, against the previous {view.period.days} days."))
        blocks += [section(_row_text(position, row)) for position, row in enumerate(shown, start=1)]
        rest = pareto.rows[CATEGORIES_SHOWN:]
        if rest:
            blocks.append(section(f"…and {len(rest)} more categories with {sum(r.counts.errors for r in rest):,} "
                                  f"errors: `qabot errors {scope_words(view.scopes)} --csv FILE` lists them all."))
    if chart_file_id:
        blocks.append({"type": "image", "block_id": BlockId.ERRORS_CHART, "slack_file": {"id": chart_file_id},
                       "alt_text": f"Pareto of the error categories of {view.label}: errors by category, "
                                   f"cumulative share and the 80% line"})
    blocks.append(section(_repeats_text(view)))
    blocks.append(section(f"*Resolved escalations by root cause*\n{root_cause_words(view)}"))
    if pareto.errors:
        blocks.append({"type": "context", "elements": [mrkdwn(
            f"Where a category comes from: `{COMMAND} errors {scope_words(view.scopes)} "
            f"\"{pareto.rows[0].category}\" {view.period.days}d`")]})
    return blocks


def category_blocks(view: CategoryView) -> list[dict]:
    blocks: list[dict] = [
        header(f"{view.label} · {view.category}"),
        {"type": "context", "elements": [mrkdwn(view.period.describe())]},
        section(category_headline(view)),
    ]
    for kind, parts in view.sources:
        lines = [f"• {excess_line(part)}" for part in parts] or ["• none above what its volume predicts"]
        blocks.append(section(f"*{plural(kind).capitalize()} with more than their share*\n" + "\n".join(lines)))
    if view.examples:
        blocks.append(section("*Examples* (latest days first): " + " · ".join(f"`{item}`" for item in view.examples)))
    return blocks


def _row_text(position: int, row: ParetoRow) -> str:
    return (f"*{position}. {row.category}* · {row.counts.errors:,} errors · {percent(row.share, 0)} "
            f"(cumulative {percent(row.cumulative_share, 0)})\n{change_words(row)}\n{split_words(row.counts)}")


def _repeats_text(view: ErrorsView) -> str:
    title = f"*Agents repeating an error* ({view.repeat_min} or more of one category)"
    if not view.repeats:
        return f"{title}\nnobody"
    lines = [f"• `{repeat.agent_id}` {repeat.category} ×{repeat.errors}" for repeat in view.repeats[:REPEATS_SHOWN]]
    if len(view.repeats) > REPEATS_SHOWN:
        lines.append(f"…and {len(view.repeats) - REPEATS_SHOWN} more")
    return title + "\n" + "\n".join(lines)
