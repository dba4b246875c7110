"""Block Kit and text of sample plans at the edges: no audits at all, a drop caught within days."""

from __future__ import annotations

import json
from datetime import date

from bot.kpi.periods import Period
from bot.kpi.scorecard import Counts
from bot.render.sample_blocks import sample_blocks
from bot.render.sample_text import sample_text, terminal_scope
from bot.sampling.plan import build_plan
from bot.slack.limits import block_problems

FOUR_WEEKS = Period(date(2026, 10, 25), date(2026, 11, 21))


def plan(counts: Counts, *, drop: float = 0.02):
    return build_plan(label="Acme BPO", scopes={"vendor": "Acme BPO"}, period=FOUR_WEEKS, target=0.95, counts=counts,
                      agent_counts=[], drop=drop, weekly_items=None)


def test_a_scope_without_audits_is_planned_at_its_target():
    empty = plan(Counts())
    blocks = sample_blocks(empty)
    body = json.dumps(blocks, ensure_ascii=False)
    assert block_problems(blocks) == []
    assert "No audits in the last 4 full weeks: the counts are worked out at the target, 95.0%." in body
    assert "at 95.0%" in body and "No agents with audits in these weeks." in body
    assert "822 audits." in body  # no weeks of audits to compare with
    assert "822 audits." in sample_text(empty)


def test_a_drop_caught_within_a_week_is_said_in_days():
    busy = plan(Counts(audits=4000, correct=3800))
    assert "822 audits, about 6 days of its current audits" in sample_text(busy)
    assert "±3 points: 215 a week; gets 1,000, enough" in sample_text(busy)


def test_the_terminal_scope_is_typed_as_a_shell_takes_it():
    assert terminal_scope({}) == "org"
    assert terminal_scope({"vendor": "Acme BPO", "queue": "video-uploads"}) == "vendor 'Acme BPO' --queue video-uploads"


def test_just_short_is_never_shown_as_zero_short():
    from bot.render.sample_text import interval_line
    from bot.sampling.plan import IntervalNeed

    almost = plan(Counts(audits=3998, correct=3800))  # 999.5 a week against 1,000 needed
    assert interval_line(IntervalNeed(0.01, 1000), almost) == "±1 point: 1,000 a week; gets 999.5, 1 short"
    assert interval_line(IntervalNeed(0.01, 900), almost) == "±1 point: 900 a week; gets 1,000, enough"
