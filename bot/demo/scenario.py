"""`qabot demo`: the real bot against the Slack stand-in, driven the way people use it, printed as they read it.

A QA lead asks `/qa vendor acme` and `/qa errors vendor acme 30d`, coaches the agent who repeats the top
error (bot/demo/coaching.py), and overturns a dispute Acme's lead files (bot/demo/disputes.py);
a team's morning post and a pass of the SLA-breach monitor run; a calibration
session runs through the real modals. Everything the bot sends reaches the stand-in,
which prints it; charts are saved beside `chart_path`. The bot is stopped (requests and listeners
in flight finished) before the stand-in goes, so the run ends clean.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from bot.app import build_app, build_web_client, listener_pool
from bot.config import Access, Team, TeamConfig, Vendor
from bot.demo.coaching import errors_and_coaching
from bot.demo.disputes import DEMO_ACME_LEAD, dispute_and_overturn
from bot.demo.review import business_review
from bot.demo.seed import VENDORS, demo_vendor_key
from bot.jobs.alerts import check_alerts
from bot.kpi.morning_service import post_morning
from bot.kpi.periods import last_days
from bot.render.readable import blocks_as_text
from bot.runtime import Runtime
from bot.server import HttpServer
from bot.settings import Settings
from bot.slack.forms import judging_position
from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.standin import FakeSlack, SlackSender
from bot.store.calibrations import calibration_items, recent_calibrations
from bot.store.db import session_scope
from bot.store.kpi import counts_by
from bot.store.models import Audit

DEMO_USER = "UDEMOQALEAD"
DEMO_SIGNING_SECRET = "demo-signing-secret"
DEMO_TEAM_CHANNEL, DEMO_ALERT_CHANNEL, DEMO_CALIBRATION_CHANNEL = "C0DEMOTEAM", "C0DEMOALERT", "C0DEMOCAL"
DEMO_DISPUTES_CHANNEL = "C0DEMODISP"
#: Demo calibration participants, and how often each judges an item as QA did.
DEMO_PARTICIPANTS = {"UDEMOANA01": "Ana Reyes", "UDEMOBEN01": "Ben Okafor", "UDEMOCY001": "Cy Tan"}
DEMO_PARTICIPANT_ACCURACY = {"UDEMOANA01": 0.95, "UDEMOBEN01": 0.85, "UDEMOCY001": 0.65}
DEMO_ALERTS_SHOWN = 2
#: How long the demo waits for the bot's answers, and for its work in flight when it stops.
WAIT_SECONDS = 30

Echo = Callable[[str], None]


def run_demo(engine: Engine, *, config: TeamConfig, settings: Settings, chart_path: Path, now: datetime,
             echo: Echo) -> None:
    """Serve the bot against a started stand-in, play the scenario, then stop the bot before the stand-in."""
    config = demo_config(config)
    with FakeSlack(user_names=DEMO_PARTICIPANTS) as slack:
        settings = dataclasses.replace(settings, config_path_is_default=False, slack_bot_token=slack.token,
                                       slack_signing_secret=DEMO_SIGNING_SECRET, slack_app_token=None,
                                       slack_api_url=slack.api_url)
        client = build_web_client(settings)
        runtime = Runtime(engine=engine, config=config, client=client)
        app = build_app(settings=settings, runtime=runtime)
        server = HttpServer(app, host="127.0.0.1", port=0).start()
        try:
            sender = SlackSender(app_url=server.url, signing_secret=DEMO_SIGNING_SECRET, slack=slack)
            echo(f"Slack stand-in on {slack.base_url}; bot serving {server.url}")
            _scorecard(sender, slack, chart_path=chart_path, echo=echo)
            errors_and_coaching(runtime, sender=sender, slack=slack, user_id=DEMO_USER, now=now,
                                chart_path=chart_path, echo=echo)
            dispute_and_overturn(runtime, sender=sender, slack=slack, qa_lead=DEMO_USER, now=now, echo=echo)
            business_review(sender, slack, user_id=DEMO_USER, chart_path=chart_path, echo=echo)
            _jobs(engine, config=config, client=client, slack=slack, chart_path=chart_path, now=now, echo=echo)
            _calibration(engine, sender=sender, slack=slack, now=now, chart_path=chart_path, echo=echo)
        finally:
            server.stop()
            listener_pool(app).wait_idle(timeout=WAIT_SECONDS)
            listener_pool(app).shutdown(wait=True)


def demo_config(config: TeamConfig) -> TeamConfig:
    """The config with the demo's people: its QA lead on QA staff, Acme's lead, the demo vendors' names."""
    return _with_demo_people(_with_demo_names(config.model_copy(
        update={"access": Access(qa_staff=[*config.access.qa_staff, DEMO_USER])})))


def with_demo_channels(config: TeamConfig) -> TeamConfig:
    """A demo team (its morning post) and an alert channel, when the config has none."""
    teams = config.teams or {"demo": Team(name="QA demo team", channel=DEMO_TEAM_CHANNEL, timezone="Asia/Manila")}
    alerts = config.alerts if config.alerts.active_rules() else config.alerts.model_copy(
        update={"channel": DEMO_ALERT_CHANNEL})
    return config.model_copy(update={"teams": teams, "alerts": alerts})


def _with_demo_names(config: TeamConfig) -> TeamConfig:
    """Without a config naming the demo's vendors (a fresh directory), `acme` still means Acme BPO."""
    spelled = frozenset().union(*(vendor.spellings(key) for key, vendor in config.vendors.items()))
    missing = {demo_vendor_key(spec): Vendor(name=spec.name) for spec in VENDORS
               if not {spec.name.casefold(), demo_vendor_key(spec)} & spelled}
    return config.model_copy(update={"vendors": {**missing, **config.vendors}})


def _with_demo_people(config: TeamConfig) -> TeamConfig:
    """Acme's demo team lead (to file a dispute), and a disputes channel when the config sets none."""
    key = next(key for key, vendor in config.vendors.items() if "acme" in vendor.spellings(key))
    acme = config.vendors[key]
    vendors = {**config.vendors, key: acme.model_copy(update={"leads": [*acme.leads, DEMO_ACME_LEAD]})}
    disputes = config.disputes if config.disputes.takes_disputes else config.disputes.model_copy(
        update={"channel": DEMO_DISPUTES_CHANNEL})
    return config.model_copy(update={"vendors": vendors, "disputes": disputes})


def _scorecard(sender: SlackSender, slack: FakeSlack, *, chart_path: Path, echo: Echo) -> None:
    echo(f"> /qa vendor acme      (as a QA lead, {DEMO_USER})")
    delivery = sender.slash_command("vendor acme", user_id=DEMO_USER)
    echo(f"  acknowledged with HTTP {delivery.status} in {delivery.seconds * 1000:.0f} ms")
    (reply,) = slack.wait_for_calls("response_url", timeout=WAIT_SECONDS)
    echo(f"  reply ({reply.args.get('response_type')}, seen by the requester only):")
    echo("")
    echo(blocks_as_text(reply.args["blocks"]) if reply.args.get("blocks") else reply.args.get("text", ""))
    uploads = slack.calls_to("upload")
    if uploads:
        chart_path.write_bytes(uploads[-1].content)
        echo(f"The chart the bot uploaded with files_upload_v2 is saved at {chart_path.resolve()}")


def _jobs(engine: Engine, *, config: TeamConfig, client, slack: FakeSlack, chart_path: Path, now: datetime,
          echo: Echo) -> None:
    """The scheduled side: a team's morning post and one pass of the SLA-breach monitor."""
    runtime = Runtime(engine=engine, client=client, config=with_demo_channels(config))
    team_key = next(iter(runtime.config.teams))
    uploads_before = len(slack.calls_to("upload"))
    echo(f"\n> morning post of team '{team_key}' (a scheduled job, run now)")
    echo(f"  {post_morning(runtime, team_key=team_key, now=now)}\n")
    echo(blocks_as_text(slack.calls_to("chat.postMessage")[-1].args.get("blocks") or []))
    for number, upload in enumerate(slack.calls_to("upload")[uploads_before:], start=1):
        path = chart_path.with_name(f"{chart_path.stem}-morning-{number}{chart_path.suffix}")
        path.write_bytes(upload.content)
        echo(f"Morning chart {number} saved at {path.resolve()}")
    posted_before = len(slack.calls_to("chat.postMessage"))
    echo("\n> SLA-breach monitor (a scheduled job, run now)")
    echo(f"  {check_alerts(runtime, now=now)}")
    alerts_posted = slack.calls_to("chat.postMessage")[posted_before:]
    for call in alerts_posted[:DEMO_ALERTS_SHOWN]:
        echo("\n" + blocks_as_text(call.args.get("blocks") or []))
    if len(alerts_posted) > DEMO_ALERTS_SHOWN:
        echo(f"...and {len(alerts_posted) - DEMO_ALERTS_SHOWN} more alerts in the same form.\n")


def _calibration(engine: Engine, *, sender: SlackSender, slack: FakeSlack, now: datetime, chart_path: Path,
                 echo: Echo) -> None:
    """A calibration session through the real modals: three people judge 12 items, the QA lead is the expert."""
    recent = last_days(30, now=now)
    with session_scope(engine) as session:  # the policy with the most recent audits
        by_volume = counts_by(session, scope={}, column="policy", first_day=recent.first_day,
                              last_day=recent.last_day)
    if not by_volume:
        echo("\n(no audits with a policy in the last 30 days: the calibration demo is skipped)")
        return
    policy = max(by_volume, key=lambda row: row[1].audits)[0]
    echo(f"\n> /qa calibrate      (12 items of policy {policy}, three participants, you as the expert)")
    people = [*DEMO_PARTICIPANTS, DEMO_USER]
    answer = sender.view_submission(callback_id=CallbackId.CALIBRATION_MODAL, user_id=DEMO_USER,
                                    values=_request_form(policy, now))
    if answer.body:
        echo(f"  the form answered: {answer.body} (the calibration demo stops here)")
        return
    slack.wait_for(lambda calls: sum(c.method == "chat.postMessage" for c in calls
                                     if c.args.get("channel") in people) >= len(people), timeout=WAIT_SECONDS)
    with session_scope(engine) as session:
        calibration_id = recent_calibrations(session, limit=1)[0].id
        truth = {item.position: session.get(Audit, item.audit_id).qa_decision
                 for item in calibration_items(session, calibration_id=calibration_id)}
    rng = random.Random(7)
    for user_id in people:
        _judge_all(sender, user_id=user_id, calibration_id=calibration_id, truth=truth, rng=rng)
        echo(f"  {DEMO_PARTICIPANTS.get(user_id, 'you (expert)')} judged all {len(truth)} items in the modal")
    calls = slack.wait_for(lambda calls: any(c.args.get("channel") == DEMO_CALIBRATION_CHANNEL for c in calls
                                             if c.method == "chat.postMessage"), timeout=WAIT_SECONDS)
    posted = next(c.args for c in calls if c.args.get("channel") == DEMO_CALIBRATION_CHANNEL)
    echo("  everyone is done, so the results are posted at once:\n")
    echo(blocks_as_text(posted.get("blocks") or []))
    image = next((b for b in posted.get("blocks") or [] if b["type"] == "image"), None)
    if image:
        path = chart_path.with_name(f"{chart_path.stem}-calibration{chart_path.suffix}")
        path.write_bytes(slack.files[image["slack_file"]["id"]])
        echo(f"The calibration chart is saved at {path.resolve()}")


def _request_form(policy: str, now: datetime) -> dict:
    """The /qa calibrate form as the QA lead fills it in: 12 items, three people, themselves as the expert."""
    def field(kind: str, **value) -> dict:
        return {ActionId.FIELD_VALUE: {"type": kind, **value}}

    return {
        BlockId.CALIBRATION_POLICY: field("static_select", selected_option={"value": policy}),
        BlockId.CALIBRATION_COUNT: field("plain_text_input", value="12"),
        BlockId.CALIBRATION_PEOPLE: field("multi_users_select", selected_users=list(DEMO_PARTICIPANTS)),
        BlockId.CALIBRATION_EXPERT: field("users_select", selected_user=DEMO_USER),
        BlockId.CALIBRATION_DUE: field("datetimepicker", selected_date_time=int(now.timestamp()) + 2 * 86400),
        BlockId.CALIBRATION_CHANNEL: field("channels_select", selected_channel=DEMO_CALIBRATION_CHANNEL),
    }


def _judge_all(sender: SlackSender, *, user_id: str, calibration_id: int, truth: dict[int, str],
               rng: random.Random) -> None:
    """Judge every item in the modal: like QA most of the time (the expert always), else another label."""
    view = sender.open_with_button(action_id=ActionId.CALIBRATION_START, value=str(calibration_id), user_id=user_id)
    while view.get("callback_id") == CallbackId.CALIBRATION_JUDGE:
        _, position = judging_position(view)
        labels = [o["text"]["text"] for o in next(block["element"] for block in view["blocks"]
                                                 if block.get("block_id") == BlockId.CALIBRATION_VERDICT)["options"]]
        right = truth[position][:75]
        label = right if rng.random() < DEMO_PARTICIPANT_ACCURACY.get(user_id, 1.0) else \
            rng.choice([other for other in labels if other != right])
        view = sender.choose(view, user_id=user_id, block_id=BlockId.CALIBRATION_VERDICT, label=label)["view"]
