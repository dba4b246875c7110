"""Block Kit for disputes: the filing form, the posted dispute with its buttons, the decision form. Pure."""

from __future__ import annotations

import json
from datetime import datetime

from bot.disputes.auditors import AuditorFigures, AuditorStatus
from bot.disputes.figures import DisputeBreakdown
from bot.kpi.periods import Period
from bot.render.blocks import MAX_OPTIONS, form_input, header, mrkdwn, option, plain, section
from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.store.models import Audit
from bot.store.records import Dispute, DisputeStatus
from bot.wording import duration, interval, p_value, percent, slack_time

REASON_MAX = 3000
STATUS_MARK = {DisputeStatus.OPEN: ":hourglass_flowing_sand: open", DisputeStatus.UPHELD: ":white_check_mark: QA upheld",
               DisputeStatus.OVERTURNED: ":leftwards_arrow_with_hook: overturned",
               DisputeStatus.SUPERSEDED: ":arrows_counterclockwise: superseded by a re-audit"}


def audit_facts(audit: Audit) -> str:
    return (f"*Audit {audit.audit_id}* · item `{audit.item_id}` · {audit.vendor} · queue {audit.queue}"
            f"{f' · policy {audit.policy}' if audit.policy else ''}\nAgent `{audit.agent_id}`: *{audit.agent_decision}* · "
            f"QA{f' ({audit.auditor_id})' if audit.auditor_id else ''}: *{audit.qa_decision}* · audited "
            f"{slack_time(audit.audited_at)}")


def dispute_modal(audit: Audit, *, labels: list[str], reason: str) -> dict:
    """The filing form: the audit read-only, the verdict proposed, why, an evidence link."""
    return {
        "type": "modal", "callback_id": CallbackId.DISPUTE_MODAL, "title": plain("Dispute an audit"),
        "submit": plain("File dispute"), "close": plain("Cancel"), "private_metadata": json.dumps({"audit": audit.audit_id}),
        "blocks": [
            section(audit_facts(audit)),
            form_input(BlockId.DISPUTE_LABEL, "The right verdict", {
                "type": "static_select", "options": [option(label) for label in labels[:MAX_OPTIONS]]}),
            form_input(BlockId.DISPUTE_REASON, "Why QA's verdict is wrong", {
                "type": "plain_text_input", "multiline": True, "max_length": REASON_MAX,
                **({"initial_value": reason[:REASON_MAX]} if reason else {})}),
            form_input(BlockId.DISPUTE_EVIDENCE, "Evidence link", {"type": "plain_text_input"}, optional=True),
        ],
    }


def dispute_blocks(dispute: Dispute) -> list[dict]:
    """The dispute as posted in its channel; open ones carry Uphold, Overturn and Assign to me."""
    fields = [mrkdwn(f"*Audit*\n{dispute.audit_id} · agent `{dispute.agent_id}`"),
              mrkdwn(f"*Vendor*\n{dispute.vendor}"),
              mrkdwn(f"*QA said*\n{dispute.original_label}"),
              mrkdwn(f"*Proposed*\n{dispute.proposed_label}"),
              mrkdwn(f"*Status*\n{STATUS_MARK[DisputeStatus(dispute.status)]}"),
              mrkdwn(f"*Decide by*\n{slack_time(dispute.decide_due_at)}")]
    blocks = [section(f"*{dispute.readable_id}* · filed by <@{dispute.filer_id}>"),
              {"type": "section", "fields": fields},
              section(f"*Why*\n{dispute.reason}" + (f"\n<{dispute.evidence}|evidence>" if dispute.evidence else ""))]
    if dispute.status == DisputeStatus.OPEN.value:
        if dispute.assignee_id:
            blocks.append({"type": "context", "elements": [mrkdwn(f"Taken by <@{dispute.assignee_id}>")]})
        blocks.append({"type": "actions", "block_id": BlockId.DISPUTE_ACTIONS, "elements": [
            {"type": "button", "action_id": action, "value": str(dispute.id), "text": plain(text)}
            for action, text in ((ActionId.DISPUTE_UPHOLD, "Uphold QA"), (ActionId.DISPUTE_OVERTURN, "Overturn"),
                                 (ActionId.DISPUTE_ASSIGN, "Assign to me"))]})
    else:
        final = f" · final verdict *{dispute.final_label}*" if dispute.final_label else ""
        blocks.append({"type": "context", "elements": [mrkdwn(
            f"Decided by <@{dispute.decided_by}>{final}: {dispute.decision_note or ''}" if dispute.decided_by
            else "Superseded by a re-audit")]})
    return blocks


def decision_modal(dispute: Dispute, *, overturn: bool, labels: list[str]) -> dict:
    """Overturn asks for the final verdict and a note; Uphold for a note."""
    blocks = [section(f"*{dispute.readable_id}*: QA said *{dispute.original_label}*, the vendor proposes "
                      f"*{dispute.proposed_label}*.\n{dispute.reason}")]
    if overturn:
        choices = [option(label) for label in labels[:MAX_OPTIONS]]
        element = {"type": "static_select", "options": choices}
        if dispute.proposed_label in labels[:MAX_OPTIONS]:
            element["initial_option"] = option(dispute.proposed_label)
        blocks.append(form_input(BlockId.DECISION_LABEL, "Final verdict", element))
    blocks.append(form_input(BlockId.DECISION_NOTE, "Note", {"type": "plain_text_input", "multiline": True,
                                                             "max_length": REASON_MAX}))
    return {"type": "modal", "callback_id": CallbackId.DISPUTE_DECISION_MODAL,
            "title": plain(f"{'Overturn' if overturn else 'Uphold'} {dispute.readable_id}"[:24]),
            "submit": plain("Overturn" if overturn else "Uphold QA"), "close": plain("Cancel"),
            "private_metadata": json.dumps({"dispute": dispute.id, "overturn": overturn}), "blocks": blocks}


def disputes_list_blocks(title: str, disputes: list[Dispute], *, now: datetime,
                         breakdown: DisputeBreakdown | None = None) -> list[dict]:
    """`/qa disputes`: one line each, with the decision's SLA clock while open; then how the last 30 days'
    disputes went (by vendor for QA staff, by QA's error category for one vendor) and who files most."""
    lines = [f"• *{d.readable_id}* {STATUS_MARK[DisputeStatus(d.status)]} · audit {d.audit_id} ({d.vendor}) · QA "
             f"{d.original_label} → proposed {d.proposed_label} · {_clock(d, now)}" for d in disputes]
    blocks = [header(title), *[section("\n".join(lines[start:start + 10])) for start in range(0, len(lines), 10)]]
    if not disputes:
        blocks.append(section("No disputes here."))
    if breakdown is not None and breakdown.groups:
        blocks.append(section(f"*Last 30 days, by {breakdown.by}*\n" + "\n".join(
            f"• {row.name}: {row.filed:,} filed · {row.upheld:,} upheld · {row.overturned:,} overturned"
            + (f" · {interval(row.overturn_share)} overturned" if row.overturn_share else "")
            for row in breakdown.groups[:10])))
        blocks.append(section("*Who files most*: " + " · ".join(f"<@{user}> {n}" for user, n in breakdown.filers)))
    blocks.append({"type": "context", "elements": [mrkdwn("Times are your local time.")]})
    return blocks


def _clock(dispute: Dispute, now: datetime) -> str:
    if dispute.status != DisputeStatus.OPEN.value:
        if dispute.status == DisputeStatus.SUPERSEDED.value and dispute.superseded_at:
            return f"superseded {slack_time(dispute.superseded_at)}"
        return f"decided {slack_time(dispute.decided_at)}" if dispute.decided_at else "superseded"
    if now > dispute.decide_due_at:
        return f":red_circle: decision {duration(now - dispute.decide_due_at)} overdue"
    return f"decide within {duration(dispute.decide_due_at - now)}"


AUDITOR_MARK = {AuditorStatus.WITHIN: ":large_green_circle:", AuditorStatus.ABOVE: ":large_yellow_circle:",
                AuditorStatus.SIGNIFICANTLY_ABOVE: ":red_circle:", AuditorStatus.NO_DECISIONS: ":white_circle:"}
AUDITORS_SHOWN = 25


def auditor_blocks(figures: AuditorFigures, *, period: Period, target: float) -> list[dict]:
    """`/qa auditor ID`: QA's own quality, for QA staff."""
    rate = f"{interval(figures.overturn_rate)} of {figures.decided:,} decided" if figures.overturn_rate else "n/a"
    calibration = ("not linked to a Slack user ([auditors]), or no sessions" if figures.calibration is None else
                   f"{percent(figures.calibration[1] / figures.calibration[0])} of {figures.calibration[0]:,} items")
    blocks = [header(f"Auditor {figures.auditor_id}"),
              {"type": "context", "elements": [mrkdwn(period.describe())]},
              {"type": "section", "fields": [
                  mrkdwn(f"*Audits*\n{figures.audits:,}"),
                  mrkdwn(f"*Disputed*\n{figures.disputes:,} · {figures.overturned:,} overturned"),
                  mrkdwn(f"*Overturn rate*\n{rate}"),
                  mrkdwn(f"*Target {percent(target)}*\n{AUDITOR_MARK[figures.status]} {figures.status.value}"),
                  mrkdwn(f"*Calibration agreement*\n{calibration}"),
              ]}]
    if figures.overturned_on:
        blocks.append(section("*Overturned on*: " + " · ".join(f"{category} {n}" for category, n in
                                                              figures.overturned_on)))
    if len(figures.bias) > 1:
        blocks.append(section("*Errors found, by vendor* (against their other vendors; Holm-adjusted)\n" + "\n".join(
            f"• {b.vendor}: {percent(b.wrong_share)} of {b.audits:,} vs {percent(b.others_share)}"
            + (f" · {':warning: significant' if b.significant else 'within chance'} ({p_value(b.p_value)})"
               if b.p_value is not None else "") for b in figures.bias)))
    return blocks


def auditors_blocks(ranking: list[AuditorFigures], *, period: Period, target: float) -> list[dict]:
    """`/qa auditors`: highest overturn rate first."""
    if not ranking:
        return [header("Auditors"), section(f"No audits with an auditor {period.describe()}.")]
    lines = [f"• {AUDITOR_MARK[f.status]} *{f.auditor_id}* "
             + (f"{percent(f.overturn_rate.value)} overturned of {f.decided:,} decided" if f.overturn_rate
                else "no decided disputes")
             + f" · {f.audits:,} audits" + (" · :warning: vendor bias" if any(b.significant for b in f.bias) else "")
             for f in ranking[:AUDITORS_SHOWN]]
    blocks = [header("Auditors by overturn rate"),
              {"type": "context", "elements": [mrkdwn(f"{period.describe()} · target {percent(target)}")]},
              *[section("\n".join(lines[start:start + 10])) for start in range(0, len(lines), 10)]]
    if len(ranking) > AUDITORS_SHOWN:
        blocks.append({"type": "context", "elements": [mrkdwn(f"…and {len(ranking) - AUDITORS_SHOWN} more.")]})
    return blocks
