"""Every Slack id the bot uses (action, block, callback ids), named once."""

from enum import StrEnum

COMMAND = "/qa"


class ActionId(StrEnum):
    SHARE_SCORECARD = "scorecard_share"
    FIELD_VALUE = "value"
    """The one input element inside each modal input block."""


class CallbackId(StrEnum):
    ESCALATION_MODAL = "escalation_modal"


class BlockId(StrEnum):
    SCORECARD_ACTIONS = "scorecard_actions"
    SCORECARD_CHART = "scorecard_chart"
    ESCALATION_TITLE = "title"
    ESCALATION_CATEGORY = "category"
    ESCALATION_SEVERITY = "severity"
    ESCALATION_VENDOR = "vendor"
    ESCALATION_QUEUE = "queue"
    ESCALATION_ITEMS = "items"
    ESCALATION_DESCRIPTION = "description"
    ESCALATION_ASSIGNEE = "assignee"
