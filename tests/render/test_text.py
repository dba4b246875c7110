from datetime import date

from bot.kpi.handle_time import BUCKET_COUNT
from bot.kpi.periods import Period
from bot.kpi.scorecard import Counts, Targets, build_scorecard
from bot.render.text import scorecard_text, sparkline


def card(daily):
    return build_scorecard(kind="vendor", label="Acme BPO", period=Period(date(2026, 11, 20), date(2026, 11, 22)),
                           targets=Targets(0.95, 60), daily_counts=daily, handle_time_histogram=[0] * BUCKET_COUNT,
                           error_counts=[("missed context", 3)])


def test_text_scorecard_shows_every_figure():
    text = scorecard_text(card({date(2026, 11, 20): Counts(100, 90, 5, 3, 2), date(2026, 11, 22): Counts(100, 96)}))
    assert text.splitlines()[0] == "Acme BPO · vendor · 2026-11-20 to 2026-11-22 (UTC, 3 days)"
    assert "Accuracy     93.0% (95% CI 88.6%–95.8%)   target 95.0%   [BELOW]" in text
    assert "Change       no audits in the previous period to compare with" in text
    assert "false positive 2.5% · false negative 1.5% · wrong label 1.0%" in text
    assert "AHT          no handle times in this period" in text
    assert "Top errors   missed context 3 (100%)" in text


def test_text_scorecard_without_audits():
    assert scorecard_text(card({})).splitlines()[1] == "No audits in this period for Acme BPO."


def test_sparkline_leaves_days_without_audits_blank():
    assert sparkline(card({date(2026, 11, 20): Counts(10, 5), date(2026, 11, 22): Counts(10, 10)})) == "▁ █"


def test_text_lists_weakest_parts_and_latest_errors():
    from datetime import UTC, datetime

    from bot.kpi.scorecard import Breakdown, GroupAccuracy, LatestError, wilson

    base = card({date(2026, 11, 20): Counts(100, 90)})
    detailed = base.__class__(**{**base.__dict__,
                                 "breakdowns": [Breakdown("queue", [GroupAccuracy("video", wilson(80, 100))])],
                                 "latest_errors": [LatestError("A1", "item-9", datetime(2026, 11, 21, 8, 30, tzinfo=UTC),
                                                               "false_negative", None, "approve", "violence")]})
    text = scorecard_text(detailed)
    assert "  Weakest queues: video 80.0% of 100" in text
    assert "  Error        2026-11-21 08:30 item item-9: false negative (agent approve, QA violence)" in text


def test_agents_with_too_few_audits_are_shown_apart_in_text_and_blocks():
    from bot.kpi.scorecard import weakest
    from bot.render.blocks import scorecard_blocks

    rows = [("steady", Counts(200, 170)), *((f"new-{index}", Counts(index + 1, 0)) for index in range(7))]
    base = card({date(2026, 11, 20): Counts(100, 90)})
    detailed = base.__class__(**{**base.__dict__, "breakdowns": [weakest("agent", rows, limit=3, min_audits=30)]})
    text = scorecard_text(detailed)
    assert "  Weakest agents: steady 85.0% of 200" in text
    assert "    Too few audits to rank (under 30): new-6 (7) · new-5 (6) · new-4 (5) · new-3 (4) · new-2 (3) · and 2 more" in text
    (section,) = [block for block in scorecard_blocks(detailed) if "Weakest agents" in block.get("text", {}).get("text", "")]
    assert section["text"]["text"] == ("*Weakest agents*\n• steady: 85.0% of 200\nToo few audits to rank (under 30): "
                                       "new-6 (7) · new-5 (6) · new-4 (5) · new-3 (4) · new-2 (3) · and 2 more")
    nobody = base.__class__(**{**base.__dict__, "breakdowns": [weakest("agent", rows[1:3], limit=3, min_audits=30)]})
    assert "  Weakest agents: none with 30 or more audits" in scorecard_text(nobody)
