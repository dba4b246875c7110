"""Every Slack id the bot uses (action, block, callback ids), named once."""

from enum import StrEnum

COMMAND = "/qa"


class ActionId(StrEnum):
    SHARE_SCORECARD = "scorecard_share"
    FIELD_VALUE = "value"
    """The one input element inside each modal input block."""
    ESCALATION_ACKNOWLEDGE = "escalation_acknowledge"
    ESCALATION_ASSIGN = "escalation_assign_me"
    ESCALATION_RESOLVE = "escalation_resolve"
    ESCALATION_REOPEN = "escalation_reopen"
    ALERT_ACKNOWLEDGE = "alert_acknowledge"
    CALIBRATION_START = "calibration_start"


class CallbackId(StrEnum):
    ESCALATION_MODAL = "escalation_modal"
    RESOLUTION_MODAL = "escalation_resolution_modal"
    ESCALATE_SHORTCUT = "escalate_message"
    CALIBRATION_MODAL = "calibration_modal"
    CALIBRATION_JUDGE = "calibration_judge"


class BlockId(StrEnum):
    SCORECARD_ACTIONS = "scorecard_actions"
    SCORECARD_CHART = "scorecard_chart"
    ERRORS_CHART = "errors_chart"
    ESCALATION_TITLE = "title"
    ESCALATION_CATEGORY = "category"
    ESCALATION_SEVERITY = "severity"
    ESCALATION_VENDOR = "vendor"
    ESCALATION_QUEUE = "queue"
    ESCALATION_ITEMS = "items"
    ESCALATION_DESCRIPTION = "description"
    ESCALATION_ASSIGNEE = "assignee"
    ESCALATION_ACTIONS = "escalation_actions"
    RESOLUTION_TEXT = "resolution"
    RESOLUTION_ROOT_CAUSE = "root_cause"
    ALERT_ACTIONS = "alert_actions"
    CALIBRATION_QUEUE = "cal_queue"
    CALIBRATION_POLICY = "cal_policy"
    CALIBRATION_COUNT = "cal_count"
    CALIBRATION_ITEMS = "cal_items"
    CALIBRATION_PEOPLE = "cal_people"
    CALIBRATION_GROUPS = "cal_groups"
    CALIBRATION_EXPERT = "cal_expert"
    CALIBRATION_DUE = "cal_due"
    CALIBRATION_CHANNEL = "cal_channel"
    CALIBRATION_VERDICT = "cal_verdict"
    CALIBRATION_COMMENT = "cal_comment"
    CALIBRATION_ACTIONS = "cal_actions"
