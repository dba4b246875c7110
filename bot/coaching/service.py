"""Coaching records, for Slack (`/qa coach`, `/qa coaching`, the Coach, Close and Extend buttons) and the demo.

Who may do what: QA staff and the leads of the agent's vendor record coaching and close or extend it; the
vendor's members may list their vendor's records; nobody else sees individual agents (bot/slack/access.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from bot.coaching.effect import Effectiveness, before_days_of, effectiveness
from bot.coaching.rules import CoachingForm, FormFacts, form_problems
from bot.errors import FormProblems, QabotError
from bot.kpi.service import allowed_scopes, only_vendor_of, resolve_scopes
from bot.rca.analysis import named_category
from bot.render.coaching_blocks import coaching_record_blocks
from bot.runtime import Runtime
from bot.slack.access import Viewer, may_coach, refuse_outsiders, require
from bot.slack.command_text import agent_id_from
from bot.slack.errors import SLACK_FAILURES
from bot.store.coaching import (
    agents_of_audits,
    close_coaching,
    create_coaching,
    extend_follow_up,
    focus_counts,
    get_coaching,
    latest_focus_errors,
    list_coaching,
)
from bot.store.db import session_scope
from bot.store.kpi import distinct_values
from bot.store.rca import category_errors
from bot.store.records import CoachingRecord, CoachingStatus

logger = logging.getLogger(__name__)
PREFILLED_AUDITS = 5
LIST_USAGE = ("Use `/qa coaching` (what you coach), `/qa coaching due`, `/qa coaching agent ID` or "
              "`/qa coaching vendor NAME`.")


@dataclass(frozen=True)
class FormStart:
    """What the coaching form opens with."""

    agent_id: str
    vendor: str | None
    categories: list[str]
    """The agent's error categories of the last [coaching].before_days, most first."""
    policies: list[str]
    category: str | None
    audit_ids: list[str]
    """The agent's latest errors of that category, prefilled and editable."""
    coach_id: str
    follow_up_on: date


def start_form(runtime: Runtime, *, viewer: Viewer, agent_text: str, category_text: str | None) -> FormStart:
    """The form for coaching one agent (AccessDenied, QabotError if the agent or category is unknown)."""
    refuse_outsiders(viewer, f"coaching of {agent_text}")
    if not agent_text.strip():
        raise QabotError("Say who: `/qa coach AGENT_ID` or `/qa coach @name` (linked in [agents]).")
    agent_id = agent_id_from(agent_text.strip(), config=runtime.config)
    today = runtime.clock().date()
    lookback = runtime.config.coaching.before_days
    with session_scope(runtime.engine) as session:
        agent = allowed_scopes(session, config=runtime.config, viewer=viewer, scopes={"agent": agent_id})[0]
        vendor = only_vendor_of(session, agent)
        _require_coach(viewer, vendor=vendor, agent=agent.label)
        first_day = today - timedelta(days=lookback)
        categories = [row.category for row in sorted(
            category_errors(session, scope={"agent_id": agent.values}, first_day=first_day, last_day=today),
            key=lambda row: (-row.errors, row.category))]
        category = named_category(category_text, categories, missing=f"{agent.label} made no errors of category "
                                  f"\"{category_text.strip()}\" in the last {lookback} days.") \
            if category_text else (categories[0] if categories else None)
        policies = distinct_values(session, column="policy", scope={"agent_id": agent.values})
        if not categories and not policies:
            raise QabotError(f"{agent.label} has no errors and no policies in the last {lookback} days: there is "
                             "nothing to focus coaching on yet.")
        prefilled = latest_focus_errors(session, agent_ids=agent.values, category=category, policy=None,
                                        first_day=first_day, last_day=today, limit=PREFILLED_AUDITS)
    return FormStart(agent.label, vendor, categories, policies, category, prefilled, viewer.user_id,
                     today + timedelta(days=runtime.config.coaching.default_follow_up_days))


def coaching_problems(runtime: Runtime, *, viewer: Viewer, form: CoachingForm) -> dict[str, str]:
    """What is wrong with a submitted coaching form, by field (empty when it can be stored); AccessDenied, logged,
    when the viewer may not record coaching of this agent."""
    with session_scope(runtime.engine) as session:
        return _problems(session, runtime, viewer=viewer, form=form)[0]


def record_coaching(runtime: Runtime, *, viewer: Viewer, form: CoachingForm) -> CoachingRecord:
    """Store the coaching (checked again: FormProblems if it cannot be) and tell the coach and the vendor's leads.
    Slack's listener checks first (coaching_problems) and calls this after acknowledging the form."""
    now = runtime.clock()
    with session_scope(runtime.engine) as session:
        problems, vendor = _problems(session, runtime, viewer=viewer, form=form)
        if problems:
            raise FormProblems(problems)
        cited = form.audit_ids or latest_focus_errors(
            session, agent_ids=[form.agent_id], category=form.category, policy=form.policy,
            first_day=now.date() - timedelta(days=runtime.config.coaching.before_days), last_day=now.date(),
            limit=PREFILLED_AUDITS)
        record = create_coaching(session, record=CoachingRecord(
            agent_id=form.agent_id, vendor=vendor, focus_category=form.category, focus_policy=form.policy,
            audit_ids="\n".join(cited), notes=form.notes, coach_id=form.coach_id, created_by=viewer.user_id,
            coached_at=now, follow_up_on=form.follow_up_on))
    logger.info("user %s recorded %s for %s", viewer.user_id, record.readable_id, record.agent_id)
    tell(runtime, record, text=f"{record.readable_id}: coaching of {record.agent_id} recorded",
         blocks=coaching_record_blocks(record))
    return record


def _problems(session: Session, runtime: Runtime, *, viewer: Viewer, form: CoachingForm
              ) -> tuple[dict[str, str], str | None]:
    """(the form's problems, the agent's vendor as in the data)."""
    today = runtime.clock().date()
    lookback = runtime.config.coaching.before_days
    agent = resolve_scopes(session, config=runtime.config, scopes={"agent": form.agent_id})[0]
    vendor = only_vendor_of(session, agent)
    _require_coach(viewer, vendor=vendor, agent=agent.label)
    first_day, last_day = before_days_of(today, before_days=lookback)  # what a follow-up will compare against
    audits, right = focus_counts(session, agent_id=form.agent_id, category=form.category, policy=form.policy,
                                 first_day=first_day, last_day=last_day)
    coach = Viewer(form.coach_id, config=runtime.config, groups=runtime.groups) if form.coach_id else None
    facts = FormFacts(today=today, agent_of_audit=agents_of_audits(session, audit_ids=form.audit_ids),
                      focus_audits=audits, focus_errors=audits - right,
                      coach_allowed=coach is not None and may_coach(coach, vendor=vendor), lookback_days=lookback)
    return form_problems(form, facts), vendor


@dataclass(frozen=True)
class CoachingList:
    title: str
    records: list[CoachingRecord]
    effectiveness: Effectiveness | None
    """For a vendor's list: how its closed coaching went."""


def coaching_list(runtime: Runtime, *, viewer: Viewer, text: str) -> CoachingList:
    """`/qa coaching [mine | due | agent ID | vendor NAME]`, as the viewer may see it."""
    refuse_outsiders(viewer, f"coaching {text}".strip())
    word, _, rest = text.strip().partition(" ")
    word, rest = word.lower() or "mine", rest.strip()
    if word not in ("mine", "due", "agent", "vendor") or (word in ("agent", "vendor") and not rest):
        raise QabotError(LIST_USAGE)
    with session_scope(runtime.engine) as session:
        if word in ("agent", "vendor"):
            name = agent_id_from(rest, config=runtime.config) if word == "agent" else rest
            scope = allowed_scopes(session, config=runtime.config, viewer=viewer, scopes={word: name})[0]
            filters = {"agent_ids": scope.values} if word == "agent" else {"vendors": scope.values}
            title = f"Coaching of {scope.label}"
        elif word == "due":
            filters = {"due_by": runtime.clock().date(), "statuses": [CoachingStatus.OPEN.value]}
            title = "Coaching follow-ups due"
        else:
            filters, title = {"coach_id": viewer.user_id}, "Coaching you give"
        records = [record for record in list_coaching(session, **filters)
                   if viewer.qa_staff or viewer.works_for(record.vendor)]
    summary = None
    if word == "vendor":
        summary = effectiveness(record.result_figures for record in records
                                if record.status == CoachingStatus.CLOSED.value and record.result)
    return CoachingList(title, records, summary)


def close(runtime: Runtime, coaching_id: int, *, viewer: Viewer) -> CoachingRecord | None:
    """Close a record (None if it was closed already)."""
    with session_scope(runtime.engine) as session:
        _may_change(viewer, get_coaching(session, coaching_id=coaching_id))
        return close_coaching(session, coaching_id=coaching_id, user_id=viewer.user_id, now=runtime.clock())


def extend(runtime: Runtime, coaching_id: int, *, viewer: Viewer) -> CoachingRecord | None:
    """Follow up again [coaching].default_follow_up_days from today (None if closed or already later)."""
    days = runtime.config.coaching.default_follow_up_days
    with session_scope(runtime.engine) as session:
        _may_change(viewer, get_coaching(session, coaching_id=coaching_id))
        return extend_follow_up(session, coaching_id=coaching_id,
                                follow_up_on=runtime.clock().date() + timedelta(days=days))


def tell(runtime: Runtime, record: CoachingRecord, *, text: str, blocks: list[dict]) -> int:
    """DM the coach and the leads of the agent's vendor; one failed DM never stops the others. Returns how many
    were sent."""
    sent = 0
    for user_id in dict.fromkeys([record.coach_id, *_leads(runtime, record.vendor)]):
        try:
            runtime.client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
            sent += 1
        except SLACK_FAILURES:
            logger.exception("could not tell %s about %s", user_id, record.readable_id)
    return sent


def _leads(runtime: Runtime, vendor: str | None) -> list[str]:
    """The vendor's leads as people: user groups (S...) are expanded to their members."""
    if vendor is None:
        return []
    leads = [lead for key, config in runtime.config.vendors.items() if vendor.casefold() in config.spellings(key)
             for lead in config.leads]
    return [person for lead in leads
            for person in (sorted(runtime.groups.members(lead)) if lead.startswith("S") else [lead])]


def _require_coach(viewer: Viewer, *, vendor: str | None, agent: str) -> None:
    require(may_coach(viewer, vendor=vendor), viewer, f"coaching of {agent}",
            "Only QA staff and the leads of the agent's vendor record coaching.")


def _may_change(viewer: Viewer, record: CoachingRecord | None) -> None:
    if record is None:
        raise QabotError("That coaching record no longer exists.")
    require(may_coach(viewer, vendor=record.vendor) or viewer.user_id == record.coach_id, viewer,
            record.readable_id, "Only the coach, QA staff and the vendor's leads can close or extend coaching.")
