import logging

import pytest

from bot.errors import AccessDenied
from bot.kpi.scopes import ResolvedScope
from bot.slack.access import GroupDirectory, Viewer, authorise

ACME = ResolvedScope("vendor", "Acme BPO", ("Acme BPO",))
GLOBEX = ResolvedScope("vendor", "Globex", ("Globex",))
QUEUE = ResolvedScope("queue", "shop-listings", ("shop-listings",))
AGENT = ResolvedScope("agent", "agent-1", ("agent-1",))


def check(viewer_id, scopes, slack_config, *, agent_vendors=("Acme BPO",)):
    fetched = []
    groups = GroupDirectory(lambda group: fetched.append(group) or ["UQAGROUP1"])
    viewer = Viewer(viewer_id, config=slack_config, groups=groups)
    return authorise(viewer, scopes, config=slack_config, agent_vendors={AGENT.label: list(agent_vendors)},
                     own_vendors=[ACME])


def test_qa_staff_directly_or_through_a_group_see_everything(slack_config):
    assert check("UQALEAD01", [GLOBEX], slack_config) == [GLOBEX]
    assert check("UQAGROUP1", [AGENT], slack_config, agent_vendors=["Globex"]) == [AGENT]


def test_vendor_members_are_narrowed_to_their_vendor(slack_config):
    assert check("UACME0001", [ACME], slack_config) == [ACME]
    assert check("UACME0001", [QUEUE], slack_config) == [QUEUE, ACME]
    assert check("UACME0001", [AGENT], slack_config) == [AGENT]
    with pytest.raises(AccessDenied, match="You can see Acme BPO only."):
        check("UACME0001", [GLOBEX], slack_config)
    with pytest.raises(AccessDenied, match="No agent called 'agent-1' that you can see."):
        check("UACME0001", [AGENT], slack_config, agent_vendors=["Acme BPO", "Globex"])


def test_members_of_two_vendors_see_a_queue_across_both(slack_config):
    raw = slack_config.model_dump(exclude_none=True)
    raw["vendors"]["globex"] = {"name": "Globex", "members": ["UACME0001"]}
    config = slack_config.model_validate(raw)
    viewer = Viewer("UACME0001", config=config, groups=GroupDirectory(lambda group: []))
    narrowed = authorise(viewer, [QUEUE], config=config, agent_vendors={}, own_vendors=[ACME, GLOBEX])
    assert narrowed[1] == ResolvedScope("vendor", "Acme BPO + Globex", ("Acme BPO", "Globex"))


def test_others_are_refused_and_logged(slack_config, caplog):
    with caplog.at_level(logging.WARNING), pytest.raises(AccessDenied, match="Ask a QA lead"):
        check("USTRANGER", [], slack_config)
    assert "access refused: user USTRANGER asked for the whole organisation" in caplog.text


def test_group_members_are_cached():
    calls = []
    clock = [0.0]
    groups = GroupDirectory(lambda group: calls.append(group) or ["U1"], clock=lambda: clock[0])
    assert groups.contains(["S1"], "U1") and groups.contains(["S1"], "U1")
    clock[0] = 301
    assert not groups.contains(["S1"], "U2")
    assert calls == ["S1", "S1"]
