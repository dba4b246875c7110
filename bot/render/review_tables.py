"""A business review's tables as text: the rows the PDF prints and the CSV files hold, the same for both. Pure."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.kpi.scorecard import Change, Estimate

if TYPE_CHECKING:
    from bot.review.service import BusinessReview  # not at run time: chart workers draw without the store


@dataclass(frozen=True)
class Table:
    name: str
    """File-name friendly: the CSV is <stem>-<name>.csv."""
    title: str
    header: list[str]
    rows: list[list[str]]


def review_tables(review: BusinessReview) -> list[Table]:
    """Every table of the review, in the order the PDF shows them."""
    return [_headline(review), _trend(review), _pareto(review), _movers(review), *_escalations(review),
            _alerts(review), _calibrations(review), _disputes(review),
            Table("definitions", "Definitions", ["term", "definition"], [list(pair) for pair in review.definitions])]


def table_csv(table: Table) -> str:
    """The table as a CSV file's text: its header, then its rows as the PDF prints them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.header)
    writer.writerows(table.rows)
    return out.getvalue()


def tables_zip(tables: Sequence[Table], *, stem: str, stamp: date) -> bytes:
    """Every table as `<stem>-<name>.csv` in one zip (one attachment in Slack, not a dozen); stamped with `stamp`
    rather than the clock, so the same review gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            entry = zipfile.ZipInfo(f"{stem}-{table.name}.csv", date_time=(stamp.year, stamp.month, stamp.day, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, table_csv(table).encode("utf-8"))
    return out.getvalue()


def accuracy_text(estimate: Estimate | None) -> str:
    return "no audits" if estimate is None else f"{estimate.value:.2%}"


def interval_text(estimate: Estimate | None) -> str:
    return "" if estimate is None else f"{estimate.low:.2%} to {estimate.high:.2%}"


def change_text(change: Change | None) -> str:
    """"+1.20 pts (p = 0.003, significant)", or why there is none."""
    if change is None:
        return "no audits to compare"
    verdict = "significant" if change.significant else "not significant"
    return f"{change.delta_points:+.2f} pts (was {change.previous.value:.2%}; p = {change.p_value:.3f}, {verdict})"


def _headline(review: BusinessReview) -> Table:
    h = review.headline
    aht = "no timed audits" if h.aht_mean_s is None else f"{h.aht_mean_s:.1f} s"
    rows = [
        ["Accuracy", accuracy_text(h.accuracy), f"target {h.targets.accuracy:.1%}", h.status.value],
        ["95% interval", interval_text(h.accuracy), "", ""],
        ["Audits", f"{h.counts.audits:,}", "", ""],
        ["AHT", aht, f"target {h.targets.aht_s:.0f} s", h.aht_status.value],
        ["Change vs previous period", change_text(h.change), _dates(h.previous), f"{h.previous_audits:,} audits"],
        ["Change vs a year earlier", change_text(h.year_change), _dates(h.year_earlier),
         f"{h.year_earlier_audits:,} audits"],
    ]
    return Table("headline", "Headline", ["figure", "value", "against", "status"], rows)


def _trend(review: BusinessReview) -> Table:
    target = f"{review.headline.targets.accuracy:.1%}"
    rows = [[_dates(point.period), f"{point.audits:,}", accuracy_text(point.accuracy), interval_text(point.accuracy), target]
            for point in review.trend]
    return Table("trend", "Accuracy trend", ["period", "audits", "accuracy", "95% interval", "target"], rows)


def _pareto(review: BusinessReview) -> Table:
    rows = [[row.category, f"{row.counts.errors:,}", f"{row.share:.1%}", f"{row.cumulative_share:.1%}",
             _rate(row.rate), _rate(row.previous_rate), "yes" if row.significant else "no"]
            for row in review.pareto.rows]
    return Table("errors", "Error categories (Pareto)", ["category", "errors", "share", "cumulative",
                                                         "per 1,000 audits", "previous per 1,000", "changed"], rows)


def _movers(review: BusinessReview) -> Table:
    rows = [[mover.kind, mover.name, f"{mover.audits:,}", accuracy_text(mover.accuracy),
             f"{mover.change.delta_points:+.2f} pts", f"{mover.change.p_value:.3f}"] for mover in review.movers]
    return Table("movers", "Largest movers against the previous period",
                 ["kind", "name", "audits", "accuracy", "change", "p-value"], rows)


def _escalations(review: BusinessReview) -> list[Table]:
    summary = review.escalations
    if summary is None:
        note = [["(escalations name a vendor and a queue: this scope cannot be matched to them)", ""]]
        return [Table("escalations", "Escalations", ["note", ""], note)]
    by_severity = [[line.severity, str(line.count), _minutes(line.mean_acknowledge_min),
                    _minutes(line.acknowledge_sla_min), str(line.acknowledge_breaches),
                    _minutes(line.mean_resolve_min), _minutes(line.resolve_sla_min), str(line.resolve_breaches)]
                   for line in summary.by_severity]
    header = ["severity", "filed", "mean to acknowledge", "acknowledge SLA", "acknowledge breaches",
              "mean to resolve", "resolve SLA", "resolve breaches"]
    return [
        Table("escalations", f"Escalations filed: {summary.count}, still open at the period's end: "
                             f"{summary.open_at_end}", header, by_severity),
        Table("escalation-categories", "Escalations by category", ["category", "filed"],
              [[name, str(n)] for name, n in summary.by_category]),
        Table("root-causes", "Root causes of the resolved ones", ["root cause", "escalations"],
              [[name, str(n)] for name, n in summary.root_causes]),
    ]


def _alerts(review: BusinessReview) -> Table:
    alerts = review.alerts
    title = (f"SLA-breach alerts: {len(alerts.alerts)}, acknowledged {alerts.acknowledged}, "
             f"mean time to acknowledge {_minutes(alerts.mean_acknowledge_min)}")
    rows = [[line.readable_id, line.title, f"{line.opened_at:%Y-%m-%d %H:%M} UTC", _minutes(line.acknowledge_min)]
            for line in alerts.alerts]
    return Table("alerts", title, ["alert", "title", "opened", "time to acknowledge"], rows)


def _calibrations(review: BusinessReview) -> Table:
    if review.calibrations is None:
        return Table("calibrations", "Calibration sessions: in QA staff's reviews only (a session may hold other "
                     "vendors' judges)", ["session", "queue · policy", "items", "judges"], [])
    names = list(dict.fromkeys(name for line in review.calibrations for name in line.agreement))
    rows = [[line.readable_id, line.scope, str(line.items), str(line.participants),
             *(_agreement(line.agreement.get(name)) for name in names)] for line in review.calibrations]
    return Table("calibrations", "Calibration sessions closed in the period",
                 ["session", "queue · policy", "items", "judges", *names], rows)


def _disputes(review: BusinessReview) -> Table:
    disputes = review.disputes
    rate = "no disputes" if disputes.overturn_rate is None else f"{disputes.overturn_rate:.1%}"
    return Table("disputes", "Disputes", ["filed", "overturned", "overturn rate"],
                 [[f"{disputes.filed:,}", f"{disputes.overturned:,}", rate]])


def _dates(period) -> str:
    return f"{period.first_day.isoformat()} to {period.last_day.isoformat()}"


def _rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.1f}"


def _minutes(minutes: float | None) -> str:
    if minutes is None or math.isnan(minutes):
        return "none"
    return f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.1f} h"


def _agreement(value: float | None) -> str:
    return "not defined" if value is None or math.isnan(value) else f"{value:.2f}"


def review_summary(review: BusinessReview) -> str:
    """One paragraph: the terminal's answer and the Slack message the PDF goes with."""
    h = review.headline
    target = f"{h.targets.accuracy:.1%}"
    parts = [f"{review.label}, {_dates(review.period)} ({review.timezone}): " + (
        f"accuracy {accuracy_text(h.accuracy)} ({interval_text(h.accuracy)}) against a target of {target}, "
        f"{h.status.value}, on {h.counts.audits:,} audits" if h.accuracy is not None else f"no audits (target {target})")]
    if h.change is not None:
        parts.append(f"{h.change.delta_points:+.2f} pts on the previous period")
    if h.year_change is not None:
        parts.append(f"{h.year_change.delta_points:+.2f} pts on a year earlier")
    if h.aht_mean_s is not None:
        parts.append(f"AHT {h.aht_mean_s:.1f} s against {h.targets.aht_s:.0f} s")
    top = review.pareto.rows[0] if review.pareto.rows and review.pareto.rows[0].counts.errors else None
    if top is not None:
        parts.append(f"top error: {top.category} ({top.share:.0%} of errors)")
    if review.escalations is not None:
        late_ack = sum(line.acknowledge_breaches for line in review.escalations.by_severity)
        late_resolve = sum(line.resolve_breaches for line in review.escalations.by_severity)
        count = review.escalations.count
        parts.append(f"{count} escalation{'s' * (count != 1)} ({late_ack} acknowledged late, "
                     f"{late_resolve} resolved late)")
    parts.append(f"{len(review.alerts.alerts)} SLA-breach alerts")
    return "; ".join(parts) + "."
