"""The Home tab (views.publish) in Block Kit: pure, from bot/home/service.py's Home.

Slack allows a Home view 100 blocks: every list is clipped ("…and N more") well within that, the vendors
at MAX_VENDORS sections, the others as one section each.
"""

from __future__ import annotations

from bot.home.service import Audience, Home, VendorWeek
from bot.kpi.scorecard import AhtStatus
from bot.render.blocks import STATUS_MARK, header, mrkdwn, plain, section
from bot.slack.ids import COMMAND, ActionId, BlockId
from bot.wording import duration, interval, p_value, percent, seconds, slack_time

MAX_VENDORS = 40
MAX_CALIBRATIONS = 5
MAX_LINES = 10
INTRO = ("*QA Ops Bot* shows content-moderation quality figures from QA audits: vendor and agent scorecards, "
         "SLA-breach alerts, escalations, calibration sessions, disputes and coaching. "
         f"Type `{COMMAND} help` anywhere for its commands.")


def home_view(home: Home) -> dict:
    """The whole Home view for one person."""
    blocks = [header("QA Ops Bot")]
    if home.audience is Audience.OUTSIDER:
        blocks += _outsider_blocks(home)
    else:
        blocks += [
            {"type": "context", "elements": [mrkdwn(
                f"Last 7 full days, {home.week.describe()} · updated {slack_time(home.now)}")]},
            _buttons(home),
            header("Your vendor, last 7 full days" if home.audience is Audience.VENDOR else "Vendors against their SLA"),
            *_vendor_blocks(home.vendors),
            {"type": "divider"},
        ]
        blocks += _staff_blocks(home) if home.audience is Audience.QA_STAFF else _vendor_member_blocks(home)
    return {"type": "home", "blocks": blocks}


def vendor_line(week: VendorWeek) -> str:
    """'*Acme BPO* · :red_circle: … · 91.2% (95% CI …) · target 95.0% · -1.3 pp vs the week before …'."""
    if week.accuracy is None:
        return f"*{week.label}* · {STATUS_MARK[week.status]} · no audits (target {percent(week.accuracy_target)})"
    change = "no audits the week before" if week.change is None else (
        f"{week.change.delta_points:+.1f} pp vs the week before ({percent(week.change.previous.value)}, "
        f"{'significant' if week.change.significant else 'not significant'}, {p_value(week.change.p_value)})")
    aht = "no handle times" if week.aht_status is AhtStatus.NO_DATA else (
        f"AHT {seconds(week.aht_mean_s)} (target {seconds(week.aht_target_s)})"
        f"{' :warning:' if week.aht_status is AhtStatus.OVER else ''}")
    return (f"*{week.label}* · {STATUS_MARK[week.status]}\n{interval(week.accuracy)} · target "
            f"{percent(week.accuracy_target)} · {change}\n{week.counts.audits:,} audits · {aht}")


def _vendor_blocks(weeks: list[VendorWeek]) -> list[dict]:
    if not weeks:
        return [section("No vendors yet: import audits with `qabot import`.")]
    blocks = [section(vendor_line(week)) for week in weeks[:MAX_VENDORS]]
    return blocks + _more(len(weeks) - MAX_VENDORS, f"`{COMMAND} vendor NAME` shows any of them")


def _staff_blocks(home: Home) -> list[dict]:
    blocks = [
        section(_listing("Open alerts", [
            f"{alert.readable_id} {alert.title}" + (" (acknowledged)" if alert.acknowledged_at else
                                                    " (*not acknowledged*)") for alert in home.alerts],
            empty="none open.", more=f"`{COMMAND} alerts`")),
        section(_listing("Overdue escalations", [
            f"{e.readable_id} [{e.severity}] {e.title} · {e.vendor or 'no vendor'} · "
            f"{e.waiting_on()[0]} overdue by {duration(home.now - e.waiting_on()[1])}"
            for e in home.overdue_escalations], empty="none.", more=f"`{COMMAND} escalations open`")),
        header("Calibrations waiting for your verdicts"),
    ]
    if not home.calibrations:
        return [*blocks, section("None: you are up to date.")]
    for calibration in home.calibrations[:MAX_CALIBRATIONS]:
        blocks.append({**section(f"*{calibration.readable_id}* · closes {slack_time(calibration.due_at)}"),
                       "accessory": {"type": "button", "action_id": ActionId.CALIBRATION_START,
                                     "value": str(calibration.id), "style": "primary",
                                     "text": plain("Start judging")}})
    return blocks + _more(len(home.calibrations) - MAX_CALIBRATIONS, f"`{COMMAND} calibrations` lists them")


def _vendor_member_blocks(home: Home) -> list[dict]:
    return [
        section(_listing("Your open escalations", [
            f"{e.readable_id} [{e.severity}] {e.title} · {e.status}" for e in home.own_escalations],
            empty="none.", more=f"`{COMMAND} escalations mine`")),
        section(_listing("Open disputes", [
            f"{d.readable_id} audit `{d.audit_id}` · decision due {slack_time(d.decide_due_at)}"
            for d in home.disputes], empty="none open.", more=f"`{COMMAND} disputes open`")),
        section(_listing("Coaching due", [
            f"{c.readable_id} agent `{c.agent_id}` · follow-up on {c.follow_up_on.isoformat()}"
            for c in home.coaching_due], empty="nothing due this week.", more=f"`{COMMAND} coaching due`")),
    ]


def _outsider_blocks(home: Home) -> list[dict]:
    staff = ", ".join(f"<!subteam^{who}>" if who.startswith("S") else f"<@{who}>" for who in home.qa_staff)
    ask = f"Ask the QA staff ({staff}) to add you" if staff else "Ask your QA lead to add you"
    return [section(INTRO),
            section(f"You are not on the QA staff or a vendor's member list, so there are no figures for you here. "
                    f"{ask} to the bot's config (`config/qabot.toml`).")]


def _buttons(home: Home) -> dict:
    buttons = [{"type": "button", "action_id": ActionId.HOME_ESCALATE, "text": plain("File an escalation")}]
    if home.audience is Audience.QA_STAFF:
        buttons.append({"type": "button", "action_id": ActionId.HOME_CALIBRATE, "text": plain("Request a calibration")})
    return {"type": "actions", "block_id": BlockId.HOME_ACTIONS, "elements": buttons}


def _listing(title: str, lines: list[str], *, empty: str, more: str) -> str:
    if not lines:
        return f"*{title}*: {empty}"
    shown = "\n".join(f"• {line}" for line in lines[:MAX_LINES])
    rest = f"\n…and {len(lines) - MAX_LINES} more: {more}" if len(lines) > MAX_LINES else ""
    return f"*{title}* ({len(lines)})\n{shown}{rest}"


def _more(hidden: int, where: str) -> list[dict]:
    return [{"type": "context", "elements": [mrkdwn(f"…and {hidden} more: {where}")]}] if hidden > 0 else []
