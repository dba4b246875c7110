"""Block Kit for a team's morning post: pure, the report in, blocks out."""

from __future__ import annotations

from datetime import date

from bot.kpi.morning import MorningReport, Part
from bot.kpi.scorecard import AhtStatus, Scorecard
from bot.render.blocks import STATUS_MARK, control_context, mrkdwn, section, trend_alt_text
from bot.render.text import change_phrase
from bot.slack import limits
from bot.slack.ids import COMMAND
from bot.wording import interval, percent, plural, seconds, slack_time

TOP_ERRORS = 3


def morning_first_line(report: MorningReport) -> str:
    """The notification text, and the post's first line: the headline of yesterday."""
    yesterday = report.yesterday
    if not report.has_yesterday:
        return (f":warning: No audits arrived for yesterday ({_day(yesterday.period.first_day)}, {report.timezone}) "
                f"in {report.label}.")
    return (f"{report.label}, yesterday ({_day(yesterday.period.first_day)}): accuracy "
            f"{percent(yesterday.accuracy.value)} on {yesterday.counts.audits:,} audits, "
            f"{yesterday.status.value} target ({percent(yesterday.targets.accuracy)}).")


def morning_blocks(report: MorningReport, *, trend_file_id: str | None, comparison_file_id: str | None) -> list[dict]:
    week = report.week
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text",
                                    "text": f"Morning quality · {report.label}"[:limits.HEADER_TEXT]}},
        section(morning_first_line(report)),
    ]
    if not report.has_yesterday:
        last = (f"The latest audit in this scope is from {slack_time(report.last_audit_at)}."
                if report.last_audit_at else "There are no audits in this scope yet.")
        blocks.append(section(f"{last} If QA worked yesterday, check the export and `qabot import`; "
                              f"the charts come back with the next day that has audits."))
    else:
        blocks.append({"type": "section", "fields": _fields(report.yesterday)})
    heading = f"*Last 7 days* ({_day(week.period.first_day)} to {_day(week.period.last_day)})"
    if week.accuracy is None:
        blocks.append(section(f"{heading}: no audits either."))
    else:
        change = "no audits the 7 days before" if week.change is None else (
            change_phrase(week) + (" · significant" if week.change.significant else ""))
        blocks.append({"type": "section", "text": mrkdwn(f"{heading}: {change}"), "fields": _fields(week)})
        if week.top_errors:
            blocks.append(section("*Top error categories (7 days)*: " + " · ".join(
                f"{error.category} {error.errors:,} ({percent(error.share, 0)})" for error in week.top_errors[:TOP_ERRORS])))
    if report.repeats:
        blocks.append(section("*Repeat errors (7 days)*: " + " · ".join(
            f"{agents} agent{'s' if agents > 1 else ''} repeat{'' if agents > 1 else 's'} *{category}*"
            for category, agents in report.repeats[:TOP_ERRORS]) + f". `{COMMAND} errors` shows who."))
    if report.movers:
        blocks.append(section(f"*Biggest movers by {report.compare_kind}* (7 days against the 7 before)\n" + "\n".join(
            _mover(part) for part in report.movers)))
    blocks.append(section(_escalations(report) + "\n" + _alerts(report)))
    if trend_file_id:
        blocks.append({"type": "image", "slack_file": {"id": trend_file_id},
                       "alt_text": f"{trend_alt_text(report.trend)}, over the last {report.trend.period.days} local "
                                   "days"})
        if report.trend.control is not None:
            blocks.append(control_context(report.trend.control))
    if comparison_file_id:
        blocks.append({"type": "image", "slack_file": {"id": comparison_file_id},
                       "alt_text": f"Accuracy by {report.compare_kind} over the last 7 days against each target"})
    left_out = (f" The comparison shows the {len(report.parts)} largest {plural(report.compare_kind)}; "
                f"{report.more_parts} smaller ones are left out." if report.more_parts and comparison_file_id else "")
    blocks.append({"type": "context", "elements": [mrkdwn(
        f"Days are local days in {report.timezone}.{left_out} `{COMMAND} help` for more.")]})
    return blocks


def _fields(card: Scorecard) -> list[dict]:
    aht = "no handle times" if card.aht_status is AhtStatus.NO_DATA else (
        f"{seconds(card.aht_mean_s)} mean" + (f" · {seconds(card.aht_p90_s)} p90" if card.aht_p90_s else "") +
        f" · target {seconds(card.targets.aht_s)}{' :warning:' if card.aht_status is AhtStatus.OVER else ''}")
    return [
        mrkdwn(f"*Accuracy*\n{interval(card.accuracy)}"),
        mrkdwn(f"*Target {percent(card.targets.accuracy)}*\n{STATUS_MARK[card.status]}"),
        mrkdwn(f"*Audited*\n{card.counts.audits:,}"),
        mrkdwn(f"*AHT*\n{aht}"),
        mrkdwn(f"*False positives*\n{percent(card.false_positive_rate)}"),
        mrkdwn(f"*False negatives*\n{percent(card.false_negative_rate)}"),
    ]


def _mover(part: Part) -> str:
    change = part.change
    arrow = ":arrow_down_small:" if change.delta_points < 0 else ":arrow_up_small:"
    return (f"{arrow} *{part.name}* {percent(part.accuracy.value)} ({change.delta_points:+.1f} pp from "
            f"{percent(change.previous.value)}{', significant' if change.significant else ''}) · "
            f"{part.accuracy.trials:,} audits")


def _escalations(report: MorningReport) -> str:
    digest = report.escalations
    if not digest.open:
        return "*Escalations*: none open."
    severities = " · ".join(f"{severity} {n}" for severity, n in sorted(digest.by_severity.items()))
    overdue = f", *{digest.overdue} overdue*" if digest.overdue else ""
    return f"*Escalations*: {digest.open} open{overdue} ({severities}). `{COMMAND} escalations open` lists them."


def _alerts(report: MorningReport) -> str:
    if not report.alerts:
        return "*Alerts*: none open."
    lines = [f"• {alert.readable_id} {alert.title}{' (acknowledged)' if alert.acknowledged else ' (*not acknowledged*)'}"
             for alert in report.alerts[:5]]
    more = f"\n…and {len(report.alerts) - 5} more: `{COMMAND} alerts`" if len(report.alerts) > 5 else ""
    return f"*Alerts*: {len(report.alerts)} open\n" + "\n".join(lines) + more


def _day(day: date) -> str:
    return f"{day:%a %d %b}"
