"""Reading the modals' submissions: the one place that knows where each value sits in a view.

Each form's field names (the names its rules key problems by) are mapped to their block ids
once; the readers find values through that map and `field_errors` words problems for Slack.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.calibration.rules import CalibrationRequest, parse_lines, parse_list
from bot.coaching.rules import CoachingForm
from bot.disputes.rules import DisputeForm
from bot.escalations.rules import EscalationForm
from bot.slack.ids import ActionId, BlockId

ESCALATION_FIELDS = {
    "title": BlockId.ESCALATION_TITLE, "category": BlockId.ESCALATION_CATEGORY,
    "severity": BlockId.ESCALATION_SEVERITY, "vendor": BlockId.ESCALATION_VENDOR, "queue": BlockId.ESCALATION_QUEUE,
    "items": BlockId.ESCALATION_ITEMS, "description": BlockId.ESCALATION_DESCRIPTION,
    "assignee_id": BlockId.ESCALATION_ASSIGNEE,
}
RESOLUTION_FIELDS = {"resolution": BlockId.RESOLUTION_TEXT, "root_cause": BlockId.RESOLUTION_ROOT_CAUSE}
REQUEST_FIELDS = {
    "queue": BlockId.CALIBRATION_QUEUE, "policy": BlockId.CALIBRATION_POLICY, "count_text": BlockId.CALIBRATION_COUNT,
    "item_ids": BlockId.CALIBRATION_ITEMS, "people": BlockId.CALIBRATION_PEOPLE,
    "groups": BlockId.CALIBRATION_GROUPS, "expert": BlockId.CALIBRATION_EXPERT, "due_at": BlockId.CALIBRATION_DUE,
    "channel": BlockId.CALIBRATION_CHANNEL,
}
JUDGEMENT_FIELDS = {"verdict": BlockId.CALIBRATION_VERDICT, "comment": BlockId.CALIBRATION_COMMENT}
DISPUTE_FIELDS = {"proposed_label": BlockId.DISPUTE_LABEL, "reason": BlockId.DISPUTE_REASON,
                  "evidence": BlockId.DISPUTE_EVIDENCE}
DECISION_FIELDS = {"final_label": BlockId.DECISION_LABEL, "note": BlockId.DECISION_NOTE}
COACHING_FIELDS = {
    "category": BlockId.COACHING_CATEGORY, "policy": BlockId.COACHING_POLICY, "audit_ids": BlockId.COACHING_AUDITS,
    "notes": BlockId.COACHING_NOTES, "coach_id": BlockId.COACHING_COACH, "follow_up_on": BlockId.COACHING_FOLLOW_UP,
}


def field_errors(problems: Mapping[str, str], *, fields: Mapping[str, BlockId], view: dict | None = None,
                 fallback: str | None = None) -> dict[str, str]:
    """Problems by field name, keyed by block id as `response_action: errors` shows them under each field.

    With `view`, a problem about a field the form left out (no choices to offer) goes under `fallback`."""
    shown = {block.get("block_id") for block in view["blocks"]} if view is not None else set(fields.values())
    errors: dict[str, str] = {}
    for name, problem in problems.items():
        block = fields[name] if fields[name] in shown else fields[fallback]
        errors[block] = f"{errors[block]} {problem}" if block in errors else problem
    return errors


def read_form(view: dict) -> EscalationForm:
    """The escalation modal's values, as typed (empty text for what was left out)."""
    field = _fields(view, ESCALATION_FIELDS)
    return EscalationForm(
        title=_text(field("title")).strip(), category=_choice(field("category")) or "",
        severity=_choice(field("severity")) or "", vendor=_choice(field("vendor")),
        queue=_choice(field("queue")), items=_text(field("items")),
        description=_text(field("description")).strip(),
        assignee_id=field("assignee_id").get("selected_user"),
    )


def read_resolution(view: dict) -> tuple[str, str]:
    field = _fields(view, RESOLUTION_FIELDS)
    return _text(field("resolution")).strip(), _choice(field("root_cause")) or ""


def read_request(view: dict) -> CalibrationRequest:
    field = _fields(view, REQUEST_FIELDS)
    due = field("due_at").get("selected_date_time")
    return CalibrationRequest(
        queue=_choice(field("queue")), policy=_choice(field("policy")),
        count_text=_text(field("count_text")),
        item_ids=parse_lines(_text(field("item_ids"))),
        people=list(field("people").get("selected_users") or []),
        groups=parse_list(_text(field("groups"))),
        expert=field("expert").get("selected_user"),
        due_at=datetime.fromtimestamp(int(due), tz=UTC) if due else None,
        channel=field("channel").get("selected_channel"),
    )


def read_judgement(view: dict) -> tuple[int | None, str]:
    """(the place of the verdict picked among the session's labels, or None; the comment)."""
    field = _fields(view, JUDGEMENT_FIELDS)
    index = _choice(field("verdict")) or ""
    return (int(index) if index.isdigit() else None), _text(field("comment")).strip()


def read_coaching(view: dict) -> CoachingForm:
    field = _fields(view, COACHING_FIELDS)
    follow_up = field("follow_up_on").get("selected_date")
    return CoachingForm(
        agent_id=json.loads(view["private_metadata"])["agent"],
        category=_choice(field("category")), policy=_choice(field("policy")),
        audit_ids=parse_lines(_text(field("audit_ids"))), notes=_text(field("notes")).strip(),
        coach_id=field("coach_id").get("selected_user"),
        follow_up_on=date.fromisoformat(follow_up) if follow_up else None,
    )


def read_dispute(view: dict) -> DisputeForm:
    field = _fields(view, DISPUTE_FIELDS)
    return DisputeForm(audit_id=json.loads(view["private_metadata"])["audit"],
                       proposed_label=_choice(field("proposed_label")), reason=_text(field("reason")).strip(),
                       evidence=_text(field("evidence")).strip())


@dataclass(frozen=True)
class Decision:
    dispute_id: int
    overturn: bool
    final_label: str | None
    note: str


def read_decision(view: dict) -> Decision:
    field = _fields(view, DECISION_FIELDS)
    metadata = json.loads(view["private_metadata"])
    return Decision(int(metadata["dispute"]), bool(metadata["overturn"]), _choice(field("final_label")),
                    _text(field("note")).strip())


def judging_position(view: dict) -> tuple[int, int]:
    """(session id, item position) the judging view was about."""
    metadata = json.loads(view.get("private_metadata") or "{}")
    return int(metadata["session"]), int(metadata["position"])


def source_permalink(view: dict) -> str | None:
    """The link of the message an escalation was filed from, if it was."""
    return json.loads(view.get("private_metadata") or "{}").get("permalink")


def resolving(view: dict) -> int:
    """The id of the escalation the resolution modal resolves."""
    return int(view["private_metadata"])


def _fields(view: dict, fields: Mapping[str, BlockId]) -> Callable[[str], dict]:
    """A form's input elements as submitted, found by field name (empty for a field left out)."""
    values = view["state"]["values"]
    return lambda name: values.get(fields[name], {}).get(ActionId.FIELD_VALUE, {})


def _text(element: dict) -> str:
    return element.get("value") or ""


def _choice(element: dict) -> str | None:
    return (element.get("selected_option") or {}).get("value")
