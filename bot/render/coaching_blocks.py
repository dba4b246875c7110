"""Block Kit for coaching: the form, the record, its follow-up, the list and the weekly digest. Pure."""

from __future__ import annotations

import json
from datetime import date

from bot.coaching.candidates import Candidate
from bot.coaching.effect import Effect, Effectiveness, Verdict
from bot.render.blocks import MAX_OPTIONS, form_input, header, mrkdwn, option, plain, section
from bot.slack.ids import COMMAND, ActionId, BlockId, CallbackId
from bot.store.records import CoachingRecord, CoachingStatus
from bot.wording import interval, p_value, percent

NOTES_MAX = 3000
DIGEST_SHOWN = 15
LIST_SHOWN = 20
VERDICT_MARK = {Verdict.IMPROVED: ":chart_with_upwards_trend:", Verdict.WORSE: ":chart_with_downwards_trend:",
                Verdict.NO_CHANGE: ":left_right_arrow:", Verdict.TOO_FEW: ":hourglass:",
                Verdict.NO_BASELINE: ":grey_question:"}


def coaching_modal(*, agent_id: str, categories: list[str], policies: list[str], category: str | None,
                   audit_ids: list[str], coach_id: str, follow_up_on: date) -> dict:
    """The coaching form, prefilled: the agent's top error category, their latest errors of it, you, 14 days."""
    category_element = {"type": "static_select", "options": [option(c) for c in categories[:MAX_OPTIONS]]}
    if category in categories[:MAX_OPTIONS]:
        category_element["initial_option"] = option(category)
    blocks = [section(f"Coaching of *{agent_id}*. Choose what it is about: an error category, a policy, or both.")]
    if categories:
        blocks.append(form_input(BlockId.COACHING_CATEGORY, "Error category", category_element, optional=True))
    if policies:
        blocks.append(form_input(BlockId.COACHING_POLICY, "Policy", {
            "type": "static_select", "options": [option(p) for p in policies[:MAX_OPTIONS]]}, optional=True))
    blocks += [
        form_input(BlockId.COACHING_AUDITS, "Audits it is about", {
            "type": "plain_text_input", "multiline": True,
            **({"initial_value": "\n".join(audit_ids)} if audit_ids else {})}, optional=True,
            hint="Audit ids, one a line: the agent's latest errors of the category, to edit."),
        form_input(BlockId.COACHING_NOTES, "Notes", {"type": "plain_text_input", "multiline": True,
                                                     "max_length": NOTES_MAX}, optional=True),
        form_input(BlockId.COACHING_COACH, "Coach", {"type": "users_select", "initial_user": coach_id}),
        form_input(BlockId.COACHING_FOLLOW_UP, "Follow up on", {"type": "datepicker",
                                                                "initial_date": follow_up_on.isoformat()},
                   hint="The day the bot measures whether it helped."),
    ]
    return {"type": "modal", "callback_id": CallbackId.COACHING_MODAL, "title": plain("Record coaching"),
            "submit": plain("Record"), "close": plain("Cancel"), "blocks": blocks,
            "private_metadata": json.dumps({"agent": agent_id})}


def focus_words(record: CoachingRecord) -> str:
    parts = [f"*{record.focus_category}*" if record.focus_category else "", f"policy *{record.focus_policy}*"
             if record.focus_policy else ""]
    return " in ".join(part for part in parts if part)


def coaching_record_blocks(record: CoachingRecord) -> list[dict]:
    """What the coach and the vendor's leads are sent when coaching is recorded."""
    audits = ", ".join(f"`{audit_id}`" for audit_id in record.audit_list[:10]) or "none cited"
    blocks = [section(f"*{record.readable_id}*: <@{record.coach_id}> coached *{record.agent_id}* on "
                      f"{focus_words(record)}. Follow-up on {record.follow_up_on:%a %d %b %Y}, when the bot compares "
                      f"their accuracy on it before and after."),
              {"type": "context", "elements": [mrkdwn(f"Audits: {audits} · recorded by <@{record.created_by}>")]}]
    if record.notes:
        blocks.insert(1, section(f"*Notes*\n{record.notes}"))
    blocks.append({"type": "context", "elements": [mrkdwn(f"`{COMMAND} coaching agent {record.agent_id}` "
                                                          "lists this agent's coaching.")]})
    return blocks


def follow_up_blocks(record: CoachingRecord, effect: Effect) -> list[dict]:
    """The follow-up: before and after, the difference with its interval and test, the verdict, and buttons."""
    before = interval(effect.before) + f" of {effect.before.trials:,}" if effect.before else "no audits"
    after = interval(effect.after) + f" of {effect.after.trials:,}" if effect.after else "no audits"
    blocks = [section(f"{VERDICT_MARK[effect.verdict]} *{record.readable_id} follow-up: {effect.verdict.value}*\n"
                      f"*{record.agent_id}*'s accuracy on {focus_words(record)}, coached by <@{record.coach_id}>."),
              {"type": "section", "fields": [mrkdwn(f"*Before coaching*\n{before}"),
                                             mrkdwn(f"*Since coaching*\n{after}")]}]
    if effect.difference_points is not None:
        blocks.append(section(f"Difference {effect.difference_points:+.1f} pp (95% CI {effect.low_points:+.1f} to "
                              f"{effect.high_points:+.1f} pp), two-proportion test {p_value(effect.p_value)}."))
    if effect.verdict is Verdict.TOO_FEW:
        blocks.append(section(f"{effect.more_audits_needed:,} more audits after coaching are needed to tell; "
                              "extend the follow-up to give them time."))
    blocks.append({"type": "actions", "block_id": BlockId.COACHING_ACTIONS, "elements": [
        {"type": "button", "action_id": ActionId.COACHING_CLOSE, "value": str(record.id), "style": "primary",
         "text": plain("Close")},
        {"type": "button", "action_id": ActionId.COACHING_EXTEND, "value": str(record.id),
         "text": plain("Extend follow-up")},
    ]})
    return blocks


def coaching_list_blocks(title: str, records: list[CoachingRecord], summary: Effectiveness | None) -> list[dict]:
    blocks: list[dict] = [header(title)]
    if not records:
        blocks.append(section("No coaching records here yet."))
    lines = [_list_line(record) for record in records[:LIST_SHOWN]]
    for start in range(0, len(lines), 10):
        blocks.append(section("\n".join(lines[start:start + 10])))
    if len(records) > LIST_SHOWN:
        blocks.append({"type": "context", "elements": [mrkdwn(f"…and {len(records) - LIST_SHOWN} older.")]})
    if summary is not None:
        blocks.append(section(_effectiveness_words(summary)))
    return blocks


def _list_line(record: CoachingRecord) -> str:
    state = record.status
    if record.status == CoachingStatus.OPEN.value:
        state = f"follow-up {record.follow_up_on:%d %b}"
    elif record.verdict:
        state = f"{record.status}: {record.verdict}"
    return (f"• *{record.readable_id}* {record.agent_id} on {focus_words(record)} · <@{record.coach_id}> · "
            f"{record.coached_at:%d %b} · {state}")


def _effectiveness_words(summary: Effectiveness) -> str:
    if not summary.measured:
        return "*Coaching effectiveness*: no closed coaching with a measured result yet."
    return (f"*Coaching effectiveness*: {percent(summary.improved_share, 0)} of {summary.measured} closed coaching "
            f"records with a measured result improved; median change {summary.median_change_points:+.1f} pp.")


def digest_blocks(label: str, candidates: list[Candidate], *, first_day: date, last_day: date) -> list[dict]:
    """The weekly digest of a vendor's agents significantly under target, worst first."""
    blocks: list[dict] = [
        header(f"Coaching candidates · {label}"),
        {"type": "context", "elements": [mrkdwn(
            f"{first_day:%a %d %b} to {last_day:%a %d %b} (UTC) · agents whose accuracy is significantly under "
            "target (the 95% interval's top is under it), worst first")]},
    ]
    if not candidates:
        blocks.append(section("Nobody is significantly under target. :tada:"))
        return blocks
    lines = [_candidate_line(candidate) for candidate in candidates[:DIGEST_SHOWN]]
    for start in range(0, len(lines), 5):
        blocks.append(section("\n".join(lines[start:start + 5])))
    if len(candidates) > DIGEST_SHOWN:
        blocks.append({"type": "context", "elements": [mrkdwn(f"…and {len(candidates) - DIGEST_SHOWN} more.")]})
    blocks.append({"type": "context", "elements": [mrkdwn(f"`{COMMAND} coach AGENT` records coaching.")]})
    return blocks


def _candidate_line(candidate: Candidate) -> str:
    top = f" · top error *{candidate.top_category[0]}* ×{candidate.top_category[1]}" if candidate.top_category else ""
    repeats = (" · repeats " + ", ".join(f"{category} ×{n}" for category, n in candidate.repeats)
               if candidate.repeats else "")
    coaching = f" · open coaching {', '.join(candidate.open_coaching)}" if candidate.open_coaching else ""
    return (f"• *{candidate.agent_id}* {interval(candidate.accuracy)} of {candidate.accuracy.trials:,}"
            f"{top}{repeats}{coaching}")
