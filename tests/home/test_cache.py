"""Once a minute per person, with the test's clock."""

from __future__ import annotations

from datetime import timedelta

from bot.home.cache import PublishedHomes


def test_a_home_is_due_once_a_minute_per_person_unless_forced(now):
    homes = PublishedHomes()
    assert homes.claim("U1", now=now) and not homes.shown_to("U2")
    assert not homes.claim("U1", now=now + timedelta(seconds=59))
    assert homes.claim("U2", now=now + timedelta(seconds=59))  # each person has their own minute
    assert homes.claim("U1", now=now + timedelta(seconds=59), force=True)
    assert not homes.claim("U1", now=now + timedelta(seconds=118))
    assert homes.claim("U1", now=now + timedelta(seconds=119))


def test_a_failed_publication_is_forgotten(now):
    homes = PublishedHomes()
    homes.claim("U1", now=now)
    homes.forget("U1")
    assert not homes.shown_to("U1") and homes.claim("U1", now=now)
