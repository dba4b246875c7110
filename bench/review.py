"""Business review benchmark: a 13-week vendor review, figures and PDF, against a large database, read-only.

    python -m bench.review                                 # bench/data/rca_10000000.db (10M demo audits)
    python -m bench.review --database /path/to/other.db --repeats 5

What `qabot review vendor acme --period 13w --out FILE.pdf` computes: bot/review/service.py's business_review
and bot/render/review_pdf.py's review_pdf. The database is opened with SQLite's mode=ro: nothing is written.
Writes bench/results/review.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from bench.slack import NOW, summary_ms

PERIOD = "13w"


def run(database: Path, repeats: int) -> dict:
    from bot.config import load_team_config
    from bot.render.review_pdf import review_pdf
    from bot.review.periods import review_period
    from bot.review.service import business_review
    from bot.store.audits import count_audits
    from bot.store.db import make_engine, session_scope

    config = load_team_config(Path("config/qabot.toml"))
    engine = make_engine(f"sqlite:///file:{database.resolve()}?mode=ro&uri=true")
    period = review_period(PERIOD, now=NOW)

    def review():
        with session_scope(engine) as session:
            return business_review(session, config=config, scopes={"vendor": "acme"}, period=period, now=NOW)

    with session_scope(engine) as session:
        audits = count_audits(session)
    results = {"database": database.name, "audits": audits, "now": NOW.isoformat(), "period": PERIOD,
               "first_day": period.first_day.isoformat(), "last_day": period.last_day.isoformat(),
               "repeats": repeats, "python": platform.python_version()}
    started = time.perf_counter()
    review_pdf(review())  # the first: imports, a cold page cache
    results["first_total_ms"] = round((time.perf_counter() - started) * 1000, 1)
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
    results |= {"figures_ms": summary_ms(figures), "pdf_ms": summary_ms(drawing), "total_ms": summary_ms(totals),
                "pdf_bytes": len(pdf), "review_audits": figured.headline.counts.audits}
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=Path("bench/data/rca_10000000.db"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/results/review.json"))
    args = parser.parse_args()
    results = run(args.database, args.repeats)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
