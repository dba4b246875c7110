import io
import json
from datetime import UTC, date, datetime

from matplotlib.image import imread

from bot.kpi.handle_time import BUCKET_COUNT
from bot.kpi.periods import Period
from bot.kpi.scorecard import Breakdown, Counts, GroupAccuracy, LatestError, Targets, build_scorecard, wilson
from bot.render.blocks import help_blocks, scorecard_blocks, share_value
from bot.render.charts import TREND_DPI, TREND_SIZE_INCHES, participant_chart, trend_chart
from bot.render.readable import blocks_as_text
from bot.slack.ids import ActionId
from bot.slack.limits import block_problems

PERIOD = Period(date(2026, 11, 16), date(2026, 11, 22))


def card(label="Acme BPO", daily=None, **extra):
    daily = daily if daily is not None else {date(2026, 11, 16 + i): Counts(100, 90 + i, 5, 3, 2) for i in range(7)}
    built = build_scorecard(kind="vendor", label=label, period=PERIOD, targets=Targets(0.95, 60), daily_counts=daily,
                            handle_time_histogram=[0] * BUCKET_COUNT, error_counts=[("missed context", 30)])
    return built.__class__(**{**built.__dict__, **extra})


def test_scorecard_blocks_are_within_slack_limits_and_readable():
    blocks = scorecard_blocks(card(), chart_file_id="F1", share_value=share_value(
        scopes={"vendor": "Acme BPO"}, period_text="7d", chart_file_id="F1"))
    assert block_problems(blocks) == []
    text = blocks_as_text(blocks)
    assert "Acme BPO · vendor scorecard" in text and "Accuracy: 93.0% (95% CI" in text
    assert "[chart: Daily accuracy of Acme BPO" in text and "[Share in channel]" in text
    button = blocks[-1]["elements"][0]
    assert button["action_id"] == ActionId.SHARE_SCORECARD
    assert json.loads(button["value"]) == {"scopes": {"vendor": "Acme BPO"}, "period": "7d", "chart": "F1"}


def test_long_names_and_many_rows_are_clipped_to_the_limits():
    breakdowns = [Breakdown("agent", [GroupAccuracy("x" * 900, wilson(1, 2))] * 3)] * 20
    errors = [LatestError("A", "i" * 700, datetime(2026, 11, 20, tzinfo=UTC), "false_negative", "c" * 300, "a", "q")] * 5
    blocks = scorecard_blocks(card(label="L" * 400, breakdowns=breakdowns, latest_errors=errors), private=True)
    assert block_problems(blocks) == []
    assert "Agent figures are only shown to you" in blocks_as_text(blocks)


def test_help_lists_every_subcommand():
    text = blocks_as_text(help_blocks("I don't know `/qa x`."))
    for example in ("/qa vendor acme", "/qa agent", "/qa queue", "/qa policy", "/qa help"):
        assert example in text


def test_trend_chart_is_a_png_of_the_expected_size():
    png = trend_chart(card())
    image = imread(io.BytesIO(png), format="png")
    assert png.startswith(b"\x89PNG")
    assert image.shape[:2] == (round(TREND_SIZE_INCHES[1] * TREND_DPI), round(TREND_SIZE_INCHES[0] * TREND_DPI))


def test_chart_processes_draw_the_same_picture():
    from bot.render.chart_processes import ChartProcesses

    processes = ChartProcesses(workers=1)
    try:
        assert processes.draw(trend_chart, card()) == trend_chart(card())
        parts = [("Acme BPO", 0.93), ("Globex", 0.97)]
        assert processes.draw(participant_chart, "Agreement", parts) == participant_chart("Agreement", parts)
    finally:
        processes.close()


def pixels_of(png: bytes, colour: str) -> int:
    image = imread(io.BytesIO(png), format="png")[..., :3]
    rgb = tuple(int(colour[index:index + 2], 16) / 255 for index in (1, 3, 5))
    return int((abs(image - rgb).max(axis=-1) < 0.02).sum())


def signal_pixels(png: bytes) -> int:
    """Pixels of the orange that marks a signal's days."""
    return pixels_of(png, "#E8912D")


def controlled(drop_day: int | None) -> object:
    """Acme's card over PERIOD with 8 steady weeks before it (192 of 200 a day) and, if given, one day at 85%."""
    from datetime import timedelta

    from bot.kpi.control import accuracy_control

    days = {PERIOD.first_day - timedelta(days=offset): Counts(200, 192) for offset in range(1, 57)}
    days |= {day: Counts(200, 170 if index == drop_day else 192) for index, day in enumerate(PERIOD.each_day())}
    return card(daily=days, control=accuracy_control(PERIOD, days, baseline_days=56))


def test_the_trend_chart_marks_a_signals_days_and_its_words_are_under_it():
    steady, dropped = controlled(None), controlled(drop_day=4)
    assert signal_pixels(trend_chart(steady)) == 0 and signal_pixels(trend_chart(dropped)) > 50
    limit_colour = "#6B5B7B"  # the centre line and the limits
    assert pixels_of(trend_chart(steady), limit_colour) > 300 and pixels_of(trend_chart(card()), limit_colour) == 0
    blocks = scorecard_blocks(dropped, chart_file_id="F1")
    assert block_problems(blocks) == []
    text = blocks_as_text(blocks)
    assert "[chart: Daily accuracy of Acme BPO with its control limits" in text
    assert text.index("[chart:") < text.index("Control chart: p chart (σz = 0.00") < text.index(
        "• 20 Nov: below the lower control limit (3σ)")
