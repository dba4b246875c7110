"""Who sees what. Quality figures about people are sensitive, and vendors share the workspace.

- QA staff (config [access].qa_staff, users or user groups) see every scope.
- A vendor's members ([vendors.X].members, and its leads) see their own vendor, its agents,
  and any queue or policy narrowed to their vendor(s); nothing else, not even which other
  agents exist. Its leads also record coaching of its agents.
- Everyone else is refused before anything is looked up, and the refusal is logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from bot.config import TeamConfig
from bot.errors import AccessDenied
from bot.kpi.scopes import ResolvedScope

if TYPE_CHECKING:  # Bolt is needed only by the server, not by the terminal's commands
    from slack_bolt import App, BoltContext

logger = logging.getLogger(__name__)
GROUP_CACHE_SECONDS = 300
OUTSIDER_MESSAGE = ("You are not on the QA staff or a vendor's member list, so I can't show quality figures. "
                    "Ask a QA lead to add you in config/qabot.toml.")


class Viewer:
    """The person asking: QA staff, a member of some vendors, or neither.

    Built for every request by a middleware (see `register`) without any lookup: user-group
    membership is fetched on first use, inside the listener, so a failing Slack lookup is
    answered like any other error.
    """

    def __init__(self, user_id: str, *, config: TeamConfig, groups: GroupDirectory):
        self.user_id = user_id
        self._config = config
        self._groups = groups
        self._qa_staff: bool | None = None
        self._vendors: frozenset[str] | None = None

    # Memoised by hand: Python 3.11's cached_property holds one lock for all instances while it computes,
    # so one request waiting on Slack's usergroups API would hold up every other.
    @property
    def qa_staff(self) -> bool:
        if self._qa_staff is None:
            self._qa_staff = self._groups.contains(self._config.access.qa_staff, self.user_id)
        return self._qa_staff

    @property
    def vendors(self) -> frozenset[str]:
        """Config keys of the vendors the user is a member of."""
        if self._vendors is None:
            self._vendors = frozenset(key for key, vendor in self._config.vendors.items()
                                      if self._groups.contains([*vendor.members, *vendor.leads], self.user_id))
        return self._vendors

    @property
    def leads_a_vendor(self) -> bool:
        return any(self._groups.contains(vendor.leads, self.user_id) for vendor in self._config.vendors.values())

    def leads(self, vendor_name: str | None) -> bool:
        """Is the user one of the leads of `vendor_name` (as stored, in any of its spellings)?"""
        return vendor_name is not None and any(
            vendor_name.casefold() in vendor.spellings(key) and self._groups.contains(vendor.leads, self.user_id)
            for key, vendor in self._config.vendors.items())

    def is_one_of(self, ids: list[str]) -> bool:
        """Is the user one of `ids` (users, or user groups S...)?"""
        return self._groups.contains(ids, self.user_id)

    @property
    def vendor_spellings(self) -> frozenset[str]:
        """Every casefolded way of writing the user's vendors (config keys, names, aliases)."""
        return frozenset().union(*(self._config.vendors[key].spellings(key) for key in self.vendors))

    def works_for(self, vendor_name: str | None) -> bool:
        """Is `vendor_name` (as stored) one of the user's vendors, in any of its spellings?"""
        return vendor_name is not None and vendor_name.casefold() in self.vendor_spellings

    def __repr__(self) -> str:
        return f"Viewer({self.user_id})"


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


def register(app: App, *, config: TeamConfig, groups: GroupDirectory) -> None:
    """Every listener may take `viewer`: the person whose request it is (None when Slack names nobody)."""

    @app.middleware
    def hand_viewer(context: BoltContext, next) -> None:  # noqa: A002  (Bolt's name for the chain)
        context["viewer"] = Viewer(context.user_id, config=config, groups=groups) if context.user_id else None
        next()


# Named rules: who may do what. A refusal goes through `require`, so every one is logged the same way.


def require(allowed: bool, viewer: Viewer, asked: str, refusal: str) -> None:
    """AccessDenied(refusal), logged, unless `allowed`."""
    if not allowed:
        log_refusal(viewer, asked)
        raise AccessDenied(refusal)


def is_member(viewer: Viewer) -> bool:
    """QA staff or a vendor's member: may file and acknowledge escalations and see their own figures."""
    return viewer.qa_staff or bool(viewer.vendors)


def refuse_outsiders(viewer: Viewer, asked: str) -> None:
    """Stop anyone who is neither QA staff nor a vendor member, before any lookup."""
    require(is_member(viewer), viewer, asked, OUTSIDER_MESSAGE)


def require_qa_staff(viewer: Viewer, asked: str) -> None:
    require(viewer.qa_staff, viewer, asked, "Only QA staff can run calibration sessions; ask a QA lead to add you "
                                            "to [access].qa_staff in config/qabot.toml.")


def may_close_escalation(viewer: Viewer, *, assignee_id: str | None, reporter_id: str) -> bool:
    """Only the assignee, QA staff and the reporter may resolve or reopen."""
    return viewer.qa_staff or viewer.user_id in (assignee_id, reporter_id)


def may_acknowledge_alert(viewer: Viewer, *, owners: list[str], vendor: str | None) -> bool:
    """QA staff, the rule's owners, and members of the vendor the alert is about."""
    return viewer.qa_staff or viewer.is_one_of(owners) or viewer.works_for(vendor)


def may_see_calibration(viewer: Viewer, *, requester_id: str, participant_ids: set[str]) -> bool:
    return viewer.qa_staff or viewer.user_id == requester_id or viewer.user_id in participant_ids


def may_coach(viewer: Viewer, *, vendor: str | None) -> bool:
    """QA staff, and the leads of the agent's vendor, record and close coaching."""
    return viewer.qa_staff or viewer.leads(vendor)


def may_coach_someone(viewer: Viewer) -> bool:
    """Whether to offer the Coach button at all (the form checks the agent's vendor when it opens)."""
    return viewer.qa_staff or viewer.leads_a_vendor


def not_visible(viewer: Viewer, kind: str, name: str) -> AccessDenied:
    """The same answer for 'does not exist' and 'not yours', so nothing leaks either way."""
    log_refusal(viewer, f"{kind} {name}")
    return AccessDenied(f"No {kind} called '{name}' that you can see.")


def authorise(
    viewer: Viewer,
    resolved: list[ResolvedScope],
    *,
    config: TeamConfig,
    agent_vendors: Mapping[str, Sequence[str]],
    own_vendors: Sequence[ResolvedScope],
) -> list[ResolvedScope]:
    """The scope the viewer may see: as asked, narrowed to their vendor(s), or AccessDenied.

    `agent_vendors`: the vendors each asked-for agent (by label) worked for; `own_vendors`:
    the viewer's vendors, resolved. Both matter only for vendor members.
    """
    asked = ", ".join(f"{scope.kind} {scope.label}" for scope in resolved) or "the whole organisation"
    refuse_outsiders(viewer, asked)
    if viewer.qa_staff:
        return resolved
    own_names = viewer.vendor_spellings
    names = " and ".join(config.vendors[key].display_name(key) for key in viewer.vendors)
    for scope in resolved:
        if scope.kind == "vendor" and scope.label.casefold() not in own_names:
            log_refusal(viewer, asked)
            raise AccessDenied(f"You can see {names} only.")
        if scope.kind == "agent":
            vendors = {name.casefold() for name in agent_vendors.get(scope.label, ())}
            if not vendors or not vendors <= own_names:
                raise not_visible(viewer, "agent", scope.label)
    if not narrowed_to_own_vendors(resolved):
        return resolved
    narrowed = own_vendors[0] if len(own_vendors) == 1 else ResolvedScope(
        "vendor", " + ".join(scope.label for scope in own_vendors),
        tuple(v for scope in own_vendors for v in scope.values))
    return [*resolved, narrowed]


def narrowed_to_own_vendors(resolved: list[ResolvedScope]) -> bool:
    """A vendor member asking about no vendor or agent (a queue, the org) sees it within their own vendors."""
    return not any(scope.kind in ("vendor", "agent") for scope in resolved)


def log_refusal(viewer: Viewer, asked: str) -> None:
    """Every refusal leaves the same warning, so who was turned away from what can be found in the log."""
    logger.warning("access refused: user %s asked for %s", viewer.user_id, asked)
