"""What an audit's two labels mean together: correct, FP, FN or wrong label."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from bot.store.models import Outcome


def classify(agent: pd.Series, qa: pd.Series, *, no_violation_labels: Iterable[str]) -> pd.Series:
    """Outcome of each audit; labels compare case-insensitively, QA is the reference.

    >>> classify(pd.Series(["approve", "remove"]), pd.Series(["remove", "remove"]),
    ...          no_violation_labels=["approve"]).tolist()
    ['false_negative', 'correct']
    """
    allowed = {label.casefold() for label in no_violation_labels}
    agent_folded = _casefolded(agent)
    qa_folded = _casefolded(qa)
    agent_passed = agent_folded.isin(allowed)
    qa_passed = qa_folded.isin(allowed)
    outcome = np.select(
        [
            (agent_folded == qa_folded) | (agent_passed & qa_passed),
            qa_passed,
            agent_passed,
        ],
        [Outcome.CORRECT.value, Outcome.FALSE_POSITIVE.value, Outcome.FALSE_NEGATIVE.value],
        default=Outcome.WRONG_LABEL.value,
    )
    return pd.Series(outcome, index=agent.index, dtype=object)


def _casefolded(labels: pd.Series) -> pd.Series:
    """Labels casefolded, each distinct one once: a file has a few dozen labels, casefold runs in Python."""
    codes, distinct = pd.factorize(labels, use_na_sentinel=False)
    return pd.Series(distinct.str.casefold().to_numpy()[codes], index=labels.index)
