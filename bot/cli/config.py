"""`qabot config check`: the team config and the environment, every problem named at once."""

from __future__ import annotations

import click

from bot.cli.common import AppContext, redacted
from bot.errors import ConfigError


@click.group("config")
def config_group() -> None:
    """Check the team config and the environment."""


@config_group.command("check")
@click.pass_obj
def config_check(app: AppContext) -> None:
    """Validate config/qabot.toml and the environment; name every problem."""
    problems: list[str] = []
    for build in ("settings", "config"):
        try:
            getattr(app, build)
        except ConfigError as exc:
            problems += exc.problems
    if problems:
        raise ConfigError(problems)
    config = app.config
    where = app.config_path if app.config_path.exists() else f"{app.config_path} (not found: built-in defaults)"
    click.echo(f"Config OK: {where}")
    click.echo(f"  vendors: {len(config.vendors)}, queues: {len(config.queues)}, "
               f"policies: {len(config.policies)}, import sources: {len(config.sources)}")
    click.echo(f"  default targets: accuracy {config.defaults.accuracy_target:.1%}, "
               f"AHT {config.defaults.aht_target_s:g} s; no-violation labels: "
               f"{', '.join(config.defaults.no_violation_labels)}; agents ranked from "
               f"{config.defaults.min_agent_audits} audits")
    click.echo(f"  database: {redacted(app.settings.database_url)}")
    settings = app.settings
    mode = "Socket Mode" if settings.slack_app_token else f"HTTP on port {settings.port} at /slack/events"
    missing = settings.missing_slack()
    click.echo(f"  slack: {mode}, Web API {settings.slack_api_url}"
               + (f"; not set yet (needed by qabot run): {', '.join(missing)}" if missing else ""))
    for key, team in config.teams.items():
        click.echo(f"  team {key}: morning post {team.post_at} {team.timezone} {','.join(team.weekdays)} "
                   f"in {team.channel}")
    for name, review in config.reviews.items():
        click.echo(f"  review {name}: {review.period}ly business review of {review.scope_label()}, {review.day} "
                   f"{review.at} {review.timezone} in {review.channel}")
    active = config.alerts.active_rules()
    click.echo(f"  alerts: {', '.join(f'{rule} in {config.alerts.channel_for(rule)}' for rule in active)}" if active
               else "  alerts: off (set [alerts].channel, or a rule's own channel, to turn them on)")
    calibration = config.calibration
    click.echo(f"  calibration: {calibration.default_items} items by default (at most {calibration.max_items}), "
               f"drawn from the last {calibration.lookback_days} days; reminder {calibration.remind_before_h:g} h "
               "before the end")
    coaching = config.coaching
    digests = [f"{key} in {vendor.leads_channel}" for key, vendor in config.vendors.items() if vendor.leads_channel]
    click.echo(f"  root causes: an agent repeats an error category at {config.rca.repeat_min}+ in a period")
    click.echo(f"  coaching: follow-up after {coaching.default_follow_up_days} days by default, against the "
               f"{coaching.before_days} days before; at least {coaching.min_audits} audits to tell; weekly digest "
               f"{coaching.digest_day} {coaching.digest_at} {coaching.digest_timezone}: "
               + (", ".join(digests) if digests else "off (set a vendor's leads_channel to turn it on)"))
    disputes = config.disputes
    mapped = sum(1 for auditor in config.auditors.values() if auditor.slack_user)
    click.echo("  disputes: " + (f"filed within {disputes.window_days} days of the audit, decided within "
                                   f"{disputes.decide_within_h:g} h; {mapped} auditor(s) mapped to Slack users"
                                   if disputes.takes_disputes else "off (set [disputes].channel to turn them on)"))
    if disputes.takes_disputes and not mapped:
        click.echo("  note: no [auditors.ID] has a slack_user: QA staff cannot be kept from deciding disputes of "
                   "their own audits until you map the auditor ids in the data to Slack users.")
    if not config.access.qa_staff and not any(vendor.members or vendor.leads for vendor in config.vendors.values()):
        click.echo("  note: [access] names no QA staff and no vendor has members: in Slack, everyone will be "
                   "refused until you add some.")

