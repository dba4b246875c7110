"""Coaching's scheduled work (bot/jobs/scheduler.py, `qabot jobs run`): follow-ups on their date, and each
vendor's weekly digest of coaching candidates in its leads' channel."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from bot.coaching.candidates import CANDIDATE_DAYS, coaching_candidates
from bot.coaching.effect import Effect, after_days_of, before_days_of, coaching_effect
from bot.coaching.service import tell
from bot.kpi.scopes import named, resolve, targets_for
from bot.render.coaching_blocks import digest_blocks, follow_up_blocks
from bot.runtime import Runtime
from bot.store.coaching import claim_follow_up, focus_counts, list_coaching, record_follow_up
from bot.store.db import session_scope
from bot.store.kpi import counts_by, distinct_values
from bot.store.rca import repeated_errors
from bot.store.records import CoachingRecord, CoachingStatus

logger = logging.getLogger(__name__)


def follow_up_due(runtime: Runtime, *, now: datetime) -> str:
    """Measure and send every follow-up due by today (each claimed once, across replicas)."""
    with session_scope(runtime.engine) as session:
        due = [record.id for record in list_coaching(session, due_by=now.date(),
                                                     statuses=[CoachingStatus.OPEN.value])]
    sent = failed = 0
    for coaching_id in due:
        try:
            sent += _follow_up(runtime, coaching_id=coaching_id, now=now)
        except Exception:  # one broken record must not hold up the others; it is tried again after a while
            logger.exception("the follow-up of COACH-%s failed", coaching_id)
            failed += 1
    return f"{sent} coaching follow-up(s) sent" + (f", {failed} failed (see the log)" if failed else "")


def _follow_up(runtime: Runtime, *, coaching_id: int, now: datetime) -> bool:
    """Claim, measure, tell, keep; False if another process has it, or nobody could be told (tried again later)."""
    with session_scope(runtime.engine) as session:
        record = claim_follow_up(session, coaching_id=coaching_id, today=now.date(), now=now)
        if record is None:
            return False
        effect = measure(session, record=record, min_audits=runtime.config.coaching.min_audits,
                         before_days=runtime.config.coaching.before_days)
    if not tell(runtime, record, text=f"{record.readable_id} follow-up: {effect.verdict.value}",
                blocks=follow_up_blocks(record, effect)):
        logger.error("the follow-up of %s reached nobody; it is tried again later", record.readable_id)
        return False
    with session_scope(runtime.engine) as session:
        kept = record_follow_up(session, coaching_id=record.id, claimed_at=now, verdict=effect.verdict.value,
                                result=json.dumps(effect.as_json()), now=now)
    if not kept:
        logger.info("%s was closed or extended while its follow-up was sent; that change stands",
                    record.readable_id)
    return True


def measure(session: Session, *, record: CoachingRecord, min_audits: int, before_days: int) -> Effect:
    """The agent's accuracy on the focus before the coaching day against after it (bot.coaching.effect's days)."""
    coached = record.coached_at.date()
    focus = {"agent_id": record.agent_id, "category": record.focus_category, "policy": record.focus_policy}
    (first, last), (after_first, after_last) = (before_days_of(coached, before_days=before_days),
                                                after_days_of(coached, follow_up_on=record.follow_up_on))
    before = focus_counts(session, first_day=first, last_day=last, **focus)
    after = focus_counts(session, first_day=after_first, last_day=after_last, **focus)
    return coaching_effect(before=before, after=after, min_audits=min_audits)


def post_digest(runtime: Runtime, *, vendor_key: str, day_of: datetime) -> str:
    """The vendor's coaching candidates of the 14 full UTC days before `day_of` (the scheduled slot, so a late
    run covers the days it was due for), worst first, in its leads' channel."""
    config = runtime.config
    vendor = config.vendors[vendor_key]
    last_day: date = day_of.astimezone(UTC).date() - timedelta(days=1)
    first_day = last_day - timedelta(days=CANDIDATE_DAYS - 1)
    with session_scope(runtime.engine) as session:
        scope = resolve("vendor", vendor_key, config=config, known_values=distinct_values(session, column="vendor"))
        where = {"scope": {"vendor": scope.values}, "first_day": first_day, "last_day": last_day}
        agents = counts_by(session, column="agent_id", **where) if scope.values else []
        categories: dict[str, list[tuple[str, int]]] = {}
        for repeat in repeated_errors(session, at_least=1, uncategorised=True, **where) if scope.values else []:
            categories.setdefault(repeat.agent_id, []).append((repeat.category, repeat.errors))
        open_coaching: dict[str, list[str]] = {}
        for record in list_coaching(session, vendors=list(scope.values), statuses=[
                CoachingStatus.OPEN.value, CoachingStatus.FOLLOWED_UP.value]):
            open_coaching.setdefault(record.agent_id, []).append(record.readable_id)
    candidates = coaching_candidates(
        agents, target=targets_for(named("vendor", vendor_key, config=config), config=config).accuracy,
        min_audits=config.coaching.min_audits, categories=categories, repeat_min=config.rca.repeat_min,
        open_coaching=open_coaching)
    label = vendor.display_name(vendor_key)
    runtime.client.chat_postMessage(
        channel=vendor.leads_channel, text=f"{label}: {len(candidates)} coaching candidate(s)",
        blocks=digest_blocks(label, candidates, first_day=first_day, last_day=last_day), unfurl_links=False)
    return f"posted to {vendor.leads_channel}: {len(candidates)} candidate(s)"
