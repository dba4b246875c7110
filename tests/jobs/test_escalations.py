import json

from bot.app import build_web_client
from bot.jobs.escalations import repost_unposted
from bot.settings import Settings
from bot.slack.ids import CallbackId
from bot.store.db import session_scope
from bot.store.escalations import get_escalation
from tests.commands.test_escalate import GOOD, values
from tests.conftest import QA_LEAD


def test_an_escalation_slack_refused_is_posted_later(bot_in_slack, engine, tmp_path):
    bot_in_slack.slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "channel_not_found"})
    bot_in_slack.sender.view_submission(callback_id=CallbackId.ESCALATION_MODAL, user_id=QA_LEAD,
                                        values=values(**GOOD))
    bot_in_slack.slack.wait_for_calls("chat.postMessage", 2)
    client = build_web_client(Settings(database_url="unused", config_path=tmp_path, config_path_is_default=False,
                                       slack_bot_token=bot_in_slack.slack.token,
                                       slack_api_url=bot_in_slack.slack.api_url))
    assert repost_unposted(engine=engine, client=client) == 1
    assert repost_unposted(engine=engine, client=client) == 0  # idempotent
    with session_scope(engine) as session:
        assert get_escalation(session, escalation_id=1).message_ts
    posts = bot_in_slack.slack.calls_to("chat.postMessage")
    assert "ESC-1 · Counterfeit sneakers approved" in json.dumps(posts[2].args["blocks"], ensure_ascii=False)
    assert posts[3].args == {**posts[3].args, "channel": QA_LEAD, "text": "ESC-1 is now posted in <#C0ACMEESC>."}
