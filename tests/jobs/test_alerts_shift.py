"""The shift rule through the monitor job: one alert per drop, naming what fired, the baseline and the start day,
and resolving itself when accuracy comes back."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.audits.importer import import_audits
from bot.config import parse_team_config
from bot.jobs.alerts import scope_days
from bot.store.db import session_scope
from tests.factories import audit_row, write_csv
from tests.jobs.test_alerts import ALERTS, alerts_by_subject, posts
from tests.render.test_blocks import signal_pixels

AUDITS_A_DAY = 50
DROP = date(2026, 11, 19)
"""From this day Acme gets 10 of its 50 audits a day wrong (80%), against 2 or 3 (95%) before."""


@pytest.fixture
def slack_config(slack_config):
    raw = slack_config.model_dump(exclude_none=True)
    raw["alerts"] = {"channel": ALERTS, "shift": {"scopes": ["vendor"], "min_audits": 200},  # 50 a day: opted in
                     **{rule: {"enabled": False} for rule in ("accuracy", "aht", "stale_data")}}
    return parse_team_config(raw, origin="test")


def load_days(engine, config, tmp_path, *, first: date, last: date, wrong_of_acme, now: datetime):
    """AUDITS_A_DAY audits a day for Acme (wrong_of_acme(day) of them wrong) and for Globex (2 or 3 wrong)."""
    rows = []
    day = first
    while day <= last:
        audited = datetime.combine(day, time(12), tzinfo=UTC)
        steady = 2 + day.toordinal() % 2
        for vendor, wrong in (("Acme BPO", wrong_of_acme(day)), ("Globex", steady)):
            rows += [audit_row(f"{vendor[:1]}{day:%Y%m%d}-{index}", vendor=vendor,
                               agent_decision="remove" if index < wrong else "approve", qa_decision="approve",
                               error_category="policy misread" if index < wrong else "",
                               decided_at=(audited - timedelta(hours=1)).isoformat(), audited_at=audited.isoformat())
                     for index in range(AUDITS_A_DAY)]
        day += timedelta(days=1)
    import_audits(engine, config=config, path=write_csv(tmp_path / f"{first}.csv", rows), now=now)


def test_a_drop_opens_one_alert_that_resolves_when_accuracy_comes_back(bot_in_slack, engine, slack_config,
                                                                      tmp_path, monitor, now):
    slack = bot_in_slack.slack
    last_full_day = (now - timedelta(days=1)).date()  # 21 Nov: 56 baseline days from 30 Aug, 28 watched from 25 Oct
    assert last_full_day == date(2026, 11, 21)
    load_days(engine, slack_config, tmp_path, first=last_full_day - timedelta(days=83), last=last_full_day, now=now,
              wrong_of_acme=lambda day: 10 if day >= DROP else 2 + day.toordinal() % 2)

    assert monitor(now) == "1 opened, 0 resolved, 0 reminded, 1 unresolved"
    alert = alerts_by_subject(engine)[("shift", "vendor:Acme BPO")]
    assert alert.title == "Acme BPO accuracy dropped" and alert.vendor == "Acme BPO"
    assert alert.breached_since == datetime(2026, 11, 19, tzinfo=UTC)
    assert alert.summary.startswith("*Acme BPO* (vendor): accuracy dropped to 80.0% (95% CI ")
    assert ("from 19 Nov on (the estimated start; 150 audits), against 95.0% over its baseline "
            "(30 Aug–24 Oct, 2,800 audits). CUSUM: in alarm since 20 Nov, when it reached 14 errors more than expected "
            "since 19 Nov at 6.4% a day ") in alert.summary
    assert "between the baseline's 5.0% and the 8.0% it watches for" in alert.summary
    assert "Acme BPO accuracy dropped" in json.dumps(posts(slack)[-1], ensure_ascii=False)
    (chart,) = slack.calls_to("files.completeUploadExternal")  # the days around it, in the alert's thread
    assert (chart.args["channel_id"], chart.args["thread_ts"]) == (ALERTS, alert.message_ts)
    sigma_z = 0.02 / math.sqrt(0.95 * 0.05 / AUDITS_A_DAY) / 1.128  # 94% and 96% days: every moving range 2 points
    assert chart.args["initial_comment"].startswith(
        f"Control chart: p chart (σz = {sigma_z:.2f}: day-to-day variation within binomial); centre line 95.0% "
        "over 30 Aug–24 Oct.\nSignals (")
    assert "• 19–21 Nov: below the lower control limit (3σ)" in chart.args["initial_comment"]
    (upload,) = slack.calls_to("upload")
    assert signal_pixels(upload.content) > 50

    # Once per shift: the next pass, and the next day with another bad day, open nothing new.
    assert monitor(now + timedelta(minutes=5)).startswith("0 opened, 0 resolved")
    next_day = now + timedelta(days=1)
    load_days(engine, slack_config, tmp_path, first=last_full_day + timedelta(days=1),
              last=last_full_day + timedelta(days=1), wrong_of_acme=lambda day: 10, now=next_day)
    assert monitor(next_day).startswith("0 opened, 0 resolved")
    assert alerts_by_subject(engine)[("shift", "vendor:Acme BPO")].breached_since == datetime(2026, 11, 19, tzinfo=UTC)

    # Accuracy comes back. h = 10.7 for 5% -> 8% at 50 audits a day (ARL0 1,500 days) and gamma = 6.39%, so a day
    # without errors takes 3.20 off the CUSUM, held at 2h = 21.4: it falls to h/2 = 5.35 on the 6th (16.0 / 3.20 = 5.02).
    outcomes = []
    for days_back in range(1, 8):
        later = next_day + timedelta(days=days_back)
        day = (later - timedelta(days=1)).date()
        load_days(engine, slack_config, tmp_path, first=day, last=day, wrong_of_acme=lambda day: 0, now=later)
        outcomes.append(monitor(later).split(",")[1].strip())
    assert outcomes == ["0 resolved"] * 5 + ["1 resolved", "0 resolved"]
    assert alerts_by_subject(engine) == {}
    assert "Resolved: the drop in accuracy is over" in posts(slack, thread=True)[-1]["text"]


def test_a_lasting_drop_stays_one_alert_against_the_baseline_before_it(bot_in_slack, engine, slack_config, tmp_path,
                                                                      monitor, now):
    # Acme drops to 80% on 19 Nov and stays there for 13 weeks; checked every day. Were the baseline always the 8
    # weeks before the last 4, the drop would become its own baseline after about 9 weeks and the alert resolve.
    slack = bot_in_slack.slack
    last_full_day = (now - timedelta(days=1)).date()
    back = DROP + timedelta(weeks=13)
    load_days(engine, slack_config, tmp_path, first=last_full_day - timedelta(days=83), now=now,
              last=back + timedelta(weeks=6), wrong_of_acme=lambda day: 10 if DROP <= day < back else 2 + day.toordinal() % 2)
    assert monitor(now) == "1 opened, 0 resolved, 0 reminded, 1 unresolved"
    started = datetime(2026, 11, 19, tzinfo=UTC)

    checks = 0
    later = now
    while (later - timedelta(days=1)).date() < back:  # every day with the drop's data, through its last day
        later += timedelta(days=1)
        checks += 1
        assert monitor(later).startswith("0 opened, 0 resolved"), later
        alert = alerts_by_subject(engine)[("shift", "vendor:Acme BPO")]
        assert alert.breached_since == started
    assert checks >= 12 * 7
    # Its figures are the drop's days against the 8 weeks before 19 Nov, watched from 19 Nov on.
    assert ("against 95.0% over its baseline (24 Sep–18 Nov, 2,800 audits). CUSUM: in alarm since 20 Nov"
            in alert.summary)
    assert set(alerts_by_subject(engine)) == {("shift", "vendor:Acme BPO")}

    # Accuracy comes back to 95%: a day takes about 0.7 off the CUSUM (50 x 6.39% - 2.5), held at 2h = 21.4, so
    # it falls to h/2 = 5.35 in about 23 days; then the alert resolves, once, and nothing reopens.
    outcomes = []
    for _ in range(6 * 7):
        later += timedelta(days=1)
        outcomes.append(monitor(later).split(", ")[:2])
    resolved_on = outcomes.index(["0 opened", "1 resolved"])
    assert 14 <= resolved_on <= 30
    assert outcomes == [["0 opened", "0 resolved"]] * resolved_on + [["0 opened", "1 resolved"]] + [
        ["0 opened", "0 resolved"]] * (len(outcomes) - resolved_on - 1)
    assert "Resolved: the drop in accuracy is over" in posts(slack, thread=True)[-1]["text"]


def test_scope_days_end_on_the_last_full_utc_day(engine, slack_config, tmp_path, now):
    # 08:00 on 22 Nov in Tokyo is 23:00 on 21 Nov UTC: the last full UTC day is 20 Nov, not 21 Nov.
    tokyo = now.replace(hour=8, tzinfo=ZoneInfo("Asia/Tokyo"))
    load_days(engine, slack_config, tmp_path, first=date(2026, 11, 1), last=date(2026, 11, 21), now=now,
              wrong_of_acme=lambda day: 2)
    with session_scope(engine) as session:
        scopes = scope_days(session, config=slack_config, rule=slack_config.alerts.shift, now=tokyo)
    assert {scope.days[-1] for scope in scopes} == {date(2026, 11, 20)}
    assert {len(scope.days) for scope in scopes} == {56 + 28}
