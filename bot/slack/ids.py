"""Every Slack id the bot uses (action, block, callback ids), named once."""

from enum import StrEnum

COMMAND = "/qa"


class ActionId(StrEnum):
    SHARE_SCORECARD = "scorecard_share"


class BlockId(StrEnum):
    SCORECARD_ACTIONS = "scorecard_actions"
    SCORECARD_CHART = "scorecard_chart"
