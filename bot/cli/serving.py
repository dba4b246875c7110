"""`qabot run` and `qabot scheduler`: serving Slack and running the scheduled jobs, until SIGTERM."""

from __future__ import annotations

import click

from bot.cli.common import AppContext, job_runtime, logger


@click.command("run")
@click.pass_obj
def run_command(app: AppContext) -> None:
    """Serve Slack: Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT at /slack/events. SIGTERM stops it
    gracefully: requests, listeners and jobs in flight finish first."""
    from bot.server import stop_signals, wait_until_stopped
    from bot.service import build_service

    app.settings.require_slack()
    engine = app.upgraded_engine()
    service = build_service(app.settings, engine=engine, config=app.config)
    with stop_signals() as stop:
        try:
            service.start()
            wait_until_stopped(stop, serving=service.serving)
        finally:
            service.stop()
            engine.dispose()


@click.command("scheduler")
@click.pass_obj
def scheduler_command(app: AppContext) -> None:
    """Run only the scheduled jobs (for deployments that keep them apart from `qabot run`), with /healthz,
    /readyz and /metrics on PORT; SIGTERM lets the running job finish, then stops."""
    from bot.jobs.scheduler import build_scheduler
    from bot.monitoring.endpoints import service_endpoints
    from bot.render.chart_processes import ChartProcesses
    from bot.server import HttpServer, stop_signals, wait_until_stopped

    app.settings.require_slack(serving=False)
    charts = ChartProcesses()
    runtime = job_runtime(app, draw=charts.draw)
    scheduler = build_scheduler(runtime=runtime)
    endpoints = HttpServer(None, endpoints=service_endpoints(metrics=runtime.metrics, engine=runtime.engine,
                                                             scheduler=scheduler), port=app.settings.port)
    with stop_signals() as stop:
        try:
            endpoints.start()
            scheduler.start()
            click.echo(f"scheduler running (/healthz, /readyz, /metrics on port {app.settings.port}); "
                       "Ctrl-C or SIGTERM stops it")
            wait_until_stopped(stop, serving=endpoints.serving)
        finally:
            logger.info("stopping: the job in flight finishes first")
            if scheduler.running:
                scheduler.pause()
            endpoints.stop(grace=1)
            scheduler.shutdown(wait=True)
            charts.close()
            logger.info("stopped")
