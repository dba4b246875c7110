import pytest

from bot.errors import UnknownScopeError
from bot.kpi.scopes import ResolvedScope, resolve, targets_for
from bot.kpi.scorecard import Targets

KNOWN = ["Acme BPO", "acme bpo", "Globex", "Initech Review"]


@pytest.mark.parametrize("typed", ["acme", "ACME", "Acme BPO", "acme-bpo", " acme "])
def test_config_names_and_aliases_find_every_spelling_in_the_data(config, typed):
    scope = resolve("vendor", typed, config=config, known_values=KNOWN)
    assert scope.label == "Acme BPO" and scope.values == ("Acme BPO", "acme bpo")
    assert scope.configured.accuracy_target == 0.95


def test_a_vendor_the_config_does_not_list_is_found_by_its_own_name(config):
    scope = resolve("vendor", "globex", config=config, known_values=KNOWN)
    assert scope == ResolvedScope("vendor", "Globex", ("Globex",))
    assert targets_for(scope, config=config) == Targets(accuracy=0.9, aht_s=100)


def test_a_configured_vendor_without_audits_resolves_with_no_values(config):
    assert resolve("vendor", "acme", config=config, known_values=[]).values == ()


def test_unknown_name_suggests_the_closest(config):
    with pytest.raises(UnknownScopeError) as caught:
        resolve("vendor", "initec", config=config, known_values=KNOWN)
    assert caught.value.suggestions == ["Initech Review"] or caught.value.suggestions[0] == "Initech Review"
    assert "No vendor called 'initec' is known. Did you mean: Initech Review" in str(caught.value)


def test_unknown_name_without_anything_close(config):
    with pytest.raises(UnknownScopeError) as caught:
        resolve("queue", "zzzz", config=config, known_values=["shop-listings"])
    assert str(caught.value) == "No queue called 'zzzz' is known."


def test_targets_fall_back_from_scope_to_agent_vendor_to_defaults(config):
    queue = resolve("queue", "video", config=config, known_values=["video-uploads"])
    assert targets_for(queue, config=config) == Targets(accuracy=0.9, aht_s=300)
    agent = ResolvedScope("agent", "a1", ("a1",))
    assert targets_for(agent, config=config, fallback=config.vendors["acme"]) == Targets(accuracy=0.95, aht_s=60)
    assert targets_for(None, config=config) == Targets(accuracy=0.9, aht_s=100)
