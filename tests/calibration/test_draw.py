import random

from bot.calibration.draw import Candidate, draw_items


def candidates(disagreed: int, agreed: int) -> list[Candidate]:
    return ([Candidate(f"d{n}", f"A-d{n}", "shop", "counterfeit", True) for n in range(disagreed)]
            + [Candidate(f"a{n}", f"A-a{n}", "shop", "counterfeit", False) for n in range(agreed)])


def test_half_disagreed_half_agreed_and_the_same_seed_gives_the_same_draw_in_any_order():
    pool = candidates(40, 400)
    drawn = draw_items(pool, count=20, seed=11)
    assert len(drawn) == 20 and sum(c.disagreed for c in drawn) == 10
    assert len({c.item_id for c in drawn}) == 20
    shuffled = pool[:]
    random.Random(3).shuffle(shuffled)
    assert draw_items(shuffled, count=20, seed=11) == drawn
    assert draw_items(pool, count=20, seed=12) != drawn
    assert drawn[:10] != sorted(drawn[:10], key=lambda c: c.disagreed)  # strata are mixed, not in blocks


def test_short_strata_are_filled_from_the_other_and_items_audited_twice_count_once():
    assert sum(c.disagreed for c in draw_items(candidates(3, 100), count=20, seed=1)) == 3
    assert sum(c.disagreed for c in draw_items(candidates(100, 4), count=20, seed=1)) == 16
    assert len(draw_items(candidates(2, 3), count=20, seed=1)) == 5
    twice = [Candidate("x", "A1", "shop", None, False), Candidate("x", "A2", "shop", None, True)]
    assert draw_items(twice, count=5, seed=1) == [twice[1]]
