"""Disputes, for Slack (`/qa dispute`, the Dispute, Uphold, Overturn and Assign buttons) and the demo.

Who may do what: the vendor's members file disputes on their own vendor's audits, QA staff on any; QA staff
decide, never the auditor of the audit ([auditors.ID].slack_user). Stored first, then posted; an overturn
puts the final verdict on the audit and rebuilds its day's roll-ups in the same transaction.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.exc import IntegrityError

from bot.disputes.figures import DisputeBreakdown, dispute_breakdown
from bot.disputes.posting import DISPUTE_MESSAGE
from bot.disputes.rules import DisputeForm, filing_refusal, form_problems, outcome_of
from bot.errors import FormProblems, QabotError
from bot.kpi.scopes import named
from bot.kpi.service import allowed_scopes
from bot.runtime import Runtime
from bot.slack.access import Viewer, refuse_outsiders, require
from bot.slack.errors import SLACK_FAILURES
from bot.store.audits import lock_audits
from bot.store.calibrations import decision_labels
from bot.store.db import session_scope
from bot.store.disputes import (
    apply_final_verdict,
    assign,
    create_dispute,
    decide,
    get_audit,
    get_dispute,
    list_disputes,
    lock_filings,
    open_dispute_of,
    open_disputes_of_vendor,
    overturning_dispute_of,
    similar_audit_ids,
    supersede,
)
from bot.store.models import Audit
from bot.store.records import Dispute, DisputeStatus

logger = logging.getLogger(__name__)
SUGGESTIONS = 3
LIST_LIMIT = 20
BREAKDOWN_DAYS = 30
USAGE = "Use `/qa dispute AUDIT_ID [why QA's verdict is wrong]`."


@dataclass(frozen=True)
class DisputeStart:
    """What the dispute form opens with: the audit (shown read-only), the labels to propose, the reason typed."""

    audit: Audit
    labels: list[str]
    reason: str


def start_form(runtime: Runtime, *, viewer: Viewer, text: str) -> DisputeStart:
    """The form for disputing one audit (AccessDenied; QabotError naming the closest ids for an unknown one)."""
    refuse_outsiders(viewer, f"dispute {text}".strip())
    audit_id, _, reason = text.strip().partition(" ")
    if not audit_id:
        raise QabotError(USAGE)
    with session_scope(runtime.engine) as session:
        audit = _visible_audit(session, runtime, viewer=viewer, audit_id=audit_id)
        refusal = _refusal(session, runtime, audit=audit)
        if refusal:
            raise QabotError(refusal)
        labels = _labels(session, audit)
    return DisputeStart(audit, [label for label in labels if label.casefold() != audit.qa_decision.casefold()],
                        reason.strip())


def filing_form_problems(runtime: Runtime, *, viewer: Viewer, form: DisputeForm) -> dict[str, str]:
    with session_scope(runtime.engine) as session:
        audit = _visible_audit(session, runtime, viewer=viewer, audit_id=form.audit_id)
        return _problems(session, runtime, audit=audit, form=form)


def file_dispute(runtime: Runtime, *, viewer: Viewer, form: DisputeForm) -> Dispute:
    """Store (checked again: FormProblems), post to the vendor's disputes channel, and DM the filer the link."""
    try:
        dispute = _store_dispute(runtime, viewer=viewer, form=form)
    except IntegrityError:  # a second filing of the audit at the same instant: the checks now see the first
        with session_scope(runtime.engine) as session:
            audit = _visible_audit(session, runtime, viewer=viewer, audit_id=form.audit_id)
            problems = _problems(session, runtime, audit=audit, form=form)
        raise FormProblems(problems or {"proposed_label": "Another dispute of this audit was filed at the same "
                                                          "moment; submit again to see where it stands."}) from None
    logger.info("user %s filed %s on audit %s", viewer.user_id, dispute.readable_id, dispute.audit_id)
    try:
        answer = DISPUTE_MESSAGE.post(runtime.client, engine=runtime.engine, tracked=dispute)
        link = runtime.client.chat_getPermalink(channel=answer["channel"], message_ts=answer["ts"])["permalink"]
        runtime.client.chat_postMessage(channel=viewer.user_id, text=(
            f"Filed {dispute.readable_id} on audit {dispute.audit_id}: <{link}|its thread>. QA decides within "
            f"{runtime.config.disputes.decide_within_h:g} h; you will hear here."))
    except SLACK_FAILURES:
        logger.exception("%s is stored but could not be posted", dispute.readable_id)
        runtime.client.chat_postMessage(channel=viewer.user_id, text=(
            f"{dispute.readable_id} is stored, but posting it to <#{dispute.channel_id}> failed (is the bot in "
            "that channel?). QA can see it with `/qa disputes`."))
    return dispute


def _store_dispute(runtime: Runtime, *, viewer: Viewer, form: DisputeForm) -> Dispute:
    """Checked again (FormProblems) and stored; IntegrityError if another open dispute of the audit won a race."""
    now = runtime.clock()
    with session_scope(runtime.engine) as session:
        if runtime.config.disputes.max_open_per_vendor:
            lock_filings(session)  # two filings at once cannot both take the vendor's last place
        audit = _visible_audit(session, runtime, viewer=viewer, audit_id=form.audit_id)
        problems = _problems(session, runtime, audit=audit, form=form)
        if problems:
            raise FormProblems(problems)
        return create_dispute(session, dispute=Dispute(
            audit_id=audit.audit_id, vendor=audit.vendor, agent_id=audit.agent_id, auditor_id=audit.auditor_id,
            audit_day=audit.audit_day, filer_id=viewer.user_id, proposed_label=form.proposed_label,
            reason=form.reason.strip(), evidence=form.evidence, original_label=audit.qa_decision,
            original_outcome=audit.outcome, original_category=audit.error_category, created_at=now,
            decide_due_at=now + timedelta(hours=runtime.config.disputes.decide_within_h),
            channel_id=_channel(runtime, audit.vendor)))


def may_decide(runtime: Runtime, dispute_id: int, *, viewer: Viewer) -> Dispute:
    """The dispute, if the viewer may decide it now (AccessDenied; QabotError once it is decided)."""
    with session_scope(runtime.engine) as session:
        dispute = _decidable(session, runtime, dispute_id, viewer=viewer)
    if dispute.status != DisputeStatus.OPEN.value:
        raise QabotError(f"{dispute.readable_id} was decided already ({dispute.status}); its thread says how.")
    return dispute


def deciding(runtime: Runtime, dispute_id: int, *, viewer: Viewer) -> tuple[Dispute, list[str]]:
    """The dispute a QA reviewer is about to decide, and the labels to overturn to (AccessDenied, QabotError)."""
    dispute = may_decide(runtime, dispute_id, viewer=viewer)
    with session_scope(runtime.engine) as session:
        labels = _labels(session, get_audit(session, audit_id=dispute.audit_id))
    return dispute, [label for label in labels if label.casefold() != dispute.original_label.casefold()]


def decide_dispute(runtime: Runtime, dispute_id: int, *, viewer: Viewer, overturn: bool, note: str,
                   final_label: str | None) -> Dispute | None:
    """Uphold or overturn, once (None if it was decided first); an overturn changes the audit's figures now."""
    now = runtime.clock()
    with session_scope(runtime.engine) as session:
        lock_audits(session.connection())  # first: no import changes the audit while it is decided
        dispute = _decidable(session, runtime, dispute_id, viewer=viewer)
        audit = get_audit(session, audit_id=dispute.audit_id)
        if dispute.status == DisputeStatus.OPEN.value and \
                audit.qa_decision.casefold() != dispute.original_label.casefold():
            supersede(session, audit_ids=[dispute.audit_id], now=now)
            raise QabotError(f"{dispute.readable_id}: audit {dispute.audit_id} was re-audited since "
                             f"({audit.qa_decision}); the dispute ends as superseded. File a new one if need be.")
        if not overturn:
            decided = decide(session, dispute_id=dispute_id, status=DisputeStatus.UPHELD, user_id=viewer.user_id,
                             note=note, now=now)
        else:
            outcome = outcome_of(audit.agent_decision, final_label,
                                 no_violation_labels=runtime.config.defaults.no_violation_labels)
            decided = decide(session, dispute_id=dispute_id, status=DisputeStatus.OVERTURNED, user_id=viewer.user_id,
                             note=note, now=now, final_label=final_label, final_outcome=outcome)
            if decided is not None:
                apply_final_verdict(session, audit_id=dispute.audit_id, qa_decision=final_label, outcome=outcome,
                                    now=now)
    if decided is None:
        return None
    logger.info("user %s decided %s: %s", viewer.user_id, decided.readable_id, decided.status)
    line = (f"overturned by <@{viewer.user_id}>: final verdict *{final_label}*. {note}" if overturn
            else f"QA's verdict upheld by <@{viewer.user_id}>. {note}")
    DISPUTE_MESSAGE.show_change(runtime.client, tracked=decided, line=line)
    runtime.client.chat_postMessage(channel=decided.filer_id, text=f"{decided.readable_id} on audit "
                                                                   f"{decided.audit_id}: {line}")
    return decided


def take(runtime: Runtime, dispute_id: int, *, viewer: Viewer) -> None:
    with session_scope(runtime.engine) as session:
        _decidable(session, runtime, dispute_id, viewer=viewer)
        dispute = assign(session, dispute_id=dispute_id, user_id=viewer.user_id)
    if dispute is not None:
        DISPUTE_MESSAGE.show_change(runtime.client, tracked=dispute, line=f"taken by <@{viewer.user_id}>")


LIST_USAGE = "Use `/qa disputes` (open ones), `/qa disputes mine` or `/qa disputes vendor NAME`."


@dataclass(frozen=True)
class DisputeList:
    title: str
    disputes: list[Dispute]
    """Newest first, at most LIST_LIMIT."""
    breakdown: DisputeBreakdown | None = None
    """How the last BREAKDOWN_DAYS' disputes went: a vendor's by category; every vendor's, for QA staff."""


def visible_disputes(runtime: Runtime, *, viewer: Viewer, text: str) -> DisputeList:
    """`/qa disputes [open | mine | vendor NAME]`, as the viewer may see them."""
    refuse_outsiders(viewer, f"disputes {text}".strip())
    word, _, rest = text.strip().partition(" ")
    word = word.lower() or "open"
    if word not in ("open", "mine", "vendor") or (word == "vendor") != bool(rest.strip()):
        raise QabotError(LIST_USAGE)
    since = runtime.clock() - timedelta(days=BREAKDOWN_DAYS)
    with session_scope(runtime.engine) as session:
        breakdown = None
        if word == "vendor":
            scope = allowed_scopes(session, config=runtime.config, viewer=viewer, scopes={"vendor": rest.strip()})[0]
            title, found = f"Disputes of {scope.label}", list_disputes(session, vendors=scope.values, limit=None)
            breakdown = dispute_breakdown(dispute for dispute in found if dispute.created_at >= since)
        elif word == "mine":
            title, found = "Disputes you filed", list_disputes(session, filer_id=viewer.user_id, limit=LIST_LIMIT)
        else:
            title, found = "Open disputes", list_disputes(session, statuses=[DisputeStatus.OPEN.value], limit=None)
            if viewer.qa_staff:
                breakdown = dispute_breakdown(
                    list_disputes(session, since=since, limit=None), by="vendor",
                    group_of=lambda dispute: named("vendor", dispute.vendor, config=runtime.config).label)
    visible = [dispute for dispute in found if viewer.qa_staff or viewer.works_for(dispute.vendor)]
    return DisputeList(title, visible[:LIST_LIMIT], breakdown)


def _visible_audit(session, runtime: Runtime, *, viewer: Viewer, audit_id: str) -> Audit:
    """The audit if the viewer may dispute it; else the same answer as for an id that does not exist."""
    audit = get_audit(session, audit_id=audit_id)
    if audit is not None and (viewer.qa_staff or viewer.works_for(audit.vendor)):
        return audit
    vendors = None if viewer.qa_staff else [value for key in viewer.vendors
                                            for value in _vendor_values(runtime, key)]
    close = difflib.get_close_matches(audit_id, similar_audit_ids(session, text=audit_id, vendors=vendors),
                                      n=SUGGESTIONS, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise QabotError(f"No audit {audit_id} that you can dispute.{hint} {USAGE}")


def _labels(session, audit: Audit) -> list[str]:
    """The labels agents and QA used on the audit's policy that day (one day of audits: quick at any size)."""
    day = datetime.combine(audit.audit_day, time.min, tzinfo=UTC)
    labels = decision_labels(session, queues=None, policies=[audit.policy] if audit.policy else None, since=day,
                             until=day + timedelta(days=1))
    return sorted({*labels, audit.agent_decision, audit.qa_decision})


def _vendor_values(runtime: Runtime, key: str) -> list[str]:
    vendor = runtime.config.vendors[key]
    return sorted({key, vendor.display_name(key), *vendor.aliases})


def _problems(session, runtime: Runtime, *, audit: Audit, form: DisputeForm) -> dict[str, str]:
    """The form's problems; one that stops the whole dispute goes under its first field."""
    problems = form_problems(form, qa_label=audit.qa_decision)
    refusal = _refusal(session, runtime, audit=audit)
    return {"proposed_label": refusal, **{k: v for k, v in problems.items() if k != "proposed_label"}} if refusal \
        else problems


def _refusal(session, runtime: Runtime, *, audit: Audit) -> str | None:
    config = runtime.config.disputes
    overturned = overturning_dispute_of(session, audit_id=audit.audit_id)
    if overturned is not None:
        return (f"{overturned.readable_id} already overturned this audit's verdict to {overturned.final_label}; "
                "ask QA to re-audit it if that is wrong.")
    if _channel(runtime, audit.vendor) is None:
        return "No disputes channel is set for this vendor: ask a QA lead to set [disputes].channel in config/qabot.toml."
    open_one = open_dispute_of(session, audit_id=audit.audit_id)
    return filing_refusal(
        audited_at=audit.audited_at, now=runtime.clock(), window_days=config.window_days,
        open_id=open_one.readable_id if open_one else None,
        vendor_open=open_disputes_of_vendor(session, spellings=_spellings(runtime, audit.vendor))
        if config.max_open_per_vendor
        else 0, vendor_most=config.max_open_per_vendor)


def _spellings(runtime: Runtime, vendor: str) -> list[str]:
    """Every way the data spells this vendor (its key, display name, aliases)."""
    return sorted(named("vendor", vendor, config=runtime.config).spellings)


def _channel(runtime: Runtime, vendor: str) -> str | None:
    return runtime.config.disputes.channel_for(vendor, spellings=_spellings(runtime, vendor))


def _decidable(session, runtime: Runtime, dispute_id: int, *, viewer: Viewer) -> Dispute:
    dispute = get_dispute(session, dispute_id=dispute_id)
    if dispute is None:
        raise QabotError("That dispute no longer exists.")
    require(viewer.qa_staff, viewer, dispute.readable_id, "Only QA staff decide disputes.")
    auditor = runtime.config.auditors.get(dispute.auditor_id or "")
    require(auditor is None or auditor.slack_user != viewer.user_id, viewer, dispute.readable_id,
            "You audited this one: another QA reviewer decides it (you may comment in its thread).")
    return dispute
