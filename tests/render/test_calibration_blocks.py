from datetime import UTC, datetime

from bot.render.calibration_blocks import judge_view
from bot.slack.limits import view_problems
from bot.store.records import CalibrationItem, CalibrationSession

NOW = datetime(2026, 11, 22, 15, tzinfo=UTC)


def session(labels: list[str]) -> CalibrationSession:
    return CalibrationSession(id=3, requester_id="U1", policy="counterfeit", labels="\n".join(labels),
                              results_channel="C1", due_at=NOW, seed=1, created_at=NOW)


def test_the_judging_view_shows_the_item_and_the_choices_only():
    item = CalibrationItem(calibration_id=3, position=2, item_id="https://shop.example.com/l/9", audit_id="AUDIT-77",
                           queue="shop", policy="counterfeit", agent_qa_disagreed=True)
    view = judge_view(session(["approve", "remove"]), item, total=5, done=1)
    text = str(view)
    assert view_problems(view) == [] and "item 2 of 5" in text and "<https://shop.example.com/l/9>" in text
    assert "AUDIT-77" not in text and "disagreed" not in text  # nothing hints at the agent's or QA's verdict
    assert view["blocks"][2]["element"]["type"] == "radio_buttons" and view["submit"]["text"] == "Next item"
    many = judge_view(session([f"label-{n}" for n in range(12)]), item, total=2, done=1)
    assert many["blocks"][2]["element"]["type"] == "static_select" and many["submit"]["text"] == "Finish"
