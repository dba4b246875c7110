import pandas as pd

from bot.audits.validation import DuplicateTracker


def test_duplicates_are_found_within_and_across_chunks():
    tracker = DuplicateTracker()
    first = tracker.reasons(pd.Series(["a", "b", "a", ""]), pd.Series([2, 3, 4, 5]))
    assert first.tolist() == ["", "", "audit_id 'a' already appears on line 2", ""]
    second = tracker.reasons(pd.Series(["c", "b", "c", "d", ""]), pd.Series([6, 7, 8, 9, 10]))
    assert second.tolist() == ["", "audit_id 'b' already appears on line 3",
                               "audit_id 'c' already appears on line 6", "", ""]
    third = tracker.reasons(pd.Series(["d", "a", "zz"]), pd.Series([11, 12, 13]))
    assert third.tolist() == ["audit_id 'd' already appears on line 9",
                              "audit_id 'a' already appears on line 2", ""]
