"""Block Kit for the `/qa` replies: pure builders, data in, dicts out."""

from __future__ import annotations

import json

from bot.kpi.control import DailyControl
from bot.kpi.periods import PERIOD_HELP
from bot.kpi.scorecard import AhtStatus, Scorecard, Status
from bot.render.control_text import control_lines
from bot.render.text import change_phrase, too_few_words
from bot.slack import limits
from bot.slack.ids import COMMAND, ActionId, BlockId
from bot.wording import interval, percent, plural, seconds, slack_time

STATUS_MARK = {
    Status.MEETS: ":large_green_circle: meets target",
    Status.BELOW: ":large_yellow_circle: below target",
    Status.SIGNIFICANTLY_BELOW: ":red_circle: significantly below target",
    Status.NO_DATA: ":white_circle: no data",
}
HELP_TEXT = (
    f"*QA Ops Bot* shows quality figures from QA audits.\n"
    f"• `{COMMAND} vendor acme` · `{COMMAND} vendor acme 30d`: a vendor's scorecard\n"
    f"• `{COMMAND} agent mnl-acme-001` or `{COMMAND} agent @name`: an agent's scorecard and latest errors\n"
    f"• `{COMMAND} queue shop-listings since 2026-10-01`: a queue's scorecard\n"
    f"• `{COMMAND} policy counterfeit 2026-10-01..2026-10-31`: a policy's scorecard\n"
    f"• `{COMMAND} errors vendor acme 30d`: error categories (Pareto), repeat errors, escalation root causes; "
    f"add a category in quotes, `{COMMAND} errors vendor acme \"missed context\"`, to see where it comes from\n"
    f"• `{COMMAND} review vendor acme [week|month|quarter|13w]`: the business review as a PDF in your messages "
    f"with me (the previous Monday to Sunday by default)\n"
    f"• `{COMMAND} sample vendor acme [2]`: audits a week needed for a ±1, ±2, ±3 point interval against those it "
    f"gets, agents on too few audits, audits to catch a 2-point drop (or the one given)\n"
    f"• `{COMMAND} coach AGENT [\"category\"]`: record coaching (a form opens; followed up with a significance "
    f"test); `{COMMAND} coaching [due|agent ID|vendor NAME]`: coaching records and how they went\n"
    f"• `{COMMAND} dispute AUDIT_ID [why]`: contest an audit's QA verdict (a form opens); "
    f"`{COMMAND} disputes [open|mine|vendor NAME]`: disputes and their decision clocks; "
    f"`{COMMAND} auditor ID`, `{COMMAND} auditors`: QA's own overturn rates (QA staff)\n"
    f"• `{COMMAND} escalate [what happened]`: file an escalation (a form opens)\n"
    f"• `{COMMAND} escalations [open|mine|vendor NAME]`: open escalations and their SLA clocks\n"
    f"• `{COMMAND} alerts`: open SLA-breach alerts and who acknowledged them\n"
    f"• `{COMMAND} calibrate`: start a calibration session (a form opens); `{COMMAND} calibration ID`, "
    f"`{COMMAND} calibrations`: its progress or results, and recent sessions\n"
    f"• `{COMMAND} help`: this message\n"
    f"Periods: {PERIOD_HELP} The default is the last 7 days (UTC)."
)


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


MAX_OPTIONS = 100  # Slack's limit for a static select


def option(value: str, description: str | None = None) -> dict:
    choice = {"text": plain(value[:75]), "value": value[:150]}
    if description:
        choice["description"] = plain(description[:75])
    return choice


def form_input(block_id: str, label: str, element: dict, *, optional: bool = False, hint: str | None = None) -> dict:
    """A modal input block whose one element answers to ActionId.FIELD_VALUE."""
    block = {"type": "input", "block_id": block_id, "label": plain(label), "optional": optional,
             "element": {**element, "action_id": ActionId.FIELD_VALUE}}
    if hint:
        block["hint"] = plain(hint)
    return block


def header(text: str) -> dict:
    return {"type": "header", "text": plain(_clip(text, limits.HEADER_TEXT))}


def section(text: str) -> dict:
    return {"type": "section", "text": mrkdwn(_clip(text, limits.SECTION_TEXT))}


def notice_view(text: str, *, title: str = "QA Ops Bot") -> dict:
    """A modal that only says something, e.g. why a form could not be taken."""
    return {"type": "modal", "title": plain(title), "close": plain("Close"), "blocks": [section(text)]}


def help_blocks(intro: str | None = None) -> list[dict]:
    return ([section(intro)] if intro else []) + [section(HELP_TEXT)]


def scorecard_summary(card: Scorecard) -> str:
    """One line for notifications and screen readers."""
    if card.accuracy is None:
        return f"{card.label}: no audits {card.period.describe()}"
    return (f"{card.label}: accuracy {percent(card.accuracy.value)} against target "
            f"{percent(card.targets.accuracy)} ({card.status.value}), {card.counts.audits:,} audits, "
            f"{card.period.describe()}")


def scorecard_blocks(
    card: Scorecard, *, chart_file_id: str | None = None, share_value: str | None = None, private: bool = False,
    coach_agent: str | None = None, disputable: bool = False,
) -> list[dict]:
    """The scorecard message: figures, weakest parts or latest errors, the chart, a share button.

    `private` (figures about a person) replaces the share button with a note saying why; `coach_agent`
    adds a Coach button that opens the coaching form for that agent; `disputable` a Dispute button to each
    of the latest errors.
    """
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": _clip(f"{card.label} · {card.kind} scorecard",
                                                                         limits.HEADER_TEXT)}},
        {"type": "context", "elements": [mrkdwn(card.period.describe())]},
    ]
    if card.accuracy is None:
        blocks.append(section(f"No audits for *{card.label}* in this period. Try a longer one, e.g. "
                              f"`{COMMAND} {card.kind} {card.label} 30d`."))
        return blocks
    change = card.change
    change_text = ("no audits in the previous period" if change is None else
                   f"{change_phrase(card)}{' · significant' if change.significant else ''}")
    aht = ("no handle times" if card.aht_status is AhtStatus.NO_DATA else
           f"{seconds(card.aht_mean_s)} mean · {seconds(card.aht_p90_s)} p90\n"
           f"target {seconds(card.targets.aht_s)} "
           f"{':white_check_mark:' if card.aht_status is AhtStatus.MEETS else ':warning: over'}")
    blocks.append({"type": "section", "fields": [
        mrkdwn(f"*Accuracy*\n{interval(card.accuracy)}"),
        mrkdwn(f"*Target {percent(card.targets.accuracy)}*\n{STATUS_MARK[card.status]}"),
        mrkdwn(f"*Change*\n{change_text}"),
        mrkdwn(f"*Audited*\n{card.counts.audits:,}"),
        mrkdwn(f"*Errors*\nFP {percent(card.false_positive_rate)} · FN {percent(card.false_negative_rate)} · "
               f"wrong label {percent(card.wrong_label_rate)}"),
        mrkdwn(f"*AHT*\n{aht}"),
        *([mrkdwn(_disputes_text(card))] if card.disputes else []),
    ]})
    if card.top_errors:
        blocks.append(section("*Top error categories*\n" + "\n".join(
            f"• {error.category}: {error.errors:,} ({percent(error.share, 0)})" for error in card.top_errors)))
    for breakdown in card.breakdowns:
        ranked = [f"• {group.name}: {percent(group.accuracy.value)} of {group.accuracy.trials:,}"
                  for group in breakdown.weakest] or [f"none with {breakdown.min_audits:,} or more audits"]
        too_few = [too_few_words(breakdown)] if breakdown.too_few else []
        blocks.append(section(f"*Weakest {plural(breakdown.kind)}*\n" + "\n".join(ranked + too_few)))
    if card.latest_errors:
        lines = [f"• `{error.item_id}` {error.outcome.replace('_', ' ')}: agent `{error.agent_decision}`, "
                 f"QA `{error.qa_decision}`{f' ({error.error_category})' if error.error_category else ''} · "
                 f"{slack_time(error.audited_at)}" for error in card.latest_errors]
        if not disputable:
            blocks.append(section("*Latest errors*\n" + "\n".join(lines)))
        else:  # each error with its own Dispute button
            blocks.append(section("*Latest errors*"))
            blocks += [{**section(line), "accessory": {
                "type": "button", "action_id": ActionId.DISPUTE_AUDIT, "value": error.audit_id,
                "text": plain("Dispute")}} for line, error in zip(lines, card.latest_errors, strict=True)]
    if chart_file_id:
        blocks.append({"type": "image", "block_id": BlockId.SCORECARD_CHART, "slack_file": {"id": chart_file_id},
                       "alt_text": trend_alt_text(card)})
    if card.control is not None:
        blocks.append(control_context(card.control))
    if coach_agent is not None:
        blocks.append({"type": "actions", "block_id": BlockId.SCORECARD_ACTIONS, "elements": [
            {"type": "button", "action_id": ActionId.COACH_AGENT, "value": coach_agent,
             "text": {"type": "plain_text", "text": "Coach"}},
        ]})
    if private:
        blocks.append({"type": "context", "elements": [mrkdwn(
            ":lock: Agent figures are only shown to you, so this scorecard has no share button.")]})
    elif share_value is not None:
        blocks.append({"type": "actions", "block_id": BlockId.SCORECARD_ACTIONS, "elements": [
            {"type": "button", "action_id": ActionId.SHARE_SCORECARD, "value": share_value,
             "text": {"type": "plain_text", "text": "Share in channel"}},
        ]})
    return blocks


def trend_alt_text(card: Scorecard) -> str:
    drawn = ("its control limits" if card.control is not None and card.control.chart.centre is not None
             else "its 95% interval")
    return f"Daily accuracy of {card.label} with {drawn} and the target line"


def control_context(control: DailyControl) -> dict:
    """The trend chart's control limits and signals in words, under it."""
    return {"type": "context", "elements": [mrkdwn(_clip("\n".join(control_lines(control)), limits.SECTION_TEXT))]}


def _disputes_text(card: Scorecard) -> str:
    disputes = card.disputes
    return (f"*Disputes*\n{disputes.filed:,} filed · {disputes.overturned:,} overturned\n"
            f"accuracy before disputes {percent(disputes.accuracy_before.value)}")


def share_value(*, scopes: dict[str, str], period_text: str, chart_file_id: str | None) -> str:
    """What the share button carries: enough to rebuild the same scorecard."""
    return json.dumps({"scopes": scopes, "period": period_text, "chart": chart_file_id}, separators=(",", ":"))


def _clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"
