"""Coaching records, for Slack (`/qa coach`, `/qa coaching`, the Coach, Close and Extend buttons) and the demo.

Who may do what: QA staff and the leads of the agent's vendor record coaching and close or extend it; the
vendor's members may list their vendor's records; nobody else sees individual agents (bot/slack/access.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from bot.coaching.effect import Effectiveness, effectiveness
from bot.coaching.rules import CoachingForm, FormFacts, form_problems
from bot.errors import FormProblems, QabotError
from bot.kpi.scopes import ResolvedScope, suggest
from bot.kpi.service import allowed_scopes, resolve_scopes
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
    list_coaching,
)
from bot.store.db import session_scope
from bot.store.kpi import distinct_values, latest_errors, vendors_of_agents
from bot.store.models import CoachingRecord, CoachingStatus
from bot.store.rca import category_errors

logger = logging.getLogger(__name__)
PREFILLED_AUDITS = 5
LIST_LIMIT = 20
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
        vendor = _vendor_of(session, agent)
        require(may_coach(viewer, vendor=vendor), viewer, f"coaching of {agent.label}",
                "Only QA staff and the leads of the agent's vendor record coaching.")
        first_day = today - timedelta(days=lookback)
        categories = [row.category for row in sorted(
            category_errors(session, scope={"agent_id": agent.values}, first_day=first_day, last_day=today),
            key=lambda row: (-row.errors, row.category))]
        category = _pick_category(category_text, categories, agent=agent.label) if category_text else \
            (categories[0] if categories else None)
        policies = distinct_values(session, column="policy", scope={"agent_id": agent.values})
        if not categories and not policies:
            raise QabotError(f"{agent.label} has no errors and no policies in the last {lookback} days: there is "
                             "nothing to focus coaching on yet.")
        prefilled = _latest_of_focus(session, agent.values, category, first_day=first_day, last_day=today)
    return FormStart(agent.label, vendor, categories, policies, category, prefilled, viewer.user_id,
                     today + timedelta(days=runtime.config.coaching.default_follow_up_days))


def record_coaching(runtime: Runtime, *, viewer: Viewer, form: CoachingForm) -> CoachingRecord:
    """Store the coaching (FormProblems, by field, if it cannot be) and tell the coach and the vendor's leads."""
    now = runtime.clock()
    lookback = runtime.config.coaching.before_days
    with session_scope(runtime.engine) as session:
        vendor = _vendor_of(session, resolve_scopes(session, config=runtime.config, scopes={"agent": form.agent_id})[0])
        if not may_coach(viewer, vendor=vendor):
            raise FormProblems({"notes": "Only QA staff and the leads of the agent's vendor record coaching."})
        audits, right = focus_counts(session, agent_id=form.agent_id, category=form.category, policy=form.policy,
                                     first_day=now.date() - timedelta(days=lookback), last_day=now.date())
        cited = agents_of_audits(session, audit_ids=form.audit_ids)
        coach = Viewer(form.coach_id, config=runtime.config, groups=runtime.groups) if form.coach_id else None
        facts = FormFacts(today=now.date(), agent_of_audit=cited, focus_audits=audits, focus_errors=audits - right,
                          coach_allowed=coach is not None and may_coach(coach, vendor=vendor),
                          lookback_days=lookback)
        problems = form_problems(form, facts)
        if problems:
            raise FormProblems(problems)
        cited_ids = form.audit_ids or _latest_of_focus(session, [form.agent_id], form.category,
                                                       first_day=now.date() - timedelta(days=lookback),
                                                       last_day=now.date())
        record = create_coaching(session, record=CoachingRecord(
            agent_id=form.agent_id, vendor=vendor, focus_category=form.category, focus_policy=form.policy,
            audit_ids="\n".join(cited_ids), notes=form.notes, coach_id=form.coach_id,
            created_by=viewer.user_id, coached_at=now, follow_up_on=form.follow_up_on))
    logger.info("user %s recorded %s for %s", viewer.user_id, record.readable_id, record.agent_id)
    tell(runtime, record, text=f"{record.readable_id}: coaching of {record.agent_id} recorded",
         blocks=coaching_record_blocks(record))
    return record


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
            filters = {"agent_ids": scope.values} if word == "agent" else {"vendors": _names(scope)}
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
    if vendor is None:
        return []
    return [lead for key, config in runtime.config.vendors.items() if vendor.casefold() in config.spellings(key)
            for lead in config.leads if not lead.startswith("S")]  # user groups get no DM


def _may_change(viewer: Viewer, record: CoachingRecord | None) -> None:
    if record is None:
        raise QabotError("That coaching record no longer exists.")
    require(may_coach(viewer, vendor=record.vendor) or viewer.user_id == record.coach_id, viewer,
            record.readable_id, "Only the coach, QA staff and the vendor's leads can close or extend coaching.")


def _vendor_of(session, agent: ResolvedScope) -> str | None:
    """The agent's vendor as in the data, when they work for exactly one."""
    vendors = vendors_of_agents(session, agent_ids=agent.values)
    return vendors[0] if len(vendors) == 1 else None


def _pick_category(text: str, categories: list[str], *, agent: str) -> str:
    for category in categories:
        if category.casefold() == text.strip().casefold():
            return category
    close = suggest(text, {category: category for category in categories})
    hint = f" Did you mean {' or '.join(repr(name) for name in close)}?" if close else ""
    raise QabotError(f"{agent} made no errors of category \"{text.strip()}\" lately.{hint}")


def _latest_of_focus(session, agent_ids, category: str | None, *, first_day: date, last_day: date) -> list[str]:
    """The agent's latest errors of the category (any error without one): the audits coaching is about."""
    errors = latest_errors(session, agent_ids=agent_ids, first_day=first_day, last_day=last_day, limit=200)
    return [audit.audit_id for audit in errors
            if category is None or (audit.error_category or "").casefold() == category.casefold()][:PREFILLED_AUDITS]


def _names(scope: ResolvedScope) -> list[str]:
    return sorted(scope.spellings | {value.casefold() for value in scope.values})

