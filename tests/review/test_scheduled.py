"""Scheduled business reviews: Monday 09:00 local across a DST change, the first Monday of a month or quarter, the
period before the slot's local date, one post per slot across replicas, the PDF in the channel, a wrong scope."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from bot.app import build_web_client
from bot.config import parse_team_config
from bot.jobs.scheduler import job_named, jobs_for, run_in_slot
from bot.kpi.periods import Period
from bot.review.periods import period_before
from bot.runtime import Runtime
from bot.settings import Settings
from tests.jobs.test_morning import fire_times, posts_to
from tests.review.factories import seed_review, shared_review

LEADERS, ACME, AUCKLAND, BROKEN, TEAM = "C0LEADERS1", "C0ACMEQA01", "C0AUCKLAND", "C0BROKEN01", "C0DUBLIN01"


@pytest.fixture
def slack_config(slack_config):
    raw = slack_config.model_dump(exclude_none=True)
    raw["reviews"] = {
        "acme-weekly": {"channel": ACME, "timezone": "Europe/Dublin", "vendor": "acme"},
        "org-monthly": {"channel": LEADERS, "timezone": "Europe/Dublin", "period": "month"},
        "org-quarterly": {"channel": LEADERS, "timezone": "Europe/Dublin", "period": "quarter", "at": "10:30"},
        "acme-auckland": {"channel": AUCKLAND, "timezone": "Pacific/Auckland", "vendor": "acme"},
        "broken": {"channel": BROKEN, "timezone": "Europe/Dublin", "vendor": "acmee"},
        "dublin-team": {"channel": TEAM, "timezone": "Europe/Dublin", "team": "dublin", "paper": "letter"},
    }
    raw["teams"] = {"dublin": {"channel": TEAM, "timezone": "Europe/Dublin", "vendors": ["acme", "Globex"]}}
    return parse_team_config(raw, origin="test")


@pytest.fixture
def runtime(bot_in_slack, engine, slack_config, tmp_path) -> Runtime:
    return Runtime(engine=engine, config=slack_config, client=build_web_client(Settings(
        database_url="unused", config_path=tmp_path, config_path_is_default=False,
        slack_bot_token=bot_in_slack.slack.token, slack_api_url=bot_in_slack.slack.api_url)))


@pytest.fixture
def seeded(engine, slack_config, tmp_path, now):
    seed_review(engine, config=slack_config, tmp_path=tmp_path, now=now)


def test_weekly_review_fires_monday_nine_in_dublin_on_both_sides_of_the_dst_change(slack_config):
    job = job_named(jobs_for(slack_config), "review:acme-weekly")
    # Irish summer time ends on Sunday 25 October 2026: 09:00 local is 08:00 UTC before it, 09:00 UTC after.
    assert fire_times(job, datetime(2026, 10, 12, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC)) == [
        datetime(2026, 10, 12, 8, tzinfo=UTC), datetime(2026, 10, 19, 8, tzinfo=UTC),
        datetime(2026, 10, 26, 9, tzinfo=UTC), datetime(2026, 11, 2, 9, tzinfo=UTC)]
    assert job.slot(datetime(2026, 10, 25, 23, tzinfo=UTC)) == datetime(2026, 10, 19, 8, tzinfo=UTC)
    assert job.description == f"weekly business review of vendor acme in {ACME}"


def test_monthly_and_quarterly_reviews_fire_on_the_first_monday(slack_config):
    jobs = jobs_for(slack_config)
    monthly, quarterly = job_named(jobs, "review:org-monthly"), job_named(jobs, "review:org-quarterly")
    assert fire_times(monthly, datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)) == [
        datetime(2026, 10, 5, 8, tzinfo=UTC), datetime(2026, 11, 2, 9, tzinfo=UTC),
        datetime(2026, 12, 7, 9, tzinfo=UTC)]
    assert fire_times(quarterly, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)) == [
        datetime(2026, 1, 5, 10, 30, tzinfo=UTC), datetime(2026, 4, 6, 9, 30, tzinfo=UTC),
        datetime(2026, 7, 6, 9, 30, tzinfo=UTC), datetime(2026, 10, 5, 9, 30, tzinfo=UTC)]
    # Every replica finds the same latest slot, even three months on.
    assert quarterly.slot(datetime(2026, 12, 31, tzinfo=UTC)) == datetime(2026, 10, 5, 9, 30, tzinfo=UTC)
    assert monthly.slot(datetime(2026, 12, 6, tzinfo=UTC)) == datetime(2026, 11, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize(("kind", "today", "covered"), [
    ("week", date(2026, 11, 16), Period(date(2026, 11, 9), date(2026, 11, 15))),
    ("week", date(2026, 11, 22), Period(date(2026, 11, 9), date(2026, 11, 15))),
    ("month", date(2026, 12, 7), Period(date(2026, 11, 1), date(2026, 11, 30))),
    ("quarter", date(2026, 1, 5), Period(date(2025, 10, 1), date(2025, 12, 31))),
    ("quarter", date(2026, 10, 5), Period(date(2026, 7, 1), date(2026, 9, 30))),
])
def test_the_period_covered_is_the_whole_one_before_the_local_date(kind, today, covered):
    assert period_before(kind, today=today) == covered


def test_the_review_is_posted_once_per_slot_as_a_pdf_with_its_summary(bot_in_slack, runtime, seeded):
    job, slot = job_named(jobs_for(runtime.config), "review:acme-weekly"), datetime(2026, 11, 16, 9, tzinfo=UTC)
    assert job.slot(slot + timedelta(hours=1)) == slot
    outcome = run_in_slot(job, runtime=runtime, now=slot + timedelta(minutes=1))
    assert outcome == f"posted to {ACME}: Acme BPO, 2026-11-09 to 2026-11-15"
    assert run_in_slot(job, runtime=runtime, now=slot + timedelta(minutes=2)) is None  # another replica: skipped
    slack = bot_in_slack.slack
    pdf, tables = shared_review(slack, channel_prefix=ACME)
    assert pdf.startswith(b"%PDF-")
    headline = dict((row[0], row[1]) for row in tables["review-acme-bpo-2026-11-09-2026-11-15-headline.csv"][1:])
    assert headline["Audits"] == "40" and headline["Accuracy"] == "90.00%"
    assert {name.rsplit("-", 1)[1] for name in tables} >= {"trend.csv", "errors.csv", "alerts.csv", "definitions.csv"}
    (complete,) = slack.calls_to("files.completeUploadExternal")
    assert complete.args["initial_comment"].startswith(
        "Acme BPO, 2026-11-09 to 2026-11-15 (Europe/Dublin): accuracy 90.00%")  # Dublin is on UTC in November
    assert json.loads(complete.args["files"])[0]["title"] == "Business review: Acme BPO, 2026-11-09 to 2026-11-15"


def test_monday_morning_in_auckland_reviews_the_week_that_just_ended_there(bot_in_slack, runtime, seeded):
    job = job_named(jobs_for(runtime.config), "review:acme-auckland")
    slot = job.slot(datetime(2026, 11, 16, tzinfo=UTC))
    assert slot == datetime(2026, 11, 15, 20, tzinfo=UTC)  # Monday 09:00 NZDT is still Sunday in UTC
    assert run_in_slot(job, runtime=runtime, now=slot) == f"posted to {AUCKLAND}: Acme BPO, 2026-11-09 to 2026-11-15"
    # Auckland's week runs from 11:00 UTC on 8 November to 11:00 UTC on the 15th: the audits seeded at 12:00 UTC
    # on the 8th (2, correct) count, those on the 15th (5, correct) do not. 36 - 5 + 2 correct of 40 - 5 + 2.
    (complete,) = bot_in_slack.slack.calls_to("files.completeUploadExternal")
    assert complete.args["initial_comment"].startswith(
        "Acme BPO, 2026-11-09 to 2026-11-15 (Pacific/Auckland): accuracy 89.19%")
    assert "on 37 audits" in complete.args["initial_comment"]


def test_a_scope_naming_nothing_known_is_said_in_the_channel(bot_in_slack, runtime, seeded):
    job = job_named(jobs_for(runtime.config), "review:broken")
    outcome = run_in_slot(job, runtime=runtime, now=datetime(2026, 11, 16, 9, 5, tzinfo=UTC))
    assert outcome.startswith("not posted, the review's scope is wrong: No vendor called 'acmee' is known.")
    (message,) = posts_to(bot_in_slack.slack, BROKEN)
    assert message["text"].startswith(":warning: No business review this time: No vendor called 'acmee' is known.")
    assert "Fix `[reviews.broken]` in the bot's config (check it with `qabot config check`)." in message["text"]
    assert not bot_in_slack.slack.calls_to("upload")


def test_a_teams_review_covers_the_vendors_its_morning_post_covers(bot_in_slack, runtime, seeded, slack_config):
    job = job_named(jobs_for(runtime.config), "review:dublin-team")
    assert job.description == f"weekly business review of team dublin in {TEAM}"
    outcome = run_in_slot(job, runtime=runtime, now=datetime(2026, 11, 16, 9, 5, tzinfo=UTC))
    assert outcome == f"posted to {TEAM}: Acme BPO · Globex, 2026-11-09 to 2026-11-15"
    pdf, _ = shared_review(bot_in_slack.slack, channel_prefix=TEAM)
    assert {tuple(round(float(side)) for side in page.mediabox[2:]) for page in PdfReader(io.BytesIO(pdf)).pages} == {
        (792, 612)}  # this review's own paper: US Letter, landscape
    acme_alone = job_named(jobs_for(runtime.config), "review:acme-weekly")
    run_in_slot(acme_alone, runtime=runtime, now=datetime(2026, 11, 16, 9, 5, tzinfo=UTC))
    both, acme = (call.args["initial_comment"] for call in bot_in_slack.slack.calls_to("files.completeUploadExternal"))
    audits = [int(re.search(r"on ([\d,]+) audits", text).group(1).replace(",", "")) for text in (both, acme)]
    assert audits[0] > audits[1]  # Globex's audits of the week count in the team's review, not in Acme's


@pytest.mark.parametrize(("review", "message"), [
    ({"team": "dublin", "vendor": "acme"}, "name a team or vendor/queue/policy/market/site, not both"),
    ({"team": "nosuch"}, "reviews.bad.team: no [teams.nosuch] (teams: dublin)"),
])
def test_a_review_of_a_team_names_a_known_team_alone(slack_config, review, message):
    from bot.errors import ConfigError

    raw = slack_config.model_dump(exclude_none=True)
    raw["reviews"] = {"bad": {"channel": TEAM, "timezone": "Europe/Dublin", **review}}
    with pytest.raises(ConfigError) as raised:
        parse_team_config(raw, origin="test")
    assert message in " ".join(raised.value.problems)
