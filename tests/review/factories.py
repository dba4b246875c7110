"""A vendor's audits over a week, the week before and the same week a year earlier, with records of the week."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

from bot.audits.importer import import_audits
from bot.store.alerts import acknowledge_alert, open_alert
from bot.store.db import session_scope
from bot.store.escalations import acknowledge, create_escalation, resolve
from bot.store.records import Escalation
from tests.factories import audit_row, write_csv

WRONG = {"agent_decision": "approve", "qa_decision": "counterfeit"}
#: (first day, audits, correct) of acme's audits: the week reviewed, the week before, and 52 weeks earlier.
WEEKS = (("2026-11-09", 40, 36), ("2026-11-02", 20, 20), ("2025-11-10", 10, 5))
FILED = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)


def seed_review(engine, *, config, tmp_path, now) -> None:
    """Acme's audits of WEEKS (errors split 3:1 between two categories), Globex's (never counted), one P1
    escalation acknowledged in 30 minutes and resolved in 30 hours (a breach), one alert acknowledged in 45."""
    rows = []
    for first_day, audits, correct in WEEKS:
        for n in range(audits):
            day = datetime.fromisoformat(first_day) + timedelta(days=n % 7)
            wrong = {**WRONG, "error_category": "missed context" if n % 4 else "policy misread"} if n >= correct \
                else {}
            rows.append(audit_row(f"{first_day}-{n}", audited_at=f"{day:%Y-%m-%d}T12:00:00Z",
                                  decided_at=f"{day:%Y-%m-%d}T11:00:00Z", **wrong))
    rows += [audit_row(f"G{n}", vendor="Globex", audited_at="2026-11-10T12:00:00Z", decided_at="2026-11-10T11:00:00Z",
                       **WRONG,
                       error_category="other") for n in range(30)]
    import_audits(engine, config=config, path=write_csv(tmp_path / "review.csv", rows), now=now)
    with session_scope(engine) as session:
        escalation = create_escalation(session, now=FILED, escalation=Escalation(
            title="Leak", category="missed violation", severity="P1", vendor="acme", reporter_id="U1",
            created_at=FILED, acknowledge_due_at=FILED + timedelta(hours=1), resolve_due_at=FILED + timedelta(days=1),
            channel_id="C1"))
        acknowledge(session, escalation_id=escalation.id, user_id="U2", now=FILED + timedelta(minutes=30))
        resolve(session, escalation_id=escalation.id, user_id="U2", resolution="fixed", root_cause="training gap",
                now=FILED + timedelta(hours=30))
        alert = open_alert(session, rule="accuracy", subject="vendor:Acme BPO", vendor="Acme BPO",
                           title="Acme BPO below target", summary="90%", breached_since=FILED, channel_id="C1",
                           now=FILED)
        acknowledge_alert(session, alert_id=alert.id, user_id="U2", now=FILED + timedelta(minutes=45))


def acme_week_review(engine, *, config, tmp_path, now):
    """The seeded data's business review of vendor acme for the week before `now`."""
    from bot.review.periods import review_period
    from bot.review.service import business_review
    from bot.store.db import session_scope

    seed_review(engine, config=config, tmp_path=tmp_path, now=now)
    with session_scope(engine) as session:
        return business_review(session, config=config, scopes={"vendor": "acme"},
                               period=review_period("week", now=now), now=now)


def shared_review(slack, *, channel_prefix: str) -> tuple[bytes, dict[str, list[list[str]]]]:
    """The one review message the stand-in saw: its PDF's bytes and its zip's CSV files (name -> rows), after
    checking both went to one conversation starting with `channel_prefix`, in one message, with their titles."""
    (complete,) = slack.calls_to("files.completeUploadExternal")
    assert complete.args["channel_id"].startswith(channel_prefix)
    files = json.loads(complete.args["files"])
    assert [item["title"].split(":")[0] for item in files] == ["Business review", "Business review tables (CSV)"]
    uploaded = {call.args["file_id"]: call.content for call in slack.calls_to("upload")}
    pdf, archive = (uploaded[item["id"]] for item in files)
    with zipfile.ZipFile(io.BytesIO(archive)) as tables:
        return pdf, {name: list(csv.reader(io.StringIO(tables.read(name).decode("utf-8"))))
                     for name in tables.namelist()}
