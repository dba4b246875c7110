"""Disputes through the running app and the Slack stand-in: filed, decided once, figures on the final verdict."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from bot.audits.importer import import_audits
from bot.config import parse_team_config
from bot.kpi.periods import Period
from bot.kpi.service import scorecard_for
from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.slack.limits import block_problems, view_problems
from bot.store.db import session_scope
from bot.store.disputes import get_audit, get_dispute
from tests.conftest import ACME_MEMBER, QA_GROUP_MEMBER, QA_LEAD
from tests.factories import audit_row, write_csv
from tests.slack.test_answers import answered_quickly

DISPUTES = "C0DISPUTES"
GLOBEX_MEMBER = "UGLOBEX001"
WEEK = Period(date(2026, 11, 16), date(2026, 11, 22))


def with_disputes(config):
    """The test config with a disputes channel, qa-7 linked to a QA reviewer, and Globex with a member."""
    raw = config.model_dump(exclude_none=True)
    raw["disputes"] = {"channel": DISPUTES}
    raw["auditors"] = {"qa-7": {"slack_user": QA_GROUP_MEMBER}}
    raw["vendors"]["globex"] = {"name": "Globex", "members": [GLOBEX_MEMBER]}
    return parse_team_config(raw, origin="test")


@pytest.fixture
def slack_config(slack_config):
    return with_disputes(slack_config)


def rows():
    """Acme: 20 audits in the week, A1 a false negative audited by qa-7 on 2026-11-20; A-OLD audited a month ago."""
    made = [audit_row(f"A{index}", agent_decision="approve", qa_decision="approve", auditor_id="qa-1",
                      audited_at=f"2026-11-{16 + index % 6}T10:00:00Z", decided_at="2026-11-10T00:00:00Z")
            for index in range(2, 21)]
    made.append(audit_row("A1", agent_decision="approve", qa_decision="counterfeit", error_category="missed context",
                          auditor_id="qa-7", audited_at="2026-11-20T10:00:00Z", decided_at="2026-11-20T09:00:00Z"))
    made.append(audit_row("A-OLD", agent_decision="approve", qa_decision="counterfeit", auditor_id="qa-1",
                          audited_at="2026-10-20T10:00:00Z", decided_at="2026-10-20T09:00:00Z"))
    return made


@pytest.fixture
def audits(engine, slack_config, tmp_path, now):
    import_audits(engine, config=slack_config, path=write_csv(tmp_path / "a.csv", rows()), now=now)


def opened(bot) -> dict:
    view = bot.slack.wait_for_calls("views.open")[-1].args["view"]
    return view if isinstance(view, dict) else json.loads(view)


def field(kind: str, **value) -> dict:
    return {ActionId.FIELD_VALUE: {"type": kind, **value}}


def file(bot, view: dict, *, user_id: str, label: str, reason: str = "The listing is the brand's own shop."):
    return bot.sender.view_submission(callback_id=CallbackId.DISPUTE_MODAL, user_id=user_id, values={
        BlockId.DISPUTE_LABEL: field("static_select", selected_option={"value": label}),
        BlockId.DISPUTE_REASON: field("plain_text_input", value=reason),
        BlockId.DISPUTE_EVIDENCE: field("plain_text_input", value="https://brand.example.com/stores")},
        private_metadata=view["private_metadata"], blocks=view["blocks"])


def file_a1(bot) -> None:
    """Acme's member disputes A1, proposing approve; the app has finished with it on return."""
    bot.sender.slash_command("dispute A1", user_id=ACME_MEMBER)
    file(bot, opened(bot), user_id=ACME_MEMBER, label="approve")
    bot.settle()


def overturn(bot, *, dispute_id: int) -> None:
    """The QA lead overturns the dispute to approve, through its button and form."""
    decision = bot.sender.open_with_button(action_id=ActionId.DISPUTE_OVERTURN, value=str(dispute_id),
                                           user_id=QA_LEAD)
    bot.sender.view_submission(
        callback_id=CallbackId.DISPUTE_DECISION_MODAL, user_id=QA_LEAD, private_metadata=decision["private_metadata"],
        values={BlockId.DECISION_LABEL: field("static_select", selected_option={"value": "approve"}),
                BlockId.DECISION_NOTE: field("plain_text_input", value="Genuine.")})
    bot.settle()


def file_and_overturn(bot, *, dispute_id: int) -> None:
    file_a1(bot)
    overturn(bot, dispute_id=dispute_id)


def week_counts(made: list[dict], *, final: dict[str, str] | None = None) -> tuple[int, int]:
    """(correct, audits) of Acme's rows audited in WEEK, with `final` verdicts (audit id -> label) put on them."""
    final = final or {}
    week = [row for row in made if WEEK.first_day <= date.fromisoformat(row["audited_at"][:10]) <= WEEK.last_day]
    return sum(row["agent_decision"] == final.get(row["audit_id"], row["qa_decision"]) for row in week), len(week)


def accuracy(engine, config) -> tuple[int, int]:
    with session_scope(engine) as session:
        card = scorecard_for(session, config=config, scopes={"vendor": "acme"}, period=WEEK)
    return card.counts.correct, card.counts.audits


def test_a_vendor_member_files_and_qa_overturns_once(bot_in_slack, audits, engine, slack_config):
    delivery = bot_in_slack.sender.slash_command("dispute A1 the listing is genuine", user_id=ACME_MEMBER)
    answered_quickly(delivery)
    view = opened(bot_in_slack)
    assert view_problems(view) == [] and "Audit A1" in json.dumps(view["blocks"])
    labels = [o["value"] for b in view["blocks"] if b.get("block_id") == BlockId.DISPUTE_LABEL
              for o in b["element"]["options"]]
    assert "approve" in labels and "counterfeit" not in labels  # QA's own verdict is not offered
    same = file(bot_in_slack, view, user_id=ACME_MEMBER, label="counterfeit")
    assert "That is QA's verdict already" in json.loads(same.body)["errors"][BlockId.DISPUTE_LABEL]

    answer = file(bot_in_slack, view, user_id=ACME_MEMBER, label="approve")
    assert answer.status == 200 and answer.body == ""
    posts = bot_in_slack.slack.wait_for_calls("chat.postMessage", 2)
    post = next(p for p in posts if p.args["channel"] == DISPUTES)
    dm = next(p for p in posts if p.args["channel"] == ACME_MEMBER)
    assert block_problems(post.args["blocks"]) == [] and "DSP-1" in json.dumps(post.args["blocks"])
    assert "Filed DSP-1 on audit A1" in dm.args["text"] and "its thread" in dm.args["text"]
    before = accuracy(engine, slack_config)
    assert before == week_counts(rows())  # worked out from the rows themselves, not by the app
    card = bot_in_slack.reply(bot_in_slack.sender.slash_command("vendor acme", user_id=QA_LEAD))
    assert f"{before[0] / before[1]:.1%}" in json.dumps(card["blocks"])
    assert "*Disputes*\\n1 filed · 0 overturned" in json.dumps(card["blocks"], ensure_ascii=False)

    refused = bot_in_slack.sender.block_action(action_id=ActionId.DISPUTE_UPHOLD, value="1", user_id=QA_GROUP_MEMBER)
    answered_quickly(refused)
    assert "You audited this one" in bot_in_slack.reply(refused)["text"]  # qa-7 is that QA reviewer
    decision = bot_in_slack.sender.open_with_button(action_id=ActionId.DISPUTE_OVERTURN, value="1", user_id=QA_LEAD)
    assert view_problems(decision) == []
    values = {BlockId.DECISION_LABEL: field("static_select", selected_option={"value": "approve"}),
              BlockId.DECISION_NOTE: field("plain_text_input", value="The seller is the brand itself.")}
    decided = bot_in_slack.sender.view_submission(callback_id=CallbackId.DISPUTE_DECISION_MODAL, user_id=QA_LEAD,
                                                  values=values, private_metadata=decision["private_metadata"])
    answered_quickly(decided)
    assert decided.body == ""
    bot_in_slack.settle()
    after = accuracy(engine, slack_config)
    assert after == week_counts(rows(), final={"A1": "approve"}) == (before[0] + 1, before[1])
    card = bot_in_slack.reply(bot_in_slack.sender.slash_command("vendor acme", user_id=QA_LEAD))
    shown = json.dumps(card["blocks"], ensure_ascii=False)
    assert f"{after[0] / after[1] * 100:.1f}%" in shown  # not the scorecard remembered from before the overturn
    assert f"1 filed · 1 overturned\\naccuracy before disputes {before[0] / before[1] * 100:.1f}%" in shown
    with session_scope(engine) as session:
        audit, dispute = get_audit(session, audit_id="A1"), get_dispute(session, dispute_id=1)
    assert (audit.qa_decision, audit.outcome, audit.error_category) == ("approve", "correct", None)
    assert (dispute.status, dispute.original_label, dispute.final_label, dispute.decided_by) == (
        "overturned", "counterfeit", "approve", QA_LEAD)
    texts = json.dumps([c.args for c in bot_in_slack.slack.calls_to("chat.postMessage")])
    assert "overturned by <@UQALEAD01>: final verdict *approve*" in texts
    again = bot_in_slack.sender.view_submission(callback_id=CallbackId.DISPUTE_DECISION_MODAL, user_id=QA_LEAD,
                                                values=values, private_metadata=decision["private_metadata"])
    answered_quickly(again)
    assert "was decided already" in json.dumps(json.loads(again.body))  # decided once


def test_reimport_keeps_the_final_verdict_and_a_reaudit_supersedes_it(bot_in_slack, audits, engine, slack_config,
                                                                      tmp_path, now):
    file_and_overturn(bot_in_slack, dispute_id=1)
    again = import_audits(engine, config=slack_config, path=write_csv(tmp_path / "b.csv", rows()), now=now)
    assert again.kept_final_verdicts == ["A1"] and again.counts.updated == 0
    with session_scope(engine) as session:
        assert get_audit(session, audit_id="A1").qa_decision == "approve"
    reaudit = [row for row in rows() if row["audit_id"] == "A1"]
    reaudit[0]["qa_decision"] = "prohibited"
    third = import_audits(engine, config=slack_config, path=write_csv(tmp_path / "c.csv", reaudit), now=now)
    assert third.superseded_disputes == ["A1"] and third.counts.updated == 1
    with session_scope(engine) as session:
        assert get_audit(session, audit_id="A1").qa_decision == "prohibited"
        assert get_dispute(session, dispute_id=1).status == "superseded"
    assert_told_superseded(bot_in_slack, now=now)


def assert_told_superseded(bot, *, now) -> None:
    """The bot's job shows the re-audit in the dispute's message and thread and DMs the filer, once."""
    from bot.disputes.supersessions import tell_supersessions

    assert tell_supersessions(bot.runtime, now=now) == "1 of 1 superseded dispute(s) told"
    assert tell_supersessions(bot.runtime, now=now) == "0 of 0 superseded dispute(s) told"
    (update,) = [c.args for c in bot.slack.calls_to("chat.update")][-1:]
    shown = json.dumps(update["blocks"], ensure_ascii=False)
    assert "superseded by a re-audit" in shown and ActionId.DISPUTE_OVERTURN not in shown  # no buttons left
    said = "DSP-1: superseded by a re-audit: QA's verdict on audit A1 is now *prohibited*"
    texts = [(c.args["channel"], c.args.get("thread_ts"), c.args["text"]) for c in bot.slack.calls_to("chat.postMessage")]
    assert [(channel, bool(thread)) for channel, thread, text in texts if text.startswith(said)] == [
        (DISPUTES, True), (ACME_MEMBER, False)]


@pytest.mark.parametrize(("user", "text", "message"), [
    (GLOBEX_MEMBER, "dispute A1", "No audit A1 that you can dispute."),  # another vendor's: as if unknown
    (ACME_MEMBER, "dispute A21", "No audit A21 that you can dispute. Did you mean"),
    (ACME_MEMBER, "dispute A-OLD", "Disputes can be filed within 7 days of the audit"),
    (ACME_MEMBER, "dispute", "Use `/qa dispute AUDIT_ID"),
])
def test_who_may_dispute_what(bot_in_slack, audits, user, text, message):
    delivery = bot_in_slack.sender.slash_command(text, user_id=user)
    answered_quickly(delivery)
    assert message in bot_in_slack.reply(delivery)["text"]
    assert not bot_in_slack.slack.calls_to("views.open")


def test_the_dispute_button_next_to_an_error_opens_the_form(bot_in_slack, audits):
    card = bot_in_slack.reply(bot_in_slack.sender.slash_command("agent agent-1", user_id=ACME_MEMBER))
    buttons = [block["accessory"] for block in card["blocks"] if "accessory" in block]
    assert [(b["action_id"], b["value"]) for b in buttons] == [(ActionId.DISPUTE_AUDIT, "A1")]
    assert block_problems(card["blocks"]) == []
    view = bot_in_slack.sender.open_with_button(action_id=ActionId.DISPUTE_AUDIT, value="A1", user_id=ACME_MEMBER)
    assert view["callback_id"] == CallbackId.DISPUTE_MODAL and json.loads(view["private_metadata"]) == {"audit": "A1"}


def test_an_undecided_dispute_past_its_deadline_raises_an_alert(bot_in_slack, audits, engine, slack_config, now):
    from datetime import timedelta

    from bot.jobs.alerts import check_alerts

    file_a1(bot_in_slack)
    alerts = slack_config.alerts.model_copy(update={
        "channel": "C0ALERTS1", **{name: getattr(slack_config.alerts, name).model_copy(update={"enabled": False})
                                   for name in ("escalation_overdue", "accuracy", "aht", "stale_data")}})
    runtime = dataclasses.replace(bot_in_slack.runtime, config=slack_config.model_copy(update={"alerts": alerts}))
    assert check_alerts(runtime, now=now + timedelta(hours=71)).startswith("0 opened")  # 72 h to decide
    assert check_alerts(runtime, now=now + timedelta(hours=73)).startswith("1 opened")
    posted = [c.args for c in bot_in_slack.slack.calls_to("chat.postMessage") if c.args["channel"] == "C0ALERTS1"]
    assert len(posted) == 1 and "DSP-1 decision overdue" in json.dumps(posted[0]["blocks"])
    assert "Nobody has taken it." in json.dumps(posted[0]["blocks"])
    with session_scope(engine) as session:
        from bot.store.disputes import decide
        from bot.store.records import DisputeStatus

        decide(session, dispute_id=1, status=DisputeStatus.UPHELD, user_id=QA_LEAD, note="Right call.",
               now=now + timedelta(hours=74))
    assert "1 resolved" in check_alerts(runtime, now=now + timedelta(hours=75))  # decided: the alert clears


def test_the_disputes_list_with_its_clocks_for_who_may_see_them(bot_in_slack, audits):
    file_a1(bot_in_slack)
    listed = bot_in_slack.reply(bot_in_slack.sender.slash_command("disputes", user_id=QA_LEAD))
    body = json.dumps(listed["blocks"], ensure_ascii=False)
    assert block_problems(listed["blocks"]) == []
    assert "*DSP-1* :hourglass_flowing_sand: open · audit A1 (Acme BPO) · QA counterfeit → proposed approve" in body
    assert "decide within 3 d" in body  # 72 h from now, the test's clock
    assert "*Last 30 days, by vendor*\\n• Acme BPO: 1 filed · 0 upheld · 0 overturned" in body
    mine = bot_in_slack.reply(bot_in_slack.sender.slash_command("disputes mine", user_id=ACME_MEMBER))
    assert "DSP-1" in json.dumps(mine["blocks"])
    other = bot_in_slack.reply(bot_in_slack.sender.slash_command("disputes", user_id=GLOBEX_MEMBER))
    assert "DSP-1" not in json.dumps(other["blocks"]) and "No disputes here." in json.dumps(other["blocks"])
    assert "Last 30 days" not in json.dumps(other["blocks"])  # every vendor's figures are for QA staff
    refused = bot_in_slack.reply(bot_in_slack.sender.slash_command("disputes vendor acme", user_id=GLOBEX_MEMBER))
    assert refused["text"] == "You can see Globex only."
    vendor = bot_in_slack.reply(bot_in_slack.sender.slash_command("disputes vendor acme", user_id=ACME_MEMBER))
    shown = json.dumps(vendor["blocks"], ensure_ascii=False)
    assert "• missed context: 1 filed · 0 upheld · 0 overturned" in shown  # open: not decided yet
    assert f"*Who files most*: <@{ACME_MEMBER}> 1" in shown


def test_auditor_figures_are_for_qa_staff_only(bot_in_slack, audits):
    file_and_overturn(bot_in_slack, dispute_id=1)
    one = bot_in_slack.reply(bot_in_slack.sender.slash_command("auditor qa-7 30d", user_id=QA_LEAD))
    body = json.dumps(one["blocks"], ensure_ascii=False)
    assert block_problems(one["blocks"]) == []
    assert "Auditor qa-7" in body and "1 · 1 overturned" in body and "100.0% (95% CI" in body
    assert "of 1 decided" in body and ":red_circle: significantly above target" in body  # 1 of 1: CI low 21%
    assert "*Overturned on*: missed context 1" in body
    ranking = bot_in_slack.reply(bot_in_slack.sender.slash_command("auditors 30d", user_id=QA_LEAD))
    lines = json.dumps(ranking["blocks"], ensure_ascii=False)
    assert lines.index("*qa-7*") < lines.index("*qa-1*")  # overturned first
    unknown = bot_in_slack.reply(bot_in_slack.sender.slash_command("auditor qa-8 30d", user_id=QA_LEAD))
    assert "No audits by auditor 'qa-8'" in unknown["text"] and "Did you mean: qa-7" in unknown["text"]
    for text in ("auditor qa-7", "auditors"):
        refused = bot_in_slack.sender.slash_command(text, user_id=ACME_MEMBER)
        answered_quickly(refused)
        assert bot_in_slack.reply(refused)["text"] == "Auditors' figures are for QA staff only."


def test_an_open_dispute_ends_with_a_reaudit_and_an_overturned_audit_cannot_be_disputed_again(
        bot_in_slack, audits, engine, slack_config, tmp_path, now):
    file_a1(bot_in_slack)
    reaudit = [row for row in rows() if row["audit_id"] == "A1"]
    reaudit[0]["qa_decision"] = "prohibited"
    summary = import_audits(engine, config=slack_config, path=write_csv(tmp_path / "r.csv", reaudit), now=now)
    assert summary.superseded_disputes == ["A1"]
    with session_scope(engine) as session:
        assert get_dispute(session, dispute_id=1).status == "superseded"
    assert_told_superseded(bot_in_slack, now=now)
    refused = bot_in_slack.sender.block_action(action_id=ActionId.DISPUTE_OVERTURN, value="1", user_id=QA_LEAD)
    assert "DSP-1 was decided already (superseded)" in bot_in_slack.reply(refused)["text"]

    file_a1(bot_in_slack)
    overturn(bot_in_slack, dispute_id=2)
    again = bot_in_slack.sender.slash_command("dispute A1", user_id=ACME_MEMBER)
    assert "DSP-2 already overturned this audit's verdict to approve" in bot_in_slack.reply(again)["text"]
