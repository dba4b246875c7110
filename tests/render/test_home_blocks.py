"""The Home view's blocks, built directly: within Slack's limits however long the lists."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.home.service import Audience, Home, VendorWeek, last_full_week
from bot.kpi.scorecard import AhtStatus, Counts, Status, accuracy_change, wilson
from bot.render.home_blocks import MAX_VENDORS, home_view, vendor_line
from bot.slack.ids import ActionId
from bot.slack.limits import view_problems
from bot.store.records import Alert, CalibrationSession, Escalation


def week(label: str, correct: int = 90, audits: int = 100) -> VendorWeek:
    accuracy = wilson(correct, audits)
    return VendorWeek(label=label, counts=Counts(audits=audits, correct=correct), accuracy=accuracy,
                      accuracy_target=0.95, status=Status.SIGNIFICANTLY_BELOW, change=accuracy_change(
                          accuracy, wilson(95, 100)), aht_mean_s=75.0, aht_target_s=60.0, aht_status=AhtStatus.OVER)


def test_vendor_line_shows_interval_status_change_volume_and_aht():
    line = vendor_line(week("Acme BPO"))
    assert "*Acme BPO* · :red_circle: significantly below target" in line
    assert "90.0% (95% CI" in line and "target 95.0%" in line and "-5.0 pp vs the week before (95.0%" in line
    assert "100 audits · AHT 75 s (target 60 s) :warning:" in line


def test_a_crowded_staff_home_stays_within_slacks_limits(now):
    late = now - timedelta(days=1)
    home = Home(
        Audience.QA_STAFF, last_full_week(now), now,
        vendors=[week(f"Vendor {n}") for n in range(MAX_VENDORS + 25)],
        alerts=[Alert(id=n, rule="accuracy", subject=f"vendor:V{n}", title=f"alert {n}", summary="s",
                      breached_since=late, opened_at=late, last_seen_at=late, channel_id="C") for n in range(1, 40)],
        overdue_escalations=[Escalation(id=n, title="t" * 200, category="c", severity="P1", reporter_id="U",
                                        created_at=late, acknowledge_due_at=late, resolve_due_at=late,
                                        channel_id="C") for n in range(1, 40)],
        calibrations=[CalibrationSession(id=n, requester_id="U", labels="a\nb", results_channel="C", due_at=now,
                                         seed=1, created_at=late) for n in range(1, 30)])
    view = home_view(home)
    assert view["type"] == "home" and view_problems(view) == []
    text = json.dumps(view, ensure_ascii=False)
    assert "…and 25 more" in text and "…and 29 more" in text and "…and 24 more" in text
    assert text.count(ActionId.CALIBRATION_START) == 5


def test_outsider_home_names_whom_to_ask(now):
    view = home_view(Home(Audience.OUTSIDER, last_full_week(now), now, qa_staff=["UQA1", "S0QA"]))
    text = json.dumps(view)
    assert "<@UQA1>" in text and "<!subteam^S0QA>" in text and "vendor" in text
    assert ActionId.HOME_ESCALATE not in text
