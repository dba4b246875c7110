from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.kpi.local_days import latest_post_time, local_day_edges, local_midnight

DUBLIN, LOS_ANGELES, MANILA = ZoneInfo("Europe/Dublin"), ZoneInfo("America/Los_Angeles"), ZoneInfo("Asia/Manila")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def hours(edges):
    return [(b - a).total_seconds() / 3600 for a, b in zip(edges, edges[1:])]


def test_local_days_are_23_24_or_25_hours_long_around_dst():
    # Dublin falls back on Sunday 2026-10-25 (25 h), Los Angeles on Sunday 2026-11-01.
    assert hours(local_day_edges(DUBLIN, date(2026, 10, 24), date(2026, 10, 26))) == [24, 25, 24]
    assert hours(local_day_edges(LOS_ANGELES, date(2026, 10, 31), date(2026, 11, 2))) == [24, 25, 24]
    assert hours(local_day_edges(DUBLIN, date(2026, 3, 28), date(2026, 3, 30))) == [24, 23, 24]
    assert local_midnight(MANILA, date(2026, 11, 22)) == datetime(2026, 11, 21, 16, tzinfo=UTC)


def test_a_skipped_midnight_starts_the_day_at_the_first_hour_that_exists():
    # Santiago springs forward at midnight on 2026-09-06: the day starts at 01:00 local (04:00 UTC).
    assert local_midnight(ZoneInfo("America/Santiago"), date(2026, 9, 6)) == datetime(2026, 9, 6, 4, tzinfo=UTC)


def test_latest_post_time_follows_weekdays_and_local_time():
    at = time(9, 0)
    friday_post = datetime(2026, 10, 23, 8, tzinfo=UTC)  # 09:00 Irish summer time
    assert latest_post_time(zone=DUBLIN, at=at, weekdays=WEEKDAYS, now=friday_post) == friday_post
    assert latest_post_time(zone=DUBLIN, at=at, weekdays=WEEKDAYS,
                            now=datetime(2026, 10, 26, 8, 30, tzinfo=UTC)) == friday_post
    assert latest_post_time(zone=DUBLIN, at=at, weekdays=WEEKDAYS,
                            now=datetime(2026, 10, 26, 9, tzinfo=UTC)) == datetime(2026, 10, 26, 9, tzinfo=UTC)
    # Los Angeles 08:00 is 15:00 UTC in summer time, 16:00 UTC after 2026-11-01.
    assert latest_post_time(zone=LOS_ANGELES, at=time(8), weekdays=WEEKDAYS,
                            now=datetime(2026, 11, 2, 23, tzinfo=UTC)) == datetime(2026, 11, 2, 16, tzinfo=UTC)
    assert latest_post_time(zone=LOS_ANGELES, at=time(8), weekdays=WEEKDAYS,
                            now=datetime(2026, 10, 30, 23, tzinfo=UTC)) == datetime(2026, 10, 30, 15, tzinfo=UTC)


def test_a_post_time_inside_the_spring_gap_moves_on_by_the_gap():
    # 01:30 does not exist in Dublin on 2026-03-29 (01:00 -> 02:00): the post goes out at 02:30 local.
    moment = latest_post_time(zone=DUBLIN, at=time(1, 30), weekdays=["sun"], now=datetime(2026, 3, 29, 12, tzinfo=UTC))
    assert moment == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert moment.astimezone(DUBLIN).hour == 2
