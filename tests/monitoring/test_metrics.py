"""/metrics counts what happened: a scripted set of requests through the real app and the Slack stand-in
(answered, refused, failed, forged, unhandled, repeated; a Web API call rate limited then answered, one refused), a job
run, an import and an alert."""

from __future__ import annotations

from datetime import timedelta

from bot.audits.importer import import_audits
from bot.jobs.scheduler import Job, job_named, jobs_for, run_in_slot
from bot.slack.ids import ActionId
from bot.store.alerts import open_alert
from bot.store.db import session_scope
from tests.conftest import OUTSIDER, QA_GROUP_MEMBER, QA_LEAD
from tests.factories import audit_row, write_csv
from tests.monitoring.scrape import labels, samples

REACTION = {"type": "reaction_added", "user": QA_LEAD, "reaction": "eyes",
            "item": {"type": "message", "channel": "C0QATEAM01", "ts": "1700000000.000100"}}


def requests_counted(scraped: dict, kind: str, outcome: str) -> float:
    return scraped.get(("qabot_slack_requests_total", labels(kind=kind, outcome=outcome)), 0)


def test_requests_and_web_api_calls_are_counted(bot_in_slack):
    slack, sender = bot_in_slack.slack, bot_in_slack.sender
    assert sender.slash_command("help", user_id=QA_LEAD).status == 200
    slack.fail_next("views.open", status=429, retry_after=0)  # waited out and retried: the form still opens
    assert sender.slash_command("escalate", user_id=QA_LEAD).status == 200
    slack.wait_for_calls("views.open", 2)
    slack.fail_next("usergroups.users.list", status=200, body={"ok": False, "error": "fatal_error"})
    assert sender.slash_command("vendor acme", user_id=QA_GROUP_MEMBER).status == 200  # an apology
    bot_in_slack.settle()
    assert sender.slash_command("vendor acme", user_id=OUTSIDER).status == 200  # told they may not
    assert sender.forged("vendor acme", user_id=QA_LEAD).status == 401
    assert sender.block_action(action_id=ActionId.ESCALATION_RESOLVE, value="404", user_id=QA_LEAD).status == 200
    assert sender.block_action(action_id="no_such_button", value="1", user_id=QA_LEAD).status == 404  # no listener
    first = sender.event(REACTION, event_id="Ev0METRICS1")
    assert sender.retry(first).status == 200  # Slack's retry of the same event: acknowledged, not handled again
    bot_in_slack.settle()

    scraped = samples(bot_in_slack.base_url)
    assert {outcome: requests_counted(scraped, "command", outcome)
            for outcome in ("ok", "user_error", "error", "rejected")} == {
        "ok": 2, "user_error": 1, "error": 1, "rejected": 1}
    assert (requests_counted(scraped, "action", "user_error"), requests_counted(scraped, "action", "unhandled")) == (1, 1)
    assert (requests_counted(scraped, "event", "ok"), requests_counted(scraped, "event", "skipped")) == (1, 1)
    assert scraped[("qabot_slack_ack_seconds_count", labels(kind="command"))] == 5
    assert scraped[("qabot_slack_answer_seconds_count", labels(kind="command"))] == 4  # the forged one has none
    assert scraped[("qabot_slack_ack_seconds_count", labels(kind="event"))] == 2
    assert scraped[("qabot_slack_answer_seconds_count", labels(kind="event"))] == 1
    calls = {(dict(key[1])["method"], dict(key[1])["result"]): value for key, value in scraped.items()
             if key[0] == "qabot_slack_api_calls_total"}
    assert calls[("views.open", "ratelimited")] == 1 and calls[("views.open", "ok")] == 1
    assert calls[("usergroups.users.list", "error")] == 1 and calls[("usergroups.users.list", "ok")] == 1


def test_job_runs_imports_and_alerts_are_counted(bot_in_slack, tmp_path, now):
    runtime = bot_in_slack.runtime
    forget = job_named(jobs_for(runtime.config), "forget-deliveries")
    assert run_in_slot(forget, runtime=runtime, now=now) is not None
    assert run_in_slot(forget, runtime=runtime, now=now) is None  # the slot was run: skipped

    def broken(runtime, *, now, slot):
        raise RuntimeError("the job broke")

    run_in_slot(Job("broken", "always fails", broken, every=timedelta(hours=1)), runtime=runtime, now=now)
    rows = [audit_row("A1"), audit_row("A2"), audit_row("A3", qa_decision="")]  # the last has no QA decision
    import_audits(runtime.engine, config=runtime.config, path=write_csv(tmp_path / "a.csv", rows), now=now)
    import_audits(runtime.engine, config=runtime.config, path=write_csv(tmp_path / "b.csv", rows[:1]), now=now)
    with session_scope(runtime.engine) as session:
        open_alert(session, rule="late", subject="acme", vendor="Acme BPO", title="Late", summary="",
                   breached_since=now, channel_id="C0ALERTS01", now=now)

    scraped = samples(bot_in_slack.base_url)
    runs = {dict(key[1])["outcome"] + " " + dict(key[1])["job"]: value for key, value in scraped.items()
            if key[0] == "qabot_job_runs_total"}
    assert runs == {"ok forget-deliveries": 1, "skipped forget-deliveries": 1, "failed broken": 1}
    assert scraped[("qabot_job_duration_seconds_count", labels(job="forget-deliveries"))] == 1
    assert scraped[("qabot_job_duration_seconds_count", labels(job="broken"))] == 1
    assert {result: scraped[("qabot_import_rows_total", labels(result=result))]
            for result in ("inserted", "updated", "unchanged", "rejected")} == {
        "inserted": 2, "updated": 0, "unchanged": 1, "rejected": 1}
    assert scraped[("qabot_alerts_open", labels(status="open"))] == 1
    assert scraped[("qabot_alerts_open", labels(status="acknowledged"))] == 0


def test_each_app_counts_its_own(engine, slack_config, now):
    """Two apps in one process (as in these tests) keep apart counts: the registry is the Runtime's."""
    from tests.conftest import running_bot

    with running_bot(engine, slack_config, now) as first, running_bot(engine, slack_config, now) as second:
        first.sender.slash_command("help", user_id=QA_LEAD)
        first.settle()
        assert requests_counted(samples(first.base_url), "command", "ok") == 1
        assert requests_counted(samples(second.base_url), "command", "ok") == 0
