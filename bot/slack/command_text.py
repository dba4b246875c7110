"""Reading what people type after `/qa`: the subcommand, a name or scopes, a quoted category, a period at the
end, agent mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import TeamConfig
from bot.errors import QabotError
from bot.kpi.scopes import SCOPE_KINDS

DEFAULT_PERIOD = "7d"
_PERIOD_AT_END = re.compile(r"^(?P<name>.*?)\s*(?P<period>\b\d+\s*d(?:ays?)?|\bsince\s+\S+|\S+\s*\.\.\s*\S+)?\s*$",
                            re.IGNORECASE)
_QUOTED = re.compile(r"[\"“”]([^\"“”]*)[\"“”]")
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


@dataclass(frozen=True)
class ScopedRequest:
    scopes: dict[str, str]
    """kind -> name, in the order typed; empty for the whole organisation (`org`)."""
    category: str | None
    period_text: str


def quoted_part(text: str, *, usage: str) -> tuple[str, str | None]:
    """`agent-7 "missed context"` -> ('agent-7', 'missed context'): the text without its one quoted part (an
    error category, straight or curly quotes), and that part."""
    quoted = _QUOTED.findall(text)
    if len(quoted) > 1 or (quoted and not quoted[0].strip()):
        raise QabotError(f"Name one error category, in quotes. {usage}")
    return _QUOTED.sub(" ", text).strip(), quoted[0].strip() if quoted else None


def parse_scoped_text(text: str, *, usage: str, config: TeamConfig) -> ScopedRequest:
    """`vendor Acme BPO queue video-uploads "missed context" 30d` -> scopes, category, period.

    Scopes combine as in `qabot kpi --vendor ... --queue ...`; a name runs until the next scope kind;
    `org` is everything the person may see. QabotError with `usage` for anything else.
    """
    rest, category = quoted_part(text, usage=usage)
    match = _PERIOD_AT_END.match(rest)
    words, period = (match.group("name").split(), match.group("period")) if match else (rest.split(), None)
    request = ScopedRequest({}, category, (period or DEFAULT_PERIOD).strip())
    if [word.lower() for word in words] == ["org"]:
        return request
    if not words or words[0].lower() not in SCOPE_KINDS:
        start = f"`{words[0]}` is not something I can look at. " if words else ""
        raise QabotError(f"{start}Start with {', '.join(SCOPE_KINDS)} or org. {usage}")
    kind, names = None, {}
    for word in words:
        if word.lower() in SCOPE_KINDS:
            kind = word.lower()
            if kind in names:
                raise QabotError(f"`{kind}` is given twice; name each kind of scope once. {usage}")
            names[kind] = []
        else:
            names[kind].append(word)
    for kind, parts in names.items():
        if not parts:
            raise QabotError(f"Say which {kind}: `{kind} NAME`. {usage}")
        name = " ".join(parts)
        request.scopes[kind] = agent_id_from(name, config=config) if kind == "agent" else name
    return request


_MARGIN_AT_END = re.compile(r"^(?P<rest>.*?)(?:^|\s+)±?(?P<points>\d+(?:\.\d+)?|\.\d+)\s*(?:pts?|points?|pp|%)?$",
                            re.IGNORECASE)
MARGIN_POINTS = (0.1, 20.0)


@dataclass(frozen=True)
class SampleRequest:
    scopes: dict[str, str]
    drop_points: float | None
    """The drop to detect, in percentage points; None when not given."""
    or_whole: dict[str, str] | None = None
    """The scopes read with a bare number at the end kept in the last name (`queue tier 2`): the reading to try
    first, since a name may end in a number; None when the number had a unit or there was none."""


def parse_sample_text(text: str, *, usage: str, config: TeamConfig) -> SampleRequest:
    """`vendor acme 2pt` -> ({'vendor': 'acme'}, 2.0): a scope as for `/qa errors`, then maybe a margin in points
    (`2`, `2pt`, `1.5 points`). The plan reads whole weeks of its own, so a period or a category is refused."""
    match = _MARGIN_AT_END.match(text.strip())
    rest, points = (match.group("rest"), float(match.group("points"))) if match else (text, None)
    if points is not None and not MARGIN_POINTS[0] <= points <= MARGIN_POINTS[1]:
        raise QabotError(f"The margin is a drop in accuracy points between {MARGIN_POINTS[0]:g} and "
                         f"{MARGIN_POINTS[1]:g}, like `2` or `1.5pt`, not {points:g}. {usage}")
    period = _PERIOD_AT_END.match(rest.strip())
    if period and period.group("period"):
        raise QabotError(f"The sample plan always reads the last 4 full weeks, so it takes no period "
                         f"(`{period.group('period').strip()}`); the number at the end is the drop to detect, "
                         f"in points. {usage}")
    request = parse_scoped_text(rest, usage=usage, config=config)
    if request.category is not None:
        raise QabotError(f"The sample plan covers every error; leave out the category in quotes. {usage}")
    bare = match is not None and match.group("points") == text.strip().split()[-1]
    whole = parse_scoped_text(text, usage=usage, config=config).scopes if bare else None
    return SampleRequest(request.scopes, points, whole)


_REVIEW_PERIOD_AT_END = re.compile(r"^(?P<rest>.*?)\s+(?P<period>week|month|quarter|\d+\s*w(?:eeks?)?)\s*$",
                                   re.IGNORECASE)
_TEAM_AT_START = re.compile(r"^team\s+(?P<rest>\S.*)$", re.IGNORECASE)
DEFAULT_REVIEW_PERIOD = "week"


@dataclass(frozen=True)
class ReviewRequest:
    scopes: dict[str, str]
    """Empty for the org, or for a team."""
    team: str | None
    period_text: str
    """As typed (`week`, `13w`, `30d`, `a..b`), the previous week when none was."""


def parse_review_text(text: str, *, usage: str, config: TeamConfig) -> ReviewRequest:
    """`team NAME [period]`, or a scope as the scorecards take it followed by `week`, `month`, `quarter`, `Nw` or
    the other commands' periods (`30d`, `since ...`, `a..b`)."""
    cleaned = text.strip()
    team = _TEAM_AT_START.match(cleaned)
    rest = team.group("rest").strip() if team else cleaned
    review_period = _REVIEW_PERIOD_AT_END.match(rest)
    if review_period:
        rest, period_text = review_period.group("rest").strip(), review_period.group("period")
    else:
        other = _PERIOD_AT_END.match(rest)
        period_text = other.group("period").strip() if other and other.group("period") else DEFAULT_REVIEW_PERIOD
        if team and other and other.group("period"):
            rest = other.group("name").strip()
    if team:
        return ReviewRequest({}, rest, period_text)
    return ReviewRequest(parse_scoped_text(rest, usage=usage, config=config).scopes, None, period_text)
