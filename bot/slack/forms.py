"""Reading the modals' submissions: the one place that knows where each value sits in a view."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.calibration.rules import CalibrationRequest, parse_lines, parse_list
from bot.escalations.rules import EscalationForm
from bot.slack.ids import ActionId, BlockId


def read_form(view: dict) -> EscalationForm:
    """The escalation modal's values, as typed (empty text for what was left out)."""
    values = view["state"]["values"]

    def field(block_id: str) -> dict:
        return values.get(block_id, {}).get(ActionId.FIELD_VALUE, {})

    def text(block_id: str) -> str:
        return field(block_id).get("value") or ""

    def choice(block_id: str) -> str | None:
        return (field(block_id).get("selected_option") or {}).get("value")

    return EscalationForm(
        title=text(BlockId.ESCALATION_TITLE).strip(), category=choice(BlockId.ESCALATION_CATEGORY) or "",
        severity=choice(BlockId.ESCALATION_SEVERITY) or "", vendor=choice(BlockId.ESCALATION_VENDOR),
        queue=choice(BlockId.ESCALATION_QUEUE), items=text(BlockId.ESCALATION_ITEMS),
        description=text(BlockId.ESCALATION_DESCRIPTION).strip(),
        assignee_id=field(BlockId.ESCALATION_ASSIGNEE).get("selected_user"),
    )


def read_resolution(view: dict) -> tuple[str, str]:
    values = view["state"]["values"]
    text = (values.get(BlockId.RESOLUTION_TEXT, {}).get(ActionId.FIELD_VALUE, {}).get("value") or "").strip()
    cause = (values.get(BlockId.RESOLUTION_ROOT_CAUSE, {}).get(ActionId.FIELD_VALUE, {})
             .get("selected_option") or {}).get("value") or ""
    return text, cause


def read_request(view: dict) -> CalibrationRequest:
    values = view["state"]["values"]

    def field(block_id: str) -> dict:
        return values.get(block_id, {}).get(ActionId.FIELD_VALUE, {})

    def choice(block_id: str) -> str | None:
        return (field(block_id).get("selected_option") or {}).get("value")

    due = field(BlockId.CALIBRATION_DUE).get("selected_date_time")
    return CalibrationRequest(
        queue=choice(BlockId.CALIBRATION_QUEUE), policy=choice(BlockId.CALIBRATION_POLICY),
        count_text=field(BlockId.CALIBRATION_COUNT).get("value") or "",
        item_ids=parse_lines(field(BlockId.CALIBRATION_ITEMS).get("value") or ""),
        people=list(field(BlockId.CALIBRATION_PEOPLE).get("selected_users") or []),
        groups=parse_list(field(BlockId.CALIBRATION_GROUPS).get("value") or ""),
        expert=field(BlockId.CALIBRATION_EXPERT).get("selected_user"),
        due_at=datetime.fromtimestamp(int(due), tz=UTC) if due else None,
        channel=field(BlockId.CALIBRATION_CHANNEL).get("selected_channel"),
    )


def read_judgement(view: dict, labels: list[str]) -> tuple[str | None, str]:
    """(the label picked, or None; the comment)."""
    values = view["state"]["values"]
    verdict = values.get(BlockId.CALIBRATION_VERDICT, {}).get(ActionId.FIELD_VALUE, {})
    comment = values.get(BlockId.CALIBRATION_COMMENT, {}).get(ActionId.FIELD_VALUE, {}).get("value") or ""
    index = (verdict.get("selected_option") or {}).get("value", "")
    label = labels[int(index)] if index.isdigit() and int(index) < len(labels) else None
    return label, comment.strip()


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
