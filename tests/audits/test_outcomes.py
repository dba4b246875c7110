import pandas as pd
import pytest

from bot.audits.outcomes import classify


@pytest.mark.parametrize(
    ("agent", "qa", "expected"),
    [
        ("approve", "approve", "correct"),
        ("counterfeit", "counterfeit", "correct"),
        ("Counterfeit", "counterfeit", "correct"),
        ("counterfeit", "approve", "false_positive"),
        ("approve", "counterfeit", "false_negative"),
        ("counterfeit", "prohibited-items", "wrong_label"),
        ("approve", "no-action", "correct"),  # two no-violation labels agree in meaning
        ("no-action", "counterfeit", "false_negative"),
    ],
)
def test_outcome(agent, qa, expected):
    result = classify(pd.Series([agent]), pd.Series([qa]), no_violation_labels=["approve", "No-Action"])
    assert result.tolist() == [expected]
