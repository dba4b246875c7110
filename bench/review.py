"""Business review benchmark: a 13-week vendor review, figures and PDF, against a large database, read-only.

    python -m bench.review                                 # bench/data/rca_10000000.db (10M demo audits)
    python -m bench.review --database /path/to/other.db --repeats 5

What `qabot review vendor acme --period 13w --out FILE.pdf` computes, in UTC days and in Auckland's:
bot/review/service.py's business_review and bot/render/review_pdf.py's review_pdf. The database is opened with
SQLite's mode=ro: nothing is written.
Writes bench/results/review.json.
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

from bench.slack import NOW, read_only_main, summary_ms

PERIOD = "13w"
#: UTC days need only the roll-ups; Auckland's cut 14 UTC days, read from the audits as well.
ZONES = ("UTC", "Pacific/Auckland")


def run(database: Path, repeats: int) -> dict:
    from zoneinfo import ZoneInfo

    from bot.config import load_team_config
    from bot.render.review_pdf import review_pdf
    from bot.review.periods import review_period
    from bot.review.service import business_review
    from bot.store.audits import count_audits
    from bot.store.db import make_engine, session_scope

    config = load_team_config(Path("config/qabot.toml"))
    engine = make_engine(f"sqlite:///file:{database.resolve()}?mode=ro&uri=true")
    with session_scope(engine) as session:
        audits = count_audits(session)
    results = {"database": database.name, "audits": audits, "now": NOW.isoformat(), "period": PERIOD,
               "repeats": repeats, "python": platform.python_version(), "zones": {}}
    for zone in map(ZoneInfo, ZONES):
        period = review_period(PERIOD, now=NOW, zone=zone)

        def review(period=period, zone=zone):
            with session_scope(engine) as session:
                return business_review(session, config=config, scopes={"vendor": "acme"}, period=period, now=NOW,
                                       zone=zone)

        started = time.perf_counter()
        review_pdf(review())  # the first: imports, a cold page cache
        measured = {"first_day": period.first_day.isoformat(), "last_day": period.last_day.isoformat(),
                    "first_total_ms": round((time.perf_counter() - started) * 1000, 1)}
        figures, drawing, totals = [], [], []
        for _ in range(repeats):
            started = time.perf_counter()
            figured = review()
            middle = time.perf_counter()
            pdf = review_pdf(figured)
            ended = time.perf_counter()
            figures.append(middle - started)
            drawing.append(ended - middle)
            totals.append(ended - started)
        results["zones"][zone.key] = measured | {
            "figures_ms": summary_ms(figures), "pdf_ms": summary_ms(drawing), "total_ms": summary_ms(totals),
            "pdf_bytes": len(pdf), "review_audits": figured.headline.counts.audits}
    engine.dispose()
    return results


def main() -> None:
    read_only_main(__doc__, run, out="bench/results/review.json", repeats=5)


if __name__ == "__main__":
    main()
