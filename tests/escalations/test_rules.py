from datetime import UTC, datetime, timedelta

from bot.config import parse_team_config
from bot.escalations.config import Escalations
from bot.escalations.rules import EscalationForm, clean_items, deadlines, form_problems, route

CONFIG = parse_team_config({"escalations": {
    "default_channel": "C0DEFAULT", "sla": {"P0": {"acknowledge_min": 10, "resolve_min": 120}},
    "routes": [{"channel": "C0IP", "categories": ["IP rights complaint"]},
               {"channel": "C0ACME", "vendors": ["Acme BPO"], "queues": ["ads-review"]}]}}, origin="t").escalations


def form(**changes) -> EscalationForm:
    base = dict(title="Counterfeit sneakers approved", category="missed violation", severity="P1",
                vendor=None, queue=None, items="", description="", assignee_id=None)
    return EscalationForm(**{**base, **changes})


def test_a_good_form_has_no_problems():
    assert form_problems(form(items="item-1\nhttps://shop.example.com/l/9\n\n www.example.com/x "),
                         config=CONFIG) == {}


def test_each_problem_is_named_next_to_its_field():
    problems = form_problems(form(title=" ", category="", severity="P9", description="d" * 3001,
                                  items="item-1\nhttps://\nitem 2"), config=CONFIG)
    assert problems == {
        "title": "Give the escalation a title, e.g. 'Counterfeit sneakers approved in shop-listings'.",
        "category": "Choose a category.",
        "severity": "Choose a severity.",
        "description": "Keep the description to 3000 characters (it has 3001).",
        "items": "Line 2: 'https://' is not a URL I can read; paste the full link, e.g. https://example.com/item/123.",
    }
    assert form_problems(form(title="t" * 151), config=CONFIG)["title"] == \
        "Keep the title to 150 characters (it has 151)."
    assert form_problems(form(items="a b"), config=CONFIG)["items"] == \
        "Line 1: 'a b' has spaces; put one item id or URL on each line."


def test_deadlines_follow_the_configured_sla():
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert deadlines("P0", now=now, config=CONFIG) == (now + timedelta(minutes=10), now + timedelta(hours=2))
    assert deadlines("P2", now=now, config=Escalations()) == (now + timedelta(hours=4), now + timedelta(days=3))


def test_routing_takes_the_first_match_then_the_default():
    assert route(form(category="IP rights complaint", vendor="Acme BPO"), config=CONFIG) == "C0IP"
    assert route(form(vendor="acme bpo"), config=CONFIG) == "C0ACME"
    assert route(form(queue="ads-review"), config=CONFIG) == "C0ACME"
    assert route(form(vendor="Globex"), config=CONFIG) == "C0DEFAULT"
    assert route(form(), config=Escalations()) is None


def test_items_are_cleaned_one_a_line():
    assert clean_items(" a \n\n b\n") == "a\nb"
