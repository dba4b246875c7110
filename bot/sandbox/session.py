"""What a person does on the sandbox's page, sent to the bot exactly as Slack would send it."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from bot.errors import SandboxError
from bot.jobs.scheduler import Job, catch_up, job_named, jobs_for, run_in_slot
from bot.runtime import Runtime
from bot.sandbox.clock import ShiftingClock
from bot.sandbox.conversation import Conversation, ResponseTarget
from bot.sandbox.people import PEOPLE, Person, configured_channels
from bot.slack.ids import COMMAND
from bot.standin import FakeSlack, SlackSender
from bot.standin.sender import Delivery
from bot.standin.web_api import BOT_USER_ID, dm_channel_id

MAX_ADVANCE = timedelta(days=30)


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    kind: str
    """"channel", or "dm" (the person's direct messages with the bot)."""


class Sandbox:
    """One sandbox: who you are now, and the bot you talk to through the stand-in."""

    def __init__(self, *, slack: FakeSlack, sender: SlackSender, runtime: Runtime, clock: ShiftingClock):
        self.slack = slack
        self.sender = sender
        self.runtime = runtime
        self.clock = clock
        self.people = {person.user_id: person for person in PEOPLE}
        self.user = PEOPLE[0].user_id
        self.conversation = Conversation(slack, dm_channels={dm_channel_id(user): user for user in self.people})
        self._one_job_at_a_time = threading.Lock()
        """Run now and moving time forward, pressed twice quickly, run their jobs one after the other."""

    # ------------------------------------------------------------------ who and where
    @property
    def me(self) -> Person:
        return self.people[self.user]

    def switch_user(self, user_id: str) -> Person:
        if user_id not in self.people:
            raise SandboxError(f"no one called {user_id} in the sandbox")
        self.user = user_id
        return self.me

    def channels(self) -> list[Channel]:
        """The configured channels, others the bot posted in, then your DM with the bot."""
        named = configured_channels(self.runtime.config)
        others = sorted(channel for channel in self.conversation.active_channels()
                        if channel not in named and channel not in self.people)
        return ([Channel(id, name, "channel") for id, name in named.items()]
                + [Channel(id, id.lower(), "channel") for id in others]
                + [Channel(self.user, "qa-ops-bot", "dm")])

    def jobs(self) -> list[Job]:
        """The jobs that talk to Slack: morning posts, the alert monitor and calibrations first."""
        first = ("morning-post:", "alert-monitor", "calibrations")
        jobs = [job for job in jobs_for(self.runtime.config) if job.needs_slack]
        return sorted(jobs, key=lambda job: next((number for number, start in enumerate(first)
                                                  if job.id.startswith(start)), len(first)))

    # ------------------------------------------------------------------ what a person does
    def command(self, typed: str, *, channel: str) -> Delivery:
        """`/qa vendor acme` typed in `channel`; the answer shows as Slack shows it (ephemeral by default)."""
        command, _, text = typed.strip().partition(" ")
        if command != COMMAND:
            raise SandboxError(f"only {COMMAND} commands reach the bot here (you typed {command or 'nothing'})")
        delivery = self.sender.slash_command(text.strip(), user_id=self.user, channel_id=self._slack_channel(channel))
        self.conversation.expect_response(delivery.response_url, ResponseTarget(channel, self.user))
        self.conversation.expect_views(delivery.payload["trigger_id"], user=self.user)
        return delivery

    def press(self, *, action_id: str, value: str, block_id: str = "", channel: str = "",
              message_ts: str | None = None) -> Delivery:
        """A button in a message (`channel`, `message_ts`) or on the Home tab (neither given)."""
        message = self._message(channel, message_ts) if message_ts else {}
        delivery = self.sender.block_action(action_id=action_id, value=value, user_id=self.user, block_id=block_id,
                                            channel_id=self._slack_channel(channel) if channel else "", message=message)
        self.conversation.expect_response(delivery.response_url, ResponseTarget(channel, self.user, message_ts))
        self.conversation.expect_views(delivery.payload["trigger_id"], user=self.user)
        return delivery

    def submit(self, values: dict) -> dict:
        """Submit the open modal with `values` (block_id -> action_id -> state, as Slack shapes it)."""
        modal = self.conversation.modal(self.user)
        if modal is None:
            raise SandboxError("no modal is open")
        view = modal.view
        delivery = self.sender.view_submission(callback_id=view.get("callback_id", ""), values=values,
                                               user_id=self.user, private_metadata=view.get("private_metadata", ""),
                                               blocks=view.get("blocks", []), view_id=view.get("id"))
        self.conversation.expect_views(delivery.payload["trigger_id"], user=self.user)
        answer = json.loads(delivery.body) if delivery.body.strip() else {}
        self.conversation.answered_submission(self.user, answer)
        return answer

    def close_modal(self) -> None:
        self.conversation.close_modal(self.user)

    def react(self, *, channel: str, ts: str, emoji: str) -> Delivery:
        """Put `emoji` on a message; the bot hears reaction_added, as it would in Slack."""
        try:
            self.conversation.react(channel=channel, ts=ts, emoji=emoji, user=self.user)
        except LookupError as error:
            raise SandboxError(str(error)) from None
        return self.sender.event({"type": "reaction_added", "user": self.user, "reaction": emoji,
                                  "item": {"type": "message", "channel": self._slack_channel(channel), "ts": ts},
                                  "item_user": BOT_USER_ID, "event_ts": f"{time.time():.6f}"})

    def open_home(self) -> Delivery:
        return self.sender.event({"type": "app_home_opened", "user": self.user, "channel": dm_channel_id(self.user),
                                  "tab": "home", "event_ts": f"{time.time():.6f}"})

    # ------------------------------------------------------------------ time and the scheduled jobs
    def run_job(self, job_id: str) -> str:
        """Run a scheduled job now, in a slot of its own (as `qabot jobs run` does)."""
        try:
            job = job_named(self.jobs(), job_id)
        except LookupError:
            raise SandboxError(f"no job called {job_id}") from None
        now = self.clock()
        with self._one_job_at_a_time:
            return run_in_slot(job, runtime=self.runtime, now=now, slot=now) or "skipped"

    def advance(self, by: timedelta) -> dict[str, str]:
        """Move time forward, then run every job whose slot came due (as the scheduler's catch-up pass does)."""
        if not timedelta() < by <= MAX_ADVANCE:
            raise SandboxError(f"time moves forward by up to {MAX_ADVANCE.days} days at a time")
        now = self.clock.advance(by)
        with self._one_job_at_a_time:
            ran = catch_up(self.jobs(), runtime=self.runtime, now=now)
        return {job_id: outcome for job_id, outcome in ran.items() if outcome}

    # ------------------------------------------------------------------ helpers
    def _slack_channel(self, channel: str) -> str:
        """The channel id Slack would send: a DM's D... id for a person's DM."""
        return dm_channel_id(channel) if channel in self.people else channel

    def _message(self, channel: str, ts: str) -> dict:
        for message in self.conversation.channel_messages(channel, viewer=self.user):
            for shown in [message, *message["replies"]]:
                if shown["ts"] == ts:
                    return {"type": "message", "ts": ts, "text": shown["text"], "blocks": shown["blocks"]}
        raise SandboxError(f"no message {ts} in {channel}")
