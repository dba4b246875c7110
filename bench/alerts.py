"""Shift alerts, measured: false alerts on stable vendors and days to detect a drop in accuracy, by simulation.

    python -m bench.alerts                   # about half a minute; writes bench/results/alerts.json
    python -m bench.alerts --seed 7 --stable 2000 --drifting 500
    python -m bench.alerts --monitor-audits 10000000   # also a monitor pass over 200 scopes of a demo database

Each simulated vendor has a baseline accuracy drawn from 90-98%, a mean volume (drawn from 100 to 5,000 audits a
day, log-uniform; or fixed at 500 in the second setting), weekdays at 1.2x and weekends at 0.5x its mean (Poisson
counts), and day-to-day variation between binomial and 1.5x binomial variance: each day's error rate is drawn from
a beta distribution whose spread makes the day's error count vary `dispersion` times as much as binomial at the
vendor's mean volume (dispersion drawn from 1 to 1.5). The first 8 weeks are the baseline; the detectors then watch
8 weeks. Stable vendors never change; the others lose 1, 2, 3 or 5 points of accuracy from the 8th day watched on.

- False alerts: alerts opened (a day in alarm after a day without) on stable vendors, per 100 vendor-weeks.
- Days to detect: from the drop's first day (1 = an alert on the data of the drop's first day) to the first day
  in alarm; not detected within the 7 weeks watched after the drop counts as never (censored), and a percentile
  that falls on those says so ("never").
- The `accuracy` rule as the monitor runs it today: the 7-day Wilson interval's top under target, on at least 200
  audits. Its target is the one the SLA would set, 1 (or 2) points under the vendor's baseline accuracy as the
  baseline weeks measured it: a target at the baseline itself would page on every stable vendor's bad weeks, and
  the rule is about the SLA, not about shifts, which is the point of measuring it here.
- Low volumes: the default's false alerts on stable vendors of 4 to 250 audits a day, with the audits their 8-week
  baseline holds, from which `[alerts.shift].min_audits` is chosen.
- The detectors take the baseline's error rate and Laney sigma_z from `bot.spc.limits.fit_baseline`, exactly as
  the monitor would, and are the code of `bot.spc.shift`, run over all vendors at once.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bench.alerts_timing import monitor_pass, rule_time
from bot.alerts.config import AccuracyRule
from bot.spc.limits import Rule, fit_baseline
from bot.spc.shift import CusumParams, EwmaParams, ShiftParams, WesternElectricParams, detector

BASELINE_DAYS = 56
WATCHED_DAYS = 56
DROP_DAY = 7
"""The drop starts on the 8th day watched: the detectors have run a week, as they would have in the monitor."""
DROPS = (0.01, 0.02, 0.03, 0.05)
WEEK = np.array([1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5])
DEFAULT = CusumParams()
VOLUMES = (250, 500, 1000, 2000)
"""Volumes at which the default is measured again, to say what the aim takes."""
LOW_VOLUMES = (4, 10, 20, 50, 100, 250)
"""Low volumes at which the default's false alerts are measured, to choose [alerts.shift].min_audits."""
AIM = {"audits_a_day": 500, "drop": 0.03, "median_days": 2, "false_alerts_per_100_vendor_weeks": 1}


def accuracy_rule_params(target_under_baseline: float) -> dict:
    return {"method": "accuracy rule (today)", "target_under_baseline": target_under_baseline,
            "window_days": AccuracyRule().window_days, "min_audits": AccuracyRule().min_audits}


GRID: list[ShiftParams | dict] = [
    accuracy_rule_params(0.01), accuracy_rule_params(0.02),
    WesternElectricParams(rules=(Rule.BEYOND_3_SIGMA,)),
    WesternElectricParams(rules=(Rule.BEYOND_3_SIGMA, Rule.TWO_OF_THREE_BEYOND_2_SIGMA)),
    WesternElectricParams(rules=(Rule.BEYOND_3_SIGMA, Rule.TWO_OF_THREE_BEYOND_2_SIGMA,
                                 Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA)),
    WesternElectricParams(),
    *(CusumParams(shift=shift, arl0_days=arl0) for shift in (0.01, 0.02, 0.03, 0.04) for arl0 in (1000, 1500, 2000)),
    CusumParams(shift=0.03, arl0_days=1500, dispersion=False),
    *(EwmaParams(lam=lam, width=width) for lam in (0.2, 0.4, 0.6) for width in (3.0, 3.5)),
    EwmaParams(lam=0.2, width=3.0, dispersion=False),
]


def simulate(rng: np.random.Generator, *, vendors: int, volume: float | None, drop: float) -> dict[str, np.ndarray]:
    """Daily audits and errors, (vendors, baseline + watched days), of vendors that lose `drop` on DROP_DAY."""
    days = BASELINE_DAYS + WATCHED_DAYS
    accuracy = rng.uniform(0.90, 0.98, vendors)
    if volume is None:
        mean = np.exp(rng.uniform(np.log(100), np.log(5000), vendors))
    else:
        mean = np.full(vendors, float(volume))
    dispersion = rng.uniform(1.0, 1.5, vendors)
    weekday = (np.arange(days)[None, :] + rng.integers(0, 7, vendors)[:, None]) % 7
    audits = rng.poisson(mean[:, None] * WEEK[weekday])
    error_rate = np.broadcast_to((1 - accuracy)[:, None], (vendors, days)).copy()
    error_rate[:, BASELINE_DAYS + DROP_DAY:] += drop
    # A beta of mean p and variance (dispersion - 1) p(1 - p) / mean volume: a + b = mean / (dispersion - 1) - 1.
    concentration = (mean / np.maximum(dispersion - 1, 1e-9) - 1)[:, None]
    daily_rate = rng.beta(error_rate * concentration, (1 - error_rate) * concentration)
    return {"audits": audits, "errors": rng.binomial(audits, daily_rate), "mean": mean}


def alarms(params: ShiftParams | dict, history: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray | None]:
    """Each watched day's alarm, (vendors, watched days), and the estimated start day at first alarm (or None)."""
    audits, errors = history["audits"], history["errors"]
    if isinstance(params, dict):
        return accuracy_rule_alarms(audits, errors, target_under_baseline=params["target_under_baseline"]), None
    baselines = [fit_baseline(audits=n[:BASELINE_DAYS], successes=e[:BASELINE_DAYS]) for n, e in zip(audits, errors)]
    watch = detector(params, p0=np.array([b.centre for b in baselines]),
                     sigma_z=np.array([b.sigma_z for b in baselines]),
                     daily_audits=np.array([b.audits / b.days for b in baselines]))
    alarm = np.zeros((len(audits), WATCHED_DAYS), dtype=bool)
    start = np.full(len(audits), -1)
    for day in range(WATCHED_DAYS):
        alarm[:, day] = watch.update(audits[:, BASELINE_DAYS + day], errors[:, BASELINE_DAYS + day])
        start = np.where((start < 0) & alarm[:, day] & (day >= DROP_DAY), watch.start, start)
    return alarm, start


def accuracy_rule_alarms(audits: np.ndarray, errors: np.ndarray, *, target_under_baseline: float) -> np.ndarray:
    """Today's rule, as bot.alerts.rules.accuracy_breaches decides it, on every watched day's last 7 days."""
    from statsmodels.stats.proportion import proportion_confint

    rule = AccuracyRule()
    target = 1 - errors[:, :BASELINE_DAYS].sum(axis=1) / audits[:, :BASELINE_DAYS].sum(axis=1) - target_under_baseline
    counted = np.cumsum(audits, axis=1)
    wrong = np.cumsum(errors, axis=1)
    ends = np.arange(BASELINE_DAYS, BASELINE_DAYS + WATCHED_DAYS)
    window_audits = counted[:, ends] - counted[:, ends - rule.window_days]
    window_correct = window_audits - (wrong[:, ends] - wrong[:, ends - rule.window_days])
    _, high = proportion_confint(window_correct, window_audits, alpha=0.05, method="wilson")
    return (window_audits >= rule.min_audits) & (high < target[:, None])


def false_alerts(alarm: np.ndarray) -> float:
    """Alerts opened per 100 vendor-weeks."""
    opened = alarm[:, 0].sum() + (alarm[:, 1:] & ~alarm[:, :-1]).sum()
    return round(float(opened) / (alarm.size / 7) * 100, 2)


def delays(alarm: np.ndarray) -> np.ndarray:
    """Days from the drop's first day (1) to the first day in alarm; inf when never."""
    after = alarm[:, DROP_DAY:]
    return np.where(after.any(axis=1), after.argmax(axis=1) + 1.0, np.inf)


def percentile(values: np.ndarray, q: float) -> float | None:
    """The q-th percentile counting the censored (inf) as longest; None when it falls on them."""
    ordered = np.sort(values)
    value = ordered[int(np.ceil(q / 100 * len(ordered))) - 1]
    return None if np.isinf(value) else float(value)


def label(params: ShiftParams | dict) -> str:
    if isinstance(params, dict):
        return f"accuracy rule, target {params['target_under_baseline'] * 100:.0f} pt under baseline"
    if isinstance(params, WesternElectricParams):
        return f"Western Electric rules {','.join(str(int(rule)) for rule in params.rules)}"
    binomial = "" if params.dispersion else ", binomial"
    if isinstance(params, CusumParams):
        return f"CUSUM shift {params.shift * 100:.0f} pt, ARL0 {params.arl0_days:.0f} d{binomial}"
    return f"EWMA λ {params.lam:g}, L {params.width:g}{binomial}"


def describe(params: ShiftParams | dict) -> dict:
    if isinstance(params, dict):
        return params
    method = {WesternElectricParams: "western_electric", CusumParams: "cusum", EwmaParams: "ewma"}[type(params)]
    fields = asdict(params)
    if "rules" in fields:
        fields["rules"] = [int(rule) for rule in fields["rules"]]
    return {"method": method, **fields}


def measure(rng: np.random.Generator, *, volume: float | None, stable: int, drifting: int) -> list[dict]:
    stable_history = simulate(rng, vendors=stable, volume=volume, drop=0.0)
    drifted = {drop: simulate(rng, vendors=drifting, volume=volume, drop=drop) for drop in DROPS}
    rows = []
    for params in GRID:
        row = {"label": label(params), "params": describe(params),
               "false_alerts_per_100_vendor_weeks": false_alerts(alarms(params, stable_history)[0]), "drops": {}}
        for drop, history in drifted.items():
            alarm, start = alarms(params, history)
            delay = delays(alarm)
            found = {"median_days": percentile(delay, 50), "p90_days": percentile(delay, 90),
                     "detected_within_2_days": round(float((delay <= 2).mean()), 3),
                     "detected_within_7_weeks": round(float(np.isfinite(delay).mean()), 3)}
            if start is not None and np.isfinite(delay).any():
                error = start[np.isfinite(delay)] - DROP_DAY
                found["start_day_error_median"] = float(np.median(error))
            row["drops"][f"{drop * 100:.0f}"] = found
        rows.append(row)
    return rows


def by_volume(rng: np.random.Generator, *, stable: int, drifting: int) -> list[dict]:
    """The default detector at other volumes: false alerts and days to detect a 3-point drop."""
    rows = []
    for volume in VOLUMES:
        stable_history = simulate(rng, vendors=stable, volume=volume, drop=0.0)
        delay = delays(alarms(DEFAULT, simulate(rng, vendors=drifting, volume=volume, drop=0.03))[0])
        rows.append({"audits_a_day": volume,
                     "false_alerts_per_100_vendor_weeks": false_alerts(alarms(DEFAULT, stable_history)[0]),
                     "drop_3": {"median_days": percentile(delay, 50), "p90_days": percentile(delay, 90),
                                "detected_within_1_day": round(float((delay <= 1).mean()), 3),
                                "detected_within_2_days": round(float((delay <= 2).mean()), 3)}})
    return rows


def by_low_volume(rng: np.random.Generator, *, stable: int) -> list[dict]:
    """The default detector's false alerts on stable vendors of a few audits a day, with the baseline audits
    (8 weeks) such vendors have: the shift rule judges a scope only from `min_audits` audits in its baseline.

    Vendors whose baseline gives no control limits (a few at 4 a day) are left out, as the monitor leaves them out.
    """
    rows = []
    for volume in LOW_VOLUMES:
        history = simulate(rng, vendors=stable, volume=volume, drop=0.0)
        judged = np.array([fit_baseline(audits=n[:BASELINE_DAYS], successes=e[:BASELINE_DAYS]) is not None
                           for n, e in zip(history["audits"], history["errors"])])
        history = {key: value[judged] for key, value in history.items()}
        baseline_audits = history["audits"][:, :BASELINE_DAYS].sum(axis=1)
        rows.append({"audits_a_day": volume,
                     "false_alerts_per_100_vendor_weeks": false_alerts(alarms(DEFAULT, history)[0]),
                     "baseline_audits_median": int(np.median(baseline_audits)),
                     "judged": round(float(judged.mean()), 3)})
    return rows


def meets_aim(row: dict) -> bool:
    three = row["drops"]["3"]["median_days"]
    return (three is not None and three <= AIM["median_days"]
            and row["false_alerts_per_100_vendor_weeks"] < AIM["false_alerts_per_100_vendor_weeks"])


def table(title: str, rows: list[dict]) -> str:
    def days(found: dict) -> str:
        median, p90 = (("never" if value is None else f"{value:.0f}") for value in (found["median_days"],
                                                                                 found["p90_days"]))
        return f"{median} / {p90}"

    def start_error(found: dict) -> str:
        error = found.get("start_day_error_median")
        return "" if error is None else f"{error:+.0f} d"

    lines = [f"**{title}**", "",
             "| method | false alerts per 100 vendor-weeks | 1 pt drop: days to detect, median / p90 | 2 pt | 3 pt | 5 pt "
             "| 3 pt: within 2 days | 3 pt: start day estimated, median error |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        mark = " (meets the aim on this sample)" if title.startswith("500") and meets_aim(row) else ""
        lines.append(f"| {row['label']}{mark} | {row['false_alerts_per_100_vendor_weeks']:.2f} | "
                     + " | ".join(days(row["drops"][drop]) for drop in ("1", "2", "3", "5"))
                     + f" | {row['drops']['3']['detected_within_2_days']:.0%} | {start_error(row['drops']['3'])} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--stable", type=int, default=10000, help="stable vendors per setting (8 weeks each)")
    parser.add_argument("--drifting", type=int, default=2000, help="vendors per size of drop and setting")
    parser.add_argument("--monitor-audits", type=int, default=0,
                        help="also time a monitor pass of the shift rule on a demo database of this many audits")
    parser.add_argument("--workdir", type=Path, default=Path("bench/data"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/alerts.json"))
    args = parser.parse_args()
    began = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    settings = {"100 to 5,000 audits a day": None, "500 audits a day": 500}
    results = {title: measure(rng, volume=volume, stable=args.stable, drifting=args.drifting)
               for title, volume in settings.items()}
    default = by_volume(rng, stable=args.stable // 2, drifting=args.drifting)
    timing = rule_time(simulate(rng, vendors=200, volume=None, drop=0.03))
    low = by_low_volume(rng, stable=args.stable // 2)
    monitor = monitor_pass(args.monitor_audits, workdir=args.workdir) if args.monitor_audits else None
    result = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
              "machine": {"python": platform.python_version(), "platform": platform.platform()},
              "seed": args.seed, "stable_vendors": args.stable, "vendors_per_drop": args.drifting,
              "baseline_days": BASELINE_DAYS, "watched_days": WATCHED_DAYS, "drop_on_watched_day": DROP_DAY + 1,
              "aim": AIM, "default": {"label": label(DEFAULT), "params": describe(DEFAULT), "by_volume": default,
                                   "by_low_volume": low},
              "shift_rule_pass": timing, "monitor_pass": monitor,
              "seconds": round(time.perf_counter() - began, 1), "settings": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for title, rows in results.items():
        print(table(title, rows), end="\n\n")
    print(f"{label(DEFAULT)} (the default) by volume:")
    for row in default:
        print(f"  {row['audits_a_day']:>5} a day: {row['false_alerts_per_100_vendor_weeks']:.2f} false alerts per 100 "
              f"vendor-weeks; 3 pt drop {row['drop_3']}")
    for row in low:
        print(f"  {row['audits_a_day']:>5} a day: {row['false_alerts_per_100_vendor_weeks']:.2f} false alerts per 100 "
              f"vendor-weeks; {row['baseline_audits_median']:,} audits in 8 weeks of baseline (median)")
    print(f"The shift rule's work over {timing['scopes']} scopes in a monitor pass: {timing['median_ms']} ms")
    if monitor:
        print(f"A monitor pass of the shift rule over {monitor['scopes']} scopes at {monitor['audits']:,} audits: "
              f"{monitor['median_ms']} ms (median)")
    print(f"{result['seconds']} s; {args.out}")


if __name__ == "__main__":
    main()
