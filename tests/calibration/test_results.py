import math

from bot.calibration.results import CalibrationResults, build_results


def test_results_leave_the_expert_out_of_the_room_and_survive_the_store():
    items = {1: "item-1", 2: "item-2", 3: "item-3"}
    verdicts = {
        1: {"ana": "remove", "ben": "remove", "cy": "approve", "lead": "remove"},
        2: {"ana": "approve", "ben": "remove", "cy": "approve", "lead": "approve"},
        3: {"ana": "approve", "ben": "approve", "lead": "approve"},  # cy stopped early
    }
    results = build_results(item_ids=items, verdicts=verdicts, participants=["ana", "ben", "cy", "lead"],
                            finished=2, expert="lead", labels=["approve", "remove"], seed=5)
    assert (results.items, results.items_judged, results.verdicts, results.participants) == (3, 3, 8, 3)
    assert [(p.participant, p.agreed, p.judged) for p in results.by_participant] == [("cy", 1, 2), ("ben", 2, 3), ("ana", 3, 3)]
    assert {s.item_id for s in results.split} == {"item-1", "item-2"}
    assert CalibrationResults.from_json(results.to_json()) == results


def test_no_item_judged_twice_gives_undefined_figures_not_an_error():
    results = build_results(item_ids={1: "i"}, verdicts={1: {"ana": "approve"}}, participants=["ana", "ben"],
                            finished=0, expert=None, labels=["approve", "remove"], seed=1)
    assert all(math.isnan(f.value) for f in results.figures)
    restored = CalibrationResults.from_json(results.to_json())
    assert all(math.isnan(f.value) for f in restored.figures)
