"""Who sees what. Quality figures about people are sensitive, and vendors share the workspace.

- QA staff (config [access].qa_staff, users or user groups) see every scope.
- A vendor's members ([vendors.X].members) see their own vendor, its agents, and any
  queue or policy narrowed to their vendor; nothing else.
- Everyone else is refused, and the refusal is logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import TeamConfig
from bot.errors import QabotError
from bot.kpi.scopes import ResolvedScope

logger = logging.getLogger(__name__)
GROUP_CACHE_SECONDS = 300


class AccessDenied(QabotError):
    """The user may not see this scope."""


@dataclass(frozen=True)
class Viewer:
    user_id: str
    qa_staff: bool
    vendors: frozenset[str]
    """Config keys of the vendors the user is a member of."""


class GroupDirectory:
    """Members of Slack user groups, fetched with usergroups.users.list and kept a few minutes."""

    def __init__(self, fetch: Callable[[str], list[str]], *, clock: Callable[[], float] = time.monotonic):
        self._fetch = fetch
        self._clock = clock
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_slack(cls, client) -> GroupDirectory:
        """Members looked up with the Web API (usergroups.users.list)."""
        return cls(lambda group: client.usergroups_users_list(usergroup=group)["users"])

    def members(self, group_id: str) -> frozenset[str]:
        with self._lock:
            cached = self._cache.get(group_id)
            if cached and self._clock() - cached[0] < GROUP_CACHE_SECONDS:
                return cached[1]
        members = frozenset(self._fetch(group_id))
        with self._lock:
            self._cache[group_id] = (self._clock(), members)
        return members

    def contains(self, ids: list[str], user_id: str) -> bool:
        """Is the user one of `ids`, directly or through a user group (S...)?"""
        return user_id in ids or any(user_id in self.members(i) for i in ids if i.startswith("S"))


def viewer_for(user_id: str, *, config: TeamConfig, groups: GroupDirectory) -> Viewer:
    return Viewer(
        user_id=user_id,
        qa_staff=groups.contains(config.access.qa_staff, user_id),
        vendors=frozenset(key for key, vendor in config.vendors.items() if groups.contains(vendor.members, user_id)),
    )


def authorise(
    viewer: Viewer,
    resolved: list[ResolvedScope],
    *,
    config: TeamConfig,
    vendors_of_agent: Callable[[ResolvedScope], list[str]],
    resolve_vendor: Callable[[str], ResolvedScope],
) -> list[ResolvedScope]:
    """The scope the viewer may see: as asked, narrowed to their vendor, or AccessDenied."""
    if viewer.qa_staff:
        return resolved
    asked = ", ".join(f"{scope.kind} {scope.label}" for scope in resolved) or "the whole organisation"
    if not viewer.vendors:
        _refuse(viewer, asked)
        raise AccessDenied("You are not on the QA staff or a vendor's member list, so I can't show quality "
                           "figures. Ask a QA lead to add you in config/qabot.toml.")
    own = {key: config.vendors[key] for key in viewer.vendors}
    own_names = {name.casefold() for key, vendor in own.items() for name in (key, vendor.name or key, *vendor.aliases)}
    for scope in resolved:
        if scope.kind == "vendor" and scope.label.casefold() not in own_names:
            _refuse(viewer, asked)
            raise AccessDenied(f"You can see {_names(own)} only, not {scope.label}.")
        if scope.kind == "agent":
            agent_vendors = {name.casefold() for name in vendors_of_agent(scope)}
            if not agent_vendors or not agent_vendors <= own_names:
                _refuse(viewer, asked)
                raise AccessDenied(f"{scope.label} is not an agent of {_names(own)}.")
    if any(scope.kind in ("vendor", "agent") for scope in resolved):
        return resolved
    if len(own) > 1:
        raise AccessDenied(f"You belong to several vendors ({_names(own)}): add one, e.g. `vendor {next(iter(own))}`.")
    return [*resolved, resolve_vendor(next(iter(own)))]


def _names(vendors: dict) -> str:
    return " and ".join(vendor.name or key for key, vendor in vendors.items())


def _refuse(viewer: Viewer, asked: str) -> None:
    logger.warning("access refused: user %s asked for %s", viewer.user_id, asked)
