"""The `qabot` command. Settings, config and engine are built here, per invocation."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from datetime import UTC
from functools import cached_property
from pathlib import Path

import click
from dotenv import load_dotenv
from sqlalchemy import Engine

from bot.clock import utc_now
from bot.errors import ConfigError, QabotError

logger = logging.getLogger("qabot")

SCOPE_OPTIONS = ("vendor", "agent", "queue", "policy", "market", "site")


@dataclass
class AppContext:
    """What commands share; each piece is built on first use and checked then."""

    config_override: Path | None

    @cached_property
    def settings(self):
        from bot.settings import load_settings

        return load_settings()

    @cached_property
    def config_path(self) -> Path:
        return self.config_override or self.settings.config_path

    @cached_property
    def config(self):
        from bot.config import load_team_config

        must_exist = self.config_override is not None or not self.settings.config_path_is_default
        return load_team_config(self.config_path, must_exist=must_exist)

    @cached_property
    def engine(self) -> Engine:
        from bot.store.db import make_engine

        return make_engine(self.settings.database_url)

    def upgraded_engine(self) -> Engine:
        from bot.store.db import upgrade_database

        upgrade_database(self.engine)
        return self.engine


class QabotGroup(click.Group):
    """Turns the bot's own errors into messages; anything else is logged with its traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.secho("The configuration has problems:", fg="red", err=True)
            for problem in exc.problems:
                click.echo(f"  - {problem}", err=True)
            ctx.exit(2)
        except QabotError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # output piped into `head` and the like: stop quietly
            sys.stderr.close()
            ctx.exit(0)
        except Exception:
            logger.exception("qabot failed unexpectedly")
            click.secho("Unexpected error (traceback above). Please report it.", fg="red", err=True)
            ctx.exit(70)


@click.group(cls=QabotGroup)
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="Team config file (default: $QABOT_CONFIG or config/qabot.toml).")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """QA Ops Bot: content-moderation QA figures, in Slack and in the terminal."""
    ctx.obj = AppContext(config_override=config_path)


@cli.group("config")
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
               f"{', '.join(config.defaults.no_violation_labels)}")
    click.echo(f"  database: {_redacted(app.settings.database_url)}")
    settings = app.settings
    mode = "Socket Mode" if settings.slack_app_token else f"HTTP on port {settings.port} at /slack/events"
    missing = settings.missing_slack()
    click.echo(f"  slack: {mode}, Web API {settings.slack_api_url}"
               + (f"; not set yet (needed by qabot run): {', '.join(missing)}" if missing else ""))
    for key, team in config.teams.items():
        click.echo(f"  team {key}: morning post {team.post_at} {team.timezone} {','.join(team.weekdays)} "
                   f"in {team.channel}")
    active = config.alerts.active_rules()
    click.echo(f"  alerts: {', '.join(f'{rule} in {config.alerts.channel_for(rule)}' for rule in active)}" if active
               else "  alerts: off (set [alerts].channel, or a rule's own channel, to turn them on)")
    calibration = config.calibration
    click.echo(f"  calibration: {calibration.default_items} items by default (at most {calibration.max_items}), "
               f"drawn from the last {calibration.lookback_days} days; reminder {calibration.remind_before_h:g} h "
               "before the end")
    if not config.access.qa_staff and not any(vendor.members for vendor in config.vendors.values()):
        click.echo("  note: [access] names no QA staff and no vendor has members: in Slack, everyone will be "
                   "refused until you add some.")


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@cli.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.pass_obj
def db_upgrade(app: AppContext) -> None:
    """Create or migrate the database to the newest schema."""
    from bot.store.db import current_revision

    app.upgraded_engine()
    click.echo(f"Database is at revision {current_revision(app.engine)}: {_redacted(app.settings.database_url)}")


@cli.group("import")
def import_group() -> None:
    """Bring data in."""


@import_group.command("audits")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--source", default=None, help="A [sources.NAME] of the config that maps this export's columns.")
@click.option("--dry-run", is_flag=True, help="Check and count everything, write nothing to the database.")
@click.pass_obj
def import_audits_command(app: AppContext, file: Path, source: str | None, dry_run: bool) -> None:
    """Import a QA audit CSV (.csv or .csv.gz)."""
    from bot.audits.importer import import_audits

    summary = import_audits(
        app.upgraded_engine(), config=app.config, path=file, source_name=source,
        dry_run=dry_run, now=utc_now(), show_progress=sys.stderr.isatty(),
    )
    counts = summary.counts
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} {summary.file_name}: {summary.rows_read:,} rows read; "
               f"{counts.inserted:,} new, {counts.updated:,} updated, {counts.unchanged:,} unchanged, "
               f"{summary.rejected:,} rejected.")
    if summary.ignored_columns:
        click.echo(f"Ignored columns (not audit fields): {', '.join(summary.ignored_columns)}")
    if summary.rejects_path:
        click.echo(f"Rejected rows, with line numbers and reasons: {summary.rejects_path}")
    if dry_run:
        click.echo("Dry run: the database was not changed.")


@cli.command("kpi")
@click.argument("kind", type=click.Choice([*SCOPE_OPTIONS, "org"]))
@click.argument("name", required=False)
@click.option("--days", type=int, default=None, help="Last N days up to today (default 7).")
@click.option("--period", "period_text", default=None, help="7d, 'since 2026-10-01' or 2026-10-01..2026-10-31.")
@click.option("--vendor", "narrow_vendor", default=None, help="Narrow to a vendor as well.")
@click.option("--queue", "narrow_queue", default=None, help="Narrow to a queue as well.")
@click.option("--policy", "narrow_policy", default=None, help="Narrow to a policy as well.")
@click.option("--market", "narrow_market", default=None, help="Narrow to a market as well.")
@click.option("--site", "narrow_site", default=None, help="Narrow to a site as well.")
@click.option("--agent", "narrow_agent", default=None, help="Narrow to an agent as well.")
@click.pass_obj
def kpi_command(app: AppContext, kind: str, name: str | None, days: int | None, period_text: str | None,
                **narrow: str | None) -> None:
    """Print the scorecard of a vendor, agent, queue, policy, market, site, or the whole org."""
    from bot.kpi.periods import last_days, parse_period
    from bot.kpi.service import scorecard_for
    from bot.render.text import scorecard_text
    from bot.store.db import session_scope

    if kind != "org" and not name:
        raise click.UsageError(f"say which {kind}: qabot kpi {kind} NAME")
    if kind == "org" and name:
        raise click.UsageError("'org' takes no name; narrow it with --vendor, --queue, ...")
    if days is not None and period_text is not None:
        raise click.UsageError("give --days or --period, not both")
    now = utc_now()
    period = parse_period(period_text, now=now) if period_text else last_days(days or 7, now=now)
    scopes = {kind: name} if name else {}
    for option, value in narrow.items():
        other = option.removeprefix("narrow_")
        if value is not None:
            if other in scopes:
                raise click.UsageError(f"--{other} repeats the {other} already given")
            scopes[other] = value
    with session_scope(app.upgraded_engine()) as session:
        card = scorecard_for(session, config=app.config, scopes=scopes, period=period, detail=True)
    click.echo(scorecard_text(card))


@cli.group("seed")
def seed_group() -> None:
    """Fill the database with synthetic data."""


@seed_group.command("demo")
@click.option("--seed", "seed_value", type=int, default=7, show_default=True, help="Same seed, same data.")
@click.option("--audits", type=click.IntRange(min=1), default=60_000, show_default=True,
              help="How many audits (use millions for benchmarks).")
@click.option("--days", type=click.IntRange(min=8, max=3650), default=90, show_default=True)
@click.pass_obj
def seed_demo(app: AppContext, seed_value: int, audits: int, days: int) -> None:
    """Realistic demo audits: 4 vendors (acme = Acme BPO, dropping this week), ~200 agents."""
    summary = _seed(app, seed_value=seed_value, audits=audits, days=days)
    click.echo(f"Seeded demo data: {summary.counts.inserted:,} new, {summary.counts.updated:,} updated, "
               f"{summary.counts.unchanged:,} unchanged audits over {days} days.")


def _seed(app: AppContext, *, seed_value: int, audits: int, days: int):
    from bot.demo.seed import DEMO_SOURCE, load_demo

    return load_demo(app.upgraded_engine(), config=app.config, audits=audits, days=days, seed=seed_value,
                     now=utc_now(), source=DEMO_SOURCE, show_progress=sys.stderr.isatty())


@cli.command("demo")
@click.option("--chart", "chart_path", type=click.Path(path_type=Path), default=Path("qabot-demo-chart.png"),
              show_default=True, help="Where to save the chart the bot uploaded.")
@click.pass_obj
def demo_command(app: AppContext, chart_path: Path) -> None:
    """Seed demo data if the database is empty, run the bot against the Slack stand-in, ask `/qa vendor acme`."""
    from bot.demo.scenario import run_demo
    from bot.store.audits import count_audits
    from bot.store.db import session_scope

    engine = app.upgraded_engine()
    with session_scope(engine) as session:
        empty = count_audits(session) == 0
    if empty:
        click.echo("Empty database: seeding demo data (60,000 audits over 90 days)...")
        _seed(app, seed_value=7, audits=60_000, days=90)
    run_demo(engine, config=app.config, settings=app.settings, chart_path=chart_path, now=utc_now(), echo=click.echo)
    click.echo("Try in a terminal too: qabot kpi vendor acme --days 30 · qabot kpi queue video-uploads")


GIL_SWITCH_SECONDS = 0.001


@cli.command("run")
@click.pass_obj
def run_command(app: AppContext) -> None:
    """Serve Slack: Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT at /slack/events. SIGTERM stops it
    gracefully: requests, listeners and jobs in flight finish first."""
    from bot.app import build_app, build_web_client
    from bot.jobs.scheduler import JobContext, build_scheduler
    from bot.kpi.scorecard import load_statistics
    from bot.render.chart_processes import ChartProcesses
    from bot.server import HttpServer, SocketModeServer, stop_serving, stop_signals, wait_until_stopped
    from bot.services import Services
    from bot.slack.access import GroupDirectory

    settings = app.settings
    settings.require_slack()
    engine = app.upgraded_engine()
    client = build_web_client(settings)
    charts = ChartProcesses()
    services = Services(engine=engine, config=app.config, draw=charts.draw, groups=GroupDirectory.from_slack(client))
    bolt_app = build_app(settings=settings, services=services, client=client)
    scheduler = build_scheduler(context=JobContext(engine=engine, client=client, config=app.config, draw=charts.draw))
    server = (SocketModeServer(bolt_app, app_token=settings.slack_app_token) if settings.slack_app_token
              else HttpServer(bolt_app, port=settings.port))
    # Hand the GIL over every millisecond (default 5) so acknowledgements do not wait behind
    # listener threads: measured p99 86 ms instead of 128 ms at 20 concurrent requests.
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    load_statistics()
    with stop_signals() as stop:
        try:
            server.start()
            scheduler.start()  # each slot runs once, on whichever replica claims it first
            wait_until_stopped(stop, serving=server.serving)
        finally:
            stop_serving(server, app=bolt_app, scheduler=scheduler, charts=charts)
            engine.dispose()


@cli.group("jobs")
def jobs_group() -> None:
    """Scheduled jobs: list them, or run one now."""


def _job_context(app: AppContext, **more):
    from bot.app import build_web_client
    from bot.jobs.scheduler import JobContext

    return JobContext(engine=app.upgraded_engine(), client=build_web_client(app.settings), config=app.config, **more)


@jobs_group.command("list")
@click.pass_obj
def jobs_list(app: AppContext) -> None:
    """Each job, when it runs, its next run and its last run."""
    from bot.jobs.scheduler import jobs_for
    from bot.store.db import session_scope
    from bot.store.job_runs import last_runs

    now = utc_now()
    with session_scope(app.upgraded_engine()) as session:
        runs = last_runs(session)
    for job in jobs_for(app.config):
        last = runs.get(job.id)
        done = ("never" if last is None
                else f"{last.slot:%Y-%m-%d %H:%M} UTC by {last.claimed_by}: {last.outcome or 'running'}")
        upcoming = job.trigger().get_next_fire_time(None, now)
        click.echo(f"{job.id}\n  {job.description}\n  {job.schedule()} · next {upcoming.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
                   f" · last {done}")


@jobs_group.command("run")
@click.argument("name")
@click.option("--due", is_flag=True,
              help="Run only if its latest scheduled slot has not run yet and is within its grace time, "
                   "exactly as the scheduler would.")
@click.pass_obj
def jobs_run(app: AppContext, name: str, due: bool) -> None:
    """Run one job now, in a slot of its own (or, with --due, in its latest scheduled slot)."""
    from bot.jobs.scheduler import job_named, jobs_for, run_if_due, run_in_slot

    jobs = jobs_for(app.config)
    try:
        job = job_named(jobs, name)
    except LookupError:
        raise QabotError(f"No job called '{name}'. Jobs: {', '.join(job.id for job in jobs)}.") from None
    if job.needs_slack:
        app.settings.require_slack(serving=False)
    now = utc_now()
    context = _job_context(app)
    outcome = run_if_due(job, context=context, now=now) if due else run_in_slot(job, context=context, now=now,
                                                                                 slot=now)
    click.echo(f"{job.id}: {outcome or 'skipped: its latest slot already ran, or is past its grace time'}")


@cli.command("scheduler")
@click.pass_obj
def scheduler_command(app: AppContext) -> None:
    """Run only the scheduled jobs (for deployments that keep them apart from `qabot run`); SIGTERM lets the
    running job finish, then stops."""
    from bot.jobs.scheduler import build_scheduler
    from bot.render.chart_processes import ChartProcesses
    from bot.server import stop_signals, wait_until_stopped

    app.settings.require_slack(serving=False)
    charts = ChartProcesses()
    scheduler = build_scheduler(context=_job_context(app, draw=charts.draw))
    with stop_signals() as stop:
        try:
            scheduler.start()
            click.echo("scheduler running; Ctrl-C or SIGTERM stops it")
            wait_until_stopped(stop)
        finally:
            logger.info("stopping: the job in flight finishes first")
            scheduler.shutdown(wait=True)
            charts.close()
            logger.info("stopped")


def main() -> None:
    load_dotenv(Path.cwd() / ".env", override=False)
    logging.basicConfig(level=os.environ.get("QABOT_LOG_LEVEL", "INFO").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # bot.jobs.scheduler logs each run's outcome
    cli(prog_name="qabot")
