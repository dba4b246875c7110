"""What each figure of a business review means: its appendix, in the PDF and the CSV alike."""

from __future__ import annotations

DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Accuracy", "Audits where QA's decision matches the agent's, over all audits of the scope and period "
                 "(final verdicts: an overturned dispute counts as correct)."),
    ("95% interval", "Wilson score interval of the accuracy: where the true rate lies, given this many audits."),
    ("Status", "meets: accuracy at or over the SLA target; below: under it, but the interval reaches it; "
               "significantly below: the whole interval is under the target."),
    ("Change", "Accuracy now minus accuracy then, in percentage points; significant when a two-proportion "
               "z-test gives p < 0.05. The previous period of a month or quarter is the calendar one before; "
               "of other periods, as many days just before."),
    ("Same period a year earlier", "52 weeks before for whole weeks (same weekdays), else the same dates."),
    ("AHT", "Average handle time: mean seconds per audited decision that has a handle time, against the target."),
    ("Trend", "Accuracy per week (Monday to Sunday) for 13 weeks, or per calendar month for 12 months when the "
              "review covers a quarter; the band is each point's 95% interval, the dashed line the target."),
    ("Error Pareto", "Errors by category, most first, with their cumulative share; the vital few reach 80%. "
                     "Rate: errors per 1,000 audits, against the previous period."),
    ("Largest movers", "Queues, policies, markets and sites with at least 20 audits in both periods whose "
                       "accuracy changed most against the previous period, either way."),
    ("Escalations", "Filed in the period. Time to acknowledge and to resolve: mean minutes from filing, of those "
                    "acknowledged or resolved (those still waiting count as breaches instead); a breach is an "
                    "acknowledgement or resolution after its SLA deadline, or none by the period's end."),
    ("SLA-breach alerts", "Alerts the monitor opened in the period, and minutes from opening to acknowledgement."),
    ("Calibration", "Sessions closed in the period on the scope's queues or policies: percent agreement and "
                    "chance-corrected agreement (Fleiss' kappa, Krippendorff's alpha, Gwet's AC1) among judges."),
    ("Disputes", "Disputes filed on the period's audits (superseded ones left out); overturn rate: overturned "
                 "over filed."),
    ("Periods", "Whole days, midnight to midnight in the time zone shown next to the dates (a scheduled review's "
                "own, a team's, else UTC). week: the previous Monday to Sunday; month, quarter: the previous "
                "calendar one."),
)
