"""What a coaching form must hold before it is stored. Pure: the service looks the facts up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CoachingForm:
    agent_id: str
    category: str | None
    policy: str | None
    audit_ids: list[str]
    notes: str
    coach_id: str | None
    follow_up_on: date | None


@dataclass(frozen=True)
class FormFacts:
    """What the store and the config say about a submitted form."""

    today: date
    agent_of_audit: Mapping[str, str]
    """audit id -> its agent, for the cited audits that exist."""
    focus_audits: int
    """The agent's audits within the focus over the last [coaching].before_days."""
    focus_errors: int
    """Of those, the ones with an error of the focus category (or any error, with a policy only)."""
    coach_allowed: bool
    lookback_days: int


def form_problems(form: CoachingForm, facts: FormFacts) -> dict[str, str]:
    """Problems by field name (empty when the form can be stored), each saying how to fix it."""
    problems: dict[str, str] = {}
    if form.category is None and form.policy is None:
        problems["category"] = "Choose what the coaching is about: an error category, a policy, or both."
    elif not facts.focus_audits:
        field = "policy" if form.policy is not None else "category"
        problems[field] = (f"{form.agent_id} has no audits of this focus in the last {facts.lookback_days} days, "
                           "so a follow-up could not measure anything; choose another.")
    elif not facts.focus_errors and not form.audit_ids:
        problems["audit_ids"] = (f"{form.agent_id} made no errors of this focus in the last {facts.lookback_days} "
                                 "days; cite the audits the coaching is about, or choose another focus.")
    unknown = [audit_id for audit_id in form.audit_ids if audit_id not in facts.agent_of_audit]
    others = [audit_id for audit_id in form.audit_ids
              if audit_id in facts.agent_of_audit and facts.agent_of_audit[audit_id] != form.agent_id]
    if unknown:
        problems["audit_ids"] = f"No audit {', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}: one audit id a line."
    elif others:
        problems["audit_ids"] = (f"{', '.join(others[:5])}{' …' if len(others) > 5 else ''} "
                                 f"{'is an audit' if len(others) == 1 else 'are audits'} of another agent; "
                                 f"cite {form.agent_id}'s own audits.")
    if form.coach_id is None:
        problems["coach_id"] = "Choose the coach."
    elif not facts.coach_allowed:
        problems["coach_id"] = (f"The coach must be QA staff or a lead of {form.agent_id}'s vendor, and this person "
                                "is neither; choose someone who is.")
    if form.follow_up_on is None:
        problems["follow_up_on"] = "Pick the day to follow up."
    elif form.follow_up_on <= facts.today:
        problems["follow_up_on"] = (f"{form.follow_up_on:%Y-%m-%d} is not after today ({facts.today:%Y-%m-%d}); "
                                    "pick a later day, so there are audits after the coaching to measure.")
    return problems
