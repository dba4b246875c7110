"""Reading what people type after `/qa`: the subcommand, a name, a period at the end, agent mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import TeamConfig
from bot.errors import QabotError

DEFAULT_PERIOD = "7d"
_PERIOD_AT_END = re.compile(r"^(?P<name>.*?)\s*(?P<period>\b\d+\s*d(?:ays?)?|\bsince\s+\S+|\S+\s*\.\.\s*\S+)?\s*$",
                            re.IGNORECASE)
_MENTION = re.compile(r"^<@(?P<user>[UW][A-Z0-9]+)(?:\|[^>]*)?>$")


@dataclass(frozen=True)
class QaRequest:
    subcommand: str
    name: str
    period_text: str


def parse_qa_text(text: str) -> QaRequest:
    """`vendor Acme BPO 30d` -> ('vendor', 'Acme BPO', '30d')."""
    subcommand, _, rest = text.strip().partition(" ")
    match = _PERIOD_AT_END.match(rest.strip())
    name, period = (match.group("name"), match.group("period")) if match else (rest, None)
    return QaRequest(subcommand.lower(), name.strip(), (period or DEFAULT_PERIOD).strip())


def words_after_subcommand(text: str) -> str:
    """`escalations mine` -> `mine`: what a subcommand reads itself."""
    return text.strip().partition(" ")[2].strip()


def agent_id_from(text: str, *, config: TeamConfig) -> str:
    """An agent typed as an id, or as a Slack mention linked in the config's [agents]."""
    mention = _MENTION.match(text.strip())
    if not mention:
        return text
    user = mention.group("user")
    for agent_id, agent in config.agents.items():
        if agent.slack_user == user:
            return agent_id
    raise QabotError(f"<@{user}> is not linked to an agent id. QA leads can link them in config/qabot.toml: "
                     f"`[agents.AGENT_ID]` with `slack_user = \"{user}\"`. Or type the agent id.")
