"""Every agreement figure against a published worked example."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss_kappa

from bot.calibration.agreement import (
    agreement_figures,
    count_matrix,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    participant_agreement,
    percent_agreement,
    split_items,
)

# Fleiss (1971), as in most textbooks: 10 items, 14 raters, 5 categories; kappa 0.210.
FLEISS_1971 = np.array([
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
], dtype=float)

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 observers, 12 units,
# values 1-5, with missing values; nominal alpha 0.743. The same data is `cac.raw4raters` of Gwet's
# Handbook of Inter-Rater Reliability; irrCAC (the Python port of Gwet's own R package) gives, for it,
# percent agreement 0.81818, AC1 0.77544 and Fleiss' kappa 0.76117 (to the 5 decimals it reports).
OBSERVERS = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
KRIPPENDORFF_2011 = {
    f"unit-{unit + 1}": {who: str(values[unit]) for who, values in OBSERVERS.items() if values[unit] is not None}
    for unit in range(12)
}
LABELS = ["1", "2", "3", "4", "5"]


def test_fleiss_kappa_matches_fleiss_1971_and_statsmodels():
    assert round(fleiss_kappa(FLEISS_1971), 3) == 0.210
    assert fleiss_kappa(FLEISS_1971) == pytest.approx(statsmodels_fleiss_kappa(FLEISS_1971, method="fleiss"))
    assert round(percent_agreement(FLEISS_1971), 3) == 0.378  # P-bar in the same example


def test_krippendorff_2011_example_with_missing_values():
    counts = count_matrix(KRIPPENDORFF_2011, LABELS)
    assert round(krippendorff_alpha(counts), 3) == 0.743
    assert round(percent_agreement(counts), 5) == 0.81818
    assert round(gwet_ac1(counts), 5) == 0.77544
    assert round(fleiss_kappa(counts), 5) == 0.76117  # Gwet's form for unequal numbers of ratings


def test_ac1_stays_high_when_one_label_dominates_and_kappa_does_not():
    # 40 items, 5 raters: 38 all say "approve"; on 2 items one rater says "remove".
    counts = np.array([[5, 0]] * 38 + [[4, 1]] * 2, dtype=float)
    assert percent_agreement(counts) == pytest.approx(0.98)
    assert fleiss_kappa(counts) < 0 < 0.97 < gwet_ac1(counts)


def test_the_figures_as_posted_are_the_published_ones():
    figures = {f.name: f.value for f in agreement_figures(count_matrix(KRIPPENDORFF_2011, LABELS), seed=3,
                                                          resamples=20)}
    assert round(figures["Krippendorff's alpha"], 3) == 0.743 and round(figures["Gwet's AC1"], 5) == 0.77544
    assert round(figures["Fleiss' kappa"], 5) == 0.76117 and round(figures["percent agreement"], 5) == 0.81818
    fleiss = {f.name: f.value for f in agreement_figures(FLEISS_1971, seed=3, resamples=20)}
    assert round(fleiss["Fleiss' kappa"], 3) == 0.210


def test_intervals_are_reproducible_and_contain_the_estimate():
    counts = count_matrix(KRIPPENDORFF_2011, LABELS)
    figures = agreement_figures(counts, seed=7, resamples=300)
    assert figures == agreement_figures(counts, seed=7, resamples=300)
    assert [f.name for f in figures] == ["percent agreement", "Fleiss' kappa", "Krippendorff's alpha", "Gwet's AC1"]
    for figure in figures:
        assert figure.low <= figure.value <= figure.high <= 1


def test_everyone_always_agreeing_on_one_label_leaves_chance_corrected_figures_undefined():
    counts = np.array([[3, 0]] * 5, dtype=float)
    figures = {f.name: f for f in agreement_figures(counts, seed=1, resamples=50)}
    assert figures["percent agreement"].value == 1.0
    assert math.isnan(figures["Fleiss' kappa"].value) and math.isnan(figures["Krippendorff's alpha"].value)


def test_participants_against_the_expert_or_the_majority_of_the_others():
    verdicts = {
        "i1": {"ana": "remove", "ben": "remove", "cy": "approve", "lead": "remove"},
        "i2": {"ana": "approve", "ben": "remove", "cy": "approve", "lead": "approve"},
        "i3": {"ana": "approve", "ben": "approve", "cy": "approve"},
    }
    with_expert = participant_agreement(verdicts, participants=["ana", "ben", "cy"], expert="lead")
    assert [(r.participant, r.judged, r.agreed) for r in with_expert] == [("ben", 2, 1), ("cy", 2, 1), ("ana", 2, 2)]
    majority = participant_agreement(verdicts, participants=["ana", "ben", "cy", "lead"], expert=None)
    assert {r.participant: (r.judged, r.agreed) for r in majority}["cy"] == (3, 2)


def test_split_items_come_most_divided_first():
    split = split_items(KRIPPENDORFF_2011, limit=3)
    assert split[0].item_id == "unit-6" and split[0].spread == [("1", 1), ("2", 1), ("3", 1), ("4", 1)]
    assert all(item.agreement < 1 for item in split)
