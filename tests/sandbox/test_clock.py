"""The sandbox's clock runs with the real one, moved forward by what the page asked; never back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.sandbox.clock import ShiftingClock


def test_time_moves_forward_by_what_was_asked_and_keeps_running():
    clock = ShiftingClock()
    before = datetime.now(UTC)
    moved = clock.advance(timedelta(hours=25))
    assert clock.offset == timedelta(hours=25) and moved.tzinfo is UTC
    assert timedelta(hours=25) <= moved - before < timedelta(hours=25, seconds=5)
    assert clock() >= moved


@pytest.mark.parametrize("by", [timedelta(), timedelta(hours=-1)])
def test_time_never_moves_back_or_stands(by):
    with pytest.raises(ValueError):
        ShiftingClock().advance(by)
