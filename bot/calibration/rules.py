"""Checking a calibration request before anything is stored. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.calibration.config import Calibration

SHORTEST_SESSION = timedelta(minutes=30)
_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")


@dataclass(frozen=True)
class CalibrationRequest:
    queue: str | None
    policy: str | None
    count_text: str
    item_ids: list[str]
    people: list[str]
    groups: list[str]
    expert: str | None
    due_at: datetime | None
    channel: str | None


def parse_list(text: str) -> list[str]:
    """Ids typed one a line or separated by commas or spaces, in order, without repeats."""
    return list(dict.fromkeys(token for token in re.split(r"[\s,]+", text) if token))


def parse_lines(text: str) -> list[str]:
    """Item ids or links, one a line (a link may hold commas), in order, without repeats."""
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def too_few_judges(people: list[str], *, expert: str | None) -> str | None:
    """The problem with the participants once user groups are expanded, if any."""
    judges = [person for person in people if person != expert]
    if len(judges) < 2:
        return (f"A session needs at least two participants besides the expert; these make {len(judges)}. "
                "Add people, or a user group with members.")
    return None


def request_problems(form: CalibrationRequest, *, now: datetime, config: Calibration) -> dict[str, str]:
    """Field name -> what is wrong and how to fix it; empty when the request can go ahead."""
    problems: dict[str, str] = {}
    if not form.queue and not form.policy:
        problems["queue"] = "Pick a queue, a policy, or both: the items come from its audits."
    if form.item_ids:
        if len(form.item_ids) > config.max_items:
            problems["item_ids"] = f"{len(form.item_ids)} items; a session takes at most {config.max_items}."
    elif not form.count_text.strip().isdigit() or not 1 <= int(form.count_text) <= config.max_items:
        problems["count_text"] = (f"Type a whole number of items from 1 to {config.max_items}, "
                                  "or list item ids below.")
    bad_groups = [group for group in form.groups if not _GROUP_ID.match(group)]
    if bad_groups:
        problems["groups"] = (f"{', '.join(bad_groups)}: not a user group id. Use ids like "
                              "S0123ABCD (in Slack: the group's profile > Copy group ID).")
    if not form.people and not form.groups:
        problems["people"] = "Pick at least two people, or a user group."
    if form.due_at is None:
        problems["due_at"] = "Pick when judging must be finished."
    elif form.due_at < now + SHORTEST_SESSION:
        problems["due_at"] = "Pick a time at least 30 minutes from now."
    if not form.channel:
        problems["channel"] = "Pick the channel for the results."
    return problems
