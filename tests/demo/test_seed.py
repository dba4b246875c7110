from datetime import date

import pandas as pd

from bot.demo.seed import demo_chunks, load_demo
from bot.kpi.periods import Period
from bot.kpi.scorecard import Status
from bot.kpi.service import scorecard_for
from bot.store.db import session_scope


def test_same_seed_same_rows(now):
    first = pd.concat(demo_chunks(audits=5000, days=30, seed=3, now=now))
    second = pd.concat(demo_chunks(audits=5000, days=30, seed=3, now=now))
    other = pd.concat(demo_chunks(audits=5000, days=30, seed=4, now=now))
    pd.testing.assert_frame_equal(first, second)
    assert not first.equals(other)


def test_demo_data_tells_the_acme_story(engine, config, now):
    summary = load_demo(engine, config=config, audits=40_000, days=90, seed=7, now=now)
    assert summary.counts.inserted == 40_000 and summary.rejected == 0
    assert load_demo(engine, config=config, audits=40_000, days=90, seed=7, now=now).counts.unchanged == 40_000

    last_week = Period(date(2026, 11, 16), date(2026, 11, 22))
    with session_scope(engine) as session:
        acme = scorecard_for(session, config=config, scopes={"vendor": "acme"}, period=last_week)
        earlier = scorecard_for(session, config=config, scopes={"vendor": "acme"},
                                period=Period(date(2026, 9, 1), date(2026, 11, 1)))
        others = [scorecard_for(session, config=config, scopes={"vendor": name}, period=last_week)
                  for name in ("Globex Trust Services", "Initech Review", "in-house")]
    assert 0.93 <= earlier.accuracy.value <= 0.97
    assert acme.status is Status.SIGNIFICANTLY_BELOW and acme.change.significant
    assert acme.change.delta_points < -4
    for card in others:
        assert 0.93 <= card.accuracy.value <= 0.98 and not card.change.significant
    assert {e.category for e in acme.top_errors} >= {"missed context", "policy misread"}
    frame = pd.concat(demo_chunks(audits=40_000, days=90, seed=7, now=now))
    assert 180 <= frame["agent_id"].nunique() <= 200
    assert frame["queue"].nunique() == 5 and frame["market"].nunique() >= 6
